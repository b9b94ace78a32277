// The verdict's core: a warehouse table against the API's ground truth, as counts.
// Pure: rows in, counts out; the runner and `hed-tester check` only fetch and read.

import { columnsOfFields, SYSTEM_COLUMNS } from '../../warehouse/column-names.js';

/** Columns the destination adds (never compared with the source), and where a field lives: warehouse/column-names.ts. */
export { columnsOfFields, SYSTEM_COLUMNS };

/** How a warehouse table differs from the ground truth. */
export interface Comparison {
  /** Records in the ground truth. */
  expected: number;
  /** Live rows in the warehouse (soft-deleted rows not counted). */
  actual: number;
  /** Source records with no live row (missing, or soft-deleted although the source has them). */
  lost: number;
  /** Extra live rows for a key that already has one. */
  duplicated: number;
  /** Live rows whose key is not in the source (rewritten or invented keys). */
  unexpected: number;
  /** Matched rows with at least one source field of another value. */
  differing: number;
  /** Soft-deleted rows whose key the source no longer has: a correct delete, not an error. */
  softDeleted: number;
  /** Columns the warehouse has and the source records do not (schema drift): tolerated. */
  extraColumns: string[];
  /** A few examples per problem, for the report: `lost 1b2c...`, `differing 3f4e... score: 3.1 ≠ 3.2`. */
  examples: string[];
}

/** Options of compareRows. */
export interface CompareOptions {
  /** The key column (default record_id). */
  key?: string;
  /** Examples kept (default 5). */
  maxExamples?: number;
}

/** True when nothing is lost, duplicated, unexpected or differing. */
export function isEqual(comparison: Comparison): boolean {
  return comparison.lost + comparison.duplicated + comparison.unexpected + comparison.differing === 0;
}

const FLOAT32_RELATIVE = 1e-6;

/**
 * Whether a warehouse value stands for a source (JSON) value, tolerant of how warehouses
 * type things: 0/1 for booleans (the Fivetran tester's BIGINT for HED's risk flag), float32
 * rounding (FLOAT columns), bigint for integers, timestamps read back as ISO text, and
 * JSON columns read back parsed.
 *
 * @example
 * sameValue(true, 1)                 // true
 * sameValue(3.07, Math.fround(3.07)) // true
 * sameValue('2025-07-31 23:57:37', '2025-07-31T23:57:37.000Z') // true
 * sameValue('42', 42)                // true
 */
export function sameValue(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  if (typeof actual === 'bigint') return sameValue(expected, Number(actual));
  if (typeof expected === 'boolean') {
    if (typeof actual === 'number') return actual === (expected ? 1 : 0);
    if (typeof actual === 'string') return actual.toLowerCase() === String(expected);
    return false;
  }
  if (typeof expected === 'number') {
    const value = typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : actual;
    if (typeof value !== 'number' || Number.isNaN(value)) return false;
    if (value === expected || Math.fround(expected) === Math.fround(value)) return true;
    return Math.abs(value - expected) <= FLOAT32_RELATIVE * Math.max(Math.abs(expected), Math.abs(value));
  }
  if (typeof expected === 'string') {
    // Text the Fivetran tester typed (an undeclared "42", "1.5", "true" becomes BIGINT, DOUBLE, BOOLEAN).
    if (typeof actual === 'number') return expected.trim() !== '' && Number(expected) === actual;
    if (typeof actual === 'boolean') return /^(true|t)$/i.test(expected) ? actual : /^(false|f)$/i.test(expected) ? !actual : false;
    if (typeof actual !== 'string') return false;
    const a = timestampMs(expected);
    return a !== undefined && a === timestampMs(actual);
  }
  if (typeof expected === 'object') {
    let parsed: unknown = actual;
    if (typeof actual === 'string') {
      try {
        parsed = JSON.parse(actual) as unknown;
      } catch {
        return false;
      }
    }
    return JSON.stringify(expected) === JSON.stringify(parsed);
  }
  return false;
}

/** Milliseconds of a `2025-07-31 23:57:37` or ISO timestamp (UTC when no zone), else undefined. */
function timestampMs(text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (match === null) return undefined;
  const [, date, hours, minutes, seconds, zone] = match;
  const ms = Date.parse(`${date}T${hours!.padStart(2, '0')}:${minutes}:${seconds}${zone ?? 'Z'}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const isDeleted = (row: Record<string, unknown>) => {
  const flag = row._fivetran_deleted;
  return flag === true || flag === 1 || flag === 1n || flag === 'true';
};

const keyText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(typeof value === 'bigint' ? Number(value) : value));

/**
 * Compares warehouse rows with the source records by key. A soft-deleted row counts as
 * lost when the source still has the record and as a correct delete otherwise; columns the
 * source does not have (drift-added fields, the destination's own) are ignored.
 *
 * @example
 * compareRows([{ record_id: 'a', x: 1 }], [{ record_id: 'a', x: 2 }]).differing // 1
 */
export function compareRows(source: readonly Record<string, unknown>[], rows: readonly Record<string, unknown>[], options: CompareOptions = {}): Comparison {
  const key = options.key ?? 'record_id';
  const maxExamples = options.maxExamples ?? 5;
  const examples: string[] = [];
  const note = (text: string) => {
    if (examples.length < maxExamples) examples.push(text);
  };
  const truth = new Map<string, Record<string, unknown>>();
  const sourceFields = new Set<string>();
  for (const record of source) {
    truth.set(keyText(record[key]), record);
    for (const field of Object.keys(record)) sourceFields.add(field);
  }
  const warehouseColumns = new Set<string>();
  for (const row of rows) for (const column of Object.keys(row)) warehouseColumns.add(column);
  const columnOf = columnsOfFields(sourceFields, warehouseColumns);
  const mapped = new Set(columnOf.values());
  const extraColumns = [...warehouseColumns].filter((c) => !sourceFields.has(c) && !mapped.has(c) && !SYSTEM_COLUMNS.includes(c)).sort();

  const seen = new Set<string>();
  let duplicated = 0;
  let unexpected = 0;
  let differing = 0;
  let softDeleted = 0;
  let actual = 0;
  for (const row of rows) {
    const id = keyText(row[key]);
    if (isDeleted(row)) {
      if (!truth.has(id)) softDeleted += 1;
      continue;
    }
    actual += 1;
    if (seen.has(id)) {
      duplicated += 1;
      note(`duplicated ${id}`);
      continue;
    }
    seen.add(id);
    const expected = truth.get(id);
    if (expected === undefined) {
      unexpected += 1;
      note(`unexpected ${id}`);
      continue;
    }
    const field = Object.keys(expected).find((name) => !sameValue(expected[name], row[columnOf.get(name) ?? name]));
    if (field !== undefined) {
      differing += 1;
      const value = row[columnOf.get(field) ?? field];
      note(`differing ${id} ${field}: ${JSON.stringify(expected[field])} in the source, ${JSON.stringify(typeof value === 'bigint' ? Number(value) : value) ?? 'no value'} in the warehouse`);
    }
  }
  let lost = 0;
  for (const id of truth.keys()) {
    if (!seen.has(id)) {
      lost += 1;
      note(`lost ${id}`);
    }
  }
  return { expected: truth.size, actual, lost, duplicated, unexpected, differing, softDeleted, extraColumns, examples };
}
