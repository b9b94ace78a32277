// openDestination: the Fivetran tester's DuckDB destination, one module for every runner.
// Decisions (typing, collapsing operations, which state wins) are pure functions in the
// sibling files; this shell only turns them into a few set-based statements per commit.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DELETED_COLUMN, ID_COLUMN, planCommit, SYNCED_COLUMN, type RowChange } from './plan.js';
import { chooseStartState, parseState, readStateFile, STATE_FILE, WAREHOUSE_FILE, writeStateFile } from './state-file.js';
import { INTERNAL_SCHEMA, loadCatalog, openInstance, quote, selectRows, TESTER_SCHEMA, testerTable, WarehouseError, type ColumnInfo, type TableInfo } from './duckdb-io.js';
import { typeUndeclaredText } from './text-types.js';
import { foldSql, lastUpsertsSql, rowsSql, SPILL_DB, SPILL_FILE, spillColumn, spillTable, type SpillTable } from './spill.js';
import { columnTypeFor, columnTypeOfSql, encodeFor, fits, isTypedValue, kindOf, transportOf, widen, type TransportType, type ValueKind } from './value-types.js';
import type { ColumnType, CommitCounts, ConnectorStateJson, Destination, TableDeclaration, WarehouseOperation, WarehouseValue } from './types.js';

/** Options of openDestination. */
export interface DestinationOptions {
  /** DuckDB worker threads (DuckDB's default: one per core). */
  threads?: number;
  /** DuckDB's memory_limit, e.g. '512MB' (default DEFAULT_MEMORY_LIMIT). */
  memoryLimit?: string;
  /** Checkpoint and reopen the file after this many operations (default DEFAULT_REOPEN_EVERY_ROWS), see reopen(). */
  reopenEveryRows?: number;
  /**
   * Type the text of columns schema() did not declare as the Fivetran tester does
   * (`"2025-07-31 23:57:37"` → TIMESTAMP, `"42"` → BIGINT; see text-types.ts). hed-tester
   * sets it; hed-connector keeps SPEC §3's string → VARCHAR.
   */
  typeText?: boolean;
}

/** Operations between two reopens: each costs a checkpoint (which DuckDB makes anyway as its WAL grows) and an open. */
export const DEFAULT_REOPEN_EVERY_ROWS = 50_000;

/**
 * The default memory_limit. DuckDB's own default (80% of RAM) lets a long sync fill the
 * process with cached blocks; this caps that cache. The primary key index stays in memory
 * whatever the limit (about 90 bytes a row over random UUIDs; DuckDB pins it whole at each
 * commit, and a limit below it fails the commit), so the limit must leave room for it:
 * 512 MB holds the index of several million rows.
 */
export const DEFAULT_MEMORY_LIMIT = '512MB';

/**
 * DuckDB's memory_limit while a checkpoint folds its spill (see withFoldMemory): with the
 * destination's 512 MB the fold's hash tables took the process from 192 to 314 MB at
 * 600,000 staged rows; under 48 MB it stayed at 242 MB.
 */
export const FOLD_MEMORY_LIMIT = '48MB';

const openPaths = new Set<string>();
const STAGE = 'hed_stage';

/**
 * Opens DIR as the tester's destination: DIR/warehouse.db (DuckDB, schema `tester`, one
 * table per connector table) and DIR/state.json. DIR is created when missing. Throws a
 * WarehouseError when another program holds the file or it is not DuckDB.
 *
 * @example
 * const destination = await openDestination('files');
 * await destination.declare([{ table: 'hed_records', primaryKey: ['record_id'] }]);
 * const { state } = await destination.startState();
 * await destination.commit([{ op: 'upsert', table: 'hed_records', data: record }], { next_cursor: 'c1' }, new Date());
 * await destination.close();
 */
export async function openDestination(dir: string, options: DestinationOptions = {}): Promise<Destination> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new WarehouseError('warehouse_open_failed', `Cannot create the output directory ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Choose a directory you may write.`, { cause: error });
  }
  const path = join(dir, WAREHOUSE_FILE);
  const key = resolve(path);
  if (openPaths.has(key)) throw new WarehouseError('already_open', `${path} is already open in this process; close the other destination before opening it again.`);
  openPaths.add(key);
  try {
    const { instance, connection } = await connectTo(path, options);
    // Operations a crashed run staged were never committed: their spill is dropped.
    removeSpillFiles(dir);
    return new DuckDBDestination(dir, path, key, options, instance, connection, await loadCatalog(connection));
  } catch (error) {
    openPaths.delete(key);
    throw error;
  }
}

/** Opens the file and prepares our schemas; closes what it opened when that fails. */
async function connectTo(path: string, options: DestinationOptions): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const instance = await openInstance(path, false, { memory_limit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT });
  try {
    const connection = await instance.connect();
    if (options.threads !== undefined) await connection.run(`SET threads = ${Math.max(1, Math.floor(options.threads))}`);
    await connection.run(
      `CREATE SCHEMA IF NOT EXISTS ${TESTER_SCHEMA};
       CREATE SCHEMA IF NOT EXISTS ${INTERNAL_SCHEMA};
       CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.state (id INTEGER PRIMARY KEY, state VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL);`,
    );
    return { instance, connection };
  } catch (error) {
    instance.closeSync();
    throw error;
  }
}

class DuckDBDestination implements Destination {
  private readonly declared = new Map<string, TableDeclaration>();
  /** Tables declare() created that no commit has written yet: rebuilt with their real columns on the first write. */
  private provisional = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly dir: string,
    readonly path: string,
    private readonly key: string,
    private readonly options: DestinationOptions,
    private instance: DuckDBInstance,
    private connection: DuckDBConnection,
    private catalog: Map<string, TableInfo>,
  ) {}

  startState(): Promise<{ state: ConnectorStateJson; warning?: string }> {
    return this.serialize(async () => {
      const reader = await this.connection.runAndReadAll(`SELECT state FROM ${INTERNAL_SCHEMA}.state WHERE id = 1`);
      const text = reader.getRowObjectsJS()[0]?.state;
      const fromDb = typeof text === 'string' ? parseState(text) : undefined;
      const chosen = chooseStartState(fromDb, readStateFile(this.dir), join(this.dir, STATE_FILE));
      // Mirror what was chosen, so state.json agrees with the db again after a crash between the two writes.
      writeStateFile(this.dir, chosen.state);
      return chosen;
    });
  }

  declare(tables: readonly TableDeclaration[]): Promise<{ schemaChanges: number; created: string[] }> {
    return this.serialize(async () => {
      const created: string[] = [];
      const pending = tables.filter((declaration) => !this.catalog.has(declaration.table));
      for (const declaration of tables) this.declared.set(declaration.table, declaration);
      // A table an earlier sync created but never wrote a row to (it failed first) keeps no
      // types worth keeping: like a new one, it takes its columns from the first commit.
      for (const declaration of tables) {
        if (this.catalog.has(declaration.table) && !this.provisional.has(declaration.table) && (await this.holdsNoRow(declaration.table))) this.provisional.add(declaration.table);
      }
      if (pending.length === 0) return { schemaChanges: 0, created };
      // Staged operations wait in the spill file, not in a transaction: creating the (empty) tables commits nothing of them.
      await this.transaction(async () => {
        for (const declaration of pending) {
          await this.createTable(declaration.table, new Map());
          created.push(declaration.table);
        }
      });
      for (const table of created) this.provisional.add(table);
      return { schemaChanges: created.length, created };
    });
  }

  commit(operations: readonly WarehouseOperation[], state: ConnectorStateJson, syncedAt: Date): Promise<CommitCounts> {
    return this.serialize(async () => {
      const counts = this.spill === undefined ? await this.write(operations, syncedAt, state) : await this.applySpill(operations, syncedAt, state);
      writeStateFile(this.dir, state);
      this.rowsSinceReopen += operations.length;
      if (this.rowsSinceReopen >= (this.options.reopenEveryRows ?? DEFAULT_REOPEN_EVERY_ROWS)) await this.reopen();
      return counts;
    });
  }

  /**
   * Stages operations ahead of their checkpoint: they are appended, in order, to the spill
   * file (DIR/warehouse.spill.db, see spill.ts), committed there a batch at a time, so a
   * connector that waits long before it checkpoints costs disk, not memory. Nothing of them
   * reaches the warehouse until the next commit(), which applies them with its own
   * operations and state in one transaction; close() or a failure drops them.
   */
  stage(operations: readonly WarehouseOperation[], _syncedAt: Date): Promise<void> {
    return this.serialize(async () => {
      try {
        await this.spillOperations(operations);
      } catch (error) {
        const staged = this.spill?.operations ?? 0;
        await this.dropSpill();
        const also = staged > 0 ? ` (nor the ${staged} operations staged before them)` : '';
        throw new WarehouseError('commit_failed', `Nothing of these operations was written to ${this.path}${also}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    });
  }

  /** Operations staged since the last commit, in the attached spill file; undefined when there are none. */
  private spill: { tables: Map<string, SpillTable>; truncatedAt: Map<string, number>; seq: number; operations: number; counts: CommitCounts } | undefined;
  private spillIds = 0;

  private plan(operations: readonly WarehouseOperation[]) {
    const typed = this.options.typeText === true ? operations.map((operation) => typeUndeclaredText(operation, this.declared.get(operation.table)?.columns)) : operations;
    return planCommit(typed, (table) => this.primaryKeyOf(table));
  }

  /** Writes the operations and the state in one transaction. */
  private async write(operations: readonly WarehouseOperation[], syncedAt: Date, state: ConnectorStateJson): Promise<CommitCounts> {
    const plan = this.plan(operations);
    const syncedSql = timestampSql(syncedAt);
    const provisional = new Set(this.provisional);
    try {
      await this.transaction(async () => {
        for (const step of plan.steps) {
          if (step.kind === 'truncate') {
            if (this.catalog.has(step.table)) this.later(truncateSql(step.table, syncedSql));
            continue;
          }
          plan.counts.schemaChanges += await this.prepareTable(step.table, step.rows);
          await this.writeRows(step.table, step.rows, syncedSql);
        }
        this.later(stateSql(state, syncedSql));
      });
    } catch (error) {
      // The transaction rolled back, DDL included: read back what the tables really are.
      await this.rolledBack(provisional);
      throw new WarehouseError('commit_failed', `Nothing of this commit was written to ${this.path} (rolled back): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return plan.counts;
  }

  private async rolledBack(provisional: Set<string>): Promise<void> {
    this.catalog = await loadCatalog(this.connection);
    this.provisional = provisional;
  }

  /** Appends operations to the spill (attaching it first): one log row per key and step, in the step's order. */
  private async spillOperations(operations: readonly WarehouseOperation[]): Promise<void> {
    if (this.spill === undefined) {
      removeSpillFiles(this.dir);
      await this.connection.run(`ATTACH ${textLiteral(join(this.dir, SPILL_FILE))} AS ${SPILL_DB}`);
      this.spill = { tables: new Map(), truncatedAt: new Map(), seq: 0, operations: 0, counts: emptyCounts() };
    }
    const spill = this.spill;
    const plan = this.plan(operations);
    for (const step of plan.steps) {
      spill.seq++;
      if (step.kind === 'truncate') {
        spill.truncatedAt.set(step.table, spill.seq);
        continue;
      }
      const table = await this.spillTableFor(step.table, step.rows);
      await this.appendToSpill(table, step.rows, spill.seq);
    }
    spill.operations += operations.length;
    addCounts(spill.counts, plan.counts);
  }

  /** The spill table of `name`, created (with the warehouse table's columns) or extended and widened so `rows` fit, as prepareTable does to the warehouse. */
  private async spillTableFor(name: string, rows: Map<string, RowChange>): Promise<SpillTable> {
    const spill = this.spill!;
    const kinds = collectKinds(rows);
    let table = spill.tables.get(name);
    if (table === undefined) {
      const existing = this.catalog.get(name);
      const start =
        existing !== undefined && !this.provisional.has(name)
          ? { columns: [...existing.columns.values()].filter((column) => column.name !== SYNCED_COLUMN && column.name !== DELETED_COLUMN).map((column) => ({ name: column.name, sql: column.sql })), primaryKey: existing.primaryKey }
          : this.newTableColumns(name, kinds);
      table = { id: this.spillIds++, columns: start.columns.map((column) => ({ ...column, type: columnTypeOfSql(column.sql) })), primaryKey: start.primaryKey, rows: 0, patches: 0 };
      const definitions = ['_seq BIGINT', '_replace BOOLEAN', '_deleted BOOLEAN', '_present INTEGER[]', ...start.columns.map((column, index) => `c${index} ${column.sql}`)];
      await this.flush();
      await this.connection.run(`CREATE TABLE ${spillTable(table.id, 't')} (${definitions.join(', ')})`);
      spill.tables.set(name, table);
    }
    const columns = new Map(table.columns.map((column) => [column.name, column]));
    const changes = this.columnChanges(name, columns, table.primaryKey, kinds);
    for (const change of changes) {
      if (change.add) {
        await this.connection.run(`ALTER TABLE ${spillTable(table.id, 't')} ADD COLUMN c${table.columns.length} ${change.sql}`);
        table.columns.push({ name: change.name, sql: change.sql, type: columnTypeOfSql(change.sql) });
      } else {
        await this.connection.run(`ALTER TABLE ${spillTable(table.id, 't')} ALTER COLUMN ${spillColumn(table, change.name)} TYPE ${change.sql}`);
      }
    }
    if (changes.length > 0 || table.rows === 0) {
      // DuckDB's own type text (TIMESTAMP WITH TIME ZONE, DECIMAL(18,3)), to compare with the warehouse's at the checkpoint.
      const reader = await this.connection.runAndReadAll(`SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = '${SPILL_DB}' AND table_name = 't${table.id}'`);
      const types = new Map(reader.getRowObjectsJS().map((row) => [String(row.column_name), String(row.data_type)]));
      table.columns = table.columns.map((column, index) => {
        const sql = types.get(`c${index}`) ?? column.sql;
        return { name: column.name, sql, type: columnTypeOfSql(sql) };
      });
    }
    return table;
  }

  /** Appends one step's row changes to the spill: upserts whole, updates and deletes with the columns they carried. */
  private async appendToSpill(table: SpillTable, rows: Map<string, RowChange>, seq: number): Promise<void> {
    const replaced: RowChange[] = [];
    const patchGroups = new Map<string, { indices: number[]; deleted: boolean | undefined; rows: RowChange[] }>();
    for (const change of rows.values()) {
      if (change.replace) {
        replaced.push(change);
        continue;
      }
      const names = new Set(Object.keys(change.data));
      const indices = table.columns.flatMap((column, index) => (names.has(column.name) ? [index] : []));
      const signature = `${String(change.deleted)}:${indices.join(',')}`;
      let group = patchGroups.get(signature);
      if (group === undefined) {
        group = { indices, deleted: change.deleted, rows: [] };
        patchGroups.set(signature, group);
      }
      group.rows.push(change);
    }
    const into = spillTable(table.id, 't');
    if (replaced.length > 0) {
      await this.loadStage(table.columns, replaced);
      const values = table.columns.map((column, index) => `CAST(s.c${index} AS ${column.sql})`);
      this.later(`INSERT INTO ${into} (_seq, _replace, _deleted, _present, ${table.columns.map((_, index) => `c${index}`).join(', ')}) SELECT ${seq}, true, s.deleted, NULL, ${values.join(', ')} FROM temp.main.${STAGE} s`);
    }
    for (const group of patchGroups.values()) {
      const columns = group.indices.map((index) => table.columns[index]!);
      await this.loadStage(columns, group.rows);
      const present = group.indices.filter((index) => !table.primaryKey.includes(table.columns[index]!.name));
      const targets = ['_seq', '_replace', '_deleted', '_present', ...group.indices.map((index) => `c${index}`)];
      const values = [String(seq), 'false', group.deleted === undefined ? 'NULL' : String(group.deleted), `CAST([${present.join(', ')}] AS INTEGER[])`, ...columns.map((column, index) => `CAST(s.c${index} AS ${column.sql})`)];
      this.later(`INSERT INTO ${into} (${targets.join(', ')}) SELECT ${values.join(', ')} FROM temp.main.${STAGE} s`);
    }
    await this.flush();
    table.rows += rows.size;
    table.patches += rows.size - replaced.length;
  }

  /**
   * Applies the spill and the checkpoint's own operations (spilled after it) with the state
   * in one transaction. The log is folded to one row per key first, in the spill file
   * (a DuckDB transaction writes to one database only); the warehouse then takes schema
   * changes, truncates, one DELETE and one INSERT … SELECT per table, which DuckDB writes
   * to disk as it goes (optimistic writes) instead of holding the rows in memory.
   */
  private async applySpill(operations: readonly WarehouseOperation[], syncedAt: Date, state: ConnectorStateJson): Promise<CommitCounts> {
    const spill = this.spill!;
    const staged = spill.operations;
    const provisional = new Set(this.provisional);
    const syncedSql = timestampSql(syncedAt);
    let schemaChanges = 0;
    try {
      await this.spillOperations(operations);
      for (const [name, table] of spill.tables) {
        if (table.rows === 0) continue;
        const existing = this.catalog.get(name);
        const target = existing === undefined || this.provisional.has(name) ? undefined : { sql: testerTable(name), columns: existing.columns, deletedColumn: DELETED_COLUMN };
        await this.withFoldMemory(table.patches === 0 ? lastUpsertsSql(table, spill.truncatedAt.get(name)) : `${foldSql(table)};\n${rowsSql(table, target, spill.truncatedAt.get(name))}`);
      }
      await this.transaction(async () => {
        for (const [name, table] of spill.tables) if (table.rows > 0) schemaChanges += await this.prepareFromSpill(name, table);
        for (const name of spill.truncatedAt.keys()) if (this.catalog.has(name)) this.later(truncateSql(name, syncedSql));
        for (const [name, table] of spill.tables) {
          if (table.rows === 0) continue;
          const rows = spillTable(table.id, 'r');
          const match = table.primaryKey.map((key) => `${testerTable(name)}.${quote(key)} = r.${spillColumn(table, key)}`).join(' AND ');
          this.later(`DELETE FROM ${testerTable(name)} USING ${rows} r WHERE ${match}`);
          const targets = [...table.columns.map((column) => quote(column.name)), quote(SYNCED_COLUMN), quote(DELETED_COLUMN)];
          this.later(`INSERT INTO ${testerTable(name)} (${targets.join(', ')}) SELECT ${[...table.columns.map((_, index) => `r.c${index}`), syncedSql, 'r._deleted'].join(', ')} FROM ${rows} r`);
        }
        this.later(stateSql(state, syncedSql));
      });
    } catch (error) {
      await this.rolledBack(provisional);
      await this.dropSpill();
      const also = staged > 0 ? ` (nor the ${staged} operations staged before it)` : '';
      throw new WarehouseError('commit_failed', `Nothing of this commit was written to ${this.path}${also} (rolled back): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const counts = { ...spill.counts, schemaChanges: spill.counts.schemaChanges + schemaChanges };
    // commit() counts this commit's own operations toward the next reopen.
    this.rowsSinceReopen += staged;
    await this.dropSpill();
    return counts;
  }

  /**
   * Runs a fold under FOLD_MEMORY_LIMIT: its hash tables grow with the keys in the window,
   * and below the limit DuckDB spills them to its temporary directory (DIR/warehouse.db.tmp)
   * instead of growing the process. Should the fold need more than that anyway (DuckDB
   * cannot spill every kind of state), it runs again under the destination's own limit.
   */
  private async withFoldMemory(sql: string): Promise<void> {
    const own = `SET memory_limit = ${textLiteral(this.options.memoryLimit ?? DEFAULT_MEMORY_LIMIT)}`;
    await this.connection.run(`SET memory_limit = ${textLiteral(FOLD_MEMORY_LIMIT)}`);
    try {
      await this.connection.run(sql);
    } catch (error) {
      if (!/Out of Memory/i.test(error instanceof Error ? error.message : String(error))) throw error;
      await this.connection.run(own);
      await this.connection.run(sql);
    } finally {
      await this.connection.run(own);
    }
  }

  /** Creates the warehouse table from its spill, or extends and widens it to the spill's columns. Returns the schema changes made. */
  private async prepareFromSpill(name: string, table: SpillTable): Promise<number> {
    await this.flush();
    const existing = this.catalog.get(name);
    if (existing === undefined || this.provisional.has(name)) {
      if (existing !== undefined) await this.connection.run(`DROP TABLE ${testerTable(name)}`);
      await this.connection.run(`CREATE TABLE ${testerTable(name)} (${tableDefinitions(table.columns, table.primaryKey).join(', ')})`);
      this.catalog = await loadCatalog(this.connection);
      return this.provisional.delete(name) ? 0 : 1;
    }
    let changes = 0;
    for (const column of table.columns) {
      const current = existing.columns.get(column.name);
      if (current === undefined) await this.connection.run(`ALTER TABLE ${testerTable(name)} ADD COLUMN ${quote(column.name)} ${column.sql}`);
      else if (current.sql !== column.sql) await this.connection.run(`ALTER TABLE ${testerTable(name)} ALTER COLUMN ${quote(column.name)} TYPE ${column.sql}`);
      else continue;
      changes++;
    }
    if (changes > 0) this.catalog = await loadCatalog(this.connection);
    return changes;
  }

  /** Detaches and deletes the spill file: what it held is committed, or dropped. */
  private async dropSpill(): Promise<void> {
    if (this.spill === undefined) return;
    this.spill = undefined;
    await this.connection.run(`DETACH ${SPILL_DB}`).catch(() => undefined);
    removeSpillFiles(this.dir);
  }

  tables(): Promise<string[]> {
    return this.serialize(async () => [...this.catalog.keys()].sort());
  }

  readRows(table: string): Promise<Record<string, unknown>[]> {
    return this.serialize(async () => selectRows(this.connection, table, this.tableInfo(table)));
  }

  columns(table: string): Promise<{ name: string; type: string }[]> {
    return this.serialize(async () => [...this.tableInfo(table).columns.values()].map((column) => ({ name: column.name, type: column.sql })));
  }

  close(): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.closed) return;
      this.closed = true;
      try {
        // Operations staged without a commit after them are not kept.
        await this.dropSpill();
        // Fold the WAL into the file so a normal run leaves only warehouse.db behind.
        await this.connection.run('CHECKPOINT');
      } finally {
        this.connection.closeSync();
        this.instance.closeSync();
        openPaths.delete(this.key);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private rowsSinceReopen = 0;

  /**
   * Checkpoints, closes and reopens the file. DuckDB keeps what a long run wrote in memory
   * beyond its memory_limit (allocations it never hands back); a fresh instance starts
   * small, so from 100k to 1M rows the process grows by little more than the primary key
   * index (bench part 3 measures both). Between two commits nothing is
   * lost if this fails: the error says what to do.
   */
  private async reopen(): Promise<void> {
    this.rowsSinceReopen = 0;
    await this.connection.run('CHECKPOINT');
    this.connection.closeSync();
    this.instance.closeSync();
    try {
      ({ instance: this.instance, connection: this.connection } = await connectTo(this.path, this.options));
    } catch (error) {
      this.closed = true;
      openPaths.delete(this.key);
      throw error;
    }
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    // One operation at a time on the one connection: DuckDB transactions must not interleave.
    const next = this.queue.then(() => {
      if (this.closed) throw new Error(`The destination ${this.path} is closed; open it again to use it.`);
      return work();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Runs `work` in one transaction. Statements that return nothing are queued with later()
   * and sent together (BEGIN with the first, COMMIT with the last): a commit of one page is
   * three round trips to DuckDB instead of seven.
   */
  private async transaction(work: () => Promise<void>): Promise<void> {
    this.later('BEGIN TRANSACTION');
    try {
      await work();
      this.later('COMMIT');
      await this.flush();
    } catch (error) {
      this.queued = [];
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private queued: string[] = [];

  /** Queues a statement without parameters or results; flush() sends the queue as one script. */
  private later(sql: string): void {
    this.queued.push(sql);
  }

  private async flush(): Promise<void> {
    if (this.queued.length === 0) return;
    const script = this.queued.join(';\n');
    this.queued = [];
    await this.connection.run(script);
  }

  private tableInfo(table: string): TableInfo {
    const info = this.catalog.get(table);
    if (info === undefined) throw new WarehouseError('table_missing', `${this.path} has no table ${TESTER_SCHEMA}.${table}; run a sync that writes it first.`);
    return info;
  }

  private async holdsNoRow(table: string): Promise<boolean> {
    const reader = await this.connection.runAndReadAll(`SELECT count(*) AS n FROM (SELECT 1 FROM ${testerTable(table)} LIMIT 1)`);
    return Number(reader.getRowObjectsJS()[0]?.n) === 0;
  }

  private primaryKeyOf(table: string): readonly string[] | undefined {
    const existing = this.catalog.get(table);
    if (existing !== undefined && !this.provisional.has(table)) return existing.primaryKey.length === 1 && existing.primaryKey[0] === ID_COLUMN ? undefined : existing.primaryKey;
    const declared = this.declared.get(table)?.primaryKey;
    return declared !== undefined && declared.length > 0 ? declared : undefined;
  }

  /** The columns of a new `table`: its declared ones and those `kinds` asks for, primary key first. */
  private newTableColumns(table: string, kinds: Map<string, Kinds>): { columns: { name: string; sql: string }[]; primaryKey: string[] } {
    const declaration = this.declared.get(table);
    const primaryKey = declaration?.primaryKey !== undefined && declaration.primaryKey.length > 0 ? [...declaration.primaryKey] : [ID_COLUMN];
    const names = [...new Set([...primaryKey, ...Object.keys(declaration?.columns ?? {}), ...kinds.keys()])];
    const columns = names.map((name) => {
      const declaredType = declaration?.columns?.[name];
      const type = name === ID_COLUMN ? 'VARCHAR' : (declaredType ?? columnTypeFor(kinds.get(name)?.kinds ?? []));
      return { name, sql: sqlTypeOf(type, kinds.get(name)) };
    });
    return { columns, primaryKey };
  }

  /** Creates `table` with its declared columns and the columns `kinds` asks for (pk first, system columns last). */
  private async createTable(table: string, kinds: Map<string, Kinds>): Promise<void> {
    await this.flush();
    const { columns, primaryKey } = this.newTableColumns(table, kinds);
    await this.connection.run(`CREATE TABLE ${testerTable(table)} (${tableDefinitions(columns, primaryKey).join(', ')})`);
    this.catalog = await loadCatalog(this.connection);
  }

  /** Creates, extends or widens `table` so every value of `rows` fits. Returns the schema changes made. */
  private async prepareTable(table: string, rows: Map<string, RowChange>): Promise<number> {
    await this.flush();
    const kinds = collectKinds(rows);
    const existing = this.catalog.get(table);
    if (existing === undefined || this.provisional.has(table)) {
      if (existing !== undefined) await this.connection.run(`DROP TABLE ${testerTable(table)}`);
      await this.createTable(table, kinds);
      const wasProvisional = this.provisional.delete(table);
      return wasProvisional ? 0 : 1;
    }
    const changes = this.columnChanges(table, existing.columns, existing.primaryKey, kinds);
    for (const change of changes) {
      if (change.add) await this.connection.run(`ALTER TABLE ${testerTable(table)} ADD COLUMN ${quote(change.name)} ${change.sql}`);
      else await this.connection.run(`ALTER TABLE ${testerTable(table)} ALTER COLUMN ${quote(change.name)} TYPE ${change.sql}`);
    }
    if (changes.length > 0) this.catalog = await loadCatalog(this.connection);
    return changes.length;
  }

  /** The columns to add and to widen so every kind of value in `kinds` fits (throws for a primary key column that would have to widen). */
  private columnChanges(table: string, columns: ReadonlyMap<string, ColumnInfo>, primaryKey: readonly string[], kinds: Map<string, Kinds>): { name: string; sql: string; add: boolean }[] {
    const changes: { name: string; sql: string; add: boolean }[] = [];
    for (const [name, seen] of kinds) {
      const column = columns.get(name);
      if (column === undefined) {
        changes.push({ name, sql: sqlTypeOf(columnTypeFor(seen.kinds), seen), add: true });
        continue;
      }
      const declared = this.declared.get(table)?.columns?.[name] !== undefined;
      let type = column.type;
      for (const kind of seen.kinds) if (!fits(type, kind, declared)) type = widen(type, kind as ColumnType);
      if (type === column.type) continue;
      if (primaryKey.includes(name)) {
        throw new Error(`Column "${name}" is part of the primary key of ${TESTER_SCHEMA}.${table} and has type ${column.sql}; a value of type ${[...seen.kinds].find((kind) => !fits(column.type, kind, declared))} cannot be stored in it. Send primary key values of one type, or reset the warehouse.`);
      }
      changes.push({ name, sql: sqlTypeOf(type, seen), add: false });
    }
    return changes;
  }

  private async writeRows(table: string, rows: Map<string, RowChange>, syncedSql: string): Promise<void> {
    const info = this.tableInfo(table);
    const dataColumns = [...info.columns.values()].filter((column) => column.name !== SYNCED_COLUMN && column.name !== DELETED_COLUMN);
    const replaced: RowChange[] = [];
    const patchGroups = new Map<string, { columns: ColumnInfo[]; deleted: boolean | undefined; rows: RowChange[] }>();
    for (const change of rows.values()) {
      if (change.replace) {
        replaced.push(change);
        continue;
      }
      const names = Object.keys(change.data).filter((name) => info.columns.has(name) && name !== SYNCED_COLUMN && name !== DELETED_COLUMN).sort();
      const signature = `${String(change.deleted)}:${JSON.stringify(names)}`;
      let group = patchGroups.get(signature);
      if (group === undefined) {
        const set = new Set([...info.primaryKey, ...names]);
        group = { columns: dataColumns.filter((column) => set.has(column.name)), deleted: change.deleted, rows: [] };
        patchGroups.set(signature, group);
      }
      group.rows.push(change);
    }
    if (replaced.length > 0) {
      await this.loadStage(dataColumns, replaced);
      const targets = [...dataColumns.map((column) => quote(column.name)), quote(SYNCED_COLUMN), quote(DELETED_COLUMN)];
      const values = [...dataColumns.map((column, index) => `CAST(s.c${index} AS ${column.sql})`), syncedSql, 's.deleted'];
      // An upsert replaces the whole row, as the SDK defines it: a field the record lacks is NULL.
      // Delete-then-insert by key: DuckDB looks the keys up in the primary key index, where
      // INSERT OR REPLACE grows with the table (600 ms per page at 300k rows).
      for (const filter of keyFilters(info, replaced)) this.later(`DELETE FROM ${testerTable(table)} WHERE ${filter}`);
      this.later(`INSERT INTO ${testerTable(table)} (${targets.join(', ')}) SELECT ${values.join(', ')} FROM temp.main.${STAGE} s`);
    }
    for (const group of patchGroups.values()) {
      await this.loadStage(group.columns, group.rows);
      const sets = group.columns
        .map((column, index) => (info.primaryKey.includes(column.name) ? undefined : `${quote(column.name)} = CAST(s.c${index} AS ${column.sql})`))
        .filter((set): set is string => set !== undefined);
      sets.push(`${quote(SYNCED_COLUMN)} = ${syncedSql}`);
      if (group.deleted !== undefined) sets.push(`${quote(DELETED_COLUMN)} = ${group.deleted}`);
      const match = group.columns
        .map((column, index) => (info.primaryKey.includes(column.name) ? `t.${quote(column.name)} = CAST(s.c${index} AS ${column.sql})` : undefined))
        .filter((condition): condition is string => condition !== undefined);
      // The key list lets DuckDB find the rows through the primary key index instead of joining the whole table.
      for (const filter of keyFilters(info, group.rows, 't.')) {
        this.later(`UPDATE ${testerTable(table)} AS t SET ${sets.join(', ')} FROM temp.main.${STAGE} s WHERE ${match.join(' AND ')} AND ${filter}`);
      }
    }
  }

  /** Loads rows into the temporary staging table: one column per target column in its transport type, plus `deleted`. */
  private async loadStage(columns: readonly ColumnInfo[], rows: readonly RowChange[]): Promise<void> {
    const transports = columns.map((column) => transportOf(column.type));
    this.later(`CREATE OR REPLACE TEMP TABLE ${STAGE} (${[...transports.map((transport, index) => `c${index} ${transport}`), 'deleted BOOLEAN'].join(', ')})`);
    await this.flush();
    const appender = await this.connection.createAppender(STAGE, 'main', 'temp');
    try {
      for (const row of rows) {
        for (let index = 0; index < columns.length; index++) append(appender, transports[index]!, row.data[columns[index]!.name]);
        appender.appendBoolean(row.deleted === true);
        appender.endRow();
      }
    } finally {
      appender.closeSync();
    }
  }
}

/** The kinds of values a column received in one commit, and a declared decimal shape when one came. */
interface Kinds {
  kinds: Set<ValueKind>;
  decimal?: { precision: number; scale: number };
}

function collectKinds(rows: Map<string, RowChange>): Map<string, Kinds> {
  const out = new Map<string, Kinds>();
  for (const change of rows.values()) {
    for (const [name, value] of Object.entries(change.data)) {
      if (name === SYNCED_COLUMN || name === DELETED_COLUMN) continue;
      let entry = out.get(name);
      if (entry === undefined) {
        entry = { kinds: new Set() };
        out.set(name, entry);
      }
      entry.kinds.add(kindOf(value));
      if (isTypedValue(value) && value.type === 'DECIMAL' && value.precision !== undefined) entry.decimal ??= { precision: value.precision, scale: value.scale ?? 0 };
    }
  }
  return out;
}

/** Keys per statement: DuckDB answers an IN list through the index up to index_scan_max_count (2048). */
const KEYS_PER_STATEMENT = 1000;

/**
 * SQL conditions selecting the rows' primary keys by value (`"id" IN ('a', 'b')`, or
 * `("a" = 1 AND "b" = 'x') OR ...` for a composite key), in chunks DuckDB serves from the index.
 */
function keyFilters(info: TableInfo, rows: readonly RowChange[], prefix = ''): string[] {
  const keyColumns = info.primaryKey.map((name) => info.columns.get(name)!);
  const filters: string[] = [];
  for (let start = 0; start < rows.length; start += KEYS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + KEYS_PER_STATEMENT);
    if (keyColumns.length === 1) {
      const column = keyColumns[0]!;
      filters.push(`${prefix}${quote(column.name)} IN (${chunk.map((row) => sqlLiteral(column, row.data[column.name])).join(', ')})`);
    } else {
      filters.push(chunk.map((row) => `(${keyColumns.map((column) => `${prefix}${quote(column.name)} = ${sqlLiteral(column, row.data[column.name])}`).join(' AND ')})`).join(' OR '));
    }
  }
  return filters;
}

/** A value as an SQL constant of the column's type (primary key values only: never null here). */
export function sqlLiteral(column: ColumnInfo, value: WarehouseValue | undefined): string {
  const transport = transportOf(column.type);
  const encoded = encodeFor(transport, value);
  if (encoded === null) return 'NULL';
  if (transport === 'BIGINT' || transport === 'BOOLEAN') return `CAST(${String(encoded)} AS ${column.sql})`;
  const text = encoded instanceof Uint8Array ? `\\x${Buffer.from(encoded).toString('hex').match(/../g)?.join('\\x') ?? ''}` : String(encoded);
  const quoted = textLiteral(text);
  return column.type === 'VARCHAR' ? quoted : `CAST(${quoted} AS ${column.sql})`;
}

/** Column definitions of a warehouse table: `columns` (the key NOT NULL), then the system columns and the primary key. */
function tableDefinitions(columns: readonly { name: string; sql: string }[], primaryKey: readonly string[]): string[] {
  const definitions = columns.map((column) => `${quote(column.name)} ${column.sql}${primaryKey.includes(column.name) ? ' NOT NULL' : ''}`);
  definitions.push(`${quote(SYNCED_COLUMN)} TIMESTAMP`, `${quote(DELETED_COLUMN)} BOOLEAN DEFAULT false`, `PRIMARY KEY (${primaryKey.map(quote).join(', ')})`);
  return definitions;
}

function timestampSql(at: Date): string {
  return `CAST(${textLiteral(at.toISOString())} AS TIMESTAMP)`;
}

/** A truncate: every row of the table soft-deleted. */
function truncateSql(table: string, syncedSql: string): string {
  return `UPDATE ${testerTable(table)} SET ${quote(DELETED_COLUMN)} = true, ${quote(SYNCED_COLUMN)} = ${syncedSql}`;
}

function stateSql(state: ConnectorStateJson, syncedSql: string): string {
  return `INSERT OR REPLACE INTO ${INTERNAL_SCHEMA}.state VALUES (1, ${textLiteral(JSON.stringify(state))}, ${syncedSql})`;
}

/** Deletes a spill file and its WAL (what a crash between two checkpoints leaves behind holds nothing committed). */
function removeSpillFiles(dir: string): void {
  for (const name of [SPILL_FILE, `${SPILL_FILE}.wal`]) rmSync(join(dir, name), { force: true });
}

/** A string as an SQL string constant. */
function textLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function sqlTypeOf(type: ColumnType, seen: Kinds | undefined): string {
  if (type === 'DECIMAL') return seen?.decimal !== undefined ? `DECIMAL(${seen.decimal.precision}, ${seen.decimal.scale})` : 'DECIMAL(38, 10)';
  return type;
}

function append(appender: DuckDBAppender, transport: TransportType, value: WarehouseValue | undefined): void {
  const encoded = encodeFor(transport, value);
  if (encoded === null) appender.appendNull();
  else if (transport === 'BOOLEAN') appender.appendBoolean(encoded as boolean);
  else if (transport === 'BIGINT') appender.appendBigInt(encoded as bigint);
  else if (transport === 'DOUBLE') appender.appendDouble(encoded as number);
  else if (transport === 'BLOB') appender.appendBlob(encoded as Uint8Array);
  else appender.appendVarchar(encoded as string);
}

function emptyCounts(): CommitCounts {
  return { upserts: 0, updates: 0, deletes: 0, truncates: 0, schemaChanges: 0 };
}

function addCounts(into: CommitCounts, more: CommitCounts): void {
  into.upserts += more.upserts;
  into.updates += more.updates;
  into.deletes += more.deletes;
  into.truncates += more.truncates;
  into.schemaChanges += more.schemaChanges;
}

