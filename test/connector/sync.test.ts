import t from 'tap';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMock, type RunningMock } from '../helpers/mock-server.js';
import { runDebug, type DebugRunOptions } from '../../connector/runner.js';
import { readWarehouse } from '../../warehouse/index.js';
import type { ConnectorState } from '../../connector/connector.js';
import {
  captureOutput, configurationFor, recordingSleep, sendJson, sourceRecords, startScriptedServer, warehouseRows, warehouseState, withoutSystemColumns,
} from './helpers.js';

let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: 600 });
});
t.teardown(() => mock.close());

const NOW = Date.parse('2026-03-01T12:00:00Z');

async function sync(outputDir: string, overrides: Partial<DebugRunOptions> = {}) {
  const output = captureOutput();
  const { sleep, waits } = recordingSleep();
  const result = await runDebug({
    configuration: configurationFor(mock.url),
    outputDir,
    out: output.out,
    sleep,
    now: () => NOW,
    random: () => 0.5,
    ...overrides,
  });
  return { result, text: output.text(), waits };
}

async function savedState(dir: string): Promise<{ db: ConnectorState | undefined; file: ConnectorState }> {
  return { db: await warehouseState(dir), file: JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as ConnectorState };
}

t.test('a full sync lands all 600 records equal to GET /__admin/records, then syncs incrementally', async (t) => {
  await fetch(`${mock.url}/__admin/reset`, { method: 'POST' });
  const dir = t.testdir();
  const first = await sync(dir);
  t.equal(first.result.ok, true, first.result.reason ?? '');
  t.same(first.result.counts, { upserts: 600, updates: 0, deletes: 0, truncates: 0, schemaChanges: 1, checkpoints: 7 });
  t.match(first.text, /^\S+ INFO Previous state: \{\}$/m);
  t.equal(first.text.match(/^\S+ INFO Checkpoint: \{"next_cursor":"[A-Za-z0-9_-]+"\}$/gm)?.length, 7, 'one checkpoint line per page');
  t.match(first.text, /SYNC PROGRESS:\nOperation {7}\| Calls\n-{16}\+-{12}\nUpserts {9}\| 600\nUpdates {9}\| 0\nDeletes {9}\| 0\nTruncates {7}\| 0\nSchemaChanges {3}\| 1\nCheckpoints {5}\| 7\n/);
  t.match(first.text, /^\S+ INFO Sync SUCCEEDED$/m);

  const rows = await warehouseRows(dir);
  t.equal(rows.length, 600);
  t.same(withoutSystemColumns(rows), await sourceRecords(mock.url), 'every field of every record equals the source');
  t.ok(rows.every((row) => row._fivetran_deleted === false && row._fivetran_synced === new Date(NOW).toISOString()));
  const state = await savedState(dir);
  t.same(state.db, state.file, 'state.json mirrors the state in warehouse.db');
  t.same(state.db, first.result.state);

  const second = await sync(dir);
  t.equal(second.result.ok, true);
  t.same(second.result.counts, { upserts: 0, updates: 0, deletes: 0, truncates: 0, schemaChanges: 0, checkpoints: 1 });
  t.match(second.text, `Previous state: ${JSON.stringify(first.result.state)}`);

  const mutation = (await (
    await fetch(`${mock.url}/__admin/mutations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ update: 7, create: 4 }) })
  ).json()) as { record_ids: string[] };
  t.equal(mutation.record_ids.length, 11);
  const upserted: string[] = [];
  const fetchSpy: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const body = (await response.clone().json()) as { hed_records?: { record_id: string }[] };
    for (const record of body.hed_records ?? []) upserted.push(record.record_id);
    return response;
  };
  const third = await sync(dir, { fetch: fetchSpy });
  t.equal(third.result.ok, true);
  t.equal(third.result.counts.upserts, 11, 'exactly the changed records');
  t.same([...upserted].sort(), [...mutation.record_ids].sort(), 'and their ids are the changed ids');
  const after = await warehouseRows(dir);
  t.equal(after.length, 604);
  t.same(withoutSystemColumns(after), await sourceRecords(mock.url));
});

t.test('resuming from every intermediate checkpoint gives the same final warehouse', async (t) => {
  await fetch(`${mock.url}/__admin/reset`, { method: 'POST' });
  const root = t.testdir();
  const full = join(root, 'full');
  const snapshots: string[] = [];
  const run = await sync(full, {
    configuration: configurationFor(mock.url, { page_size: '150' }),
    onCheckpoint: () => {
      // Inside the callback nothing writes, so copying the db and its WAL is a consistent snapshot.
      const snapshot = join(root, `after-${snapshots.length + 1}`);
      mkdirSync(snapshot);
      for (const name of readdirSync(full)) copyFileSync(join(full, name), join(snapshot, name));
      snapshots.push(snapshot);
    },
  });
  t.equal(run.result.ok, true);
  t.equal(snapshots.length, 5, '600 records at 150 a page: 4 full pages and an empty one');
  const expected = withoutSystemColumns(await warehouseRows(full));
  t.equal(expected.length, 600);
  for (const [index, snapshot] of snapshots.entries()) {
    const before = await savedState(snapshot);
    t.same(before.db, before.file, `snapshot ${index + 1} is consistent`);
    t.equal((await warehouseRows(snapshot)).length, Math.min(600, 150 * (index + 1)), `snapshot ${index + 1} holds its pages`);
    const resumed = await sync(snapshot, { configuration: configurationFor(mock.url, { page_size: '150' }) });
    t.equal(resumed.result.ok, true);
    t.equal(resumed.result.counts.upserts, 600 - Math.min(600, 150 * (index + 1)), `resume ${index + 1} fetches only the rest`);
    t.same(withoutSystemColumns(await warehouseRows(snapshot)), expected, `resume from checkpoint ${index + 1}`);
    t.same((await savedState(snapshot)).db, run.result.state, 'and ends on the same state');
  }
});

t.test('a state.json that disagrees with warehouse.db loses: the db is the source of truth', async (t) => {
  await fetch(`${mock.url}/__admin/reset`, { method: 'POST' });
  const dir = t.testdir();
  const first = await sync(dir, {
    onCheckpoint: async (_state, counts) => {
      if (counts.checkpoints === 3) throw new Error('stop after three pages');
    },
  });
  t.equal(first.result.ok, false);
  t.match(first.result.reason, 'stop after three pages');
  const committed = await savedState(dir);
  t.equal((await warehouseRows(dir)).length, 300);
  // A crash between the commit and the state.json rename, simulated: state.json one page behind.
  writeFileSync(join(dir, 'state.json'), JSON.stringify({}));
  const second = await sync(dir);
  t.match(second.text, /WARNING .*state\.json disagrees with warehouse\.db; using the state saved in warehouse\.db/);
  t.match(second.text, `Previous state: ${JSON.stringify(committed.db)}`);
  t.equal(second.result.counts.upserts, 300);
  t.same(withoutSystemColumns(await warehouseRows(dir)), await sourceRecords(mock.url));
});

t.test('a state.json in a new output directory is used as the starting state', async (t) => {
  await fetch(`${mock.url}/__admin/reset`, { method: 'POST' });
  const first = await sync(t.testdir());
  const dir = t.testdir({ 'state.json': JSON.stringify(first.result.state) });
  const second = await sync(dir);
  t.equal(second.result.ok, true);
  t.equal(second.result.counts.upserts, 0);
  t.equal((await warehouseRows(dir)).length, 0, 'the table exists and is empty');
});

t.test('an unreadable state.json with no saved state fails the sync with a way out', async (t) => {
  const dir = t.testdir({ 'state.json': '{"next_cursor": 12' });
  const run = await sync(dir);
  t.equal(run.result.ok, false);
  t.match(run.result.reason, /state\.json is not a valid state .*hed-connector reset/);
  t.match(run.text, /SEVERE Sync FAILED: /);
});

t.test('429 and 5xx are retried after Retry-After or backoff, and the sync completes', async (t) => {
  await fetch(`${mock.url}/__admin/reset`, { method: 'POST' });
  const retryAt = new Date(NOW + 7_000).toUTCString();
  const server = await startScriptedServer(mock.url, async (n, _req, res, forward) => {
    if (n === 1) return sendJson(res, 503, { error: 'service_unavailable', message: 'Down for a moment.' });
    if (n === 2) return sendJson(res, 429, { error: 'rate_limited', message: 'Slow down.' }, { 'retry-after': '2' });
    if (n === 5) return sendJson(res, 429, { error: 'rate_limited', message: 'Slow down.' }, { 'retry-after': retryAt });
    if (n === 6) return sendJson(res, 502, '<html><body>Bad gateway</body></html>');
    if (n === 7) return sendJson(res, 200, '{"hed_records": [');
    const { status, body } = await forward();
    sendJson(res, status, body);
  });
  t.teardown(server.close);
  const run = await sync(t.testdir(), { configuration: configurationFor(server.url, { base_delay_ms: '100', max_attempts: '4' }) });
  t.equal(run.result.ok, true, run.result.reason ?? '');
  // random 0.5 and jitter_ratio 0.5: backoff takes a quarter off.
  t.same(run.waits, [75, 2_000, 7_000, 150, 300], 'page 1: 503 backoff, Retry-After seconds; page 3: Retry-After date, 502 and bad body backoff growing per attempt');
  t.equal(run.text.match(/WARNING Retrying page/g)?.length, 5);
  t.match(run.text, /WARNING Retrying page 1 in 2000 ms \(attempt 3 of 4\) after HTTP 429 rate_limited, Retry-After 2/);
  t.match(run.text, /after an unusable response body/);
  t.equal(run.result.counts.upserts, 600);
});

t.test('a request timeout is retried; a hanging server does not hang the sync', async (t) => {
  const server = await startScriptedServer(mock.url, async (n, _req, res, forward) => {
    if (n === 1) return; // never answers
    const { status, body } = await forward();
    sendJson(res, status, body);
  });
  t.teardown(server.close);
  const run = await sync(t.testdir(), { configuration: configurationFor(server.url, { timeout_ms: '1500', page_size: '200' }) });
  t.equal(run.result.ok, true, run.result.reason ?? '');
  t.match(run.text, /Retrying page 1 in \d+ ms \(attempt 2 of 6\) after a timeout/);
  t.equal(run.result.counts.upserts, 600);
});

t.test('a wrong api_key fails at once, naming the key, without a retry', async (t) => {
  const dir = t.testdir();
  const run = await sync(dir, { configuration: { ...configurationFor(mock.url), api_key: 'wrong-key' } });
  t.equal(run.result.ok, false);
  t.match(run.result.reason, /The API rejected the api_key \(HTTP 401 unauthorized\)\. Check api_key in the configuration\./);
  t.same(run.waits, [], 'no retry');
  t.match(run.text, /Upserts {9}\| 0\n/);
  t.same((await savedState(dir)).file, {}, 'state untouched');
});

t.test('retries stop after max_attempts; the failing page is not half-written', async (t) => {
  await fetch(`${mock.url}/__admin/reset`, { method: 'POST' });
  const server = await startScriptedServer(mock.url, async (n, _req, res, forward) => {
    if (n >= 3) return sendJson(res, 500, { error: 'internal_error', message: 'Something broke.' });
    const { status, body } = await forward();
    sendJson(res, status, body);
  });
  t.teardown(server.close);
  const dir = t.testdir();
  const run = await sync(dir, { configuration: configurationFor(server.url, { max_attempts: '3', base_delay_ms: '10', max_delay_ms: '15' }) });
  t.equal(run.result.ok, false);
  t.match(run.result.reason, /^Gave up after 3 attempts; the last one failed with HTTP 500 internal_error/);
  t.same(run.waits, [8, 11], 'capped backoff with jitter');
  t.equal(server.requests.length, 5);
  t.equal(run.result.counts.checkpoints, 2);
  t.equal((await warehouseRows(dir)).length, 200);
  const state = await savedState(dir);
  t.same(state.db, state.file);
  t.same(state.db, run.result.state);
  t.match(run.text, /SEVERE Sync FAILED: Gave up after 3 attempts/);
});

t.test('a cursor repeated while has_more is true fails the sync instead of looping', async (t) => {
  const [record] = await sourceRecords(mock.url);
  const server = await startScriptedServer(mock.url, (_n, _req, res) => {
    sendJson(res, 200, { hed_records: [record], next_cursor: 'SAME_cursor-1', has_more: true });
  });
  t.teardown(server.close);
  const dir = t.testdir();
  const run = await sync(dir, { configuration: configurationFor(server.url) });
  t.equal(run.result.ok, false);
  t.match(run.result.reason, /the API returned the same cursor twice while has_more was true/i);
  t.equal(server.requests.length, 2, 'stopped at the second page');
  t.same((await savedState(dir)).db, { next_cursor: 'SAME_cursor-1' }, 'the first page was committed');
  t.equal((await warehouseRows(dir)).length, 1);
});

t.test('a field that appears adds a column; a field that disappears is NULL in the upserted row', async (t) => {
  await fetch(`${mock.url}/__admin/reset`, { method: 'POST' });
  const server = await startScriptedServer(mock.url, async (n, _req, res, forward) => {
    const { status, body } = await forward();
    if (n !== 2) return sendJson(res, status, body);
    const page = JSON.parse(body) as { hed_records: Record<string, unknown>[] };
    for (const record of page.hed_records) {
      record.retention_score = 0.5;
      delete record.advisor_id;
    }
    sendJson(res, status, page);
  });
  t.teardown(server.close);
  const dir = t.testdir();
  const run = await sync(dir, { configuration: configurationFor(server.url) });
  t.equal(run.result.ok, true, run.result.reason ?? '');
  t.equal(run.result.counts.schemaChanges, 2, 'the table, then one new column');
  const { columns, rows } = await readWarehouse(join(dir, 'warehouse.db'), 'tester.hed_records');
  t.same(columns.find((c) => c.name === 'retention_score'), { name: 'retention_score', type: 'DOUBLE' });
  t.equal(rows.filter((row) => row.retention_score === 0.5).length, 100);
  t.equal(rows.filter((row) => row.advisor_id === null).length, 100);
  t.equal(rows.filter((row) => row.retention_score === null).length, 500);
});

t.test('the output directory is created when missing', async (t) => {
  const dir = join(t.testdir(), 'nested', 'out');
  const run = await sync(dir, { configuration: configurationFor(mock.url, { page_size: '200' }) });
  t.equal(run.result.ok, true);
  t.ok(existsSync(join(dir, 'warehouse.db')) && existsSync(join(dir, 'state.json')));
});

t.test('an output path that is a file fails the sync with a sentence, not a stack', async (t) => {
  const dir = t.testdir({ 'taken': 'a file' });
  const run = await sync(join(dir, 'taken'));
  t.equal(run.result.ok, false);
  t.match(run.result.reason, /^Cannot create the output directory .*taken \(EEXIST\)\. Choose a directory you may write\.$/);
});
