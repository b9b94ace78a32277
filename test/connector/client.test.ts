import t from 'tap';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startMock, type RunningMock, API_KEY } from '../helpers/mock-server.js';
import { HedClient } from '../../connector/client.js';
import { requestError } from '../helpers/request-error.js';
import { sendJson, sourceRecords, startScriptedServer } from './helpers.js';

let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: 30 });
});
t.teardown(() => mock.close());

t.test('fetchPage walks the real mock with x-api-key, page_size and cursor', async (t) => {
  const client = new HedClient({ baseUrl: `${mock.url}/`, apiKey: API_KEY });
  t.equal(client.pageUrl({ pageSize: 7, cursor: 'abc_-1' }), `${mock.url}/hed_data?page_size=7&cursor=abc_-1`, 'the trailing slash is tolerated');
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await client.fetchPage(cursor === undefined ? { pageSize: 7 } : { pageSize: 7, cursor });
    ids.push(...page.hed_records.map((r) => r.record_id));
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  t.same(ids.sort(), (await sourceRecords(mock.url)).map((r) => r.record_id));
});

t.test('an error answer becomes http_status with the status, the API code, message and Retry-After', async (t) => {
  const bad = await requestError(new HedClient({ baseUrl: mock.url, apiKey: 'wrong' }).fetchPage({ pageSize: 5 }));
  t.match(bad, { code: 'http_status', status: 401, apiCode: 'unauthorized', name: 'HedRequestError' });
  t.match(bad.message, /^GET \/hed_data answered HTTP 401 unauthorized: The API key is not valid/);
  const cursor = await requestError(new HedClient({ baseUrl: mock.url, apiKey: API_KEY }).fetchPage({ pageSize: 5, cursor: 'tampered' }));
  t.match(cursor, { code: 'http_status', status: 400, apiCode: 'invalid_cursor' });

  const server = await startScriptedServer(mock.url, (n, _req, res) => {
    if (n === 1) return sendJson(res, 429, { error: 'rate_limited', message: 'Slow down.' }, { 'retry-after': '17' });
    res.writeHead(503, { 'content-type': 'text/html' });
    res.end('<html>maintenance</html>');
  });
  t.teardown(server.close);
  const client = new HedClient({ baseUrl: server.url, apiKey: API_KEY });
  t.match(await requestError(client.fetchPage({ pageSize: 5 })), { code: 'http_status', status: 429, apiCode: 'rate_limited', apiMessage: 'Slow down.', retryAfter: '17' });
  const html = await requestError(client.fetchPage({ pageSize: 5 }));
  t.match(html, { code: 'http_status', status: 503 });
  t.equal(html.apiCode, undefined, 'an HTML page has no API code');
  t.equal(server.requests[0]!.headers['x-api-key'], API_KEY);
});

t.test('a 200 that is not JSON, or not a HED page, is bad_body', async (t) => {
  const [record] = await sourceRecords(mock.url);
  const bodies = [
    ['{"hed_records": [', /not JSON \(17 bytes, starting "\{"hed_records": \["\)/],
    [JSON.stringify({ hed_records: [record], next_cursor: null, has_more: false }), /not a HED page \(\/next_cursor: /],
    [JSON.stringify({ hed_records: [record], next_cursor: 'abc' }), /not a HED page/],
    [JSON.stringify({ hed_records: [{ ...record, current_gpa: 'high' }], next_cursor: 'abc', has_more: false }), /\/hed_records\/0\/current_gpa/],
    [JSON.stringify({ hed_records: [{ ...record, record_id: undefined }], next_cursor: 'abc', has_more: false }), /record_id/],
    [JSON.stringify({ hed_records: [], next_cursor: 'abc', has_more: false, extra: 1 }), /not a HED page/],
  ] as const;
  const server = await startScriptedServer(mock.url, (n, _req, res) => sendJson(res, 200, bodies[n - 1]![0]));
  t.teardown(server.close);
  const client = new HedClient({ baseUrl: server.url, apiKey: API_KEY });
  for (const [, message] of bodies) {
    const error = await requestError(client.fetchPage({ pageSize: 5 }));
    t.equal(error.code, 'bad_body');
    t.equal(error.status, 200);
    t.match(error.message, message);
  }
});

t.test('schema drift: tolerated by default, rejected in strict mode', async (t) => {
  const [record] = await sourceRecords(mock.url);
  const { advisor_id: _gone, ...rest } = record!;
  const drifted = { hed_records: [{ ...rest, retention_score: 0.4 }], next_cursor: 'abc', has_more: false };
  const server = await startScriptedServer(mock.url, (_n, _req, res) => sendJson(res, 200, drifted));
  t.teardown(server.close);
  const page = await new HedClient({ baseUrl: server.url, apiKey: API_KEY }).fetchPage({ pageSize: 5 });
  t.same(page, drifted);
  const strict = await requestError(new HedClient({ baseUrl: server.url, apiKey: API_KEY, schemaDrift: 'reject' }).fetchPage({ pageSize: 5 }));
  t.equal(strict.code, 'bad_body');
});

t.test('a server that never answers is a timeout; a refused connection a network error', async (t) => {
  const silent = await startScriptedServer(mock.url, () => undefined);
  t.teardown(silent.close);
  const timeout = await requestError(new HedClient({ baseUrl: silent.url, apiKey: API_KEY, timeoutMs: 100 }).fetchPage({ pageSize: 5 }));
  t.equal(timeout.code, 'timeout');
  t.match(timeout.message, /took longer than 100 ms \(waiting for the response\).*raise timeout_ms/);

  const dribble = await startScriptedServer(mock.url, (_n, _req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"hed_records": [');
  });
  t.teardown(dribble.close);
  const midBody = await requestError(new HedClient({ baseUrl: dribble.url, apiKey: API_KEY, timeoutMs: 100 }).fetchPage({ pageSize: 5 }));
  t.equal(midBody.code, 'timeout', 'the timeout covers the body too');
  t.match(midBody.message, /reading the body of a 200 response/);

  // A port that was free a moment ago: nothing listens there now.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const refused = await requestError(new HedClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY }).fetchPage({ pageSize: 5 }));
  t.equal(refused.code, 'network');
  t.match(refused.message, /ECONNREFUSED.*Check that the API is running at http:\/\/127\.0\.0\.1:/);
});

t.test('a connection closed in the middle of the body is a network error', async (t) => {
  const server = await startScriptedServer(mock.url, (_n, _req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
    res.write('{"hed_records": [', () => res.socket?.destroy());
  });
  t.teardown(server.close);
  const error = await requestError(new HedClient({ baseUrl: server.url, apiKey: API_KEY }).fetchPage({ pageSize: 5 }));
  t.equal(error.code, 'network');
});

t.test('a base URL that is not http(s) is refused at construction', async (t) => {
  t.throws(() => new HedClient({ baseUrl: 'nope', apiKey: 'k' }), /is not a URL/);
  t.throws(() => new HedClient({ baseUrl: 'file:///etc', apiKey: 'k' }), /must start with http/);
});
