// hed-tester debug: plays the Fivetran connector tester for a Connector SDK project.
// Python runs the project's connector.py with the SDK's own gRPC server; this side calls
// Schema then Update and commits what streams back into the warehouse, a checkpoint at a time.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { addCommitCounts, createProgress, reportSyncEnd, type Output, type SyncCounts } from '../connector/progress.js';
import type { ConnectorStateJson, Destination, TableDeclaration, WarehouseOperation } from '../warehouse/index.js';
import { connectConnector, decimalParamsOf, eventsOfUpdateResponse, tablesFromWire, wireTablesOf, type ConnectorClient, type WireSchemaResponse } from './protocol.js';
import { createGroupCommitter } from './group-commit.js';
import { LaunchError, launchConnector, resolvePython, tailText, type LaunchedConnector } from './python.js';
import { createSevereLog, nothingSyncedWarning } from './empty-sync.js';
import { rememberOutput, type OutputGuard } from './output-guard.js';
import { parseCheckpointState } from './checkpoint-state.js';

/** Defaults of hed-tester debug, in one block. */
export const TESTER_DEFAULTS = {
  /** The connector may send nothing for this long during Update before the sync fails. */
  silenceTimeoutMs: 300_000,
  /** connector.py must import and the SDK's server listen within this. */
  startupTimeoutMs: 60_000,
  /** Schema() must answer within this. */
  schemaTimeoutMs: 120_000,
  outputDirName: 'files',
  configurationFile: 'configuration.json',
  /** Operations waiting for a commit before reading from the connector pauses. */
  maxQueuedOperations: 50_000,
  /** Operations held in memory before their checkpoint; beyond it they are staged in DuckDB, uncommitted. */
  stageRows: 5_000,
} as const;

/** Inputs of runTesterDebug. */
export interface TesterDebugOptions {
  /** The folder holding connector.py. */
  projectDir: string;
  /** Configuration as given (string values); wins over configurationPath. */
  configuration?: Record<string, string>;
  /** configuration.json to read; default DIR/configuration.json when it exists, else {}. */
  configurationPath?: string;
  /** Where warehouse.db and state.json go; default DIR/files. */
  outputDir?: string;
  /** Python to run; default $VIRTUAL_ENV/bin/python, else python3. */
  python?: string;
  /** Start from this state instead of the saved one (like `fivetran debug --state`). */
  state?: Record<string, unknown>;
  out: Output;
  /** Fail when the connector sends nothing for this long (default 300 s). */
  silenceTimeoutMs?: number;
  /** Fail when the server does not listen within this (default 60 s). */
  startupTimeoutMs?: number;
  /** Abort the sync: the Python process is stopped, committed checkpoints stay. */
  signal?: AbortSignal;
  /** Environment for resolving Python and for the connector (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Called after each checkpoint is committed (tests and the scenario matrix watch progress here). */
  onCheckpoint?(state: ConnectorStateJson, counts: SyncCounts): void | Promise<void>;
}

/** How a run ended; `reason` is the text after `Sync FAILED: `. */
export interface TesterDebugResult {
  ok: boolean;
  reason?: string;
  counts: SyncCounts;
  /** The state committed last (the start state when nothing was committed). */
  state: Record<string, unknown>;
}

/** A configuration that cannot be used (exit 2 in the CLI); names the key or file. */
export class TesterConfigurationError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'TesterConfigurationError';
  }
}

/**
 * The configuration to hand to the connector: the SDK accepts only a flat JSON object of
 * strings (its check_dict refuses anything else), so the same check happens here first.
 *
 * @example
 * checkConfiguration({ api_key: 'k', page_size: '100' }, 'configuration.json') // same object
 */
export function checkConfiguration(value: unknown, source: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TesterConfigurationError('(file)', `${source} must be a JSON object of string values, such as {"api_key": "...", "base_url": "http://127.0.0.1:8080", "page_size": "100"}.`);
  }
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      throw new TesterConfigurationError(key, `The value of "${key}" in ${source} must be a string (the Connector SDK accepts only strings); write it as "${String(JSON.stringify(entry)).replace(/"/g, '')}".`);
    }
  }
  return value as Record<string, string>;
}

/** Reads the configuration the options point at (see TesterDebugOptions.configurationPath). */
export function loadConfiguration(options: Pick<TesterDebugOptions, 'projectDir' | 'configuration' | 'configurationPath'>): Record<string, string> {
  if (options.configuration !== undefined) return checkConfiguration(options.configuration, 'the configuration');
  const path = options.configurationPath ?? join(options.projectDir, TESTER_DEFAULTS.configurationFile);
  if (options.configurationPath === undefined && !existsSync(path)) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TesterConfigurationError('(file)', `Cannot read the configuration file ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}). Pass --configuration with the path of your configuration.json.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TesterConfigurationError('(file)', `The configuration file ${path} is not valid JSON (${(error as Error).message}).`);
  }
  return checkConfiguration(parsed, path);
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The reason for a failed Update stream: the connector's own error (1.7.0 sends its
 * traceback in the status details) cut to its last lines, or what happened to the process.
 */
export function updateFailureReason(error: { code?: number; details?: string; message?: string }, exitCode: string | undefined, tail: readonly string[], phase: 'schema()' | 'update()' = 'update()'): string {
  const details = (error.details ?? error.message ?? '').trim();
  if (exitCode !== undefined && exitCode !== 'null') {
    return `the connector's Python process ended (exit code ${exitCode}) during ${phase}${tailText(tail)}`;
  }
  const lines = details.split('\n').filter((line) => line.trim() !== '');
  const first = lines[0]?.replace(/^Exception iterating responses: /, '') ?? 'the connector failed';
  const last = lines.slice(1).slice(-6);
  return last.length === 0 ? `${phase} failed: ${first}` : `${phase} failed: ${first}\n${last.map((line) => `  ${line.trimEnd()}`).join('\n')}`;
}

function callSchema(client: ConnectorClient, configuration: Record<string, string>, timeoutMs: number): Promise<WireSchemaResponse> {
  return new Promise((resolvePromise, reject) => {
    client.Schema({ configuration }, { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error !== null) reject(error);
      else resolvePromise(response ?? {});
    });
  });
}

/**
 * Runs `hed-tester debug` for a project: Previous state, Schema, Update streamed into
 * DIR/files/warehouse.db (one transaction per checkpoint), the SYNC PROGRESS table and
 * `Sync SUCCEEDED` or `Sync FAILED: <reason>`. The Python process is stopped whatever
 * happens. Throws TesterConfigurationError before starting anything when the
 * configuration is unusable.
 *
 * @example
 * const result = await runTesterDebug({ projectDir: '.', out: process.stdout });
 * process.exitCode = result.ok ? 0 : 1;
 */
export async function runTesterDebug(options: TesterDebugOptions): Promise<TesterDebugResult> {
  const env = options.env ?? process.env;
  const projectDir = resolve(options.projectDir);
  const configuration = loadConfiguration(options);
  const progress = createProgress(options.out, () => Date.now());
  const counts: SyncCounts = { upserts: 0, updates: 0, deletes: 0, truncates: 0, schemaChanges: 0, checkpoints: 0 };
  let state: Record<string, unknown> = {};
  let destination: Destination | undefined;
  let launched: LaunchedConnector | undefined;
  let client: ConnectorClient | undefined; // eslint-disable-line prefer-const -- set once the connector listens; finish() closes it
  let output: OutputGuard | undefined; // eslint-disable-line prefer-const -- set once the output folder is known; finish() uses it
  const severe = createSevereLog();

  const finish = async (reason?: string): Promise<TesterDebugResult> => {
    client?.close();
    await launched?.stop();
    await destination?.close().catch(() => undefined);
    // A run that failed before its first checkpoint leaves no empty warehouse.db or state.json it created.
    if (reason !== undefined && counts.checkpoints === 0) output?.discardCreated();
    return reportSyncEnd(progress, counts, reason) ? { ok: true, counts, state } : { ok: false, reason, counts, state };
  };

  if (!existsSync(join(projectDir, 'connector.py'))) {
    progress.log('INFO', 'Previous state: (not read)');
    return finish(`there is no connector.py in ${projectDir}. Run hed-tester in your project's folder or pass --project-dir.`);
  }
  const outputDir = options.outputDir ?? join(projectDir, TESTER_DEFAULTS.outputDirName);
  output = rememberOutput(outputDir);
  // Python and the SDK start while DuckDB loads and the warehouse opens; the state goes in the
  // Update request (the SDK reads request.state_json when its own state is empty). The
  // connector's lines wait until the Previous state line is out.
  const held: string[] = [];
  let holding = true;
  const stopLaunch = new AbortController();
  const onAbort = () => stopLaunch.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const launching = launchConnector({
    python: resolvePython(options.python, env),
    projectDir,
    configuration,
    state: {},
    env,
    startupTimeoutMs: options.startupTimeoutMs ?? TESTER_DEFAULTS.startupTimeoutMs,
    onLine: (line) => {
      severe.line(line);
      if (holding) held.push(line);
      else progress.raw(line);
    },
    signal: stopLaunch.signal,
  });
  launching.catch(() => undefined);
  const release = () => {
    holding = false;
    for (const line of held.splice(0)) progress.raw(line);
  };
  try {
    const { openDestination } = await import('../warehouse/index.js');
    destination = await openDestination(outputDir, { typeText: true });
    const start = await destination.startState();
    if (start.warning !== undefined) progress.log('WARNING', start.warning);
    state = options.state ?? start.state;
  } catch (error) {
    progress.log('INFO', 'Previous state: (unreadable)');
    stopLaunch.abort();
    launched = await launching.catch(() => undefined);
    options.signal?.removeEventListener('abort', onAbort);
    return finish(errorMessage(error));
  }
  progress.log('INFO', `Previous state: ${JSON.stringify(state)}`);
  release();

  const aborted = () => options.signal?.aborted === true;
  try {
    launched = await launching;
  } catch (error) {
    release();
    return finish(error instanceof LaunchError ? error.reason : errorMessage(error));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  progress.log('INFO', `Connector started with fivetran_connector_sdk ${launched.sdkVersion} (protocol ${launched.protocol}) on 127.0.0.1:${launched.port}; writing to ${destination.path}`);
  client = connectConnector(launched.port, launched.protocol);

  const known = new Set<string>();
  let decimals = new Map<string, { precision: number; scale: number }>();
  const declare = async (tables: TableDeclaration[]) => {
    const fresh = tables.filter((table) => !known.has(table.table));
    if (fresh.length === 0) return;
    for (const table of fresh) known.add(table.table);
    const made = await destination!.declare(fresh);
    counts.schemaChanges += made.schemaChanges;
    for (const table of made.created) progress.log('INFO', `[SchemaChange]: tester.${table}`);
  };

  try {
    const schema = await callSchema(client, configuration, TESTER_DEFAULTS.schemaTimeoutMs);
    const wireTables = wireTablesOf(schema);
    decimals = decimalParamsOf(wireTables);
    await declare(tablesFromWire(wireTables));
  } catch (error) {
    if (aborted()) return finish('interrupted');
    const exit = await settleExit(launched);
    return finish(updateFailureReason(error as grpc.ServiceError, exit, launched.tail(), 'schema()'));
  }

  const batch: WarehouseOperation[] = [];
  // Operations handed to the committer ahead of their checkpoint (staged: written, not committed).
  let ahead = 0;
  const committer = createGroupCommitter({
    commit: (operations, nextState) => destination!.commit(operations, nextState, new Date()),
    stage: (operations) => destination!.stage!(operations, new Date()),
    stageRows: TESTER_DEFAULTS.stageRows,
    async committed(states, written) {
      addCommitCounts(counts, written);
      for (const committedState of states) {
        state = committedState;
        counts.checkpoints++;
        progress.log('INFO', `Checkpoint: ${JSON.stringify(state)}`);
        await options.onCheckpoint?.(state, { ...counts });
      }
      if (options.out.isTTY === true) progress.status(`${counts.upserts} upserts · ${counts.checkpoints} checkpoints`);
    },
  });

  const silenceMs = options.silenceTimeoutMs ?? TESTER_DEFAULTS.silenceTimeoutMs;
  const call = client.Update({ configuration, state_json: JSON.stringify(state) });
  let silent = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      silent = true;
      call.cancel();
    }, silenceMs);
  };
  const cancelUpdate = () => call.cancel();
  options.signal?.addEventListener('abort', cancelUpdate, { once: true });
  try {
    arm();
    for await (const response of call) {
      clearTimeout(timer);
      for (const event of eventsOfUpdateResponse(response, decimals)) {
        if (event.kind === 'operation') {
          if (!known.has(event.operation.table)) await declare([{ table: event.operation.table, primaryKey: [] }]);
          batch.push(event.operation);
          // A connector that waits long before its checkpoint: its rows go to DuckDB, uncommitted, instead of piling up here.
          if (batch.length >= TESTER_DEFAULTS.stageRows) {
            ahead += batch.length;
            committer.add(batch.splice(0));
            if (committer.queued() > TESTER_DEFAULTS.maxQueuedOperations) await committer.idle();
          }
        } else if (event.kind === 'checkpoint') {
          ahead = 0;
          committer.checkpoint(batch.splice(0), parseCheckpoint(event.stateJson));
          if (committer.failure() !== undefined) throw committer.failure();
          // Bound what waits in memory when the disk is slower than the connector.
          if (committer.queued() > TESTER_DEFAULTS.maxQueuedOperations) await committer.idle();
        } else if (event.kind === 'tables') {
          await declare(event.tables);
        } else {
          severe.log(event.level, event.message);
          progress.log(event.level, event.message);
        }
      }
      arm();
    }
    clearTimeout(timer);
    await committer.drain();
    // Operations after the last checkpoint: committed with the state unchanged.
    if (batch.length > 0 || ahead > 0) addCommitCounts(counts, await destination.commit(batch.splice(0), state, new Date()));
  } catch (error) {
    clearTimeout(timer);
    // What the connector checkpointed before the failure is kept.
    const commitFailure = await committer.drain().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    if (commitFailure !== undefined) return finish(errorMessage(commitFailure));
    const pending = batch.length + ahead;
    if (pending > 0) progress.log('WARNING', `${pending} operations after the last checkpoint were not written; the next sync starts from the last checkpoint.`);
    if (aborted()) return finish('interrupted; every checkpoint before this point is kept, run the same command to resume');
    if (silent) return finish(`the connector sent nothing for ${Math.round(silenceMs / 1000)} s (a request without a timeout, or a loop?); stopped it${tailText(launched.tail())}`);
    if ((error as grpc.ServiceError).code === undefined) return finish(errorMessage(error));
    const exit = await settleExit(launched);
    return finish(updateFailureReason(error as grpc.ServiceError, exit, launched.tail()));
  } finally {
    options.signal?.removeEventListener('abort', cancelUpdate);
  }
  // The verdict stays Fivetran's; a sync that wrote nothing and shows why says so on one line.
  const warning = await nothingSyncedWarning(counts, severe.messages(), configuration);
  const result = await finish();
  if (warning !== undefined) progress.log('WARNING', warning);
  return result;
}

/** The exit code when the Python process ended on its own within a moment, else undefined. */
async function settleExit(launched: LaunchedConnector): Promise<string | undefined> {
  return Promise.race([launched.exited, new Promise<undefined>((done) => setTimeout(() => done(undefined), 300))]);
}

const parseCheckpoint = parseCheckpointState;
