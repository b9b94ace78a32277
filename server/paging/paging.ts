export type PagingMode = 'lab' | 'exact';
export const PAGING_MODES: readonly PagingMode[] = ['lab', 'exact'];

/** A stored row: its change sequence and its record, serialized once. */
export interface SequencedRow {
  seq: number;
  json: string;
}

export interface PagePlan {
  rows: SequencedRow[];
  /** Position the next request should start after. */
  nextPosition: number;
  hasMore: boolean;
}

/**
 * Decides a page from the rows strictly after `position`. The store is asked for one row
 * more than the page holds, so exact paging knows whether records remain without a
 * second query.
 *
 * lab: has_more whenever the page is full (as the hosted API does, which ends every sync
 * with an empty page). exact: has_more only when a row beyond the page exists.
 */
export function planPage(position: number, pageSize: number, rowsPlusOne: SequencedRow[], mode: PagingMode): PagePlan {
  const rows = rowsPlusOne.length > pageSize ? rowsPlusOne.slice(0, pageSize) : rowsPlusOne;
  const last = rows[rows.length - 1];
  return {
    rows,
    nextPosition: last ? last.seq : position,
    hasMore: mode === 'lab' ? rows.length === pageSize : rowsPlusOne.length > pageSize,
  };
}

/** The page body from already-serialized records, without serializing them again; `recordsKey` names the list (`agr_records`). */
export function pageJson(plan: PagePlan, nextCursor: string, recordsKey = 'hed_records'): string {
  let body = `{"${recordsKey}":[`;
  for (let i = 0; i < plan.rows.length; i++) {
    if (i > 0) body += ',';
    body += plan.rows[i]!.json;
  }
  return `${body}],"next_cursor":"${nextCursor}","has_more":${plan.hasMore}}`;
}
