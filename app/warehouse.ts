/**
 * The thin I/O shell around the DuckDB warehouse: opened READ-ONLY per request and closed
 * right after, so a sync writing into the same file is never blocked for longer than one
 * request. A file locked by a writer, or one that is not DuckDB, becomes an AppError with
 * a sentence.
 */
import { existsSync, statSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { AppError, MAKE_WAREHOUSE_COMMANDS, warehouseMissingMessage } from './errors.js';
import { EXPLORER_FILTER_COLUMN, TABLE_LABEL, WAREHOUSE_SCHEMA, WAREHOUSE_TABLE } from './fields.js';
import { filteredRowsCte, type WarehouseColumn } from './sql.js';

/** A JSON value as DuckDB's `getRowObjectsJson()` gives it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** One result row. */
export type JsonRow = Record<string, JsonValue>;

/** An open, read-only warehouse with the table's columns read. */
export interface OpenWarehouse {
  path: string;
  /** The table's columns in table order; empty when the table does not exist. */
  columns: WarehouseColumn[];
  /** Runs one statement with positional parameters and returns its rows. */
  all(sql: string, params?: (string | number | boolean)[]): Promise<JsonRow[]>;
  /** Streams a statement's rows as arrays, chunk by chunk. */
  stream(sql: string, params?: (string | number | boolean)[]): AsyncIterable<JsonValue[][]>;
  close(): void;
}

/**
 * What one open warehouse may take: DuckDB's defaults are 80% of RAM and a thread per
 * core for every instance, and the app opens one per request and per report job.
 */
export const WAREHOUSE_LIMITS = { memory_limit: '512MB', threads: '2' } as const;

/** Translates a DuckDB open/query failure into a sentence. */
export function warehouseError(path: string, error: unknown): AppError {
  const message = error instanceof Error ? error.message : String(error);
  if (/lock/i.test(message)) {
    return new AppError('warehouse_busy', 503, `The warehouse ${path} is locked by a process writing to it (a sync, or a duckdb shell). Try again when it has finished; this page will then read it.`);
  }
  return new AppError('warehouse_unreadable', 503, `The warehouse ${path} could not be read as a DuckDB file (${message.split('\n')[0]}). Check --warehouse, or delete the file and sync again.`);
}

/**
 * Opens the warehouse read-only and reads the columns of `tester.{table}` (HED's table
 * unless another is named); a missing file is an AppError with the commands that make one.
 */
export async function openWarehouse(path: string, table: string = WAREHOUSE_TABLE): Promise<OpenWarehouse> {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new AppError('warehouse_missing', 503, warehouseMissingMessage(path, 'missing'), [...MAKE_WAREHOUSE_COMMANDS]);
  }
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  try {
    instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY', ...WAREHOUSE_LIMITS });
    connection = await instance.connect();
  } catch (error) {
    throw warehouseError(path, error);
  }
  const all = async (sql: string, params: (string | number | boolean)[] = []): Promise<JsonRow[]> => {
    try {
      const reader = await connection.runAndReadAll(sql, params);
      return reader.getRowObjectsJson() as JsonRow[];
    } catch (error) {
      // A lock taken by a writer is the user's to wait out; anything else is a bug of ours.
      if (/lock/i.test(error instanceof Error ? error.message : String(error))) throw warehouseError(path, error);
      throw error;
    }
  };
  const stream = async function* (sql: string, params: (string | number | boolean)[] = []): AsyncIterable<JsonValue[][]> {
    const result = await connection.stream(sql, params);
    for await (const rows of result.yieldRowsJson()) yield rows as JsonValue[][];
  };
  let columns: WarehouseColumn[];
  try {
    columns = (
      await all(
        'SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position',
        [WAREHOUSE_SCHEMA, table],
      )
    ).map((row) => ({ name: String(row.name), type: String(row.type) }));
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  return {
    path,
    columns,
    all,
    stream,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Opens the warehouse (with `table`'s columns read, HED's by default), runs `use`, and always closes it. */
export async function withWarehouse<T>(path: string, use: (warehouse: OpenWarehouse) => Promise<T>, table: string = WAREHOUSE_TABLE): Promise<T> {
  const warehouse = await openWarehouse(path, table);
  try {
    return await use(warehouse);
  } finally {
    warehouse.close();
  }
}

/** Throws the status-page AppError when the table is missing. */
export function requireTable(warehouse: OpenWarehouse): void {
  if (warehouse.columns.length === 0) {
    throw new AppError('warehouse_empty', 503, warehouseMissingMessage(warehouse.path, 'no-table'), [...MAKE_WAREHOUSE_COMMANDS]);
  }
}

/** `GET /api/status`. */
export interface WarehouseStatus {
  ready: boolean;
  warehouse: string;
  rows: number;
  table: typeof TABLE_LABEL;
  /** The column the Data Explorer's *Filter column* starts at (the page spells no field). */
  filterColumn: string;
  message?: string;
  commands?: string[];
}

/** Reads whether the warehouse is there and has rows; never throws for a missing one. */
export async function warehouseStatus(path: string): Promise<WarehouseStatus> {
  const base = { warehouse: path, table: TABLE_LABEL, filterColumn: EXPLORER_FILTER_COLUMN } as const;
  try {
    return await withWarehouse(path, async (warehouse) => {
      requireTable(warehouse);
      const cte = filteredRowsCte(warehouse.columns, { majors: [], standings: [] });
      const [row] = await warehouse.all(`${cte.sql}SELECT CAST(count(*) AS DOUBLE) AS n FROM r`, cte.params);
      const rows = Number(row?.n ?? 0);
      if (rows === 0) return { ...base, ready: false, rows, message: warehouseMissingMessage(path, 'empty'), commands: [...MAKE_WAREHOUSE_COMMANDS] };
      return { ...base, ready: true, rows };
    });
  } catch (error) {
    if (error instanceof AppError) return { ...base, ready: false, rows: 0, message: error.message, ...(error.commands ? { commands: error.commands } : {}) };
    throw error;
  }
}

/** The tables of the tester's schema, sorted (`hed_records`, `agr_records`, ...). */
export async function testerTables(warehouse: OpenWarehouse): Promise<string[]> {
  const rows = await warehouse.all('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name', [WAREHOUSE_SCHEMA]);
  return rows.map((row) => String(row.name));
}
