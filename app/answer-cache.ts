/**
 * A small cache of computed answers keyed by the warehouse file's version: the Metrics
 * data over a million rows takes seconds, and it only changes when a sync writes. The
 * version is the size and modification time of the DuckDB file and its WAL, so a sync
 * that writes empties the cache for the next request. Least recently used entries go first.
 */
import { statSync } from 'node:fs';

/** The warehouse's version: size and mtime of the file and of its `.wal`; '' when missing. */
export function fileVersion(path: string): string {
  const part = (p: string) => {
    try {
      const s = statSync(p);
      return `${s.size}@${s.mtimeMs}`;
    } catch {
      return '-';
    }
  };
  return `${part(path)}/${part(`${path}.wal`)}`;
}

/** The cache. */
export interface AnswerCache<T> {
  /** The cached answer for this version and key, or a fresh one from `compute` (then kept). */
  get(version: string, key: string, compute: () => Promise<T>): Promise<{ value: T; hit: boolean }>;
  readonly size: number;
}

/**
 * Creates a cache of at most `maxEntries` answers.
 * @example const cache = createAnswerCache<Metrics>(32); await cache.get(fileVersion(path), JSON.stringify(filters), compute)
 */
export function createAnswerCache<T>(maxEntries: number): AnswerCache<T> {
  const entries = new Map<string, T>();
  let version = '';
  return {
    async get(currentVersion, key, compute) {
      if (currentVersion !== version) {
        entries.clear();
        version = currentVersion;
      }
      if (entries.has(key)) {
        const value = entries.get(key)!;
        entries.delete(key);
        entries.set(key, value);
        return { value, hit: true };
      }
      const value = await compute();
      // Only keep it when the file did not change while computing.
      if (maxEntries > 0 && version === currentVersion) {
        entries.set(key, value);
        while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      }
      return { value, hit: false };
    },
    get size() {
      return entries.size;
    },
  };
}
