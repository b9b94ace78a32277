/**
 * Limits of a page cache; whichever is reached first evicts the least recently used page.
 * Bytes are counted as characters: pages are ASCII JSON.
 */
export interface PageCacheLimits {
  maxPages: number;
  maxBytes: number;
}

/** Room for 64 MB: about 250 pages of 200 records, or the default dataset's pages many times over. */
export const PAGE_CACHE_DEFAULTS: PageCacheLimits = { maxPages: 1024, maxBytes: 64 * 1024 * 1024 };

export interface PageCache {
  /**
   * The page for this key, from the cache or made by `render` and kept. A new data
   * version empties the cache first: pages of older versions can never be asked for again.
   */
  get(version: number, position: number, pageSize: number, paging: string, render: () => string): string;
  /**
   * The UTF-8 bytes of a page this cache handed out and still holds, else undefined.
   * Sending bytes instead of the string saves encoding 60 KB or so on every answer, the
   * largest cost of a cached page. The lookup is by the string itself: for a string the
   * cache holds, its hash is already known and equality is pointer identity.
   */
  bytesOf(text: string): Buffer | undefined;
  readonly pages: number;
  /** Characters held (pages are ASCII JSON), counted twice: as string and as bytes. */
  readonly bytes: number;
}

/**
 * A bounded LRU cache of serialized pages keyed by (data version, position, page size,
 * paging mode). Pages are deterministic between changes of the data, so a page served
 * again costs a map lookup instead of a range scan, a cursor signature and a string build.
 *
 * @example
 * const cache = createPageCache();
 * cache.get(store.version, 0, 100, 'lab', () => renderUncached(0, 100)) // rendered once
 */
export function createPageCache(limits: PageCacheLimits = PAGE_CACHE_DEFAULTS): PageCache {
  // A Map keeps insertion order: re-inserting on a hit makes its first key the oldest.
  const entries = new Map<string, string>();
  const encoded = new Map<string, { bytes: Buffer; keys: number }>();
  let cachedVersion = -1;
  let bytes = 0;

  const evictOldest = () => {
    const oldest = entries.entries().next();
    if (oldest.done) return;
    const [key, text] = oldest.value;
    bytes -= 2 * text.length;
    entries.delete(key);
    const body = encoded.get(text)!;
    if (--body.keys === 0) encoded.delete(text);
  };

  return {
    get(version, position, pageSize, paging, render) {
      if (version !== cachedVersion) {
        entries.clear();
        encoded.clear();
        bytes = 0;
        cachedVersion = version;
      }
      const key = `${position}:${pageSize}:${paging}`;
      const hit = entries.get(key);
      if (hit !== undefined) {
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const page = render();
      // A page larger than the whole budget is served but not kept.
      if (2 * page.length > limits.maxBytes) return page;
      while (entries.size >= limits.maxPages || bytes + 2 * page.length > limits.maxBytes) evictOldest();
      entries.set(key, page);
      // Two keys can render the same text (the last page asked with two page sizes): one Buffer serves both.
      const body = encoded.get(page);
      if (body) body.keys++;
      else encoded.set(page, { bytes: Buffer.from(page), keys: 1 });
      bytes += 2 * page.length;
      return page;
    },
    bytesOf: (text) => encoded.get(text)?.bytes,
    get pages() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}

const caches = new WeakMap<object, PageCache>();

/**
 * The page cache of an owner (the Fastify app), made on first use: renderPage fills it,
 * the reply helper asks it for bytes.
 *
 * @example
 * pageCacheFor(app).get(app.store.version, 0, 100, 'lab', render)
 */
export function pageCacheFor(owner: object): PageCache {
  let cache = caches.get(owner);
  if (cache === undefined) caches.set(owner, (cache = createPageCache()));
  return cache;
}
