// The scenario matrix: each scenario on a fresh in-process mock (127.0.0.1, port 0) with a
// fresh warehouse; a full round with reruns after failed syncs, then an incremental round
// after {"update": 5, "create": 3}. The decisions (compareRows, the warnings, the verdict)
// are pure functions; this file only drives the mock and the connector.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { FaultList, Journal, JournalEntry, FaultRuleInput } from '../../api/faults.js';
import { buildApp } from '../../server/app.js';
import { SERVER_DEFAULTS, serverConfig } from '../../server/config.js';
import { listScenarios, loadScenario } from '../../server/faults/scenarios.js';
import { openDestination, readWarehouse, WAREHOUSE_FILE } from '../../warehouse/index.js';
import type { VerticalDefinition } from '../../verticals/index.js';
import { diagnoseRuns, isFailedRequest, type RunTrace } from '../diagnose.js';
import { DEFAULT_VERTICAL, isDataUrl } from '../vertical.js';
import { compareRows, isEqual, type Comparison } from './compare.js';
import type { MatrixReport, RunSummary, ScenarioResult, Verdict } from './types.js';
import { hangWarnings, parseRetryAfter, partialSyncWarnings, retryWarnings, unmetFaultWarnings, type RetryAfterGiven, type RunOutcome, type RunRetries, type ScenarioWarning } from './warnings.js';

/** Defaults of the matrix, in one block. */
export const MATRIX_DEFAULTS = {
  /** Reruns after a failed sync, per round (Fivetran retries a failed sync too). */
  reruns: 3,
  /** A single run longer than this is stopped and the scenario's verdict is timeout. */
  timeoutS: 120,
  /** The incremental round's changes. */
  mutations: { update: 5, create: 3 },
  /** The lab's dataset. */
  students: SERVER_DEFAULTS.students,
  seed: SERVER_DEFAULTS.seed,
  table: 'hed_records',
} as const;

/** What a sync runner is given for one run. */
export interface SyncRunInput {
  /** The configuration with base_url pointing at the scenario's mock. */
  configuration: Record<string, string>;
  /** The scenario's warehouse folder (warehouse.db and state.json), kept between runs. */
  outputDir: string;
  /** Aborted when the run exceeds the time limit: stop the connector. */
  signal: AbortSignal;
  timeoutMs: number;
}

/** One connector run: resolves when the sync ended, `ok` as the tester printed it. */
export type SyncRunner = (input: SyncRunInput) => Promise<{ ok: boolean; reason?: string }>;

/** Inputs of runMatrix. */
export interface MatrixOptions {
  /** `builtin` or the project folder, for the report. */
  connector: string;
  run: SyncRunner;
  /** The connector's configuration; base_url is rewritten, api_key kept (the mock accepts it). */
  configuration: Record<string, string>;
  /** Scenario names or scenario file paths (default: every scenario in fixtures/scenarios). */
  scenarios?: string[];
  reruns?: number;
  timeoutS?: number;
  students?: number;
  seed?: number;
  /** Overrides configuration.page_size. */
  pageSize?: number;
  /** Called when a scenario starts and when it ends (the CLI prints progress here). */
  onScenario?(event: { scenario: string; result?: ScenarioResult }): void;
  /** Ctrl-C: stops the current run and skips the scenarios not started. */
  signal?: AbortSignal;
  /**
   * The lab path the connector is on (default HED): its endpoint gets the scenario's
   * faults, its records are mutated and are the truth, its table is compared.
   */
  vertical?: VerticalDefinition;
}

/** A running scenario mock and what it saw. */
interface ScenarioMock {
  app: FastifyInstance;
  url: string;
  retryAfters: RetryAfterGiven[];
}

async function startScenarioMock(options: { students: number; seed: number; apiKey: string | undefined; vertical: VerticalDefinition }): Promise<ScenarioMock> {
  const apiKeys = [...new Set([...SERVER_DEFAULTS.apiKeys, 'fiveTRANmovesTHEworldsDATA', ...(options.apiKey ? [options.apiKey] : [])])];
  const app = await buildApp(serverConfig({ logLevel: 'silent', port: 0, host: '127.0.0.1', students: options.students, seed: options.seed, apiKeys }));
  const retryAfters: RetryAfterGiven[] = [];
  // The journal has no response headers: the Retry-After each answer carried is noted here.
  app.addHook('onSend', async (request, reply, payload) => {
    const header = reply.getHeader('retry-after');
    if (header !== undefined && isDataUrl(request.url, options.vertical)) {
      const now = Date.now();
      const seconds = parseRetryAfter(String(header), now);
      if (seconds !== undefined) retryAfters.push({ answeredAtMs: now, seconds });
    }
    return payload;
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url, retryAfters };
}

async function admin<T>(app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown): Promise<T> {
  const response = await app.inject({ method, url: `/__admin${url}`, ...(payload === undefined ? {} : { payload: payload as object }) });
  if (response.statusCode >= 300) throw new Error(`The scenario mock refused ${method} /__admin${url} (${response.statusCode}: ${response.body}).`);
  return response.json<T>();
}

/**
 * A scenario's rules as the mock gets them for a vertical: HED's unchanged (as every kit
 * has sent them), another path's each scoped to its endpoint (`"path": "/agr_data"`).
 *
 * @example
 * scopedRules([{ id: 'x', status: 503 }], VERTICALS.agr) // [{ id: 'x', status: 503, path: '/agr_data' }]
 */
export function scopedRules(rules: readonly FaultRuleInput[], vertical: VerticalDefinition): FaultRuleInput[] {
  return vertical === DEFAULT_VERTICAL ? [...rules] : rules.map((rule) => ({ ...rule, path: vertical.path }) as FaultRuleInput);
}

/** Loads a scenario's rules with fresh counters (the same schedule from the start). */
async function loadRules(app: FastifyInstance, rules: readonly FaultRuleInput[], vertical: VerticalDefinition): Promise<void> {
  await admin(app, 'DELETE', '/faults');
  if (rules.length > 0) await admin(app, 'POST', '/faults', scopedRules(rules, vertical));
}

/** `?vertical=PREFIX` for another path than HED's (HED's admin calls stay as they were). */
const verticalQuery = (vertical: VerticalDefinition) => (vertical === DEFAULT_VERTICAL ? '' : `?vertical=${vertical.prefix}`);

async function groundTruth(app: FastifyInstance, vertical: VerticalDefinition): Promise<Record<string, unknown>[]> {
  const body = await admin<Record<string, unknown>>(app, 'GET', `/records${verticalQuery(vertical)}`);
  const records = body[vertical.table];
  if (!Array.isArray(records)) throw new Error(`The scenario mock's /__admin/records${verticalQuery(vertical)} holds no ${vertical.table}.`);
  return records as Record<string, unknown>[];
}

/** Requests the mock holds unanswered (hang rules fired minus hangs the journal closed). */
async function pendingHangs(app: FastifyInstance): Promise<number> {
  const faults = await admin<FaultList>(app, 'GET', '/faults');
  const fired = faults.rules.filter((r) => (r.rule as { hang?: boolean }).hang === true).reduce((n, r) => n + r.fired, 0);
  const journal = await admin<Journal>(app, 'GET', '/requests');
  return fired - journal.requests.filter((e) => e.status === 'hang').length;
}

/** The mock's requests to the vertical's data path since the last clear, oldest first. */
async function dataRequests(app: FastifyInstance, vertical: VerticalDefinition): Promise<JournalEntry[]> {
  return (await admin<Journal>(app, 'GET', '/requests')).requests.filter((e) => isDataUrl(e.url, vertical));
}

/** Tables the scenario's warehouse holds (none when nothing was written). */
async function warehouseTables(outputDir: string): Promise<string[]> {
  if (!existsSync(join(outputDir, WAREHOUSE_FILE))) return [];
  try {
    const destination = await openDestination(outputDir);
    try {
      return await destination.tables();
    } finally {
      await destination.close();
    }
  } catch {
    return [];
  }
}

async function compareWarehouse(outputDir: string, truth: Record<string, unknown>[], table: string): Promise<Comparison | undefined> {
  try {
    return compareRows(truth, (await readWarehouse(join(outputDir, WAREHOUSE_FILE), table)).rows);
  } catch {
    return undefined; // nothing written yet: the verdict says so
  }
}

/**
 * The verdict from the runs and the final comparison: timeout when a run was stopped,
 * fail when a round never succeeded or the rows differ, else pass.
 *
 * @example
 * decideVerdict([{ round: 'full', ok: true, timedOut: false, durationMs: 1 }], equalComparison) // { verdict: 'pass' }
 */
export function decideVerdict(runs: readonly RunSummary[], comparison: Comparison | undefined, tables: readonly string[] = [], table: string = MATRIX_DEFAULTS.table): { verdict: Verdict; reason?: string } {
  const stopped = runs.find((r) => r.timedOut);
  if (stopped !== undefined) return { verdict: 'timeout', reason: `The ${stopped.round} sync did not end within the time limit and was stopped.` };
  for (const round of ['full', 'incremental'] as const) {
    const ofRound = runs.filter((r) => r.round === round);
    if (ofRound.length > 0 && !ofRound.some((r) => r.ok)) {
      return { verdict: 'fail', reason: `Every ${round} sync failed (${ofRound.length} run${ofRound.length === 1 ? '' : 's'}); the last: ${ofRound.at(-1)?.reason ?? 'no reason given'}.` };
    }
  }
  if (comparison === undefined) {
    const others = tables.filter((name) => name !== table).map((name) => `"${name}"`);
    const wrote = others.length === 0 ? '' : `; it wrote ${others.join(', ')} instead`;
    return { verdict: 'fail', reason: `The connector wrote no ${table} table${wrote}.` };
  }
  if (!isEqual(comparison)) return { verdict: 'fail', reason: 'The warehouse differs from the source.' };
  return { verdict: 'pass' };
}

/** Runs one scenario against the connector; see runMatrix. */
export async function runScenario(name: string, options: MatrixOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const scenario = loadScenario(name);
  const reruns = options.reruns ?? MATRIX_DEFAULTS.reruns;
  const timeoutS = options.timeoutS ?? MATRIX_DEFAULTS.timeoutS;
  const vertical = options.vertical ?? DEFAULT_VERTICAL;
  const mock = await startScenarioMock({ students: options.students ?? MATRIX_DEFAULTS.students, seed: options.seed ?? MATRIX_DEFAULTS.seed, apiKey: options.configuration.api_key, vertical });
  const outputDir = mkdtempSync(join(tmpdir(), `hed-scenario-${scenario.name}-`));
  const configuration: Record<string, string> = {
    ...options.configuration,
    base_url: mock.url,
    ...(options.pageSize === undefined ? {} : { page_size: String(options.pageSize) }),
  };
  const runs: RunSummary[] = [];
  const outcomes: RunOutcome[] = [];
  const warnings: ScenarioWarning[] = [];
  const journal: JournalEntry[] = [];
  const traces: RunTrace[] = [];
  const retries: RunRetries[] = [];
  let tables: string[] = [];
  let comparison: Comparison | undefined;
  try {
    for (const round of ['full', 'incremental'] as const) {
      if (round === 'incremental') await admin(mock.app, 'POST', '/mutations', vertical === DEFAULT_VERTICAL ? MATRIX_DEFAULTS.mutations : { ...MATRIX_DEFAULTS.mutations, vertical: vertical.prefix });
      // Fresh counters each round: faults that fire on early requests hit the incremental sync too.
      await loadRules(mock.app, scenario.rules, vertical);
      let seen = 0;
      for (let attempt = 0; attempt <= reruns; attempt++) {
        let pending = 0;
        const givenBefore = mock.retryAfters.length;
        // Counted before the connector is stopped: stopping it closes what it still waits on.
        const run = await runOnce(options.run, configuration, outputDir, timeoutS, round, async () => {
          pending = await pendingHangs(mock.app);
        }, options.signal);
        runs.push(run.summary);
        // This run's own requests and Retry-After answers: warnings and causes judge a run by itself.
        const requests = await dataRequests(mock.app, vertical);
        const mine = requests.slice(seen);
        seen = requests.length;
        retries.push({ given: mock.retryAfters.slice(givenBefore), requests: mine.map((e) => ({ arrivedAtMs: Date.parse(e.time) })) });
        if (run.summary.timedOut) {
          warnings.push(...hangWarnings(pending, timeoutS));
          traces.push({ ok: false, requests: mine });
          break;
        }
        const truth = await groundTruth(mock.app, vertical);
        comparison = await compareWarehouse(outputDir, truth, vertical.table);
        tables = await warehouseTables(outputDir);
        traces.push({ ok: run.summary.ok, requests: mine, tables, ...(comparison === undefined ? {} : { rowsWritten: comparison.actual }) });
        const last = mine.at(-1);
        outcomes.push({
          round,
          ok: run.summary.ok,
          lostAfter: comparison?.lost ?? truth.length,
          endedOnFailedRequest: last !== undefined && isFailedRequest(last),
          allUnauthorized: mine.length > 0 && mine.every((e) => e.status === 401),
        });
        if (run.summary.ok) break;
      }
      journal.push(...(await admin<Journal>(mock.app, 'GET', '/requests')).requests);
      await admin(mock.app, 'DELETE', '/requests');
      if (runs.at(-1)?.timedOut === true || !runs.some((r) => r.round === round && r.ok)) break;
    }
  } finally {
    await closeMock(mock.app);
    rmSync(outputDir, { recursive: true, force: true });
  }
  warnings.push(...partialSyncWarnings(outcomes));
  warnings.push(...retryWarnings(retries));
  const faultsMet = journal.filter((entry) => entry.faults.length > 0).length;
  warnings.push(...unmetFaultWarnings(scenario.name, scenario.rules.length, faultsMet, journal.filter((entry) => entry.status === 200).length));
  const decided = decideVerdict(runs, comparison, tables, vertical.table);
  const causes = decided.verdict === 'pass' ? [] : diagnoseRuns(traces, vertical.table);
  return {
    scenario: scenario.name,
    description: scenario.description,
    ...decided,
    ...(causes.length === 0 ? {} : { causes }),
    ...(comparison === undefined ? {} : { comparison }),
    runs,
    warnings,
    requests: journal.length,
    faultsMet,
    durationMs: Date.now() - started,
  };
}

async function runOnce(
  run: SyncRunner,
  configuration: Record<string, string>,
  outputDir: string,
  timeoutS: number,
  round: 'full' | 'incremental',
  beforeStop: () => Promise<void>,
  stop?: AbortSignal,
): Promise<{ summary: RunSummary }> {
  const started = Date.now();
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  stop?.addEventListener('abort', interrupt, { once: true });
  if (stop?.aborted === true) controller.abort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void beforeStop()
      .catch(() => undefined)
      .finally(() => controller.abort());
  }, timeoutS * 1000);
  try {
    const result = await run({ configuration, outputDir, signal: controller.signal, timeoutMs: timeoutS * 1000 });
    return {
      summary: {
        round,
        ok: result.ok && !timedOut,
        ...(timedOut ? { reason: `stopped after ${timeoutS} s` } : result.reason === undefined ? {} : { reason: result.reason }),
        timedOut,
        durationMs: Date.now() - started,
      },
    };
  } catch (error) {
    return { summary: { round, ok: false, reason: error instanceof Error ? error.message : String(error), timedOut, durationMs: Date.now() - started } };
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener('abort', interrupt);
  }
}

/** Closes the mock, cutting connections it still holds (a hung request) so close never waits. */
async function closeMock(app: FastifyInstance): Promise<void> {
  app.server.closeAllConnections();
  await app.close();
}

/**
 * The report of a matrix whose connector cannot be run at all (no SDK, an unsupported one):
 * every scenario's verdict is `error` with the one sentence that says why; nothing is started.
 *
 * @example
 * errorReport('the project', ['flaky'], 'fivetran-connector-sdk 4.0.0 is installed in python3, and hed-tester runs 1.x, 2.x and 3.x only.')
 */
export function errorReport(connector: string, scenarios: readonly string[] | undefined, reason: string): MatrixReport {
  const names = scenarios && scenarios.length > 0 ? scenarios : listScenarios();
  const results: ScenarioResult[] = names.map((name) => {
    const scenario = loadScenario(name);
    return { scenario: scenario.name, description: scenario.description, verdict: 'error', reason, runs: [], warnings: [], requests: 0, faultsMet: 0, durationMs: 0 };
  });
  return { connector, startedAt: new Date().toISOString(), durationMs: 0, results };
}

/**
 * Runs the connector against every scenario (or those named) and returns the report.
 *
 * @example
 * const report = await runMatrix({ connector: 'builtin', run: builtinRunner(), configuration: { api_key: 'hed-demo-key' }, scenarios: ['flaky'] });
 * formatReport(report)
 */
export async function runMatrix(options: MatrixOptions): Promise<MatrixReport> {
  const started = Date.now();
  const names = options.scenarios && options.scenarios.length > 0 ? options.scenarios : listScenarios();
  const results: ScenarioResult[] = [];
  for (const name of names) {
    if (options.signal?.aborted === true) break;
    options.onScenario?.({ scenario: name });
    const result = await runScenario(name, options);
    results.push(result);
    options.onScenario?.({ scenario: name, result });
  }
  const vertical = options.vertical ?? DEFAULT_VERTICAL;
  return { connector: options.connector, ...(vertical === DEFAULT_VERTICAL ? {} : { vertical: vertical.prefix }), startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, results };
}
