import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { AUTH, buildTestApp, startMock } from '../helpers/mock-server.js';
import { errorBodyProblems } from '../../api/errors.js';
import type { HedPage } from '../../api/page.js';

async function readAll(app: FastifyInstance, pageSize: number, cursor?: string) {
  const pages: HedPage[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const query = new URLSearchParams({ page_size: String(pageSize), ...(cursor ? { cursor } : {}) });
    const res = await app.inject({ url: `/hed_data?${query}`, headers: AUTH });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
    const page = res.json<HedPage>();
    pages.push(page);
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  return { pages, cursor: cursor!, records: pages.flatMap((p) => p.hed_records) };
}

async function groundTruth(app: FastifyInstance) {
  return (await app.inject({ url: '/__admin/records' })).json<{ count: number; hed_records: HedPage['hed_records'] }>();
}

t.test('a lab client reads 600 records in 6 full pages and one empty page, then nothing, then exactly the changes', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const first = await readAll(app, 100);
  t.same(first.pages.map((p) => p.hed_records.length), [100, 100, 100, 100, 100, 100, 0]);
  t.same(first.pages.map((p) => p.has_more), [true, true, true, true, true, true, false]);
  t.type(first.cursor, 'string');
  t.same(first.records, (await groundTruth(app)).hed_records, 'pages in order equal the ground truth');

  const again = await readAll(app, 100, first.cursor);
  t.same(again.records, [], 'calling again with the stored cursor returns nothing');
  t.equal(again.cursor, first.cursor, 'an empty page answers the request position');

  const mutation = await app.inject({ method: 'POST', url: '/__admin/mutations', payload: { update: 5, create: 3 } });
  t.equal(mutation.statusCode, 200);
  const changed = mutation.json<{ record_ids: string[]; updated: string[]; created: string[] }>();
  t.equal(changed.updated.length, 5);
  t.equal(changed.created.length, 3);
  const incremental = await readAll(app, 100, first.cursor);
  t.same(incremental.records.map((r) => r.record_id), changed.record_ids, 'exactly the 8 changed records, each once');
  t.ok(incremental.records.every((r) => r.last_updated_epoch > first.records.at(-1)!.last_updated_epoch), 'with newer last_updated');
  const updatedBefore = first.records.filter((r) => changed.updated.includes(r.record_id));
  t.equal(updatedBefore.length, 5, 'the updated ones existed before');
  const truth = await groundTruth(app);
  t.equal(truth.count, 603);
});

t.test('for any page size from 1 to 200 the pages partition the dataset in order', async (t) => {
  const app = await buildTestApp({ students: 137 });
  t.teardown(() => app.close());
  const truth = (await groundTruth(app)).hed_records.map((r) => r.record_id);
  for (let size = 1; size <= 200; size += size < 20 ? 1 : 13) {
    const { records, pages } = await readAll(app, size);
    const ids = records.map((r) => r.record_id);
    if (JSON.stringify(ids) !== JSON.stringify(truth)) {
      t.fail(`page_size ${size}: pages do not partition the dataset`);
      return;
    }
    const expectedPages = Math.floor(137 / size) + 1;
    if (pages.length !== expectedPages) t.fail(`page_size ${size}: ${pages.length} pages, expected ${expectedPages}`);
  }
  t.pass('every size partitions the 137 records, each once, in order');
});

t.test('after any mix of mutations, an incremental read returns exactly the changed records', async (t) => {
  const app = await buildTestApp({ students: 40 });
  t.teardown(() => app.close());
  const mixes: [number, number][] = [[0, 1], [1, 0], [40, 0], [3, 7], [12, 2]];
  let cursor = (await readAll(app, 7)).cursor;
  for (const [update, create] of mixes) {
    const res = await app.inject({ method: 'POST', url: '/__admin/mutations', payload: { update, create } });
    const changed = res.json<{ record_ids: string[] }>().record_ids;
    const read = await readAll(app, 7, cursor);
    t.same(read.records.map((r) => r.record_id), changed, `update ${update}, create ${create}`);
    cursor = read.cursor;
  }
  const full = await readAll(app, 200);
  const ids = full.records.map((r) => r.record_id);
  t.equal(new Set(ids).size, ids.length, 'a full read after mutations still holds each record once');
  t.equal(ids.length, 40 + 1 + 7 + 2);
});

t.test('exact paging: has_more only while records remain, no empty terminal page', async (t) => {
  const app = await buildTestApp({ paging: 'exact' });
  t.teardown(() => app.close());
  const { pages } = await readAll(app, 100);
  t.same(pages.map((p) => p.hed_records.length), [100, 100, 100, 100, 100, 100]);
  t.same(pages.map((p) => p.has_more), [true, true, true, true, true, false]);
});

t.test('two app instances with one seed serve byte-identical pages and accept each other\'s cursors', async (t) => {
  const a = await buildTestApp();
  const b = await buildTestApp();
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const pa = await a.inject({ url: '/hed_data?page_size=50', headers: AUTH });
  const pb = await b.inject({ url: '/hed_data?page_size=50', headers: AUTH });
  t.equal(pa.body, pb.body);
  const cursor = pa.json<HedPage>().next_cursor;
  const na = await a.inject({ url: `/hed_data?page_size=50&cursor=${cursor}`, headers: AUTH });
  const nb = await b.inject({ url: `/hed_data?page_size=50&cursor=${cursor}`, headers: AUTH });
  t.equal(nb.statusCode, 200);
  t.equal(na.body, nb.body);
  const other = await buildTestApp({ seed: 43 });
  t.teardown(() => other.close());
  const foreign = await other.inject({ url: `/hed_data?cursor=${cursor}`, headers: AUTH });
  t.equal(foreign.statusCode, 400);
  t.equal(foreign.json().error, 'invalid_cursor');
});

t.test('authentication: x-api-key, the api_key alias, several keys; missing or wrong key is 401', async (t) => {
  const app = await buildTestApp({ apiKeys: ['key-one', 'key-two'] });
  t.teardown(() => app.close());
  const status = async (headers: Record<string, string>) => (await app.inject({ url: '/hed_data?page_size=1', headers })).statusCode;
  t.equal(await status({ 'x-api-key': 'key-one' }), 200);
  t.equal(await status({ 'x-api-key': 'key-two' }), 200);
  t.equal(await status({ api_key: 'key-two' }), 200, 'older labs send api_key');
  const missing = await app.inject({ url: '/hed_data' });
  t.equal(missing.statusCode, 401);
  t.same(Object.keys(missing.json()), ['error', 'message']);
  t.equal(missing.json().error, 'unauthorized');
  t.match(missing.json().message, /x-api-key/);
  t.equal(await status({ 'x-api-key': 'hed-demo-key' }), 401, 'the default key is not accepted when others are configured');
  t.equal(await status({ 'x-api-key': 'fiveTRANmovesTHEworldsDATA' }), 401, 'nor is the lab key');
  t.equal(await status({ 'x-api-key': 'KEY-ONE' }), 401);
  t.equal(await status({ 'x-api-key': '' }), 401);
  const bad = await app.inject({ url: '/hed_data?page_size=0' });
  t.equal(bad.statusCode, 401, 'auth is checked before parameters');
});

t.test('by default the kit key and the lab\'s published key fiveTRANmovesTHEworldsDATA are both accepted', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  for (const key of ['hed-demo-key', 'fiveTRANmovesTHEworldsDATA']) {
    const res = await app.inject({ url: '/hed_data?page_size=1', headers: { 'x-api-key': key } });
    t.equal(res.statusCode, 200, key);
    t.equal(res.json().hed_records.length, 1);
  }
  const wrongCase = await app.inject({ url: '/hed_data?page_size=1', headers: { 'x-api-key': 'fivetranmovestheworldsdata' } });
  t.equal(wrongCase.statusCode, 401, 'keys are case-sensitive');
});

t.test('bad page_size values get 400 invalid_page_size quoting the value', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  for (const raw of ['0', '201', '-1', '1.5', 'abc', '', '1e2', '0x10', '%20', '99999999999', '10&page_size=20', '[]']) {
    const res = await app.inject({ url: `/hed_data?page_size=${raw}`, headers: AUTH });
    t.equal(res.statusCode, 400, `page_size=${raw}`);
    t.equal(res.json().error, 'invalid_page_size', `page_size=${raw}`);
    t.match(res.json().message, /from 1 to 200/);
  }
  for (const ok of ['1', '200', '007']) {
    t.equal((await app.inject({ url: `/hed_data?page_size=${ok}`, headers: AUTH })).statusCode, 200, `page_size=${ok}`);
  }
  const dflt = await app.inject({ url: '/hed_data', headers: AUTH });
  t.equal(dflt.json().hed_records.length, 100, 'default page size is 100');
});

t.test('bad cursors get 400 invalid_cursor; an empty cursor means the beginning', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const good = (await app.inject({ url: '/hed_data?page_size=10', headers: AUTH })).json<HedPage>().next_cursor;
  const flipped = good.slice(0, 5) + (good[5] === 'A' ? 'B' : 'A') + good.slice(6);
  for (const cursor of [flipped, good.slice(0, -2), `${good}xx`, 'not-a-cursor', '%41%42', 'a b', 'a'.repeat(500), `${good}&cursor=${good}`]) {
    const res = await app.inject({ url: `/hed_data?cursor=${cursor}`, headers: AUTH });
    t.equal(res.statusCode, 400, `cursor=${cursor.slice(0, 40)}`);
    t.equal(res.json().error, 'invalid_cursor');
  }
  const badEscape = await app.inject({ url: '/hed_data?cursor=%ZZ', headers: AUTH });
  t.match(badEscape, { statusCode: 400 }, 'a malformed escape is refused before the cursor is read');
  t.equal(badEscape.json().error, 'invalid_request');
  const empty = await app.inject({ url: '/hed_data?page_size=10&cursor=', headers: AUTH });
  t.equal(empty.statusCode, 200);
  t.equal(empty.json().next_cursor, good);
});

t.test('a method that carries a body (QUERY) on a known path is 405 with Allow, not a complaint about its Content-Type', async (t) => {
  const mock = await startMock({ students: 3 });
  t.teardown(mock.close);
  // A real socket: the body-reading step that refused it sits between the router and the handler.
  for (const [path, allow] of [['/hed_data', 'GET, HEAD'], ['/healthz', 'GET, HEAD'], ['/__admin/faults/x', 'DELETE'], ['/__admin/scenario', 'PUT']] as const) {
    const res = await fetch(`${mock.url}${path}`, { method: 'QUERY', headers: AUTH });
    t.equal(res.status, 405, `QUERY ${path}`);
    t.equal(res.headers.get('allow'), allow);
    t.same(errorBodyProblems(405, await res.text()), [], 'in the catalog shape');
  }
  const posted = await fetch(`${mock.url}/hed_data`, { method: 'POST', headers: AUTH, body: 'x' });
  t.equal(posted.status, 405, 'a POST with a body and no JSON Content-Type is 405 too');
  const unknown = await fetch(`${mock.url}/nope`, { method: 'QUERY' });
  t.equal(unknown.status, 404);
  t.equal(((await unknown.json()) as { error: string }).error, 'not_found');
});

t.test('wrong methods get 405 with Allow, unknown paths 404, HEAD works', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const) {
    const res = await app.inject({ method, url: '/hed_data', headers: AUTH });
    t.equal(res.statusCode, 405, method);
    t.equal(res.headers.allow, 'GET, HEAD');
    t.equal(res.json().error, 'method_not_allowed');
  }
  const admin = await app.inject({ method: 'GET', url: '/__admin/reset' });
  t.equal(admin.statusCode, 405);
  t.equal(admin.headers.allow, 'POST');
  const missing = await app.inject({ url: '/hed_datas', headers: AUTH });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().error, 'not_found');
  const head = await app.inject({ method: 'HEAD', url: '/hed_data', headers: AUTH });
  t.equal(head.statusCode, 200);
});

t.test('malformed requests never produce a 5xx and the server keeps serving', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  for (const url of ['/hed_data?%E0%A4%A4=1', '/hed_data?cursor[]=x', '/hed_data?page_size[a]=1', '/hed_data?foo=bar']) {
    const res = await app.inject({ url, headers: AUTH });
    t.equal(res.statusCode, 200, `${url}: unknown parameters are ignored, as by the hosted API`);
    t.equal(res.json().hed_records.length, 100);
  }
  const attempts = [
    { url: '/hed_data?page_size=%00', headers: AUTH },
    { url: '/hed_data?%E0%A4%A', headers: AUTH },
    { url: '/%ZZ', headers: AUTH },
    { method: 'POST' as const, url: '/__admin/mutations', payload: '{"update":', headers: { 'content-type': 'application/json' } },
    { method: 'POST' as const, url: '/__admin/mutations', payload: { update: -1 } },
    { method: 'POST' as const, url: '/__admin/mutations', payload: { update: 'five' } },
    { method: 'POST' as const, url: '/__admin/mutations', payload: { delete: 1 } },
    { method: 'POST' as const, url: '/__admin/mutations', payload: { update: 601 } },
    { method: 'POST' as const, url: '/__admin/mutations', payload: 'update=1', headers: { 'content-type': 'text/plain' } },
  ];
  for (const request of attempts) {
    const res = await app.inject(request);
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${request.url} ${JSON.stringify(request.payload ?? '')} -> ${res.statusCode}`);
    const body = res.json();
    t.type(body.error, 'string');
    t.type(body.message, 'string');
    t.notMatch(res.body, /at .*\.(ts|js):\d+/, 'no stack trace');
  }
  t.equal((await app.inject({ url: '/hed_data', headers: AUTH })).statusCode, 200, 'still serving');
});
