import type { CursorCodec } from './cursor.js';
import { pageJson, planPage, type PagingMode, type SequencedRow } from './paging.js';

/** One page of `GET /hed_data`, ready to send. */
export interface Page {
  /** The page body as UTF-8 JSON bytes. */
  body: Buffer;
  /** The position the page ends at: its next_cursor stands for this. */
  nextPosition: number;
  hasMore: boolean;
  /** Records on the page. */
  records: number;
}

/** Answers "the page after position P at size S"; no HTTP in it. */
export interface PageEngine {
  /** The page of up to `pageSize` records strictly after `position`, with its bytes and next position. */
  pageAfter(position: number, pageSize: number): Page;
  /** Increases whenever the data changes: pages of an older version are stale. */
  readonly version: number;
}

/** What the engine reads: the store's rows and data version. */
export interface PageRows {
  readonly version: number;
  rowsAfter(position: number, limit: number): SequencedRow[];
}

export interface PageEngineOptions {
  rows: PageRows;
  cursors: Pick<CursorCodec, 'encode'>;
  paging: PagingMode;
  /** The page envelope's list key: `hed_records` unless a vertical names its own. */
  recordsKey?: string;
}

/**
 * The page engine over a store: asks for one row more than the page holds (so exact
 * paging knows whether records remain), plans the page and serializes it without
 * serializing the records again. Wrap it in `withPageCache` to serve repeated pages
 * from memory.
 *
 * @example
 * const pages = createPageEngine({ rows: store, cursors: createCursorCodec(42), paging: 'lab' });
 * pages.pageAfter(0, 100).nextPosition // 100 on a fresh dataset
 */
export function createPageEngine({ rows, cursors, paging, recordsKey }: PageEngineOptions): PageEngine {
  return {
    pageAfter(position, pageSize) {
      const plan = planPage(position, pageSize, rows.rowsAfter(position, pageSize + 1), paging);
      const body = Buffer.from(pageJson(plan, cursors.encode(plan.nextPosition), recordsKey));
      return { body, nextPosition: plan.nextPosition, hasMore: plan.hasMore, records: plan.rows.length };
    },
    get version() {
      return rows.version;
    },
  };
}
