import Database from 'better-sqlite3';
import type { ConnectorState, Operation } from './connector.js';
import { PRIMARY_KEY, TABLE } from './connector.js';

/** The SQL type a column gets, inferred from the first values seen for it. */
export type ColumnType = 'TEXT' | 'INTEGER' | 'REAL' | 'BOOLEAN' | 'JSON';

/** Operations written by one applyBatch call. */
export interface BatchCounts {
  upserts: number;
  updates: number;
  deletes: number;
  /** Table creations plus columns added. */
  schemaChanges: number;
}

/** The local destination of `hed-connector debug`: one SQLite file. */
export interface Warehouse {
  readonly path: string;
  /** The state saved with the last committed batch, or undefined before the first one. */
  readState(): ConnectorState | undefined;
  /**
   * Writes the operations and the state after them in ONE transaction: either all of it
   * is in the file or none of it. `syncedAt` fills _fivetran_synced.
   */
  applyBatch(operations: readonly Operation[], state: ConnectorState, syncedAt: string): BatchCounts;
  /** Columns of hed_records in table order (empty before the first batch). */
  columns(): { name: string; type: string }[];
  /** Every row of hed_records, BOOLEAN columns decoded to true/false, JSON ones parsed. */
  readRows(): Record<string, unknown>[];
  close(): void;
}

const STATE_TABLE = '_hed_connector_state';
const SYNCED = '_fivetran_synced';
const DELETED = '_fivetran_deleted';

/**
 * Opens (creating if needed) DIR/warehouse.db. WAL on, statements prepared once per table
 * shape, schema creation idempotent.
 *
 * @example
 * const w = openWarehouse('files/warehouse.db'); w.readState() // undefined on a new file
 */
export function openWarehouse(path: string): Warehouse {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before the state.json that mirrors it is written.
  db.pragma('synchronous = FULL');
  // A second sync on the same DIR waits for the first one's transaction instead of failing.
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    state TEXT NOT NULL,
    saved_at TEXT NOT NULL
  )`);
  const readStateRow = db.prepare<[], { state: string }>(`SELECT state FROM ${STATE_TABLE} WHERE id = 1`);
  const writeState = db.prepare(
    `INSERT INTO ${STATE_TABLE} (id, state, saved_at) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, saved_at = excluded.saved_at`,
  );

  let columnTypes = loadColumns(db);
  let upsertStatement: Database.Statement | undefined;
  const updateStatements = new Map<string, Database.Statement>();

  const resetStatements = () => {
    upsertStatement = undefined;
    updateStatements.clear();
  };

  const ensureColumns = (operations: readonly Operation[]): number => {
    const seen = new Map<string, unknown[]>();
    for (const op of operations) {
      if (op.type !== 'upsert' && op.type !== 'update') continue;
      for (const [name, value] of Object.entries(op.data)) {
        if (columnTypes.has(name)) continue;
        const values = seen.get(name) ?? [];
        values.push(value);
        seen.set(name, values);
      }
    }
    if (columnTypes.size === 0) {
      const fields = [...seen.keys()].filter((name) => name !== PRIMARY_KEY);
      const definitions = [
        `${quote(PRIMARY_KEY)} TEXT PRIMARY KEY NOT NULL`,
        ...fields.map((name) => `${quote(name)} ${inferColumnType(seen.get(name) ?? [])}`),
        `${quote(SYNCED)} TIMESTAMP NOT NULL`,
        `${quote(DELETED)} BOOLEAN NOT NULL DEFAULT 0`,
      ];
      db.exec(`CREATE TABLE ${quote(TABLE)} (${definitions.join(', ')})`);
      columnTypes = loadColumns(db);
      resetStatements();
      return 1;
    }
    for (const [name, values] of seen) {
      db.exec(`ALTER TABLE ${quote(TABLE)} ADD COLUMN ${quote(name)} ${inferColumnType(values)}`);
    }
    if (seen.size > 0) {
      columnTypes = loadColumns(db);
      resetStatements();
    }
    return seen.size;
  };

  const upsert = (data: Record<string, unknown>, syncedAt: string) => {
    const names = [...columnTypes.keys()].filter((name) => name !== SYNCED && name !== DELETED);
    if (upsertStatement === undefined) {
      const all = [...names, SYNCED, DELETED];
      const assignments = all.filter((name) => name !== PRIMARY_KEY).map((name) => `${quote(name)} = excluded.${quote(name)}`);
      upsertStatement = db.prepare(
        `INSERT INTO ${quote(TABLE)} (${all.map(quote).join(', ')}) VALUES (${all.map(() => '?').join(', ')})
         ON CONFLICT (${quote(PRIMARY_KEY)}) DO UPDATE SET ${assignments.join(', ')}`,
      );
    }
    // An upsert replaces the whole row, as in Fivetran: a field the record no longer has is NULL.
    upsertStatement.run(...names.map((name) => encodeValue(data[name])), syncedAt, 0);
  };

  const updateRow = (data: Record<string, unknown>, syncedAt: string, deleted: boolean) => {
    const names = deleted ? [] : Object.keys(data).filter((name) => name !== PRIMARY_KEY);
    const key = `${deleted ? 'D' : 'U'}:${names.join('\u0000')}`;
    let statement = updateStatements.get(key);
    if (statement === undefined) {
      const sets = [...names.map((name) => `${quote(name)} = ?`), `${quote(SYNCED)} = ?`, ...(deleted ? [`${quote(DELETED)} = 1`] : [])];
      statement = db.prepare(`UPDATE ${quote(TABLE)} SET ${sets.join(', ')} WHERE ${quote(PRIMARY_KEY)} = ?`);
      updateStatements.set(key, statement);
    }
    statement.run(...names.map((name) => encodeValue(data[name])), syncedAt, encodeValue(data[PRIMARY_KEY]));
  };

  const applyBatch = db.transaction((operations: readonly Operation[], state: ConnectorState, syncedAt: string): BatchCounts => {
    const counts: BatchCounts = { upserts: 0, updates: 0, deletes: 0, schemaChanges: ensureColumns(operations) };
    for (const op of operations) {
      if (op.type === 'checkpoint') continue;
      if (op.table !== TABLE) throw new Error(`The connector wrote to table "${op.table}", which schema() does not declare.`);
      const id = op.data[PRIMARY_KEY];
      if (typeof id !== 'string' || id === '') throw new Error(`An ${op.type} operation has no ${PRIMARY_KEY}; every row needs its primary key.`);
      if (op.type === 'upsert') {
        upsert(op.data, syncedAt);
        counts.upserts++;
      } else if (op.type === 'update') {
        updateRow(op.data, syncedAt, false);
        counts.updates++;
      } else {
        updateRow(op.data, syncedAt, true);
        counts.deletes++;
      }
    }
    writeState.run(JSON.stringify(state), syncedAt);
    return counts;
  });

  return {
    path,
    readState() {
      const row = readStateRow.get();
      return row === undefined ? undefined : (JSON.parse(row.state) as ConnectorState);
    },
    applyBatch(operations, state, syncedAt) {
      try {
        return applyBatch(operations, state, syncedAt);
      } catch (error) {
        // The transaction rolled back, DDL included: reload what the table really looks like.
        columnTypes = loadColumns(db);
        resetStatements();
        throw error;
      }
    },
    columns() {
      return [...columnTypes].map(([name, type]) => ({ name, type }));
    },
    readRows() {
      if (columnTypes.size === 0) return [];
      const rows = db.prepare(`SELECT * FROM ${quote(TABLE)} ORDER BY ${quote(PRIMARY_KEY)}`).all() as Record<string, unknown>[];
      return rows.map((row) => decodeRow(row, columnTypes));
    },
    close() {
      db.close();
    },
  };
}

/**
 * The column type for the values a new field arrived with: all booleans → BOOLEAN, all
 * integers → INTEGER, numbers with a fraction → REAL, objects/arrays → JSON, else TEXT.
 * Nulls say nothing; a column seen only as null is TEXT.
 *
 * @example
 * inferColumnType([3, 3.25]) // 'REAL'
 */
export function inferColumnType(values: readonly unknown[]): ColumnType {
  const present = values.filter((value) => value !== null && value !== undefined);
  if (present.length === 0) return 'TEXT';
  if (present.every((value) => typeof value === 'boolean')) return 'BOOLEAN';
  if (present.every((value) => typeof value === 'number' || typeof value === 'bigint')) {
    return present.every((value) => typeof value === 'bigint' || Number.isInteger(value)) ? 'INTEGER' : 'REAL';
  }
  if (present.every((value) => typeof value === 'object')) return 'JSON';
  return 'TEXT';
}

function encodeValue(value: unknown): string | number | bigint | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return value;
  return JSON.stringify(value);
}

function decodeRow(row: Record<string, unknown>, types: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    const type = types.get(name);
    if (value === null) out[name] = null;
    else if (type === 'BOOLEAN') out[name] = value === 1 || value === 1n;
    else if (type === 'JSON' && typeof value === 'string') out[name] = JSON.parse(value);
    else out[name] = value;
  }
  return out;
}

function loadColumns(db: Database.Database): Map<string, string> {
  const rows = db.prepare<[string], { name: string; type: string }>('SELECT name, type FROM pragma_table_info(?) ORDER BY cid').all(TABLE);
  return new Map(rows.map((row) => [row.name, row.type.toUpperCase()]));
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
