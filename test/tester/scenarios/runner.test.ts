import t from 'tap';
import { openDestination } from '../../../warehouse/index.js';
import { compareRows } from '../../../tester/scenarios/compare.js';
import { builtinRunner, decideVerdict, runMatrix, runScenario, type SyncRunner } from '../../../tester/scenarios/index.js';

const SMALL = { students: 60, pageSize: 20 };
/** The built-in connector, tuned to back off in milliseconds so the tests stay short. */
const FAST_BUILTIN = { api_key: 'hed-demo-key', timeout_ms: '2000', base_delay_ms: '20', max_delay_ms: '200', max_retry_after_ms: '5000' };

/** The slips a naive connector can be given (the lab's step 5 lists the usual ones). */
interface Slips {
  /** Reports success whatever happens. */
  swallow?: boolean;
  /** On a 429, asks again at once (within the run) instead of failing. */
  retryAtOnce?: boolean;
  /** Reads has_more under this name (e.g. hasMore). */
  hasMoreKey?: string;
  /** Sends the key in this header. */
  keyHeader?: string;
  /** Writes this table instead of hed_records. */
  table?: string;
  /** Never sends the cursor back; stops after this many pages. */
  noCursorPages?: number;
}

/**
 * A naive connector written for these tests: pages until has_more is false with no retries;
 * `swallow` reports success whatever happens; the other slips are the lab's usual ones.
 */
function naiveRunner(options: Slips = {}): SyncRunner {
  const table = options.table ?? 'hed_records';
  return async ({ configuration, outputDir, signal }) => {
    const destination = await openDestination(outputDir);
    try {
      await destination.declare([{ table, primaryKey: ['record_id'] }]);
      let state = (await destination.startState()).state;
      for (let page = 1; ; page++) {
        const url = new URL('/hed_data', configuration.base_url);
        url.searchParams.set('page_size', configuration.page_size ?? '100');
        if (typeof state.next_cursor === 'string' && options.noCursorPages === undefined) url.searchParams.set('cursor', state.next_cursor);
        const get = () => fetch(url, { headers: { [options.keyHeader ?? 'x-api-key']: configuration.api_key ?? '' }, signal });
        let response = await get();
        if (response.status === 429 && options.retryAtOnce === true) response = await get();
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body = (await response.json()) as Record<string, unknown> & { hed_records: Record<string, string>[]; next_cursor: string };
        state = { next_cursor: body.next_cursor };
        await destination.commit(body.hed_records.map((data) => ({ op: 'upsert' as const, table, data })), state, new Date());
        if (body[options.hasMoreKey ?? 'has_more'] !== true || page === options.noCursorPages) break;
      }
      return { ok: true };
    } catch (error) {
      return options.swallow ? { ok: true } : { ok: false, reason: (error as Error).message };
    } finally {
      await destination.close();
    }
  };
}

t.test('decideVerdict: timeout, then a round that never succeeded, then the rows', async (t) => {
  const equal = compareRows([{ record_id: 'a' }], [{ record_id: 'a' }]);
  const lost = compareRows([{ record_id: 'a' }], []);
  const ok = { round: 'full' as const, ok: true, timedOut: false, durationMs: 1 };
  t.same(decideVerdict([ok], equal), { verdict: 'pass' });
  t.same(decideVerdict([ok], lost), { verdict: 'fail', reason: 'The warehouse differs from the source.' });
  t.same(decideVerdict([ok], undefined), { verdict: 'fail', reason: 'The connector wrote no hed_records table.' });
  t.same(decideVerdict([ok], undefined, ['hed_data']), { verdict: 'fail', reason: 'The connector wrote no hed_records table; it wrote "hed_data" instead.' }, 'a wrong table name names the table it did write');
  t.same(decideVerdict([{ ...ok, ok: false, timedOut: true }], equal), { verdict: 'timeout', reason: 'The full sync did not end within the time limit and was stopped.' });
  t.same(decideVerdict([ok, { ...ok, round: 'incremental', ok: false, reason: 'HTTP 503' }], equal), { verdict: 'fail', reason: 'Every incremental sync failed (1 run); the last: HTTP 503.' });
  t.same(decideVerdict([{ ...ok, ok: false }, { ...ok, ok: false }], equal), { verdict: 'fail', reason: 'Every full sync failed (2 runs); the last: no reason given.' });
});

t.test('the built-in connector passes retry-after and schema-drift, full and incremental, with no warnings', async (t) => {
  const events: string[] = [];
  const report = await runMatrix({
    connector: 'builtin',
    run: builtinRunner(),
    configuration: FAST_BUILTIN,
    scenarios: ['retry-after', 'schema-drift'],
    ...SMALL,
    onScenario: ({ scenario, result }) => events.push(`${scenario}:${result?.verdict ?? 'start'}`),
  });
  t.same(events, ['retry-after:start', 'retry-after:pass', 'schema-drift:start', 'schema-drift:pass']);
  for (const result of report.results) {
    t.equal(result.verdict, 'pass', `${result.scenario}: ${result.reason ?? ''}`);
    t.same(result.warnings, [], `${result.scenario}: no warnings`);
    t.same(result.runs.map((r) => [r.round, r.ok]), [['full', true], ['incremental', true]]);
    t.equal(result.comparison?.expected, 63, '60 records and 3 created');
    t.equal(result.comparison?.actual, 63);
  }
  t.same(report.results[1]?.comparison?.extraColumns, ['retention_cohort'], 'the drift-added column is tolerated');
  t.ok(report.results[0]!.requests > 4, 'the requests were counted');
});

t.test('a connector with no retry code gets reruns and no retry warning; one that asks again at once is warned', async (t) => {
  const result = await runScenario('retry-after', { connector: 'naive', run: naiveRunner(), configuration: { api_key: 'hed-demo-key' }, reruns: 3, ...SMALL });
  t.equal(result.verdict, 'pass', 'reruns get it through');
  t.ok(result.runs.filter((r) => r.round === 'full' && !r.ok).length >= 1, 'a full run failed on the 429');
  t.same(result.warnings, [], 'a rerun or the incremental round is the harness starting a sync, not the connector retrying');
  const eager = await runScenario('retry-after', { connector: 'eager', run: naiveRunner({ retryAtOnce: true }), configuration: { api_key: 'hed-demo-key' }, reruns: 3, ...SMALL });
  t.same(eager.warnings.map((w) => w.kind), ['retry-too-soon'], 'its own request after the 429 is judged');
});

t.test('a run that stops silently after a malformed body is a silent partial sync', async (t) => {
  const result = await runScenario('malformed', { connector: 'swallow', run: naiveRunner({ swallow: true }), configuration: { api_key: 'hed-demo-key' }, ...SMALL });
  t.equal(result.verdict, 'fail');
  t.same(result.warnings.map((w) => w.kind).slice(0, 1), ['silent-partial-sync'], 'the 200 with broken JSON counts as a failed request');
  t.match(result.warnings[0]!.advice, /Let errors propagate/);
});

t.test('the lab\'s usual slips: each non-pass verdict carries the cause the journal shows', async (t) => {
  const run = (slips: Slips) => runScenario('slow', { connector: 'slip', run: naiveRunner(slips), configuration: { api_key: 'hed-demo-key' }, reruns: 0, ...SMALL });
  const hasMore = await run({ hasMoreKey: 'hasMore' });
  t.equal(hasMore.verdict, 'fail');
  t.same(hasMore.causes?.map((c) => c.kind), ['stopped-while-has-more']);
  t.match(hasMore.causes?.[0]?.advice, /data\["has_more"\]/);

  const header = await run({ keyHeader: 'api-key', swallow: true });
  t.same(header.causes?.map((c) => c.kind), ['api-key']);
  t.match(header.causes?.[0]?.message, /the key went in header api-key, not in the x-api-key header/);
  t.same(header.warnings.map((w) => w.kind), ['silent-partial-sync', 'silent-partial-sync'], 'the full and the incremental run both reported success');
  for (const w of header.warnings) {
    t.notMatch(w.advice, /propagate out of update/, 'all-401 traffic: not "let errors propagate"');
    t.match(w.advice, /x-api-key/);
  }

  const table = await run({ table: 'hed_data' });
  t.equal(table.reason, 'The connector wrote no hed_records table; it wrote "hed_data" instead.');
  t.same(table.causes?.map((c) => c.kind), ['table-name']);

  const cursor = await run({ noCursorPages: 5 });
  t.same(cursor.causes?.map((c) => c.kind), ['cursor-not-sent']);
  t.match(cursor.causes?.[0]?.message, /same page again 4 times \(without a cursor\)/);

  const sound = await run({});
  t.equal(sound.verdict, 'pass');
  t.equal(sound.causes, undefined, 'a pass has no cause');
});

t.test('every run failing is a fail naming the last reason', async (t) => {
  const result = await runScenario('auth-expiry', { connector: 'naive', run: naiveRunner(), configuration: { api_key: 'hed-demo-key' }, reruns: 1, ...SMALL, students: 100 });
  t.equal(result.verdict, 'fail');
  t.equal(result.reason, 'Every full sync failed (2 runs); the last: HTTP 401.');
  t.same(result.runs.map((r) => r.round), ['full', 'full'], 'no incremental round after a failed full round');
  t.ok(result.comparison!.lost > 0);
});

t.test('success reported after a failure is a fail with lost rows and a silent-partial-sync warning', async (t) => {
  // flaky: the first three requests of each round fail with 503.
  const result = await runScenario('flaky', { connector: 'swallow', run: naiveRunner({ swallow: true }), configuration: { api_key: 'hed-demo-key' }, ...SMALL });
  t.equal(result.verdict, 'fail');
  t.equal(result.comparison?.lost, 63, 'nothing made it');
  t.same(result.runs.map((r) => [r.round, r.ok]), [['full', true], ['incremental', true]], 'no reruns: every run said it succeeded');
  t.same(result.warnings.map((w) => w.kind), ['silent-partial-sync', 'silent-partial-sync']);
  t.equal(result.warnings[0]!.message, 'A full sync reported success right after a failed request, with 60 source records missing from the warehouse.');
});

t.test('a request with no timeout on hang: timeout verdict and a no-request-timeout warning', async (t) => {
  const result = await runScenario('hang', { connector: 'naive', run: naiveRunner(), configuration: { api_key: 'hed-demo-key' }, timeoutS: 1.5, ...SMALL });
  t.equal(result.verdict, 'timeout');
  t.equal(result.runs.length, 1, 'no rerun after a timeout');
  t.same(result.warnings.map((w) => w.kind), ['no-request-timeout']);
  t.match(result.runs[0]!.reason, /stopped after 1\.5 s/);
});

t.test('a runner that throws is a failed run; a page size overrides the configuration', async (t) => {
  let seen: Record<string, string> = {};
  const throwing: SyncRunner = async ({ configuration }) => {
    seen = configuration;
    throw new Error('could not start');
  };
  const result = await runScenario('slow', { connector: 'broken', run: throwing, configuration: { api_key: 'k', page_size: '100' }, reruns: 0, ...SMALL });
  t.equal(result.verdict, 'fail');
  t.match(result.reason, /the last: could not start/);
  t.equal(seen.page_size, '20');
  t.match(seen.base_url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal(result.comparison, undefined, 'no warehouse was written');
});

t.test('Ctrl-C stops the current run and skips the scenarios not started', async (t) => {
  const controller = new AbortController();
  const waiting: SyncRunner = ({ signal }) =>
    new Promise((resolve) => {
      signal.addEventListener('abort', () => resolve({ ok: false, reason: 'stopped by the user' }));
      controller.abort();
    });
  const report = await runMatrix({ connector: 'x', run: waiting, configuration: { api_key: 'k' }, scenarios: ['slow', 'flaky'], signal: controller.signal, reruns: 0, ...SMALL });
  t.same(report.results.map((r) => [r.scenario, r.verdict]), [['slow', 'fail']]);
  t.match(report.results[0]!.reason, /stopped by the user/);
  const before = await runMatrix({ connector: 'x', run: waiting, configuration: { api_key: 'k' }, scenarios: ['slow'], signal: controller.signal, ...SMALL });
  t.same(before.results, [], 'nothing starts once stopped');
});
