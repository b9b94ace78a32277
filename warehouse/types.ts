// The contract of the tester's DuckDB destination, shared by every runner (hed-connector,
// hed-tester, the scenario matrix, the warehouse check). Implemented in warehouse/.

/** A value as a runner hands it over. Plain JS values are typed by inference (SPEC §3:
 * integer → BIGINT, non-integer number → DOUBLE, boolean → BOOLEAN, string → VARCHAR,
 * object/array → JSON); a TypedValue carries the type the SDK sent on the wire. */
export type WarehouseValue = null | boolean | number | bigint | string | readonly unknown[] | { readonly [key: string]: unknown } | TypedValue;

/** A value whose column type is known (from the SDK's gRPC ValueData or a declared column). */
export type TypedValue =
  /** `text`: the string it was typed from (see text-types.ts), written as is where the column ends up text. */
  | { readonly kind: 'typed'; readonly type: 'BOOLEAN'; readonly value: boolean; readonly text?: string }
  | { readonly kind: 'typed'; readonly type: 'SMALLINT' | 'INTEGER' | 'BIGINT'; readonly value: bigint | number; readonly text?: string }
  /** FLOAT: a 32-bit float (its shortest decimal form is what the connector wrote); DOUBLE: a 64-bit one. */
  | { readonly kind: 'typed'; readonly type: 'FLOAT' | 'DOUBLE'; readonly value: number; readonly text?: string }
  /** Decimal text such as "12.50"; precision/scale when declared. */
  | { readonly kind: 'typed'; readonly type: 'DECIMAL'; readonly value: string; readonly precision?: number; readonly scale?: number }
  /** 'YYYY-MM-DD' */
  | { readonly kind: 'typed'; readonly type: 'DATE'; readonly value: string }
  /** Naive date-time 'YYYY-MM-DDTHH:MM:SS[.ffffff]' */
  | { readonly kind: 'typed'; readonly type: 'TIMESTAMP'; readonly value: string }
  /** UTC instant, ISO 8601 with Z */
  | { readonly kind: 'typed'; readonly type: 'TIMESTAMPTZ'; readonly value: string }
  | { readonly kind: 'typed'; readonly type: 'BLOB'; readonly value: Uint8Array }
  | { readonly kind: 'typed'; readonly type: 'VARCHAR' | 'XML'; readonly value: string }
  /** JSON text */
  | { readonly kind: 'typed'; readonly type: 'JSON'; readonly value: string };

/** The DuckDB column types a column can get. */
export type ColumnType = 'BOOLEAN' | 'SMALLINT' | 'INTEGER' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'DECIMAL' | 'DATE' | 'TIMESTAMP' | 'TIMESTAMPTZ' | 'BLOB' | 'VARCHAR' | 'JSON';

/** What schema() declares for one table. */
export interface TableDeclaration {
  readonly table: string;
  /** Declared primary key columns; empty or absent → the SDK's `_fivetran_id` (hash of the row). */
  readonly primaryKey?: readonly string[];
  /** Declared column types (SDK `columns`), optional. */
  readonly columns?: Readonly<Record<string, ColumnType>>;
}

/** One operation, the Fivetran SDK vocabulary. `update` changes only the given columns,
 * `delete` soft-deletes (`_fivetran_deleted = true`), `truncate` soft-deletes every row of the table. */
export type WarehouseOperation =
  | { readonly op: 'upsert' | 'update' | 'delete'; readonly table: string; readonly data: Readonly<Record<string, WarehouseValue>> }
  | { readonly op: 'truncate'; readonly table: string };

/** Counts of what one commit wrote (the SYNC PROGRESS rows). */
export interface CommitCounts {
  upserts: number;
  updates: number;
  deletes: number;
  truncates: number;
  /** Tables created plus columns added. */
  schemaChanges: number;
}

/** Any JSON object: a connector's state. */
export type ConnectorStateJson = Record<string, unknown>;

/** An open warehouse directory: DIR/warehouse.db (DuckDB, schema `tester`) and DIR/state.json. */
export interface Destination {
  /** DIR/warehouse.db */
  readonly path: string;
  /** The state to start from (state committed in the db, else state.json, else {}), with a warning when they disagree. */
  startState(): Promise<{ state: ConnectorStateJson; warning?: string }>;
  /** Creates missing declared tables (no commit of state). Returns the schema changes made (and names of tables created). */
  declare(tables: readonly TableDeclaration[]): Promise<{ schemaChanges: number; created: string[] }>;
  /** Writes the operations and the state in ONE transaction, then mirrors the state into DIR/state.json atomically. */
  commit(operations: readonly WarehouseOperation[], state: ConnectorStateJson, syncedAt: Date): Promise<CommitCounts>;
  /**
   * Stages operations ahead of their checkpoint (in DIR/warehouse.spill.db, on disk): the
   * next commit() applies them with its own operations and its state in one transaction;
   * close() or a failure drops them (optional: runners whose connectors may wait long
   * before a checkpoint use it to keep memory bounded).
   */
  stage?(operations: readonly WarehouseOperation[], syncedAt: Date): Promise<void>;
  /** Tables in schema `tester` (not internal ones). */
  tables(): Promise<string[]>;
  /** Every row of a table ordered by primary key, values as plain JS (BIGINT as number when safe, BOOLEAN as boolean, JSON parsed, TIMESTAMP as ISO string). */
  readRows(table: string): Promise<Record<string, unknown>[]>;
  /** Columns of a table in order. */
  columns(table: string): Promise<{ name: string; type: string }[]>;
  close(): Promise<void>;
}
