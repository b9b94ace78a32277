import t from 'tap';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { openDestination, type WarehouseValue } from '../../warehouse/index.js';
import { CheckError, checkWarehouse, fetchPublicRecords, formatCheck } from '../../tester/check.js';
import { runTesterCli, type TesterIo } from '../../tester/cli.js';
import { VERTICALS } from '../../verticals/index.js';
import { startMock, type RunningMock } from '../helpers/mock-server.js';
import { captureOutput, sourceRecords } from './helpers.js';

const FLOAT_FIELDS = ['current_gpa', 'financial_aid_amount', 'avg_assignment_score', 'course_completion_rate', 'writing_quality_score', 'engagement_score'];

/** A warehouse as the Fivetran tester writes it: BIGINT 0/1 for at_risk_flag, FLOAT for the decimals, TIMESTAMP for last_updated. */
async function fivetranStyleWarehouse(dir: string, records: Record<string, unknown>[], change: (r: Record<string, unknown>) => Record<string, unknown> = (r) => r): Promise<string> {
  const destination = await openDestination(dir, { typeText: true });
  await destination.declare([{ table: 'hed_records', primaryKey: ['record_id'] }]);
  const operations = records.map((record) => {
    const data: Record<string, WarehouseValue> = {};
    for (const [key, value] of Object.entries(change(record))) {
      if (key === 'at_risk_flag') data[key] = { kind: 'typed', type: 'BIGINT', value: value ? 1 : 0 };
      else if (FLOAT_FIELDS.includes(key)) data[key] = { kind: 'typed', type: 'FLOAT', value: value as number };
      else data[key] = value as WarehouseValue;
    }
    return { op: 'upsert' as const, table: 'hed_records', data };
  });
  await destination.commit(operations, { next_cursor: 'x' }, new Date());
  await destination.close();
  return join(dir, 'warehouse.db');
}

function io(): TesterIo & { out(): string; err(): string } {
  const stdout = captureOutput();
  const stderr = captureOutput();
  return { stdout, stderr, stdin: new PassThrough(), env: {}, out: stdout.text, err: stderr.text };
}

let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: 40 });
});
t.teardown(() => mock.close());

t.test('a Fivetran-tester warehouse (BIGINT flags, FLOAT decimals) equal to the source passes; the CLI exits 0', async (t) => {
  const records = (await sourceRecords(mock.url)) as Record<string, unknown>[];
  const warehouse = await fivetranStyleWarehouse(t.testdir(), records);
  const result = await checkWarehouse({ warehouse, baseUrl: `${mock.url}/` });
  t.equal(result.equal, true, result.comparison.examples.join('; '));
  t.equal(result.key, 'record_id');
  t.same([result.comparison.expected, result.comparison.actual], [40, 40]);
  const streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--warehouse', warehouse, '--base-url', mock.url, '--api-key', 'hed-demo-key'], streams), 0);
  t.match(streams.out(), /source records +\| 40\n/);
  t.match(streams.out(), /EQUAL: .*warehouse\.db holds every source record once/);
  const opened = await openDestination(join(warehouse, '..'));
  const types = Object.fromEntries((await opened.columns('hed_records')).map((c) => [c.name, c.type]));
  await opened.close();
  t.match(types, { last_updated: 'TIMESTAMP', financial_aid_amount: 'FLOAT', at_risk_flag: 'BIGINT' }, 'the check read FLOAT and TIMESTAMP columns');
});

t.test('check takes base_url, api_key and the warehouse from the project folder; without any base_url it says where to put one', async (t) => {
  const records = (await sourceRecords(mock.url)) as Record<string, unknown>[];
  const project = t.testdir({ 'configuration.json': JSON.stringify({ api_key: 'hed-demo-key', base_url: mock.url, page_size: '100' }), files: {} });
  await fivetranStyleWarehouse(join(project, 'files'), records);
  let streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--project-dir', project], streams), 0, streams.err());
  t.match(streams.out(), /EQUAL: .*files\/warehouse\.db holds every source record once/);
  const empty = t.testdir({ 'configuration.json': JSON.stringify({ api_key: 'k' }) });
  streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--project-dir', empty], streams), 2);
  t.match(streams.err(), /^hed-tester check: No mock to check against: pass --base-url .*configuration\.json names base_url/);
  streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--project-dir', join(empty, 'nowhere'), '--base-url', mock.url], streams), 2, 'the flag is enough; the missing warehouse is the problem');
  t.match(streams.err(), /does not exist/);
});

t.test('after changes at the source the check counts them and the CLI exits 1', async (t) => {
  const records = (await sourceRecords(mock.url)) as Record<string, unknown>[];
  const warehouse = await fivetranStyleWarehouse(t.testdir(), records, (r) => (r.record_id === records[0]!.record_id ? { ...r, current_gpa: 0.5, retention_cohort: 'x' } : r));
  const local = await startMock({ students: 40 });
  t.teardown(() => local.close());
  await fetch(`${local.url}/__admin/mutations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ update: 2, create: 3 }) });
  const result = await checkWarehouse({ warehouse, baseUrl: local.url, table: 'tester.hed_records' });
  t.equal(result.equal, false);
  t.equal(result.comparison.lost, 3, 'the created records');
  t.ok(result.comparison.differing >= 2 && result.comparison.differing <= 3, `the updated records and the altered one (${result.comparison.differing})`);
  const text = formatCheck(result, 'w.db');
  t.match(text, /lost +\| 3\n/);
  t.match(text, /extra columns \(tolerated\) \| retention_cohort/);
  t.match(text, /DIFFERENT: w\.db does not match the source \(matched on record_id\)/);
  const streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--warehouse', warehouse, '--base-url', local.url], streams), 1);
  t.match(streams.out(), /e\.g\. /);
});

t.test('soft-deleted rows the source no longer has are shown, not counted against it', async (t) => {
  const records = (await sourceRecords(mock.url)) as Record<string, unknown>[];
  const dir = t.testdir();
  await fivetranStyleWarehouse(dir, records);
  const destination = await openDestination(dir);
  await destination.commit([{ op: 'upsert', table: 'hed_records', data: { record_id: 'gone' } }], {}, new Date());
  await destination.commit([{ op: 'delete', table: 'hed_records', data: { record_id: 'gone' } }], {}, new Date());
  await destination.close();
  const result = await checkWarehouse({ warehouse: join(dir, 'warehouse.db'), baseUrl: mock.url });
  t.equal(result.equal, true);
  t.match(formatCheck(result, 'w.db'), /soft-deleted \(not in source\) \| 1/);
});

t.test('a check that cannot be made says what to do and the CLI exits 2', async (t) => {
  const records = (await sourceRecords(mock.url)) as Record<string, unknown>[];
  const dir = t.testdir();
  const warehouse = await fivetranStyleWarehouse(dir, records);
  await t.rejects(checkWarehouse({ warehouse: join(dir, 'missing.db'), baseUrl: mock.url }), { name: 'CheckError', message: /does not exist; run a sync first/ });
  await t.rejects(checkWarehouse({ warehouse, baseUrl: 'http://127.0.0.1:1' }), { name: 'CheckError', message: /Cannot read the ground truth from http:\/\/127\.0\.0\.1:1\/__admin\/records .*Start the mock \(hed-mock serve, or npm start in the kit's checkout\) and give its address in base_url of configuration\.json or as --base-url\./ });
  const guarded = await startMock({ students: 5, adminToken: 'secret' });
  t.teardown(() => guarded.close());
  await t.rejects(checkWarehouse({ warehouse, baseUrl: guarded.url }), { message: /answered 40[13]/ });
  t.equal((await checkWarehouse({ warehouse, baseUrl: guarded.url, adminToken: 'secret' })).comparison.expected, 5, 'the token is sent');
  const notMock: typeof fetch = async () => new Response('{"hello": 1}', { status: 200 });
  await t.rejects(checkWarehouse({ warehouse, baseUrl: 'http://x', fetch: notMock }), { message: /did not answer a hed-mock records dump/ });
  const forbidden: typeof fetch = async () => new Response('{}', { status: 403 });
  await t.rejects(checkWarehouse({ warehouse, baseUrl: 'http://x', fetch: forbidden }), { message: /answered 403: pass --admin-token/ });
  t.ok(new CheckError('x') instanceof Error);
  const streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--warehouse', join(dir, 'nope.db'), '--base-url', mock.url], streams), 2);
  t.match(streams.err(), /^hed-tester check: .*does not exist/);
  const wrongTable = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--warehouse', warehouse, '--base-url', mock.url, '--table', 'other', '--admin-token', 't'], wrongTable), 2);
  t.match(wrongTable.err(), /has no table tester\.other/);
});

t.test("a mock whose admin API refuses the check (the room's): with the API key, check reads the public API and says so", async (t) => {
  // A mock that wants an admin token the check does not pass: 401 from the admin API, as a room's mock is 403 to a laptop.
  const room = await startMock({ students: 450, adminToken: 'secret' });
  t.teardown(() => room.close());
  const admin = { 'x-admin-token': 'secret', 'content-type': 'application/json' };
  const truth = ((await (await fetch(`${room.url}/__admin/records`, { headers: admin })).json()) as { hed_records: Record<string, unknown>[] }).hed_records;
  const warehouse = await fivetranStyleWarehouse(t.testdir(), truth);

  const result = await checkWarehouse({ warehouse, baseUrl: room.url, apiKey: 'hed-demo-key' });
  t.equal(result.equal, true, result.comparison.examples.join('; '));
  t.same([result.comparison.expected, result.comparison.actual], [450, 450], 'three pages of 200, every record once');
  t.match(result.publicRead, /^The admin API answered 401 \(it wants --admin-token\), so the source records were read through the public API: GET \/hed_data with the API key, every page from no cursor/);
  t.match(formatCheck(result, 'w.db'), /^The admin API answered 401 .*\n.*source records +\| 450\n/s, 'the output says how the truth was read, first');

  const streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--warehouse', warehouse, '--base-url', room.url, '--api-key', 'hed-demo-key'], streams), 0, streams.err());
  t.match(streams.out(), /read through the public API: GET \/hed_data/);
  t.match(streams.out(), /EQUAL: .*warehouse\.db holds every source record once/);

  // The public read sees the source's changes as the admin listing does.
  await fetch(`${room.url}/__admin/mutations`, { method: 'POST', headers: admin, body: JSON.stringify({ update: 2, create: 1 }) });
  const changed = await checkWarehouse({ warehouse, baseUrl: room.url, apiKey: 'hed-demo-key' });
  t.same([changed.equal, changed.comparison.lost, changed.comparison.differing, changed.comparison.expected], [false, 1, 2, 451]);

  await t.rejects(checkWarehouse({ warehouse, baseUrl: room.url }), { message: /answered 401/ }, 'no API key: the admin refusal stands');
  await t.rejects(checkWarehouse({ warehouse, baseUrl: room.url, apiKey: 'hed-demo-key', adminToken: 'wrong' }), { message: /answered 401/ }, 'a wrong admin token is said, not worked around');
  await t.rejects(checkWarehouse({ warehouse, baseUrl: room.url, apiKey: 'not-a-key' }), { message: /\/hed_data\?page_size=200 answered 401: the API key is not one the mock accepts/ });
});

t.test('a 403 from the admin API (a mock on another machine) falls back to the public API of the vertical checked', async (t) => {
  const room = await startMock({ students: 5, verticals: ['hed', 'tlc'] });
  t.teardown(() => room.close());
  const asked: string[] = [];
  const offLoopback: typeof fetch = async (input, init) => {
    const url = String(input);
    asked.push(url.slice(room.url.length));
    return url.includes('/__admin/') ? new Response('{"error":"forbidden"}', { status: 403 }) : fetch(input, init);
  };
  const tlc = await fetchPublicRecords(room.url, VERTICALS.tlc, 'hed-demo-key');
  t.equal(tlc.length, 600);
  const destination = await openDestination(t.testdir());
  await destination.declare([{ table: 'tlc_records', primaryKey: ['record_id'] }]);
  await destination.commit(tlc.map((data) => ({ op: 'upsert' as const, table: 'tlc_records', data: data as Record<string, WarehouseValue> })), {}, new Date());
  await destination.close();
  const warehouse = join(t.testdirName, 'warehouse.db');
  const result = await checkWarehouse({ warehouse, baseUrl: room.url, apiKey: 'hed-demo-key', fetch: offLoopback });
  t.equal(result.equal, true, result.comparison.examples.join('; '));
  t.match(result.publicRead, /^The admin API answered 403 \(it answers its own machine only\), so the source records were read through the public API: GET \/tlc_data/);
  t.equal(asked[0], '/__admin/records?vertical=tlc', 'the admin API first');
  t.equal(asked[1], '/tlc_data?page_size=200', 'then the public API from no cursor');
  t.ok(asked.length >= 4 && asked.slice(2).every((u) => /^\/tlc_data\?page_size=200&cursor=[\w-]+$/.test(u)), `then each next_cursor (${asked.length - 1} pages)`);
});
