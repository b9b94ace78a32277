import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { AUTH, buildTestApp } from '../helpers/mock-server.js';
import { ConfigError, resolveServerConfig } from '../../server/config.js';
import { servedVerticalsLine } from '../../server/main.js';
import type { ResponseViolation } from '../../server/plugins/response-validation.js';
import { generateRecordJson, VERTICAL_PREFIXES, VERTICALS, type VerticalDefinition } from '../../verticals/index.js';

interface VerticalPage {
  next_cursor: string;
  has_more: boolean;
  [table: string]: unknown;
}

/** Reads a vertical as the lab's connector.py does: pages of `pageSize` until has_more is false. */
async function readAll(app: FastifyInstance, v: VerticalDefinition, pageSize: number, headers: Record<string, string> = AUTH) {
  const pages: VerticalPage[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1_000; guard++) {
    const query = new URLSearchParams({ page_size: String(pageSize), ...(cursor ? { cursor } : {}) });
    const res = await app.inject({ url: `${v.path}?${query}`, headers });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
    const page = res.json<VerticalPage>();
    pages.push(page);
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  return { pages, cursor: cursor!, records: pages.flatMap((p) => p[v.table] as Record<string, unknown>[]) };
}

t.test("a lab client reads each vertical's 600 records in 6 full pages and one empty page, under its own key", async (t) => {
  const violations: ResponseViolation[] = [];
  const checked: string[] = [];
  const app = await buildTestApp({}, { validateResponses: { onViolation: (v) => violations.push(v), onChecked: (c) => checked.push(c.url) } });
  t.teardown(() => app.close());
  for (const prefix of VERTICAL_PREFIXES.filter((p) => p !== 'hed')) {
    const v = VERTICALS[prefix];
    const { pages, records } = await readAll(app, v, 100, { 'x-api-key': 'fiveTRANmovesTHEworldsDATA' });
    t.same(pages.map((p) => (p[v.table] as unknown[]).length), [100, 100, 100, 100, 100, 100, 0], `${prefix}: page sizes`);
    t.same(Object.keys(pages[0]!), [v.table, 'next_cursor', 'has_more'], `${prefix}: the envelope`);
    t.same(records, [...generateRecordJson(v, 42, 600)].map((json) => JSON.parse(json)), `${prefix}: the seed-42 records in order`);
  }
  t.ok(checked.some((url) => url.startsWith('/tlc_data')), 'the pages were checked against their schema');
  t.same(violations, [], 'every page conforms to its route schema (the definition as TypeBox)');
});

t.test('paging continues from a cursor, and exact paging ends without the empty page', async (t) => {
  const app = await buildTestApp({ paging: 'exact' });
  t.teardown(() => app.close());
  const v = VERTICALS.tlc;
  const all = await readAll(app, v, 200);
  t.same(all.pages.map((p) => p.has_more), [true, true, false]);
  const again = await app.inject({ url: `${v.path}?cursor=${all.cursor}`, headers: AUTH });
  t.same(again.json(), { [v.table]: [], next_cursor: all.cursor, has_more: false }, 'the stored cursor returns nothing new');
  const first = (await app.inject({ url: `${v.path}?page_size=7`, headers: AUTH })).json<VerticalPage>();
  const second = (await app.inject({ url: `${v.path}?page_size=7&cursor=${first.next_cursor}`, headers: AUTH })).json<VerticalPage>();
  t.same([...(first[v.table] as unknown[]), ...(second[v.table] as unknown[])], all.records.slice(0, 14), 'two pages of 7 are the first 14 records');
});

t.test('the key, page_size and cursor rules of /hed_data hold on every path; a cursor belongs to its path', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const noKey = await app.inject({ url: '/agr_data' });
  t.equal(noKey.statusCode, 401);
  t.equal(noKey.json().error, 'unauthorized');
  t.equal((await app.inject({ url: '/agr_data', headers: { 'x-api-key': 'wrong' } })).statusCode, 401);
  t.equal((await app.inject({ url: '/agr_data', headers: { api_key: 'hed-demo-key' } })).statusCode, 200, 'the api_key alias');
  for (const bad of ['0', '201', '1e2', 'ten']) {
    const res = await app.inject({ url: `/cds_data?page_size=${bad}`, headers: AUTH });
    t.same([res.statusCode, res.json().error], [400, 'invalid_page_size'], `page_size=${bad}`);
  }
  const agrCursor = (await app.inject({ url: '/agr_data?page_size=5', headers: AUTH })).json<VerticalPage>().next_cursor;
  const hedCursor = (await app.inject({ url: '/hed_data?page_size=5', headers: AUTH })).json<VerticalPage>().next_cursor;
  for (const [url, cursor] of [['/tlc_data', agrCursor], ['/agr_data', hedCursor], ['/hed_data', agrCursor]] as const) {
    const res = await app.inject({ url: `${url}?cursor=${cursor}`, headers: AUTH });
    t.same([res.statusCode, res.json().error], [400, 'invalid_cursor'], `${url} refuses another path's cursor`);
  }
  t.equal((await app.inject({ url: `/agr_data?cursor=${agrCursor}`, headers: AUTH })).statusCode, 200, 'and takes its own');
});

t.test('/{prefix}_api_spec describes the endpoint, the fields and a sample record', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const res = await app.inject({ url: '/spl_api_spec' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
  t.match(res.body, /GET \/spl_data/);
  t.match(res.body, /spl_records/);
  for (const field of VERTICALS.spl.fields) t.match(res.body, `<code>${field.name}</code>`, field.name);
  t.match(res.body, /promotion_discount_percent&#34;: 0/, 'the sample record, escaped');
});

t.test('--verticals narrows the paths served; HED too can be left out', async (t) => {
  const app = await buildTestApp({ verticals: ['agr', 'hed'] });
  t.teardown(() => app.close());
  t.equal((await app.inject({ url: '/agr_data', headers: AUTH })).statusCode, 200);
  t.equal((await app.inject({ url: '/hed_data', headers: AUTH })).statusCode, 200);
  t.equal((await app.inject({ url: '/tlc_data', headers: AUTH })).statusCode, 404);
  t.equal((await app.inject({ url: '/tlc_api_spec' })).statusCode, 404);
  const agrOnly = await buildTestApp({ verticals: ['agr'] });
  t.teardown(() => agrOnly.close());
  t.equal((await agrOnly.inject({ url: '/hed_data', headers: AUTH })).statusCode, 404);
  t.equal((await agrOnly.inject({ url: '/agr_data', headers: AUTH })).statusCode, 200);
});

t.test("a 404 sends the client to the paths this mock serves, never to one it does not", async (t) => {
  const tlcOnly = await buildTestApp({ verticals: ['tlc'] });
  t.teardown(() => tlcOnly.close());
  const hed = await tlcOnly.inject({ url: '/hed_data', headers: AUTH });
  t.equal(hed.statusCode, 404);
  t.equal(
    hed.json().message,
    'There is no /hed_data. /hed_data is not served by this mock, which serves tlc only (--verticals or HED_VERTICALS chose it; add hed there, or leave both out for every path). The data is at GET /tlc_data; the API is described at /tlc_api_spec and /docs.',
  );
  const hedSpec = await tlcOnly.inject({ url: '/hed_api_spec' });
  t.equal(hedSpec.statusCode, 404, "HED's spec page is not served with HED's data");
  t.equal(
    hedSpec.json().message,
    'There is no /hed_api_spec. /hed_data is not served by this mock, which serves tlc only (--verticals or HED_VERTICALS chose it; add hed there, or leave both out for every path). The data is at GET /tlc_data; the API is described at /tlc_api_spec and /docs.',
  );
  t.equal((await tlcOnly.inject({ url: '/tlc_api_spec' })).statusCode, 200, 'its own spec page is');
  t.equal((await tlcOnly.inject({ url: '/healthz' })).statusCode, 200, 'and the info paths every mock has');
  const typo = (await tlcOnly.inject({ url: '/tlc_dat', headers: AUTH })).json().message as string;
  t.equal(typo, 'There is no /tlc_dat. The data is at GET /tlc_data; the API is described at /tlc_api_spec and /docs.');
  t.notMatch(typo, /hed_/, 'no word of a path it does not serve');
  const two = await buildTestApp({ verticals: ['agr', 'hed'] });
  t.teardown(() => two.close());
  const tlc = (await two.inject({ url: '/tlc_api_spec' })).json().message as string;
  t.match(tlc, /^There is no \/tlc_api_spec\. \/tlc_data is not served by this mock, which serves agr, hed only \(--verticals or HED_VERTICALS chose them; add tlc there/);
  t.match(tlc, /The data is at GET \/\{prefix\}_data for agr, hed \(HED's at \/hed_data\); each path's API is described at \/\{prefix\}_api_spec, and all of them at \/docs\.$/);
  const hedOnly = await buildTestApp({ verticals: ['hed'] });
  t.teardown(() => hedOnly.close());
  t.equal((await hedOnly.inject({ url: '/nope' })).json().message, 'There is no /nope. The data is at GET /hed_data; the API is described at /hed_api_spec and /docs.', 'HED alone: as it always said');
});

t.test('--verticals / HED_VERTICALS is parsed and checked at start, and the start line says what is served', async (t) => {
  t.same(resolveServerConfig({}, {}).verticals, [...VERTICAL_PREFIXES], 'default: all fifteen');
  t.same(resolveServerConfig({ verticals: 'hed, AGR' }, {}).verticals, ['agr', 'hed'], "in the lab's order, case and spaces forgiven");
  t.same(resolveServerConfig({}, { HED_VERTICALS: 'tlc' }).verticals, ['tlc']);
  t.same(resolveServerConfig({ verticals: 'all' }, { HED_VERTICALS: 'tlc' }).verticals, [...VERTICAL_PREFIXES], 'the flag wins');
  t.throws(() => resolveServerConfig({ verticals: 'agr,xyz' }, {}), { name: 'ConfigError', message: /--verticals \/ HED_VERTICALS: Unknown vertical "xyz"; use a comma list of agr, cds,/ });
  t.ok(new ConfigError('x') instanceof Error);
  t.equal(servedVerticalsLine(['agr', 'hed']), 'Serving 2 of 15 verticals: agr, hed at /{prefix}_data.');
  t.match(servedVerticalsLine([...VERTICAL_PREFIXES]), /^Serving all 15 verticals: agr, cds, .*, tlc at/);
});
