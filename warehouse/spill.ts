// The spill of staged operations: what a connector sends before its checkpoint is appended,
// in order, to a DuckDB file of its own (DIR/warehouse.spill.db, committed there a batch at a
// time, so it costs no memory), and applied to the warehouse with the checkpoint's state in
// one transaction. These are the pure parts: names, and the SQL that folds the log into one
// row per key (the same net effect as planCommit over the whole window).
import { quote } from './duckdb-io.js';
import type { ColumnInfo } from './duckdb-io.js';

/** The spill file beside warehouse.db; removed after each checkpoint, and when found at open. */
export const SPILL_FILE = 'warehouse.spill.db';
/** The name the spill file is attached under. */
export const SPILL_DB = 'hed_spill';

/**
 * One table's log in the spill: `_seq` (the order of the step that wrote it), `_replace`
 * (an upsert: the whole row), `_deleted` (true/false, NULL: unchanged), `_present` (the
 * column numbers an update or delete carried; NULL for an upsert), then c0…cN, one per
 * column of the warehouse table in its final type (widened here as the warehouse widens).
 */
export interface SpillTable {
  /** Its number: the log is `t<n>`, its folded rows `r<n>`. */
  readonly id: number;
  /** Column names in spill order (c0 is columns[0]). */
  columns: ColumnInfo[];
  readonly primaryKey: readonly string[];
  /** Rows logged (a table only truncated has none). */
  rows: number;
  /** Of them, updates and deletes (rows without `_replace`). */
  patches: number;
}

/** `hed_spill.main."t3"` */
export function spillTable(id: number, kind: 't' | 'r' | 'n'): string {
  return `${SPILL_DB}.main.${quote(`${kind}${id}`)}`;
}

/** The spill column of a warehouse column: `c<index>`. */
export function spillColumn(table: SpillTable, name: string): string {
  const index = table.columns.findIndex((column) => column.name === name);
  if (index < 0) throw new Error(`The spill of a table has no column ${name}.`);
  return `c${index}`;
}

/**
 * The statement folding a table's log into one row per key, as planCommit folds a commit:
 * the last upsert gives the row, each later update overwrites the columns it carried, the
 * last delete or upsert decides `_deleted`. Keys without an upsert keep `p<i>` (whether any
 * update carried column i) so the caller merges them into the warehouse's row.
 *
 * @example
 * foldSql({ id: 0, columns: [{ name: 'id', sql: 'BIGINT', type: 'BIGINT' }, { name: 'a', sql: 'VARCHAR', type: 'VARCHAR' }], primaryKey: ['id'], rows: 2 })
 */
export function foldSql(table: SpillTable): string {
  const log = spillTable(table.id, 't');
  const keys = table.primaryKey.map((name) => spillColumn(table, name));
  const values = table.columns.flatMap((column, index) => {
    if (table.primaryKey.includes(column.name)) return [];
    return [
      `arg_max_null(c${index}, _seq) FILTER (WHERE _seq >= coalesce(_base, -1) AND (_replace OR list_contains(_present, ${index}))) AS c${index}`,
      `coalesce(bool_or(list_contains(_present, ${index})), false) AS p${index}`,
    ];
  });
  return (
    `CREATE OR REPLACE TABLE ${spillTable(table.id, 'n')} AS ` +
    `WITH base AS (SELECT ${keys.join(', ')}, max(_seq) FILTER (WHERE _replace) AS _base FROM ${log} GROUP BY ${keys.join(', ')}) ` +
    `SELECT ${[...keys, 'bool_or(_replace) AS _replace', 'arg_max_null(_deleted, _seq) FILTER (WHERE _deleted IS NOT NULL) AS _deleted', 'max(_seq) FILTER (WHERE _deleted IS NOT NULL) AS _dseq', ...values].join(', ')} ` +
    `FROM ${log} JOIN base USING (${keys.join(', ')}) GROUP BY ${keys.join(', ')}`
  );
}

/**
 * The statement making `r<n>` for a table whose log holds upserts only (the usual late
 * checkpoint): each key's last upsert. It groups keys and positions only, so DuckDB's work
 * stays small however wide the rows are, where the general fold aggregates every column.
 */
export function lastUpsertsSql(table: SpillTable, truncatedAt: number | undefined): string {
  const log = spillTable(table.id, 't');
  const keys = table.primaryKey.map((name) => spillColumn(table, name));
  const deleted = truncatedAt === undefined ? 'l._deleted' : `CASE WHEN l._seq > ${truncatedAt} THEN l._deleted ELSE true END`;
  return (
    `CREATE OR REPLACE TABLE ${spillTable(table.id, 'r')} AS SELECT ${[...table.columns.map((_, index) => `l.c${index}`), `${deleted} AS _deleted`].join(', ')} ` +
    `FROM ${log} l JOIN (SELECT ${keys.join(', ')}, max(_seq) AS _last FROM ${log} GROUP BY ${keys.join(', ')}) g ON ${[...keys.map((key) => `l.${key} = g.${key}`), 'l._seq = g._last'].join(' AND ')}`
  );
}

/**
 * The statement making `r<n>`: the rows to write, whole (c0…cN and `_deleted`). Upserted
 * keys come from the fold; updated or deleted keys are merged with the warehouse's row
 * (`target`, undefined when the table has no rows to merge with: then they change nothing,
 * as an update of a missing row does). `truncatedAt`: the table's last truncate in the
 * window, after which a key is deleted unless a later operation says otherwise.
 */
export function rowsSql(table: SpillTable, target: { sql: string; columns: ReadonlyMap<string, ColumnInfo>; deletedColumn: string } | undefined, truncatedAt: number | undefined): string {
  const fold = spillTable(table.id, 'n');
  const all = table.columns.map((_, index) => `c${index}`);
  const deleted = (otherwise: string) => (truncatedAt === undefined ? `coalesce(n._deleted, ${otherwise})` : `CASE WHEN n._dseq > ${truncatedAt} THEN n._deleted ELSE true END`);
  const replaced = `SELECT ${[...all.map((name) => `n.${name}`), `${deleted('false')} AS _deleted`].join(', ')} FROM ${fold} n WHERE n._replace`;
  if (target === undefined) return `CREATE OR REPLACE TABLE ${spillTable(table.id, 'r')} AS ${replaced}`;
  const merged = table.columns.map((column, index) => {
    if (table.primaryKey.includes(column.name)) return `n.c${index}`;
    const old = target.columns.has(column.name) ? `CAST(t.${quote(column.name)} AS ${column.sql})` : 'NULL';
    return `CASE WHEN n.p${index} THEN n.c${index} ELSE ${old} END`;
  });
  const match = table.primaryKey.map((name) => `t.${quote(name)} = n.${spillColumn(table, name)}`).join(' AND ');
  const patched = `SELECT ${[...merged, `${deleted(`t.${quote(target.deletedColumn)}`)} AS _deleted`].join(', ')} FROM ${fold} n JOIN ${target.sql} t ON ${match} WHERE NOT n._replace`;
  return `CREATE OR REPLACE TABLE ${spillTable(table.id, 'r')} AS ${replaced} UNION ALL ${patched}`;
}
