import { existsSync } from 'node:fs';
import { INTERNAL_SCHEMA, loadCatalog, openInstance, selectRows, TESTER_SCHEMA, WarehouseError } from './duckdb-io.js';
import { parseState } from './state-file.js';
import type { ConnectorStateJson } from './types.js';

/** What readWarehouse returns: the table's columns in order and every row as plain JS. */
export interface WarehouseContents {
  columns: { name: string; type: string }[];
  primaryKey: string[];
  rows: Record<string, unknown>[];
}

/**
 * Reads one table of any tester warehouse (written by hed-connector, hed-tester or the
 * Fivetran tester) read-only: `table` is `hed_records` or `tester.hed_records`. Rows are
 * ordered by primary key, values as plain JS (BIGINT as number when safe, JSON parsed,
 * TIMESTAMP as ISO text). A missing file or table is a WarehouseError that says so.
 *
 * @example
 * const { rows } = await readWarehouse('files/warehouse.db', 'hed_records');
 */
export async function readWarehouse(path: string, table: string): Promise<WarehouseContents> {
  if (!existsSync(path)) throw new WarehouseError('warehouse_open_failed', `${path} does not exist; run a sync first or pass the path of a warehouse.db.`);
  const name = table.startsWith(`${TESTER_SCHEMA}.`) ? table.slice(TESTER_SCHEMA.length + 1) : table;
  const instance = await openInstance(path, true);
  try {
    const connection = await instance.connect();
    try {
      const info = (await loadCatalog(connection)).get(name);
      if (info === undefined) throw new WarehouseError('table_missing', `${path} has no table ${TESTER_SCHEMA}.${name}; run a sync that writes it first.`);
      return {
        columns: [...info.columns.values()].map((column) => ({ name: column.name, type: column.sql })),
        primaryKey: info.primaryKey,
        rows: await selectRows(connection, name, info),
      };
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * The state committed in a warehouse (read-only), or undefined when none was committed
 * (or the file was not written by this destination).
 *
 * @example
 * await readWarehouseState('files/warehouse.db') // { next_cursor: '...' }
 */
export async function readWarehouseState(path: string): Promise<ConnectorStateJson | undefined> {
  if (!existsSync(path)) throw new WarehouseError('warehouse_open_failed', `${path} does not exist; run a sync first or pass the path of a warehouse.db.`);
  const instance = await openInstance(path, true);
  try {
    const connection = await instance.connect();
    try {
      const known = await connection.runAndReadAll(`SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = '${INTERNAL_SCHEMA}' AND table_name = 'state'`);
      if (Number(known.getRowObjectsJS()[0]?.n) === 0) return undefined;
      const reader = await connection.runAndReadAll(`SELECT state FROM ${INTERNAL_SCHEMA}.state WHERE id = 1`);
      const text = reader.getRowObjectsJS()[0]?.state;
      return typeof text === 'string' ? parseState(text) : undefined;
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * The tables of schema `tester` in any tester warehouse (read-only); [] when the file does
 * not exist.
 *
 * @example
 * await readWarehouseTables('files/warehouse.db') // ['hed_records']
 */
export async function readWarehouseTables(path: string): Promise<string[]> {
  if (!existsSync(path)) return [];
  const instance = await openInstance(path, true);
  try {
    const connection = await instance.connect();
    try {
      return [...(await loadCatalog(connection)).keys()];
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
