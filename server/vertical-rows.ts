import { generateRecordJson, type VerticalDefinition } from '../verticals/index.js';
import type { PageRows } from './paging/page-engine.js';
import type { SequencedRow } from './paging/paging.js';

/** A vertical's records in memory, in change-sequence order (record i at position i + 1). */
export interface VerticalRows extends PageRows {
  readonly definition: VerticalDefinition;
  count(): number;
  /** Every record's JSON, in change-sequence order. */
  json(): readonly string[];
}

/**
 * The records of a non-HED vertical for a seed, built from its definition on first use
 * (a server with fifteen paths starts as fast as one with HED alone) and kept as JSON
 * text. They do not change yet: mutations per vertical are still to come, so the data
 * version stays 0.
 *
 * @example
 * const rows = createVerticalRows(VERTICALS.agr, 42); rows.rowsAfter(0, 2)[0].seq // 1
 */
export function createVerticalRows(definition: VerticalDefinition, seed: number, count = definition.recordCount): VerticalRows {
  let records: string[] | undefined;
  const all = () => (records ??= [...generateRecordJson(definition, seed, count)]);
  return {
    definition,
    version: 0,
    count: () => all().length,
    json: () => all(),
    rowsAfter(position, limit) {
      const list = all();
      const rows: SequencedRow[] = [];
      for (let i = Math.max(0, position); i < list.length && rows.length < limit; i++) rows.push({ seq: i + 1, json: list[i]! });
      return rows;
    },
  };
}
