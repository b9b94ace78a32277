import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { HedClient } from './client.js';
import { parseConfiguration } from './configuration.js';
import { schema, syncOperations, type ConnectorState, type Operation, type SyncEvent } from './connector.js';
import { openWarehouse, type Warehouse } from './warehouse.js';
import { createProgress, formatSyncProgress, type Output, type SyncCounts } from './progress.js';

export const WAREHOUSE_FILE = 'warehouse.db';
export const STATE_FILE = 'state.json';

/** Inputs of runDebug: the parsed configuration.json, where to write, and the edges. */
export interface DebugRunOptions {
  /** configuration.json as parsed JSON (validated here; ConfigurationError when bad). */
  configuration: unknown;
  /** DIR: receives warehouse.db and state.json; created when missing. */
  outputDir: string;
  out: Output;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
  /** Called after each checkpoint is committed and state.json written (tests snapshot DIR here). */
  onCheckpoint?(state: ConnectorState, counts: SyncCounts): void | Promise<void>;
}

/** How a run ended; `reason` is the text after `Sync FAILED: `. */
export interface DebugRunResult {
  ok: boolean;
  reason?: string;
  counts: SyncCounts;
  /** The state committed last (the start state when nothing was committed). */
  state: ConnectorState;
}

/**
 * Plays `fivetran debug`: runs update() from the saved state and writes every page and the
 * state after it into DIR/warehouse.db in one transaction, then mirrors the state into
 * DIR/state.json. Prints the tester-style log and the SYNC PROGRESS table.
 * Throws ConfigurationError before touching DIR when the configuration is bad.
 *
 * @example
 * const result = await runDebug({ configuration, outputDir: 'files', out: process.stdout });
 * process.exitCode = result.ok ? 0 : 1;
 */
export async function runDebug(options: DebugRunOptions): Promise<DebugRunResult> {
  const now = options.now ?? (() => Date.now());
  const { settings, warnings } = parseConfiguration(options.configuration);
  const progress = createProgress(options.out, now);
  for (const warning of warnings) progress.log('WARNING', warning);

  const counts: SyncCounts = { upserts: 0, updates: 0, deletes: 0, truncates: 0, schemaChanges: 0, checkpoints: 0 };
  let state: ConnectorState = {};
  let warehouse: Warehouse | undefined;
  const finish = (reason?: string): DebugRunResult => {
    warehouse?.close();
    progress.done();
    progress.raw(formatSyncProgress(counts));
    if (reason === undefined) {
      progress.log('INFO', 'Sync SUCCEEDED');
      return { ok: true, counts, state };
    }
    progress.log('SEVERE', `Sync FAILED: ${reason}`);
    return { ok: false, reason, counts, state };
  };

  try {
    try {
      mkdirSync(options.outputDir, { recursive: true });
      warehouse = openWarehouse(join(options.outputDir, WAREHOUSE_FILE));
    } catch (error) {
      throw new Error(`Cannot use ${options.outputDir} as the output directory (${errorMessage(error)}). Pass --output with a directory hed-connector may write.`);
    }
    const start = loadStartState(warehouse, options.outputDir);
    if (start.warning !== undefined) progress.log('WARNING', start.warning);
    state = start.state;
    writeStateFile(options.outputDir, state);
  } catch (error) {
    progress.log('INFO', 'Previous state: (unreadable)');
    return finish(errorMessage(error));
  }

  progress.log('INFO', `Previous state: ${JSON.stringify(state)}`);
  const tables = schema(options.configuration as Record<string, string>).map((t) => `${t.table} (primary key ${t.primary_key.join(', ')})`);
  progress.log('INFO', `Syncing ${tables.join(', ')} from ${settings.baseUrl} with page_size ${settings.pageSize} into ${join(options.outputDir, WAREHOUSE_FILE)}`);

  const client = new HedClient({
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  let retries = 0;
  const onEvent = (event: SyncEvent) => {
    if (event.kind === 'request') {
      // Only a live line is worth redrawing per request; plain output gets one line per page.
      if (options.out.isTTY === true) {
        progress.status(`page ${event.page}${event.attempt > 1 ? ` attempt ${event.attempt}` : ''} requested · ${counts.upserts} upserts committed · ${retries} retries`);
      }
    } else if (event.kind === 'retry') {
      retries++;
      progress.log('WARNING', `Retrying page ${event.page} in ${event.waitMs} ms (attempt ${event.attempt + 1} of ${settings.retry.maxAttempts}) after ${event.reason}`);
    } else {
      progress.status(`page ${event.page} received: ${event.records} records, has_more ${event.hasMore} · ${counts.upserts} upserts committed · ${retries} retries`);
    }
  };

  const batch: Operation[] = [];
  try {
    const operations = syncOperations(state, {
      client,
      pageSize: settings.pageSize,
      retryPolicy: settings.retry,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now,
      // Jitter never has to replay; tests inject their own draw.
      random: options.random ?? (() => Math.random()),
      onEvent,
    });
    for await (const op of operations) {
      if (op.type !== 'checkpoint') {
        batch.push(op);
        continue;
      }
      const written = warehouse.applyBatch(batch, op.state, new Date(now()).toISOString());
      batch.length = 0;
      state = op.state;
      writeStateFile(options.outputDir, state);
      counts.upserts += written.upserts;
      counts.updates += written.updates;
      counts.deletes += written.deletes;
      counts.schemaChanges += written.schemaChanges;
      counts.checkpoints++;
      progress.log('INFO', `Checkpoint: ${JSON.stringify(state)}`);
      await options.onCheckpoint?.(state, { ...counts });
    }
    if (batch.length > 0) {
      // Operations after the last checkpoint: commit them with the state unchanged.
      const written = warehouse.applyBatch(batch, state, new Date(now()).toISOString());
      counts.upserts += written.upserts;
      counts.updates += written.updates;
      counts.deletes += written.deletes;
      counts.schemaChanges += written.schemaChanges;
    }
  } catch (error) {
    if (batch.length > 0) progress.log('WARNING', `${batch.length} operations of the failed page were not written; the next sync fetches that page again.`);
    return finish(errorMessage(error));
  }
  return finish();
}

/**
 * The state to start from. warehouse.db is the source of truth: state.json mirrors it and
 * is rewritten after every commit, so they differ only after a crash between the two
 * writes (or a hand edit). A state.json with no state in the db (a new warehouse) is used
 * as given, like `fivetran debug` does.
 */
export function loadStartState(warehouse: Warehouse, outputDir: string): { state: ConnectorState; warning?: string } {
  const fromDb = warehouse.readState();
  const path = join(outputDir, STATE_FILE);
  let fromFile: ConnectorState | undefined;
  let fileProblem: string | undefined;
  if (existsSync(path)) {
    try {
      fromFile = checkState(JSON.parse(readFileSync(path, 'utf8')));
    } catch (error) {
      fileProblem = `${path} is not a valid state (${errorMessage(error)})`;
    }
  }
  if (fromDb !== undefined) {
    if (fileProblem !== undefined) return { state: fromDb, warning: `${fileProblem}; using the state saved in ${WAREHOUSE_FILE}.` };
    if (fromFile !== undefined && JSON.stringify(fromFile) !== JSON.stringify(fromDb)) {
      return { state: fromDb, warning: `${path} disagrees with ${WAREHOUSE_FILE}; using the state saved in ${WAREHOUSE_FILE}: ${JSON.stringify(fromDb)}.` };
    }
    return { state: fromDb };
  }
  if (fileProblem !== undefined) throw new Error(`${fileProblem}. Fix it, or run \`hed-connector reset\` to start over.`);
  return { state: fromFile ?? {} };
}

function checkState(value: unknown): ConnectorState {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object such as {"next_cursor": "..."}');
  const cursor = (value as Record<string, unknown>).next_cursor;
  if (cursor !== undefined && typeof cursor !== 'string') throw new Error('next_cursor must be a string');
  return cursor === undefined ? {} : { next_cursor: cursor };
}

/** Writes DIR/state.json atomically: a temporary file, fsync, then rename over the old one. */
export function writeStateFile(outputDir: string, state: ConnectorState): void {
  const path = join(outputDir, STATE_FILE);
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
