import type { SequencedRow } from '../paging/paging.js';

/**
 * The position a page must start after so that it repeats up to `records` records that
 * precede `position` (the page before returned them). Positions are change sequences
 * with gaps where records moved, so the window widens until it holds enough records.
 *
 * @example
 * overlapStart((p, n) => store.rowsAfter(p, n), 300, 10) // 290 on a fresh dataset
 */
export function overlapStart(rowsAfter: (position: number, limit: number) => SequencedRow[], position: number, records: number): number {
  let span = records;
  for (;;) {
    const from = Math.max(0, position - span);
    const seqs = rowsAfter(from, position - from).map((r) => r.seq).filter((s) => s <= position);
    if (seqs.length >= records) return seqs[seqs.length - records]! - 1;
    if (from === 0) return 0;
    span *= 2;
  }
}

/** A field added to (or removed from) every record of a serialized page. */
export interface DriftChange {
  add?: string;
  value?: unknown;
  remove?: string;
}

/**
 * The page with its records (under `recordsKey`) drifted: a field added with a value, or one removed.
 *
 * @example
 * driftPage('{"hed_records":[{"a":1}],"next_cursor":"x","has_more":false}', { add: 'b', value: 2 })
 * // '{"hed_records":[{"a":1,"b":2}],"next_cursor":"x","has_more":false}'
 */
export function driftPage(pageJson: string, change: DriftChange, recordsKey = 'hed_records'): string {
  const page = JSON.parse(pageJson) as Record<string, Record<string, unknown>[]>;
  for (const record of page[recordsKey] ?? []) {
    if (change.add !== undefined) record[change.add] = change.value ?? null;
    if (change.remove !== undefined) delete record[change.remove];
  }
  return JSON.stringify(page);
}

/**
 * A body that is not JSON: a strict prefix of a JSON object can never parse, so the
 * first 60 % of the page is broken however short the page is.
 */
export function malformedBody(pageJson: string): string {
  return pageJson.slice(0, Math.max(1, Math.floor(pageJson.length * 0.6)));
}

/** How many bytes of a `length`-byte body a truncated answer sends: at least 1, never all. */
export function truncatedLength(length: number, fraction: number): number {
  return Math.max(1, Math.min(length - 1, Math.floor(length * fraction)));
}

/** An HTML error page of the kind a proxy answers when the API behind it is down. */
export function htmlErrorPage(status: number): string {
  const title = status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'Error';
  return `<!DOCTYPE html>\n<html><head><title>${status} ${title}</title></head>\n<body><center><h1>${status} ${title}</h1></center><hr><center>nginx</center></body></html>\n`;
}
