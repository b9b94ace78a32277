import t from 'tap';
import { startMock } from '../../helpers/mock-server.js';
import { runDebug, type DebugRunResult } from '../../../connector/runner.js';
import { listScenarios, loadScenario } from '../../../server/faults/scenarios.js';
import type { JournalEntry } from '../../../api/faults.js';
import { captureOutput, configurationFor, sourceRecords, warehouseRows } from '../../connector/helpers.js';

const STUDENTS = 90;
/** chaos spreads small probabilities: more pages so that several kinds fire. */
const STUDENTS_FOR: Record<string, number> = { chaos: 400 };
const PAGE_SIZE = '20';
/** Runs allowed per scenario: the failing ones (auth-expiry, cursor-expired) need reruns. */
const MAX_RUNS = 4;
/** Scenarios meant to fail a run, and how many runs fail before one succeeds. */
const FAILING_RUNS: Record<string, number> = { 'auth-expiry': 2, 'cursor-expired': 1 };

interface ScenarioRun {
  runs: DebugRunResult[];
  rows: Record<string, unknown>[];
  journal: JournalEntry[];
  /** Retry-After of every answer the connector got, in request order (null without one). */
  retryAfter: (string | null)[];
}

/** The connector against a real server started with --scenario NAME, rerun until it succeeds. */
async function runScenario(name: string, outputDir: string): Promise<ScenarioRun & { source: Record<string, unknown>[] }> {
  const mock = await startMock({ students: STUDENTS_FOR[name] ?? STUDENTS }, { scenario: loadScenario(name) });
  try {
    const retryAfter: (string | null)[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      try {
        const response = await fetch(input, init);
        retryAfter.push(response.headers.get('retry-after'));
        return response;
      } catch (err) {
        retryAfter.push(null);
        throw err;
      }
    };
    const configuration = configurationFor(mock.url, {
      page_size: PAGE_SIZE,
      timeout_ms: '3000',
      base_delay_ms: '20',
      max_delay_ms: '200',
      max_retry_after_ms: '5000',
    });
    const runs: DebugRunResult[] = [];
    while (runs.length < MAX_RUNS && !runs.at(-1)?.ok) {
      runs.push(await runDebug({ configuration, outputDir, out: captureOutput().out, fetch: recordingFetch }));
    }
    const rows = await warehouseRows(outputDir);
    const journal = ((await (await fetch(`${mock.url}/__admin/requests`)).json()) as { requests: JournalEntry[] }).requests;
    return { runs, rows, journal, retryAfter, source: (await sourceRecords(mock.url)) as unknown as Record<string, unknown>[] };
  } finally {
    await mock.close();
  }
}

for (const name of listScenarios()) {
  t.test(`${name}: the connector survives it with 0 lost, 0 duplicated, 0 unexpected rows`, async (t) => {
    const { runs, rows, journal, retryAfter, source } = await runScenario(name, t.testdir());
    const failing = FAILING_RUNS[name] ?? 0;
    t.equal(runs.at(-1)?.ok, true, `the last run succeeds (${runs.map((r) => r.reason ?? 'ok').join(' | ')})`);
    t.equal(runs.length, failing + 1, failing ? `${failing} run(s) fail as the scenario intends, a rerun resumes` : 'one run is enough');

    const ids = rows.map((r) => String(r.record_id));
    const sourceIds = new Set(source.map((r) => String(r.record_id)));
    const lost = [...sourceIds].filter((id) => !ids.includes(id));
    const duplicated = ids.filter((id, i) => ids.indexOf(id) !== i);
    const unexpected = ids.filter((id) => !sourceIds.has(id));
    t.same({ lost: lost.length, duplicated: duplicated.length, unexpected: unexpected.length }, { lost: 0, duplicated: 0, unexpected: 0 });
    // Every field the API serves, with the value it serves (drifted extra columns aside).
    const byId = new Map(rows.map((r) => [String(r.record_id), r]));
    const differing = source.filter((s) => Object.entries(s).some(([k, v]) => JSON.stringify(byId.get(String(s.record_id))?.[k]) !== JSON.stringify(v)));
    t.equal(differing.length, 0, 'every row equals its source record');

    const fired = journal.filter((e) => e.faults.some((f) => f.action !== 'delay'));
    if (name !== 'slow') t.ok(fired.length > 0, `the scenario's faults fired (${fired.length} requests)`);
    else t.ok(journal.some((e) => e.faults.length > 0), 'the delays fired');
    t.equal(retryAfter.length, journal.length, 'every request of the connector is in the journal');

    if (name === 'maintenance' || name === 'rate-limited') t.ok(retryAfter.some((r) => r !== null), 'the server asked for a Retry-After');
    if (name === 'schema-drift') t.ok(rows.some((r) => r.retention_cohort === '2024-fall'), 'the drifted field reached the warehouse as a new column');
    // Retry-After honoured: the next request arrives no earlier than the server asked.
    for (let i = 0; i + 1 < journal.length; i++) {
      const asked = retryAfter[i];
      if (asked === null || asked === undefined) continue;
      const waitedMs = Date.parse(journal[i + 1]!.time) - Date.parse(journal[i]!.time);
      t.ok(waitedMs >= Number(asked) * 1000, `request ${i + 2} came ${waitedMs} ms after a Retry-After of ${asked} s`);
    }
  });
}
