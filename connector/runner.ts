import { join } from 'node:path';
import { HedClient } from './client.js';
import { parseConfiguration } from './configuration.js';
import { schema, syncOperations, type ConnectorState, type Operation, type SyncEvent } from './connector.js';
import { addCommitCounts, createProgress, reportSyncEnd, type Output, type SyncCounts } from '../output/progress.js';
import { openDestination, WAREHOUSE_FILE, type Destination, type WarehouseOperation, type WarehouseValue } from '../warehouse/index.js';

export { STATE_FILE, WAREHOUSE_FILE } from '../warehouse/index.js';

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
  let warehouse: Destination | undefined;
  const finish = async (reason?: string): Promise<DebugRunResult> => {
    try {
      await warehouse?.close();
    } catch (error) {
      reason ??= `Closing ${join(options.outputDir, WAREHOUSE_FILE)} failed (${errorMessage(error)}); the committed checkpoints are kept.`;
    }
    return reportSyncEnd(progress, counts, reason) ? { ok: true, counts, state } : { ok: false, reason, counts, state };
  };

  try {
    warehouse = await openDestination(options.outputDir);
    // The start state (db first, else state.json); startState mirrors it back into state.json.
    const start = await warehouse.startState();
    if (start.warning !== undefined) progress.log('WARNING', start.warning);
    state = start.state as ConnectorState;
  } catch (error) {
    progress.log('INFO', 'Previous state: (unreadable)');
    return finish(errorMessage(error));
  }

  progress.log('INFO', `Previous state: ${JSON.stringify(state)}`);
  const declared = schema(options.configuration as Record<string, string>);
  const tables = declared.map((t) => `${t.table} (primary key ${t.primary_key.join(', ')})`);
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

  let batch: WarehouseOperation[] = [];
  // One commit may be in flight while the next page is fetched and parsed: DuckDB writes on
  // its own threads meanwhile. Commits still happen one at a time and in page order, and a
  // checkpoint is announced only once its commit has resolved.
  let inFlight: Promise<void> = Promise.resolve();
  let inFlightOperations = 0;
  const startCommit = (operations: WarehouseOperation[], next: ConnectorState, checkpoint: boolean) => {
    inFlightOperations = operations.length;
    inFlight = (async () => {
      // Rows and state in one DuckDB transaction, then state.json mirrored.
      addCommitCounts(counts, await warehouse!.commit(operations, next as Record<string, unknown>, new Date(now())));
      inFlightOperations = 0;
      state = next;
      if (!checkpoint) return;
      counts.checkpoints++;
      progress.log('INFO', `Checkpoint: ${JSON.stringify(state)}`);
      await options.onCheckpoint?.(state, { ...counts });
    })();
    // Marked handled now; the loop awaits it before the next commit and at the end.
    inFlight.catch(() => undefined);
  };
  try {
    // schema() feeds the destination: declared tables exist (with their primary keys) before the first page.
    counts.schemaChanges += (await warehouse.declare(declared.map((t) => ({ table: t.table, primaryKey: t.primary_key })))).schemaChanges;
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
        batch.push(toWarehouseOperation(op));
        continue;
      }
      await inFlight;
      startCommit(batch, op.state, true);
      batch = [];
    }
    await inFlight;
    if (batch.length > 0) {
      // Operations after the last checkpoint: commit them with the state unchanged.
      startCommit(batch, state, false);
      batch = [];
      await inFlight;
    }
  } catch (error) {
    let reason = errorMessage(error);
    try {
      // A page fetch failed while a commit was in flight: let it land (or report why it did not).
      await inFlight;
    } catch (commitError) {
      reason = errorMessage(commitError);
    }
    const lost = batch.length + inFlightOperations;
    if (lost > 0) progress.log('WARNING', `${lost} operations of the failed page were not written; the next sync fetches that page again.`);
    return finish(reason);
  }
  return finish();
}

/** A connector operation in the destination's vocabulary (checkpoints are the runner's). */
function toWarehouseOperation(op: Exclude<Operation, { type: 'checkpoint' }>): WarehouseOperation {
  return { op: op.type, table: op.table, data: op.data as Record<string, WarehouseValue> };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
