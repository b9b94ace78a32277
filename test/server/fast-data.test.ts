import { connect } from 'node:net';
import t, { type Test } from 'tap';
import { API_KEY, startMock, type RunningMock } from '../helpers/mock-server.js';
import { createCursorCodec } from '../../server/paging/cursor.js';
import { createPageEngine } from '../../server/paging/page-engine.js';
import { VERTICAL_PREFIXES, VERTICALS, type VerticalPrefix } from '../../verticals/index.js';

/**
 * The data paths' fast path (server/routes/fast-data.ts) against the route it stands in
 * for: two mocks of one config, one with the fast path and one without, get the same raw
 * requests; every answer must be the same bytes (the Date header aside) and the journals
 * the same entries. A clock that counts its calls stands in for time, so the journal's
 * times and durations compare too.
 */

/** A clock that moves one millisecond per call. */
const countingClock = () => {
  let now = Date.UTC(2026, 11, 4);
  return () => (now += 1);
};

async function pair(t: Test, overrides: Parameters<typeof startMock>[0] = {}): Promise<{ fast: RunningMock; slow: RunningMock }> {
  const fast = await startMock(overrides, { faultClock: countingClock() });
  const slow = await startMock(overrides, { faultClock: countingClock(), fastPages: false });
  t.teardown(() => Promise.all([fast.close(), slow.close()]));
  t.ok(fast.app.fastPages, 'the fast path is on by default');
  t.equal(slow.app.fastPages, null, 'fastPages: false turns it off');
  return { fast, slow };
}

/** One request on its own connection, as raw bytes both ways; the answer with its Date header blanked. */
function raw(base: string, request: string): Promise<string> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1').replace(/\r\ndate: [^\r]*/i, '\r\ndate: -')));
    socket.end(request);
  });
}

const get = (url: string, headers: Record<string, string> = { 'x-api-key': API_KEY }, method = 'GET') =>
  `${method} ${url} HTTP/1.1\r\nhost: localhost\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}connection: close\r\n\r\n`;

const bodyOf = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4);
const pageOf = (answer: string) => JSON.parse(Buffer.from(bodyOf(answer), 'latin1').toString('utf8')) as { next_cursor: string; has_more: boolean; [list: string]: unknown };

async function post(mock: RunningMock, path: string, body: unknown) {
  const res = await fetch(`${mock.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.text() };
}

t.test('every path answers its pages with the bytes of the route, before and after a mutation, and journals them alike', async (t) => {
  const { fast, slow } = await pair(t);
  const both = async (request: string, what: string) => {
    const [a, b] = await Promise.all([raw(fast.url, request), raw(slow.url, request)]);
    t.equal(a, b, what);
    return a;
  };
  const freshPage = (prefix: VerticalPrefix, position: number, pageSize: number) => {
    const source = fast.app.sources.get(prefix)!;
    const cursors = createCursorCodec(fast.app.config.seed, prefix === 'hed' ? '' : prefix);
    return createPageEngine({ rows: source, cursors, paging: fast.app.config.paging, recordsKey: VERTICALS[prefix].table }).pageAfter(position, pageSize).body.toString('latin1');
  };

  for (const prefix of VERTICAL_PREFIXES) {
    const v = VERTICALS[prefix];
    const cursors = createCursorCodec(fast.app.config.seed, prefix === 'hed' ? '' : prefix);
    const answered = fast.app.fastPages!.answered;
    const first = await both(get(v.path), `${prefix}: the first page`);
    t.match(first, /^HTTP\/1\.1 200 OK\r\n/, `${prefix}: 200`);
    t.equal(bodyOf(first), freshPage(prefix, 0, 100), `${prefix}: the first page is a fresh serialisation`);
    const seven = await both(get(`${v.path}?page_size=7`), `${prefix}: page_size=7`);
    const next = pageOf(seven).next_cursor;
    const second = await both(get(`${v.path}?page_size=7&cursor=${next}`), `${prefix}: the page after it`);
    t.equal(bodyOf(second), freshPage(prefix, cursors.decode(next), 7), `${prefix}: the second page is a fresh serialisation`);
    await both(get(`${v.path}?cursor=${next}&page_size=200`), `${prefix}: cursor first, then page_size`);
    await both(get(`${v.path}?cursor=`), `${prefix}: an empty cursor`);
    await both(get(`${v.path}?page_size=007`, { api_key: API_KEY }), `${prefix}: the api_key header, a page size with leading zeros`);
    // To the end: pages of 200 until has_more is false.
    let cursor = '';
    let pages = 0;
    for (let guard = 0; guard < 20; guard++) {
      const page = pageOf(await both(get(`${v.path}?page_size=200&cursor=${cursor}`), `${prefix}: a page of 200 after "${cursor}"`));
      pages += 1;
      cursor = page.next_cursor;
      if (!page.has_more) break;
    }
    t.equal(pages, 4, `${prefix}: 600 records are three full pages and an empty one`);
    t.equal(fast.app.fastPages!.answered - answered, 6 + pages, `${prefix}: the fast path answered every page`);

    const mutation = { update: 3, create: 2, ...(prefix === 'hed' ? {} : { vertical: prefix }) };
    const [ma, mb] = await Promise.all([post(fast, '/__admin/mutations', mutation), post(slow, '/__admin/mutations', mutation)]);
    t.same([ma.status, ma.body], [mb.status, mb.body], `${prefix}: the same mutation`);
    const changed = await both(get(`${v.path}?cursor=${cursor}`), `${prefix}: the changes after the stored cursor`);
    t.equal((pageOf(changed)[v.table] as unknown[]).length, 5, `${prefix}: 3 updated and 2 created`);
    t.equal(bodyOf(changed), freshPage(prefix, cursors.decode(cursor), 100), `${prefix}: the changes are a fresh serialisation`);
    const again = await both(get(`${v.path}?page_size=7`), `${prefix}: page_size=7 after the mutation`);
    t.equal(bodyOf(again), freshPage(prefix, 0, 7), `${prefix}: no page of the old data is served`);
  }

  const [ja, jb] = await Promise.all([fast, slow].map(async (m) => (await fetch(`${m.url}/__admin/requests`)).text()));
  t.equal(ja, jb, 'the journals are the same, times and durations included');
  t.ok(JSON.parse(ja!).requests.length > 100, 'the journal holds the pages');
  const [ra, rb] = await Promise.all([fast, slow].map(async (m) => (await fetch(`${m.url}/__admin/records?vertical=tlc`)).text()));
  t.equal(ra, rb, '/__admin/records is the same');
});

t.test('what the fast path does not answer, Fastify answers as before', async (t) => {
  const { fast, slow } = await pair(t);
  const agrCursor = createCursorCodec(fast.app.config.seed, 'agr').encode(5);
  const tlcCursor = createCursorCodec(fast.app.config.seed, 'tlc').encode(5);
  const requests = [
    get('/agr_data?page_size=0'),
    get('/agr_data?page_size=201'),
    get('/agr_data?page_size=abc'),
    get('/agr_data?page_size=1e2'),
    get('/agr_data?page_size=7&page_size=8'),
    get('/agr_data?page_size=%37'),
    get('/agr_data?page_size=7&'),
    get('/agr_data?'),
    get('/agr_data?page_size'),
    get('/agr_data?=7'),
    get('/agr_data?&page_size=7'),
    get(`/agr_data?page_size=7&&cursor=${agrCursor}`),
    get('/agr_data?foo=1'),
    get('/agr_data?api_key=hed-demo-key'),
    get(`/agr_data?cursor=${tlcCursor}`),
    get(`/agr_data?cursor=${agrCursor.slice(0, -1)}A`),
    get('/agr_data?cursor=short'),
    get('/agr_data', {}),
    get('/agr_data', { 'x-api-key': 'wrong' }),
    get('/agr_data', { 'x-api-key': '' }),
    get('/agr_data', { 'x-api-key': API_KEY, 'content-length': '2' }).replace(/\r\n\r\n$/, '\r\n\r\n{}'),
    get('/agr_data/'),
    get('/AGR_DATA'),
    get('/agr_data', { 'x-api-key': API_KEY }, 'HEAD'),
    get('/agr_data', { 'x-api-key': API_KEY }, 'POST'),
    get('/agr_data').replace('host: localhost', 'host: evil.example'),
  ];
  for (const request of requests) {
    const [a, b] = await Promise.all([raw(fast.url, request), raw(slow.url, request)]);
    t.equal(a, b, request.split('\r\n')[0]!);
  }
  t.equal(fast.app.fastPages!.answered, 0, 'none of them was answered by the fast path');

  // With a fault rule, every request goes through the faults; with it gone, the fast path is back.
  const rule = { id: 'down', path: '/agr_data', status: 503, times: 2 };
  const [fa, fb] = await Promise.all([post(fast, '/__admin/faults', rule), post(slow, '/__admin/faults', rule)]);
  t.same([fa.status, fb.status], [201, 201]);
  for (const url of ['/agr_data', '/tlc_data', '/agr_data', '/agr_data']) {
    const [a, b] = await Promise.all([raw(fast.url, get(url)), raw(slow.url, get(url))]);
    t.equal(a, b, `${url} with a rule`);
  }
  t.equal(fast.app.fastPages!.answered, 0, 'a rule, even spent or for another path, sends every request through the faults');
  await Promise.all([fast, slow].map((m) => fetch(`${m.url}/__admin/faults/down`, { method: 'DELETE' })));
  await raw(fast.url, get('/agr_data'));
  t.equal(fast.app.fastPages!.answered, 1, 'without rules the fast path answers again');
  const [ja, jb] = await Promise.all([fast, slow].map(async (m) => (await fetch(`${m.url}/__admin/requests`)).text()));
  t.not(ja, jb, 'the fast mock answered one request more');
  const entries = (text: string) => (JSON.parse(text) as { requests: unknown[] }).requests;
  t.same(entries(ja!).slice(0, -1), entries(jb!), 'the journals agree on every request both answered');
});

t.test('a page the fast path answers is journaled as the route journals it: credentials from its headers, URL redacted', async (t) => {
  const { fast, slow } = await pair(t);
  const cursor = createCursorCodec(fast.app.config.seed, 'fts').encode(3);
  const headers = { 'x-api-key': API_KEY, authorization: 'Bearer hed-demo-key', 'X-Auth-Token': 'secret-value', accept: '*/*' };
  for (const url of ['/fts_data?page_size=2', `/fts_data?cursor=${cursor}&page_size=2`, '/hpt_data']) {
    const [a, b] = await Promise.all([raw(fast.url, get(url, headers)), raw(slow.url, get(url, headers))]);
    t.equal(a, b, url);
  }
  t.equal(fast.app.fastPages!.answered, 3, 'the fast path answered all three');
  const [ja, jb] = await Promise.all([fast, slow].map(async (m) => (await fetch(`${m.url}/__admin/requests`)).text()));
  t.equal(ja, jb, 'the journals are the same');
  const requests = (JSON.parse(ja!) as { requests: { credentials?: string[]; has_more?: boolean }[] }).requests;
  t.same(requests.map((r) => r.credentials), [0, 1, 2].map(() => ['header authorization', 'header x-api-key', 'header x-auth-token']));
  t.same(requests.map((r) => r.has_more), [true, true, true]);
  t.notMatch(ja!, /hed-demo-key|secret-value/, 'no key value is listed');
});

t.test('the fast path stays off while requests are logged or responses validated', async (t) => {
  for (const [overrides, deps] of [
    [{ logLevel: 'info' }, {}],
    [{}, { validateResponses: true }],
  ] as const) {
    const mock = await startMock(overrides, deps);
    t.teardown(mock.close);
    t.equal(mock.app.fastPages, null, JSON.stringify({ ...overrides, ...deps }));
  }
});
