// The thin DuckDB edge shared by the destination and the read-only helper: opening a file
// with errors a person can act on, the catalog of schema `tester`, and rows as plain JS.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { columnTypeOfSql, shortestFloat32 } from './value-types.js';
import type { ColumnType } from './types.js';

/** The schema the tester writes (the lab reads `tester.hed_records`). */
export const TESTER_SCHEMA = 'tester';
/** Our bookkeeping (the committed state), kept out of `tester`. */
export const INTERNAL_SCHEMA = '_hed';
/**
 * The storage format of new files, chosen explicitly: `v1.0.0` is read by every DuckDB
 * 1.x (the duckdb CLI, DBeaver's JDBC driver, Python's duckdb) and matches the default
 * format of DuckDB 1.0 and 1.1.
 */
export const STORAGE_VERSION = 'v1.0.0';

/** Why a warehouse could not be opened or written; `code` is stable. */
export class WarehouseError extends Error {
  constructor(
    readonly code: 'warehouse_locked' | 'warehouse_not_duckdb' | 'warehouse_open_failed' | 'table_missing' | 'commit_failed' | 'already_open',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WarehouseError';
  }
}

/** One column of a tester table. */
export interface ColumnInfo {
  name: string;
  /** DuckDB's own type text, e.g. `DECIMAL(18,3)`, `TIMESTAMP WITH TIME ZONE`. */
  sql: string;
  type: ColumnType;
}

/** A tester table as the catalog describes it. */
export interface TableInfo {
  columns: Map<string, ColumnInfo>;
  primaryKey: string[];
}

/**
 * Opens (or creates) a DuckDB file. A file held by another process, or one that is not a
 * DuckDB database, is a WarehouseError whose message says what to do.
 */
export async function openInstance(path: string, readOnly: boolean, settings: Record<string, string> = {}): Promise<DuckDBInstance> {
  // Nothing is ever downloaded: DuckDB would otherwise fetch an extension for a file it does not know (e.g. SQLite).
  const offline = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };
  const options: Record<string, string> = readOnly ? { ...offline, ...settings, access_mode: 'READ_ONLY' } : { ...offline, ...settings, storage_compatibility_version: STORAGE_VERSION };
  try {
    return await DuckDBInstance.create(path, options);
  } catch (error) {
    throw translateOpenError(path, error);
  }
}

/** The WarehouseError for a DuckDB open failure (exported for tests of the wording). */
export function translateOpenError(path: string, error: unknown): WarehouseError {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not set lock on file/i.test(message)) {
    const holder = /Conflicting lock is held in (.+?) \(PID (\d+)\)/.exec(message);
    return new WarehouseError(
      'warehouse_locked',
      `${path} is open in another program (DBeaver or the duckdb CLI?)${holder ? `: ${holder[1]} PID ${holder[2]} holds it` : ''}; close it and run again.`,
      { cause: error },
    );
  }
  if (/not a valid DuckDB database|Extension "sqlite" is an existing extension/i.test(message)) {
    return new WarehouseError('warehouse_not_duckdb', `${path} is not a DuckDB database (an older hed-connector wrote SQLite there?); delete it or reset the output directory, then run again.`, { cause: error });
  }
  return new WarehouseError('warehouse_open_failed', `Cannot open ${path} (${message}). Check the path and its permissions, then run again.`, { cause: error });
}

/** Quotes an SQL identifier. */
export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** `tester."table"` */
export function testerTable(table: string): string {
  return `${TESTER_SCHEMA}.${quote(table)}`;
}

/** Reads the tables of schema `tester` with their columns (in order) and primary keys. */
export async function loadCatalog(connection: DuckDBConnection): Promise<Map<string, TableInfo>> {
  const catalog = new Map<string, TableInfo>();
  const columns = await connection.runAndReadAll(
    `SELECT table_name, column_name, data_type FROM duckdb_columns()
     WHERE database_name = current_database() AND schema_name = '${TESTER_SCHEMA}' ORDER BY table_name, column_index`,
  );
  for (const row of columns.getRowObjectsJS()) {
    const table = String(row.table_name);
    let info = catalog.get(table);
    if (info === undefined) {
      info = { columns: new Map(), primaryKey: [] };
      catalog.set(table, info);
    }
    const sql = String(row.data_type);
    info.columns.set(String(row.column_name), { name: String(row.column_name), sql, type: columnTypeOfSql(sql) });
  }
  const keys = await connection.runAndReadAll(
    `SELECT table_name, constraint_column_names FROM duckdb_constraints()
     WHERE database_name = current_database() AND schema_name = '${TESTER_SCHEMA}' AND constraint_type = 'PRIMARY KEY'`,
  );
  for (const row of keys.getRowObjectsJS()) {
    const info = catalog.get(String(row.table_name));
    if (info !== undefined) info.primaryKey = (row.constraint_column_names as unknown[]).map(String);
  }
  return catalog;
}

/** Every row of a tester table ordered by its primary key, as plain JS (see decodeValue). */
export async function selectRows(connection: DuckDBConnection, table: string, info: TableInfo): Promise<Record<string, unknown>[]> {
  const order = info.primaryKey.length > 0 ? ` ORDER BY ${info.primaryKey.map(quote).join(', ')}` : '';
  const reader = await connection.runAndReadAll(`SELECT * FROM ${testerTable(table)}${order}`);
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(row)) out[name] = decodeValue(value, info.columns.get(name)?.type ?? 'VARCHAR');
    return out;
  });
}

/**
 * A value read from DuckDB as plain JS: BIGINT as number when safe (else bigint), FLOAT
 * as its shortest decimal, JSON parsed, TIMESTAMP/TIMESTAMPTZ as ISO text, DATE as YYYY-MM-DD, the rest as DuckDB gives it.
 */
export function decodeValue(value: unknown, type: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (value instanceof Date) return type === 'DATE' ? value.toISOString().slice(0, 10) : value.toISOString();
  if (type === 'JSON' && typeof value === 'string') return JSON.parse(value) as unknown;
  // A FLOAT reads back as the decimal that was written (10553.27), not its binary expansion.
  if (type === 'FLOAT' && typeof value === 'number') return shortestFloat32(value);
  return value;
}
