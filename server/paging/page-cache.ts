import type { Page, PageEngine } from './page-engine.js';

/** Limits of a page cache; whichever is reached first evicts the least recently used page. */
export interface PageCacheLimits {
  maxPages: number;
  maxBytes: number;
}

/** Room for 64 MB: about 500 pages of 200 records, or the default dataset's pages many times over. */
export const PAGE_CACHE_DEFAULTS: PageCacheLimits = { maxPages: 1024, maxBytes: 64 * 1024 * 1024 };

/** A page engine that keeps the pages it served; `pages` and `bytes` say how much it holds. */
export interface CachedPageEngine extends PageEngine {
  readonly pages: number;
  /** Body bytes held. */
  readonly bytes: number;
}

/**
 * The page cache as a decorator of a page engine: a bounded LRU of pages keyed by
 * (position, page size). Pages are deterministic between changes of the data, so a page
 * served again costs a map lookup instead of a range scan, a cursor signature, a string
 * build and its UTF-8 encoding. A new data version empties the cache first: pages of
 * older versions can never be asked for again.
 *
 * @example
 * const pages = withPageCache(createPageEngine({ rows: store, cursors, paging: 'lab' }));
 * pages.pageAfter(0, 100) === pages.pageAfter(0, 100) // true: the second is a hit
 */
export function withPageCache(engine: PageEngine, limits: PageCacheLimits = PAGE_CACHE_DEFAULTS): CachedPageEngine {
  // A Map keeps insertion order: re-inserting on a hit makes its first key the oldest.
  const entries = new Map<string, Page>();
  let cachedVersion = -1;
  let bytes = 0;

  const evictOldest = () => {
    const oldest = entries.entries().next();
    if (oldest.done) return;
    const [key, page] = oldest.value;
    bytes -= page.body.length;
    entries.delete(key);
  };

  return {
    pageAfter(position, pageSize) {
      const version = engine.version;
      if (version !== cachedVersion) {
        entries.clear();
        bytes = 0;
        cachedVersion = version;
      }
      const key = `${position}:${pageSize}`;
      const hit = entries.get(key);
      if (hit !== undefined) {
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const page = engine.pageAfter(position, pageSize);
      // A page larger than the whole budget is served but not kept.
      if (page.body.length > limits.maxBytes) return page;
      while (entries.size >= limits.maxPages || bytes + page.body.length > limits.maxBytes) evictOldest();
      entries.set(key, page);
      bytes += page.body.length;
      return page;
    },
    get version() {
      return engine.version;
    },
    get pages() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
