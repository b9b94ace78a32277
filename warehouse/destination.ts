// openDestination: the Fivetran tester's DuckDB destination, one module for every runner.
// Decisions (typing, collapsing operations, which state wins) are pure functions in the
// sibling files; this shell only turns them into a few set-based statements per commit.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DELETED_COLUMN, ID_COLUMN, planCommit, SYNCED_COLUMN, type RowChange } from './plan.js';
import { chooseStartState, parseState, readStateFile, STATE_FILE, WAREHOUSE_FILE, writeStateFile } from './state-file.js';
import { INTERNAL_SCHEMA, loadCatalog, openInstance, quote, selectRows, TESTER_SCHEMA, testerTable, WarehouseError, type ColumnInfo, type TableInfo } from './duckdb-io.js';
import { typeUndeclaredText } from './text-types.js';
import { columnTypeFor, encodeFor, fits, isTypedValue, kindOf, transportOf, widen, type TransportType, type ValueKind } from './value-types.js';
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
      // Inside a transaction stage() left open, the tables join it: committing here would commit the staged rows early.
      await this.transaction(async () => {
        for (const declaration of pending) {
          await this.createTable(declaration.table, new Map());
          created.push(declaration.table);
        }
      }, this.open);
      for (const table of created) this.provisional.add(table);
      return { schemaChanges: created.length, created };
    });
  }

  commit(operations: readonly WarehouseOperation[], state: ConnectorStateJson, syncedAt: Date): Promise<CommitCounts> {
    return this.serialize(async () => {
      const counts = await this.write(operations, syncedAt, state);
      writeStateFile(this.dir, state);
      this.rowsSinceReopen += operations.length;
      if (this.rowsSinceReopen >= (this.options.reopenEveryRows ?? DEFAULT_REOPEN_EVERY_ROWS)) await this.reopen();
      return counts;
    });
  }

  /**
   * Writes operations into a transaction that stays open: nothing is committed until the
   * next commit(), which commits them with its own operations and state; close() or a
   * failed write rolls them back. A connector that waits long before it checkpoints is
   * held in DuckDB (which spills to disk) instead of in memory.
   */
  stage(operations: readonly WarehouseOperation[], syncedAt: Date): Promise<void> {
    return this.serialize(async () => {
      await this.write(operations, syncedAt, undefined);
    });
  }

  /** Operations staged since the last commit, and what they counted. */
  private staged = { operations: 0, counts: emptyCounts(), provisional: new Set<string>() };

  /** Writes the operations in the open transaction (opening it); with a state, also the state and COMMIT. */
  private async write(operations: readonly WarehouseOperation[], syncedAt: Date, state: ConnectorStateJson | undefined): Promise<CommitCounts> {
    const typed = this.options.typeText === true ? operations.map((operation) => typeUndeclaredText(operation, this.declared.get(operation.table)?.columns)) : operations;
    const plan = planCommit(typed, (table) => this.primaryKeyOf(table));
    const syncedSql = `CAST(${textLiteral(syncedAt.toISOString())} AS TIMESTAMP)`;
    if (!this.open) this.staged.provisional = new Set(this.provisional);
    try {
      await this.transaction(async () => {
        for (const step of plan.steps) {
          if (step.kind === 'truncate') {
            if (this.catalog.has(step.table)) {
              this.later(`UPDATE ${testerTable(step.table)} SET ${quote(DELETED_COLUMN)} = true, ${quote(SYNCED_COLUMN)} = ${syncedSql}`);
            }
            continue;
          }
          plan.counts.schemaChanges += await this.prepareTable(step.table, step.rows);
          await this.writeRows(step.table, step.rows, syncedSql);
        }
        if (state !== undefined) this.later(`INSERT OR REPLACE INTO ${INTERNAL_SCHEMA}.state VALUES (1, ${textLiteral(JSON.stringify(state))}, ${syncedSql})`);
      }, state === undefined);
    } catch (error) {
      // The transaction rolled back, DDL and staged operations included: read back what the tables really are.
      const staged = this.staged.operations;
      this.staged.operations = 0;
      this.staged.counts = emptyCounts();
      this.catalog = await loadCatalog(this.connection);
      this.provisional = this.staged.provisional;
      const also = staged > 0 ? ` (nor the ${staged} operations staged before it)` : '';
      throw new WarehouseError('commit_failed', `Nothing of this commit was written to ${this.path}${also} (rolled back): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (state === undefined) {
      this.staged.operations += operations.length;
      addCounts(this.staged.counts, plan.counts);
      return plan.counts;
    }
    addCounts(plan.counts, this.staged.counts);
    this.rowsSinceReopen += this.staged.operations;
    this.staged.operations = 0;
    this.staged.counts = emptyCounts();
    return plan.counts;
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
        if (this.open) {
          this.open = false;
          await this.connection.run('ROLLBACK');
        }
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
  private async transaction(work: () => Promise<void>, keepOpen = false): Promise<void> {
    if (!this.open) this.later('BEGIN TRANSACTION');
    this.open = true;
    try {
      await work();
      if (!keepOpen) this.later('COMMIT');
      await this.flush();
      if (!keepOpen) this.open = false;
    } catch (error) {
      this.queued = [];
      this.open = false;
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** A transaction stage() left open (declare() joins it rather than committing it early). */
  private open = false;

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

  /** Creates `table` with its declared columns and the columns `kinds` asks for (pk first, system columns last). */
  private async createTable(table: string, kinds: Map<string, Kinds>): Promise<void> {
    await this.flush();
    const declaration = this.declared.get(table);
    const primaryKey = declaration?.primaryKey !== undefined && declaration.primaryKey.length > 0 ? [...declaration.primaryKey] : [ID_COLUMN];
    const names = [...new Set([...primaryKey, ...Object.keys(declaration?.columns ?? {}), ...kinds.keys()])];
    const definitions = names.map((name) => {
      const declaredType = declaration?.columns?.[name];
      const type = name === ID_COLUMN ? 'VARCHAR' : (declaredType ?? columnTypeFor(kinds.get(name)?.kinds ?? []));
      return `${quote(name)} ${sqlTypeOf(type, kinds.get(name))}${primaryKey.includes(name) ? ' NOT NULL' : ''}`;
    });
    definitions.push(`${quote(SYNCED_COLUMN)} TIMESTAMP`, `${quote(DELETED_COLUMN)} BOOLEAN DEFAULT false`, `PRIMARY KEY (${primaryKey.map(quote).join(', ')})`);
    await this.connection.run(`CREATE TABLE ${testerTable(table)} (${definitions.join(', ')})`);
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
    let changes = 0;
    for (const [name, seen] of kinds) {
      const column = existing.columns.get(name);
      if (column === undefined) {
        await this.connection.run(`ALTER TABLE ${testerTable(table)} ADD COLUMN ${quote(name)} ${sqlTypeOf(columnTypeFor(seen.kinds), seen)}`);
        changes++;
        continue;
      }
      const declared = this.declared.get(table)?.columns?.[name] !== undefined;
      let type = column.type;
      for (const kind of seen.kinds) if (!fits(type, kind, declared)) type = widen(type, kind as ColumnType);
      if (type === column.type) continue;
      if (existing.primaryKey.includes(name)) {
        throw new Error(`Column "${name}" is part of the primary key of ${TESTER_SCHEMA}.${table} and has type ${column.sql}; a value of type ${[...seen.kinds].find((kind) => !fits(column.type, kind, declared))} cannot be stored in it. Send primary key values of one type, or reset the warehouse.`);
      }
      await this.connection.run(`ALTER TABLE ${testerTable(table)} ALTER COLUMN ${quote(name)} TYPE ${sqlTypeOf(type, seen)}`);
      changes++;
    }
    if (changes > 0) this.catalog = await loadCatalog(this.connection);
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
