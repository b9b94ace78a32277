import t from 'tap';
import { connect } from 'node:net';
import { buildTestApp, startMock, AUTH } from '../helpers/mock-server.js';
import { rawGet } from './faults/raw-client.js';
import { errorBodyProblems } from '../../api/errors.js';
import { clientErrorOf } from '../../server/plugins/errors.js';

/** Writes `raw` on a fresh connection and reads until the server closes it. */
function rawExchange(url: string, raw: string): Promise<{ status?: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    let out = '';
    socket.on('connect', () => socket.write(raw));
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      const end = out.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1]) || undefined, body: end < 0 ? '' : out.slice(end + 4) });
    });
  });
}

t.test('what the HTTP layer refuses wears the catalog shape, exactly {error, message}', async (t) => {
  const mock = await startMock({ students: 5 });
  t.teardown(mock.close);
  const cases: [string, () => Promise<{ status?: number; body: string }>, number, string][] = [
    ['a malformed escape in the query', async () => raw(await rawGet(mock.url, '/hed_data?x=%ZZ', AUTH)), 400, 'invalid_request'],
    ['a lone % at the end of the query', async () => raw(await rawGet(mock.url, '/hed_data?page_size=5%', AUTH)), 400, 'invalid_request'],
    ['a malformed escape in the path', async () => raw(await rawGet(mock.url, '/%ZZ', AUTH)), 400, 'invalid_request'],
    ['a malformed escape in a path parameter', () => rawExchange(mock.url, 'DELETE /__admin/faults/%ZZ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'), 400, 'invalid_request'],
    ['oversized headers', async () => raw(await rawGet(mock.url, '/hed_data', { ...AUTH, 'x-big': 'a'.repeat(20_000) })), 431, 'header_too_large'],
    ['an oversized URL', async () => raw(await rawGet(mock.url, `/hed_data?q=${'a'.repeat(20_000)}`, AUTH)), 431, 'header_too_large'],
    ['a request line that is not HTTP', () => rawExchange(mock.url, 'GARBAGE\r\n\r\n'), 400, 'invalid_request'],
    ['a method with a bad character', () => rawExchange(mock.url, 'G@T / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'), 400, 'invalid_request'],
  ];
  for (const [name, exchange, status, code] of cases) {
    const seen = await exchange();
    t.equal(seen.status, status, `${name}: ${status}`);
    t.equal((JSON.parse(seen.body) as { error: string }).error, code, `${name}: ${code}`);
    t.same(errorBodyProblems(status, seen.body), [], `${name}: the catalog's shape`);
  }
  const fine = await rawGet(mock.url, '/hed_data?page_size=5&x=%41', AUTH);
  t.equal(fine.status, 200, 'a well-formed escape is fine');
});

t.test('a request on a kept-alive connection during shutdown is 503 service_unavailable in our shape', async (t) => {
  const app = await buildTestApp({ students: 5 });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let closingStarted!: () => void;
  const started = new Promise<void>((resolve) => (closingStarted = resolve));
  app.addHook('preClose', async () => {
    closingStarted();
    await held;
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port) });
  t.teardown(() => socket.destroy());
  let seen = '';
  socket.on('data', (d: Buffer) => (seen += d.toString('latin1')));
  await new Promise((resolve) => socket.once('connect', resolve));
  const request = 'GET /hed_data?page_size=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: hed-demo-key\r\n\r\n';
  socket.write(request);
  while (!/has_more/.test(seen)) await new Promise((resolve) => setTimeout(resolve, 10));
  t.match(seen, /^HTTP\/1\.1 200/, 'the first request on the connection is served');
  seen = '';
  const closing = app.close();
  await started;
  socket.write(request);
  while (!seen.includes('}')) await new Promise((resolve) => setTimeout(resolve, 10));
  release();
  await closing;
  t.match(seen, /^HTTP\/1\.1 503/);
  t.match(seen, /connection: close/i);
  t.same(errorBodyProblems(503, seen.slice(seen.indexOf('\r\n\r\n') + 4)), []);
});

t.test('parser errors map to the catalog: overflow 431, timeout 408, anything else 400', async (t) => {
  t.equal(clientErrorOf('HPE_HEADER_OVERFLOW')[0], 'header_too_large');
  t.equal(clientErrorOf('ERR_HTTP_REQUEST_TIMEOUT')[0], 'request_timeout');
  t.equal(clientErrorOf('HPE_INVALID_METHOD')[0], 'invalid_request');
  t.equal(clientErrorOf(undefined)[0], 'invalid_request');
});

const raw = (seen: { status?: number; body: Buffer }) => ({ status: seen.status, body: seen.body.toString('utf8') });
