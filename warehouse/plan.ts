// Pure planning of one commit: the operations of a checkpoint collapsed into one set-based
// write per table (rows replaced, rows patched, soft deletes), split where a truncate sits,
// so the DuckDB shell runs a few statements per table instead of one per row.
import { createHash } from 'node:crypto';
import { asText, isTypedValue } from './value-types.js';
import type { CommitCounts, WarehouseOperation, WarehouseValue } from './types.js';

/** The system columns every table gets. */
export const SYNCED_COLUMN = '_fivetran_synced';
export const DELETED_COLUMN = '_fivetran_deleted';
/** The surrogate key of a table without a declared primary key. */
export const ID_COLUMN = '_fivetran_id';

type Row = Record<string, WarehouseValue>;

/** The net effect of a commit's operations on one row. */
export interface RowChange {
  /** true: the whole row is replaced (upsert; missing fields NULL). false: only `data`'s columns change. */
  replace: boolean;
  data: Row;
  /** true: soft-deleted; false: live again (upsert); undefined: unchanged. */
  deleted: boolean | undefined;
}

/** One step of a commit, applied in order. */
export type CommitStep = { kind: 'write'; table: string; rows: Map<string, RowChange> } | { kind: 'truncate'; table: string };

/** A commit planned: the steps and the operation counts (schema changes are the shell's). */
export interface CommitPlan {
  steps: CommitStep[];
  counts: CommitCounts;
}

/**
 * Collapses operations into per-table row changes, as the SDK defines them: an upsert
 * replaces the row, an update merges its columns into what is there, a delete marks the
 * row deleted, a truncate marks every row of the table deleted. `keyOf` gives the primary
 * key columns of a table, or undefined when the table has none (then `_fivetran_id`, a
 * hash of the row's values, is the key and is added to the data).
 *
 * @example
 * planCommit([{ op: 'upsert', table: 't', data: { id: 1, a: 2 } }, { op: 'update', table: 't', data: { id: 1, a: 3 } }], () => ['id'])
 * // one write step: id 1 replaced with { id: 1, a: 3 }; counts upserts 1, updates 1
 */
export function planCommit(operations: readonly WarehouseOperation[], keyOf: (table: string) => readonly string[] | undefined): CommitPlan {
  const counts: CommitCounts = { upserts: 0, updates: 0, deletes: 0, truncates: 0, schemaChanges: 0 };
  const steps: CommitStep[] = [];
  const open = new Map<string, Map<string, RowChange>>();
  const flush = (table: string) => {
    const rows = open.get(table);
    if (rows !== undefined && rows.size > 0) steps.push({ kind: 'write', table, rows });
    open.delete(table);
  };
  for (const operation of operations) {
    if (operation.op === 'truncate') {
      flush(operation.table);
      steps.push({ kind: 'truncate', table: operation.table });
      counts.truncates++;
      continue;
    }
    let rows = open.get(operation.table);
    if (rows === undefined) {
      rows = new Map();
      open.set(operation.table, rows);
    }
    const primaryKey = keyOf(operation.table);
    let data: Row = operation.data;
    if (primaryKey === undefined || primaryKey.length === 0) data = { ...data, [ID_COLUMN]: rowHash(data) };
    const key = rowKey(operation.table, operation.op, data, primaryKey === undefined || primaryKey.length === 0 ? [ID_COLUMN] : primaryKey);
    const existing = rows.get(key);
    if (operation.op === 'upsert') {
      rows.set(key, { replace: true, data: { ...data }, deleted: false });
      counts.upserts++;
    } else if (operation.op === 'update') {
      if (existing === undefined) rows.set(key, { replace: false, data: { ...data }, deleted: undefined });
      else Object.assign(existing.data, data);
      counts.updates++;
    } else {
      if (existing === undefined) rows.set(key, { replace: false, data: keyColumns(data, primaryKey === undefined || primaryKey.length === 0 ? [ID_COLUMN] : primaryKey), deleted: true });
      else existing.deleted = true;
      counts.deletes++;
    }
  }
  for (const table of [...open.keys()]) flush(table);
  return { steps, counts };
}

/** A value's text for keys and hashes: the text a typed value was typed from (so typing text changes no `_fivetran_id`), else its value's text. */
function hashText(value: WarehouseValue): string {
  if (!isTypedValue(value)) return asText(value);
  return 'text' in value && value.text !== undefined ? value.text : asText(value.value);
}

function keyColumns(data: Row, primaryKey: readonly string[]): Row {
  const out: Row = {};
  for (const column of primaryKey) out[column] = data[column] ?? null;
  return out;
}

function rowKey(table: string, op: string, data: Row, primaryKey: readonly string[]): string {
  const parts: string[] = [];
  for (const column of primaryKey) {
    const value = data[column];
    if (value === undefined || value === null) {
      throw new Error(`An ${op} to table "${table}" has no value for its primary key column "${column}"; every row needs its whole primary key.`);
    }
    parts.push(hashText(value));
  }
  return JSON.stringify(parts);
}

/**
 * The `_fivetran_id` of a row of a table without a primary key: the MD5 (hex) of the row's
 * values as canonical JSON (keys sorted, nulls and the id itself left out), so the same
 * values give the same id on every run.
 *
 * @example
 * rowHash({ b: 1, a: 'x' }) === rowHash({ a: 'x', b: 1 }) // true
 */
export function rowHash(data: Row): string {
  const canonical = Object.keys(data)
    .filter((name) => name !== ID_COLUMN && data[name] !== null && data[name] !== undefined)
    .sort()
    .map((name) => {
      return [name, hashText(data[name]!)];
    });
  return createHash('md5').update(JSON.stringify(canonical)).digest('hex');
}
