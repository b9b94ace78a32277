import type { VerticalDefinition, VerticalPrefix } from '../verticals/index.js';
import type { MutationResult } from '../api/admin.js';
import type { PageRows } from './paging/page-engine.js';
import type { RecordStore } from './store.js';

/**
 * Where one vertical's records come from, as the data routes and the admin API read and
 * change them: HED's store (server/store.ts) or a vertical's rows (server/vertical-rows.ts).
 */
export interface DataSource extends PageRows {
  readonly definition: VerticalDefinition;
  count(): number;
  /** The highest change sequence in use (0 when empty). */
  maxPosition(): number;
  /** Every record's JSON, in change-sequence order, read lazily. */
  iterateJson(): IterableIterator<string>;
  /** Seeded, deterministic changes; answers the changed record_ids. */
  mutate(update: number, create: number): MutationResult;
  /** The initial dataset again; mutation batches start over. */
  reset(): void;
}

/**
 * HED's store as a data source: every call goes to the store, so it stays the one owner
 * of HED's records (its checksum, file and mutations unchanged).
 *
 * @example
 * hedSource(store, VERTICALS.hed).count() === store.count() // true
 */
export function hedSource(store: RecordStore, definition: VerticalDefinition): DataSource {
  return {
    definition,
    get version() {
      return store.version;
    },
    rowsAfter: (position, limit) => store.rowsAfter(position, limit),
    count: () => store.count(),
    maxPosition: () => store.maxPosition(),
    iterateJson: () => store.iterateJson(),
    mutate: (update, create) => store.mutate(update, create),
    reset: () => store.reset(),
  };
}

/** The served verticals' sources by prefix, in the lab's order. */
export type DataSources = ReadonlyMap<VerticalPrefix, DataSource>;
