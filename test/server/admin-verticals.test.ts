import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { Value } from '@sinclair/typebox/value';
import { AUTH, buildTestApp } from '../helpers/mock-server.js';
import { formatTime, generateRecordJson, verticalRecordSchema, VERTICALS, type VerticalDefinition } from '../../verticals/index.js';

type Row = Record<string, string | number | boolean>;

async function dump(app: FastifyInstance, vertical?: string) {
  const res = await app.inject({ url: `/__admin/records${vertical === undefined ? '' : `?vertical=${vertical}`}` });
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
  return res.json<Record<string, unknown> & { count: number }>();
}

const mutate = (app: FastifyInstance, payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/__admin/mutations', payload });

/** Pages of 100 from `cursor` until has_more is false: the records and the last cursor. */
async function sync(app: FastifyInstance, v: VerticalDefinition, cursor?: string) {
  const records: Row[] = [];
  for (let guard = 0; guard < 100; guard++) {
    const res = await app.inject({ url: `${v.path}?page_size=100${cursor ? `&cursor=${cursor}` : ''}`, headers: AUTH });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
    const page = res.json<Record<string, unknown> & { next_cursor: string; has_more: boolean }>();
    records.push(...(page[v.table] as Row[]));
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  return { records, cursor: cursor! };
}

t.test('GET /__admin/records?vertical= answers that vertical in HED\'s envelope; no vertical is HED as before', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const agr = await dump(app, 'agr');
  t.same(Object.keys(agr), ['count', 'agr_records']);
  t.equal(agr.count, 600);
  t.same(agr.agr_records, [...generateRecordJson(VERTICALS.agr, 42, 600)].map((j) => JSON.parse(j)), 'the seed-42 records in change order');
  const hed = await dump(app);
  t.same(Object.keys(hed), ['count', 'hed_records']);
  t.same(await dump(app, 'hed'), hed, 'vertical=hed is the same as no vertical');
});

t.test('an unknown or unserved vertical is 400 invalid_request naming what is served', async (t) => {
  const app = await buildTestApp({ verticals: ['agr', 'tlc'] });
  t.teardown(() => app.close());
  for (const bad of ['xyz', 'cds', '', 'AGR']) {
    const res = await app.inject({ url: `/__admin/records?vertical=${bad}` });
    t.same([res.statusCode, res.json().error], [400, 'invalid_request'], `records, vertical=${JSON.stringify(bad)}`);
    t.match(res.json().message, /one of agr, hed, tlc;/);
    const m = await mutate(app, { update: 1, vertical: bad });
    t.same([m.statusCode, m.json().error], [400, 'invalid_request'], `mutations, vertical=${JSON.stringify(bad)}`);
    t.match(m.json().message, /one of agr, hed, tlc;/);
  }
  const notText = await mutate(app, { update: 1, vertical: 3 });
  t.equal(notText.statusCode, 400);
  t.equal((await dump(app, 'tlc')).count, 600, 'a served one answers');
  t.equal((await dump(app)).count, 600, 'and HED is there without asking, as before');
});

t.test('mutations of a vertical: seeded, stamped with a later change time, and exactly what an incremental sync gets', async (t) => {
  const a = await buildTestApp();
  const b = await buildTestApp();
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const v = VERTICALS.tlc;
  const before = await sync(a, v);
  t.equal(before.records.length, 600);
  const latest = Math.max(...before.records.map((r) => r.last_updated_epoch as number));

  const first = await mutate(a, { update: 5, create: 2, vertical: 'tlc' });
  t.equal(first.statusCode, 200);
  const result = first.json<{ batch: number; record_ids: string[]; updated: string[]; created: string[] }>();
  t.equal(result.batch, 1);
  t.equal(result.updated.length, 5);
  t.equal(result.created.length, 2);
  t.same((await mutate(b, { update: 5, create: 2, vertical: 'tlc' })).json(), result, 'the same seed and calls give the same changes');
  t.same(await dump(a, 'tlc'), await dump(b, 'tlc'), '... and the same data');

  const changed = await sync(a, v, before.cursor);
  t.same(changed.records.map((r) => r.record_id), result.record_ids, 'the stored cursor returns exactly the changed records, in order');
  const byId = new Map(before.records.map((r) => [r.record_id as string, r]));
  let previous = latest;
  for (const record of changed.records) {
    t.ok(Value.Check(verticalRecordSchema(v), record), `${String(record.record_id)} matches the record schema`);
    t.ok((record.last_updated_epoch as number) > previous, 'each change is later than every earlier one');
    previous = record.last_updated_epoch as number;
    t.equal(record.last_updated_timestamp, formatTime(record.last_updated_epoch as number, 'datetime'), 'the date-like change mark moves with the epoch');
  }
  for (const id of result.updated) {
    const old = byId.get(id)!;
    const now = changed.records.find((r) => r.record_id === id)!;
    t.equal(now.customer_id, old.customer_id, 'an update keeps who the record is');
    t.equal(now.account_created_date, old.account_created_date);
    t.not(JSON.stringify(now), JSON.stringify(old), 'and changes its state');
  }
  for (const id of result.created) t.notOk(byId.has(id), 'a created record is new');

  const full = await sync(a, v);
  t.equal(full.records.length, 602, 'a full sync has every record once');
  t.equal(new Set(full.records.map((r) => r.record_id)).size, 602);
  t.same((await sync(a, v, changed.cursor)).records, [], 'nothing new after the last cursor');
  const agr = await dump(a, 'agr');
  t.same(agr.agr_records, [...generateRecordJson(VERTICALS.agr, 42, 600)].map((j) => JSON.parse(j)), 'other verticals do not change');

  const second = (await mutate(a, { update: 5, vertical: 'tlc' })).json<{ batch: number; updated: string[] }>();
  t.equal(second.batch, 2, 'batches count per vertical');
  t.not(JSON.stringify(second.updated), JSON.stringify(result.updated), 'a later batch changes other records');
  const c = await buildTestApp({ seed: 7 });
  t.teardown(() => c.close());
  t.not(JSON.stringify((await mutate(c, { update: 5, vertical: 'tlc' })).json().updated), JSON.stringify(result.updated), 'another seed, other changes');
});

t.test('a page served before a mutation is not served again after it (the page cache follows the data)', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const first = await app.inject({ url: '/agr_data?page_size=5', headers: AUTH });
  t.equal((await app.inject({ url: '/agr_data?page_size=5', headers: AUTH })).body, first.body, 'the same page twice');
  const { updated } = (await mutate(app, { update: 600, vertical: 'agr' })).json<{ updated: string[] }>();
  const after = (await app.inject({ url: '/agr_data?page_size=5', headers: AUTH })).json<{ agr_records: Row[] }>();
  t.not(JSON.stringify(after), first.body, 'every record moved: the first page is another');
  t.same(after.agr_records.map((r) => r.record_id), updated.slice(0, 5), 'it starts with the first changed record');
});

t.test('many updates (rows dropped from their old places) keep paging, cursors and the dump whole', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const v = VERTICALS.cds;
  const start = await sync(app, v);
  for (let i = 0; i < 4; i++) t.equal((await mutate(app, { update: 400, create: 10, vertical: 'cds' })).statusCode, 200);
  const full = await sync(app, v);
  t.equal(full.records.length, 640);
  t.equal(new Set(full.records.map((r) => r.record_id)).size, 640, 'each record once');
  const dumped = await dump(app, 'cds');
  t.same(dumped.cds_records, full.records, 'the dump is the records in change order');
  const since = await sync(app, v, start.cursor);
  t.same(since.records, full.records.filter((r) => (r.last_updated_epoch as number) > Math.max(...start.records.map((s) => s.last_updated_epoch as number))), 'the first cursor still returns every change');
  const tooMany = await mutate(app, { update: 641, vertical: 'cds' });
  t.equal(tooMany.statusCode, 409);
  t.match(tooMany.json().message, /holds 640/);
});

t.test('POST /__admin/reset gives every vertical its initial records back', async (t) => {
  const app = await buildTestApp({ students: 30 });
  t.teardown(() => app.close());
  const agr = await dump(app, 'agr');
  const hed = await dump(app);
  await mutate(app, { update: 3, create: 4, vertical: 'agr' });
  await mutate(app, { update: 3, create: 4 });
  t.equal((await dump(app, 'agr')).count, 604);
  const reset = await app.inject({ method: 'POST', url: '/__admin/reset' });
  t.same(reset.json(), { reset: true, count: 30 });
  t.same(await dump(app, 'agr'), agr);
  t.same(await dump(app), hed);
  t.equal((await mutate(app, { update: 1, vertical: 'agr' })).json().batch, 1, 'mutation batches start over');
});
