import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { AUTH, buildTestApp, startMock } from '../../helpers/mock-server.js';
import type { FaultList, JournalEntry } from '../../../api/faults.js';
import { rawGet } from './raw-client.js';

type Page = Record<string, unknown> & { next_cursor: string; has_more: boolean };

const addRule = (app: FastifyInstance, rule: unknown) => app.inject({ method: 'POST', url: '/__admin/faults', payload: rule as object });
const statusOf = async (app: FastifyInstance, url: string) => (await app.inject({ url, headers: AUTH })).statusCode;
const journal = async (app: FastifyInstance) => (await app.inject({ url: '/__admin/requests' })).json<{ requests: JournalEntry[] }>().requests;

t.test('a rule without path acts on every data path, in one count', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  t.equal((await addRule(app, { status: 503, times: 3 })).statusCode, 201);
  const seen = [];
  for (const url of ['/agr_data', '/hed_data', '/tlc_data', '/agr_data', '/hed_data']) seen.push(await statusOf(app, url));
  t.same(seen, [503, 503, 503, 200, 200]);
  const list = (await app.inject({ url: '/__admin/faults' })).json<FaultList>();
  t.same(list.rules.map((r) => [r.matched, r.fired]), [[5, 3]]);
  t.notOk('path' in list.rules[0]!.rule, 'the rule has no path');
});

t.test('a rule with path acts on that data path only', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  t.equal((await addRule(app, { id: 'agr-down', path: '/agr_data', status: 503 })).statusCode, 201);
  t.equal(await statusOf(app, '/hed_data'), 200, 'HED untouched');
  t.equal(await statusOf(app, '/tlc_data'), 200, 'TLC untouched');
  const res = await app.inject({ url: '/agr_data', headers: AUTH });
  t.equal(res.statusCode, 503);
  t.match(res.json().message, /fault rule agr-down/);
  const list = (await app.inject({ url: '/__admin/faults' })).json<FaultList>();
  t.same([(list.rules[0]!.rule as { path?: string }).path, list.rules[0]!.matched], ['/agr_data', 1], 'counted on its path only');
});

t.test('a path that is not a served data path is refused with the served ones named', async (t) => {
  const app = await buildTestApp({ verticals: ['agr', 'hed'] });
  t.teardown(() => app.close());
  const unserved = await addRule(app, { path: '/tlc_data', status: 503 });
  t.same([unserved.statusCode, unserved.json().error], [400, 'invalid_request']);
  t.match(unserved.json().message, /path "\/tlc_data" is not served by this server; use one of \/agr_data, \/hed_data/);
  const notData = await addRule(app, { path: '/healthz', status: 503 });
  t.equal(notData.statusCode, 400);
  t.match(notData.json().message, /^path must be a data path such as "\/agr_data"/);
  const inList = await addRule(app, [{ status: 500 }, { path: '/tlc_data', status: 503 }]);
  t.equal(inList.statusCode, 400);
  t.match(inList.json().message, /^rules\[1\]\.path/);
  t.same((await app.inject({ url: '/__admin/faults' })).json<FaultList>().rules, [], 'all or nothing');
  const scenario = await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'flaky', path: '/tlc_data' } });
  t.equal(scenario.statusCode, 400);
  t.match(scenario.json().message, /path "\/tlc_data" is not a data path this server serves; use one of \/agr_data, \/hed_data/);
  const bad = await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'flaky', path: 'agr' } });
  t.same([bad.statusCode, bad.json().error], [400, 'invalid_request']);
  t.match(bad.json().message, /path "agr" is not a data path/);
});

t.test('a scenario scoped to a path gives that path the schedule HED gets from it unscoped, and leaves the others alone', async (t) => {
  const scoped = await buildTestApp();
  const plain = await buildTestApp();
  t.teardown(async () => {
    await scoped.close();
    await plain.close();
  });
  const put = await scoped.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'flaky', path: '/agr_data' } });
  t.equal(put.statusCode, 200);
  t.same(put.json<FaultList>().rules.map((r) => (r.rule as { path?: string }).path), ['/agr_data', '/agr_data', '/agr_data'], 'every rule on the path');
  t.same(put.json<FaultList>().rules.map((r) => r.rule.id), ['warm-up', 'blip-500', 'blip-502'], 'ids as unscoped');
  t.equal((await plain.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'flaky' } })).statusCode, 200);
  const onAgr: number[] = [];
  const onHed: number[] = [];
  for (let i = 0; i < 60; i++) {
    t.equal(await statusOf(scoped, '/hed_data?page_size=1'), 200);
    onAgr.push(await statusOf(scoped, '/agr_data?page_size=1'));
    onHed.push(await statusOf(plain, '/hed_data?page_size=1'));
  }
  t.same(onAgr, onHed, 'the same seeded schedule');
  t.same(onAgr.slice(0, 3), [503, 503, 503]);
  t.ok(onAgr.slice(3).some((s) => s !== 200), 'and its later blips');
});

t.test('the journal records every data path, with has_more and records for its 200 pages', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  await addRule(app, { id: 'once', path: '/cds_data', status: 500, times: 1 });
  await app.inject({ url: '/cds_data?page_size=100', headers: AUTH });
  const first = (await app.inject({ url: '/cds_data?page_size=250', headers: AUTH })).statusCode;
  t.equal(first, 400, 'a page size out of range');
  let cursor = '';
  for (let i = 0; i < 7; i++) {
    const page = (await app.inject({ url: `/cds_data?page_size=100${cursor ? `&cursor=${cursor}` : ''}`, headers: AUTH })).json<Page>();
    cursor = page.next_cursor;
  }
  const entries = await journal(app);
  t.match(entries[0], { url: '/cds_data?page_size=100', status: 500, faults: [{ rule: 'once', action: 'status' }] });
  t.notOk('has_more' in entries[0]!, 'no page, no has_more');
  t.match(entries[1], { status: 400 });
  const pages = entries.slice(2);
  t.same(pages.map((e) => [e.status, e.has_more, e.records]), [...Array(6).fill([200, true, 100]), [200, false, 0]]);
});

t.test('page-shaping faults work on a vertical\'s own records', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const first = (await app.inject({ url: '/met_data?page_size=10', headers: AUTH })).json<Page>();
  await addRule(app, { path: '/met_data', overlap: { records: 3 }, times: 1 });
  const second = (await app.inject({ url: `/met_data?page_size=10&cursor=${first.next_cursor}`, headers: AUTH })).json<Page>();
  const ids = (p: Page) => (p.met_records as { record_id: string }[]).map((r) => r.record_id);
  t.same(ids(second).slice(0, 3), ids(first).slice(7), 'overlap repeats the last three of the previous page');

  await app.inject({ method: 'DELETE', url: '/__admin/faults' });
  await addRule(app, { path: '/met_data', drift: { add: 'surprise', value: 1 }, times: 1 });
  const drifted = (await app.inject({ url: '/met_data?page_size=2', headers: AUTH })).json<Page>();
  t.same((drifted.met_records as Record<string, unknown>[]).map((r) => r.surprise), [1, 1], 'drift adds the field to every record');

  await app.inject({ method: 'DELETE', url: '/__admin/faults' });
  await addRule(app, { path: '/met_data', drift: { remove: 'record_id' }, times: 1 });
  const missing = (await app.inject({ url: '/met_data?page_size=2', headers: AUTH })).json<Page>();
  t.same((missing.met_records as Record<string, unknown>[]).map((r) => 'record_id' in r), [false, false], 'or removes one');
});

t.test('a truncated vertical page is a prefix of that page on the wire', async (t) => {
  const mock = await startMock({ students: 20, verticals: ['hed', 'spl'] });
  t.teardown(mock.close);
  const clean = (await rawGet(mock.url, '/spl_data?page_size=5', AUTH)).body.toString();
  t.match(clean, /^\{"spl_records":\[/);
  const res = await fetch(`${mock.url}/__admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/spl_data', truncate: { fraction: 0.5 } }) });
  t.equal(res.status, 201);
  t.equal((await rawGet(mock.url, '/hed_data?page_size=5', AUTH)).status, 200, 'HED whole');
  const seen = await rawGet(mock.url, '/spl_data?page_size=5', AUTH);
  t.equal(Number(seen.headers['content-length']), Buffer.byteLength(clean), 'the whole length promised');
  t.equal(seen.body.toString(), clean.slice(0, seen.body.length), 'a prefix of the SPL page');
  t.equal(seen.body.length, Math.floor(Buffer.byteLength(clean) * 0.5));
});
