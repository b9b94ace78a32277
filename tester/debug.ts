// hed-tester debug: plays the Fivetran connector tester for a Connector SDK project. The sync
// reads as its phases: the configuration, the SDK and its runner (chosen once), then the
// runner's sync reported in the tester's lines. What differs between SDK generations lives
// behind the SyncRunner seam (tester/sync-runner.ts, tester/runners/).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createProgress, reportSyncEnd, type Output, type Progress, type SyncCounts } from '../output/progress.js';
import type { VerticalDefinition } from '../verticals/index.js';
import type { ConnectorStateJson } from '../warehouse/index.js';
import { createSevereLog, nothingSyncedWarning } from './empty-sync.js';
import { watchMockJournal } from './mock-journal.js';
import { rememberOutput } from './output-guard.js';
import { resolvePython } from './python.js';
import { engineRunner } from './runners/engine.js';
import { grpcV1Runner } from './runners/grpc-v1.js';
import { grpcV2Runner } from './runners/grpc-v2.js';
import { detectSdk, startedLine, type InstalledSdk } from './sdk.js';
import type { SyncRunEvents, SyncRunner } from './sync-runner.js';

export { updateFailureReason } from './runners/grpc.js';

/** Defaults of hed-tester debug, in one block. */
export const TESTER_DEFAULTS = {
  /** The connector may send nothing for this long during Update before the sync fails. */
  silenceTimeoutMs: 300_000,
  /** connector.py must import and the SDK's server listen within this. */
  startupTimeoutMs: 60_000,
  outputDirName: 'files',
  configurationFile: 'configuration.json',
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
  /** The runner to use, chosen beforehand (the scenario matrix chooses once for all its runs); default: from the SDK in the Python. */
  runner?: SyncRunner;
  /** Called after each checkpoint is committed (tests and the scenario matrix watch progress here). */
  onCheckpoint?(state: ConnectorStateJson, counts: SyncCounts): void | Promise<void>;
  /** The lab path the connector is on (--vertical), for what to fix; default: the data path it asked the mock for. */
  vertical?: VerticalDefinition;
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

/** The project folder holds no connector.py: bad input, exit 2 in the CLI, before anything starts. */
export class MissingConnectorError extends Error {
  constructor(readonly projectDir: string) {
    super(`There is no connector.py in ${projectDir}: run hed-tester in your project's folder (the one holding connector.py) or pass --project-dir with it.`);
    this.name = 'MissingConnectorError';
  }
}

/** Throws MissingConnectorError when DIR has no connector.py. */
export function requireConnector(projectDir: string): void {
  const dir = resolve(projectDir);
  if (!existsSync(join(dir, 'connector.py'))) throw new MissingConnectorError(dir);
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

/**
 * The runner for an SDK: one per generation. The only place that looks at which one it is.
 *
 * @example
 * runnerFor({ python: '.venv/bin/python', version: '1.7.0', kind: 'grpc-v1' }).kind // 'grpc-v1'
 */
export function runnerFor(sdk: InstalledSdk): SyncRunner {
  switch (sdk.kind) {
    case 'grpc-v1':
      return grpcV1Runner(sdk);
    case 'grpc-v2':
      return grpcV2Runner(sdk);
    case 'engine':
      return engineRunner(sdk);
  }
}

/**
 * The SDK in the Python the options name, and its runner. Rejects with SdkUnavailableError
 * (one sentence: the installed version, what is supported) when it cannot be run.
 *
 * @example
 * const runner = await chooseSyncRunner({ python: '.venv-sdk3/bin/python' }); // runner.kind === 'engine'
 */
export async function chooseSyncRunner(options: Pick<TesterDebugOptions, 'python' | 'env'>): Promise<SyncRunner> {
  const env = options.env ?? process.env;
  return runnerFor(await detectSdk(resolvePython(options.python, env), env));
}

/** The tester's lines for what a runner reports; the connector's lines wait for `Previous state`. */
function reportEvents(progress: Progress, runner: SyncRunner, options: TesterDebugOptions, severe: ReturnType<typeof createSevereLog>): SyncRunEvents {
  return {
    previousState(state, warning) {
      if (warning !== undefined) progress.log('WARNING', warning);
      progress.log('INFO', `Previous state: ${state === undefined ? '(unreadable)' : JSON.stringify(state)}`);
      progress.log('INFO', startedLine(runner.sdk));
    },
    connectorLine(line) {
      severe.line(line);
      progress.raw(line);
    },
    log(level, message) {
      severe.log(level, message);
      progress.log(level, message);
    },
    tableCreated: (table) => progress.log('INFO', `[SchemaChange]: tester.${table}`),
    async checkpoint(state, counts) {
      progress.log('INFO', `Checkpoint: ${JSON.stringify(state)}`);
      await options.onCheckpoint?.(state, counts);
      if (options.out.isTTY === true) progress.status(`${counts.upserts} upserts · ${counts.checkpoints} checkpoints`);
    },
  };
}

/**
 * Runs `hed-tester debug` for a project: Previous state, the line naming the SDK and its
 * runner, the sync written to DIR/files/warehouse.db and state.json, the SYNC PROGRESS
 * table and `Sync SUCCEEDED` or `Sync FAILED: <reason>`. The connector's process is stopped
 * whatever happens. Throws TesterConfigurationError (unusable configuration),
 * MissingConnectorError (no connector.py) or SdkUnavailableError (no SDK it can run)
 * before starting anything: exit 2 in the CLI.
 *
 * @example
 * const result = await runTesterDebug({ projectDir: '.', out: process.stdout });
 * process.exitCode = result.ok ? 0 : 1;
 */
export async function runTesterDebug(options: TesterDebugOptions): Promise<TesterDebugResult> {
  const env = options.env ?? process.env;
  const projectDir = resolve(options.projectDir);
  const configuration = loadConfiguration(options);
  requireConnector(projectDir);
  const progress = createProgress(options.out, () => Date.now());
  const runner = options.runner ?? (await chooseSyncRunner(options));
  const outputDir = options.outputDir ?? join(projectDir, TESTER_DEFAULTS.outputDirName);
  // Step 5 of the lab: a hed-mock on loopback knows what the connector got wrong (tester/mock-journal.ts).
  const journal = watchMockJournal(configuration.base_url, fetch, options.vertical);
  const output = rememberOutput(outputDir);
  const severe = createSevereLog();
  const outcome = await runner.run(
    {
      projectDir,
      configuration,
      ...(options.state === undefined ? {} : { state: options.state }),
      outputDir,
      env,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      silenceTimeoutMs: options.silenceTimeoutMs ?? TESTER_DEFAULTS.silenceTimeoutMs,
      startupTimeoutMs: options.startupTimeoutMs ?? TESTER_DEFAULTS.startupTimeoutMs,
    },
    reportEvents(progress, runner, options, severe),
  );
  if (journal !== undefined) {
    // Opened again, read-only, once the runner has returned: no writer holds the file then
    // (a gRPC runner's destination is closed in its finish(); SDK 3.x's engine, a Python
    // process that writes warehouse.db itself, has exited), and there is no connection of
    // this process left to reuse for the 3.x engine. A file still locked reads as no tables.
    const { readWarehouseTables } = await import('../warehouse/index.js');
    const tables = await readWarehouseTables(join(outputDir, 'warehouse.db')).catch(() => undefined);
    const rowsWritten = outcome.counts.upserts + outcome.counts.updates;
    for (const line of await journal.advice({ ok: outcome.reason === undefined, ...(tables === undefined ? {} : { tables }), rowsWritten })) progress.log('WARNING', line);
  }
  // A run that failed before its first checkpoint leaves no empty warehouse.db or state.json it created.
  if (outcome.reason !== undefined && outcome.counts.checkpoints === 0) output.discardCreated();
  // The verdict stays Fivetran's; a sync that wrote nothing and shows why says so on one line after it.
  const nothingSynced = outcome.reason === undefined ? await nothingSyncedWarning(outcome.counts, severe.messages(), configuration) : undefined;
  const result: TesterDebugResult = reportSyncEnd(progress, outcome.counts, outcome.reason) ? { ok: true, counts: outcome.counts, state: outcome.state } : { ok: false, reason: outcome.reason ?? 'the sync failed', counts: outcome.counts, state: outcome.state };
  if (nothingSynced !== undefined) progress.log('WARNING', nothingSynced);
  return result;
}
