import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH, buildTestApp } from '../helpers/mock-server.js';

t.test('mutations are seeded: the same seed and history give the same changes', async (t) => {
  const a = await buildTestApp();
  const b = await buildTestApp();
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const mutate = (app: typeof a) => app.inject({ method: 'POST', url: '/__admin/mutations', payload: { update: 4, create: 2 } });
  const first = (await mutate(a)).json();
  t.same(first, (await mutate(b)).json());
  t.equal(first.batch, 1);
  const second = (await mutate(a)).json();
  t.equal(second.batch, 2);
  t.not(JSON.stringify(second.record_ids), JSON.stringify(first.record_ids), 'a later batch changes other records');
  const c = await buildTestApp({ seed: 7 });
  t.teardown(() => c.close());
  t.not(JSON.stringify((await mutate(c)).json().updated), JSON.stringify(first.updated), 'another seed, other changes');
});

t.test('reset brings back the initial dataset byte for byte', async (t) => {
  const app = await buildTestApp({ students: 30 });
  t.teardown(() => app.close());
  const before = (await app.inject({ url: '/__admin/records' })).body;
  await app.inject({ method: 'POST', url: '/__admin/mutations', payload: { update: 10, create: 5 } });
  const changed = await app.inject({ url: '/__admin/records' });
  t.equal(changed.json().count, 35);
  const reset = await app.inject({ method: 'POST', url: '/__admin/reset', headers: { 'content-type': 'application/json' } });
  t.same(reset.json(), { reset: true, count: 30 });
  t.equal((await app.inject({ url: '/__admin/records' })).body, before);
  const again = await app.inject({ method: 'POST', url: '/__admin/mutations', payload: { update: 1 } });
  t.equal(again.json().batch, 1, 'mutation batches start over');
});

t.test('the admin API answers loopback clients only, unless a token is set', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const remote = await app.inject({ url: '/__admin/records', remoteAddress: '10.1.2.3' });
  t.equal(remote.statusCode, 403);
  t.equal(remote.json().error, 'forbidden');
  t.match(remote.json().message, /--admin-token/);
  t.equal((await app.inject({ url: '/__admin/records', remoteAddress: '::ffff:127.0.0.1' })).statusCode, 200);
  t.equal((await app.inject({ url: '/__admin/records', remoteAddress: '::1' })).statusCode, 200);
  t.equal((await app.inject({ url: '/hed_data', headers: AUTH, remoteAddress: '10.1.2.3' })).statusCode, 200, 'the data API is open to all');

  const guarded = await buildTestApp({ adminToken: 'secret-token' });
  t.teardown(() => guarded.close());
  t.equal((await guarded.inject({ url: '/__admin/records' })).statusCode, 401, 'a token is needed even on loopback');
  t.equal((await guarded.inject({ url: '/__admin/records', headers: { 'x-admin-token': 'wrong-token' } })).statusCode, 401);
  const ok = await guarded.inject({ url: '/__admin/records', headers: { 'x-admin-token': 'secret-token' }, remoteAddress: '10.1.2.3' });
  t.equal(ok.statusCode, 200, 'with the token from anywhere');
});

t.test('mutations refuse impossible requests with the field named', async (t) => {
  const app = await buildTestApp({ students: 5 });
  t.teardown(() => app.close());
  const tooMany = await app.inject({ method: 'POST', url: '/__admin/mutations', payload: { update: 6 } });
  t.equal(tooMany.statusCode, 409, 'well formed, but the dataset cannot take it: conflict');
  t.match(tooMany.json().message, /holds 5/);
  const unknown = await app.inject({ method: 'POST', url: '/__admin/mutations', payload: { upsert: 1 } });
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json().message, /upsert/);
});

t.test('with --db the dataset and its mutations survive a restart; another seed rebuilds it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hed-db-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'hed.db');
  const first = await buildTestApp({ db, students: 20 });
  await first.inject({ method: 'POST', url: '/__admin/mutations', payload: { update: 2, create: 3 } });
  const snapshot = (await first.inject({ url: '/__admin/records' })).body;
  await first.close();

  const second = await buildTestApp({ db, students: 20 });
  t.equal((await second.inject({ url: '/__admin/records' })).body, snapshot, 'same data after restart');
  const next = await second.inject({ method: 'POST', url: '/__admin/mutations', payload: { update: 1 } });
  t.equal(next.json().batch, 2, 'the batch counter survives too');
  await second.close();

  const third = await buildTestApp({ db, students: 20, seed: 9 });
  t.teardown(() => third.close());
  const rebuilt = (await third.inject({ url: '/__admin/records' })).json();
  t.equal(rebuilt.count, 20, 'another seed rebuilds the file');
  t.not(JSON.stringify(rebuilt), snapshot);
});

t.test('docs: the spec page, the OpenAPI document, Swagger UI and health', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const spec = await app.inject({ url: '/hed_api_spec' });
  t.equal(spec.statusCode, 200);
  t.match(spec.headers['content-type'], /text\/html/);
  for (const text of ['GET /hed_data', 'page_size', 'x-api-key', 'academic_standing', 'last_updated_epoch', 'invalid_cursor', 'STU_2024']) {
    t.match(spec.body, text);
  }
  const openapi = (await app.inject({ url: '/openapi.json' })).json();
  t.match(openapi.openapi, /^3\./);
  t.ok(openapi.paths['/hed_data'].get, 'documents GET /hed_data');
  t.same(Object.keys(openapi.paths['/hed_data'].get.responses).sort(), ['200', '400', '401', '429', '500', '503']);
  const docs = await app.inject({ url: '/docs/' });
  t.equal(docs.statusCode, 200);
  t.match(docs.body, /swagger/i);
  t.same((await app.inject({ url: '/healthz' })).json(), { status: 'ok', records: 600, seed: 42, paging: 'lab' });
});

t.test('POST /__admin/faults takes what its schema allows: 1 to 100 rules, a taken id is 409 conflict', async (t) => {
  const app = await buildTestApp({ students: 3 });
  t.teardown(() => app.close());
  const post = (payload: unknown) => app.inject({ method: 'POST', url: '/__admin/faults', payload: payload as object });
  const empty = await post([]);
  t.equal(empty.statusCode, 400, 'an empty list is outside the schema (minItems 1)');
  t.match(empty.json(), { error: 'invalid_request', message: /1 to 100 rules; got 0/ });
  const tooMany = await post(Array.from({ length: 101 }, () => ({ status: 503 })));
  t.equal(tooMany.statusCode, 400, '101 rules are outside the schema (maxItems 100)');
  t.equal((await post(Array.from({ length: 100 }, () => ({ status: 503 })))).statusCode, 201, '100 rules are taken');
  t.equal((await post({ id: 'mine', status: 503 })).statusCode, 201);
  const taken = await post({ id: 'mine', hang: true });
  t.equal(taken.statusCode, 409, 'a schema-valid rule whose id is taken is a conflict, not bad input');
  t.match(taken.json(), { error: 'conflict', message: /"mine" is already in use/ });
  t.equal((await post([{ id: 'twin', status: 503 }, { id: 'twin', status: 500 }])).statusCode, 409, 'also within one list');
  t.equal((await app.inject({ method: 'DELETE', url: '/__admin/faults/mine' })).statusCode, 200);
  t.equal((await app.inject({ method: 'DELETE', url: '/__admin/faults/mine' })).statusCode, 404, 'a removed rule is gone');
});

t.test('updating more records than the dataset holds is 409 conflict, as the document says', async (t) => {
  const app = await buildTestApp({ students: 5 });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'POST', url: '/__admin/mutations', payload: { update: 6 } });
  t.equal(res.statusCode, 409);
  t.equal(res.json().error, 'conflict');
  t.match(res.json().message, /Cannot update 6 records: the dataset holds 5/);
  const documented = (await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths['/__admin/mutations'].post.responses;
  t.ok(documented['409'], 'the 409 is in the document');
});
