import t from 'tap';
import { allowedHosts } from '../../api/serving.js';
import { errorBodyProblems } from '../../api/errors.js';
import { resolveServerConfig } from '../../server/config.js';
import { AUTH, buildTestApp, startMock } from '../helpers/mock-server.js';
import { rawRequest } from '../helpers/raw-request.js';

const send = (url: string, options: Parameters<typeof rawRequest>[1] & { host: string }) => rawRequest(url, options);

t.test('a body-less cross-site POST /__admin/reset from a web page is refused; the dataset keeps its changes', async (t) => {
  const mock = await startMock({ students: 20 });
  t.teardown(mock.close);
  await mock.app.inject({ method: 'POST', url: '/__admin/mutations', payload: { create: 3 } });
  t.equal(mock.app.store.count(), 23);
  const host = new URL(mock.url).host;
  const pages: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }, { origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' }];
  for (const headers of pages) {
    const res = await send(`${mock.url}/__admin/reset`, { method: 'POST', host, headers });
    t.equal(res.status, 403, JSON.stringify(headers));
    t.same(errorBodyProblems(res.status, res.body), [], 'in the error shape of the catalog');
    t.equal(JSON.parse(res.body).error, 'cross_site_request');
  }
  t.equal(mock.app.store.count(), 23, 'nothing was reset');
  const own = await send(`${mock.url}/__admin/reset`, { method: 'POST', host, headers: { origin: mock.url, 'sec-fetch-site': 'same-origin' } });
  t.equal(own.status, 200, 'the mock\'s own /docs page may');
  await mock.app.inject({ method: 'POST', url: '/__admin/mutations', payload: { create: 1 } });
  const curl = await send(`${mock.url}/__admin/reset`, { method: 'POST', host });
  t.equal(curl.status, 200, 'curl and scripts send no Origin');
  t.equal(mock.app.store.count(), 20);
});

t.test('DNS rebinding: a Host the mock does not serve is refused on every route, admin and data', async (t) => {
  const mock = await startMock({ students: 5 });
  t.teardown(mock.close);
  for (const [method, path] of [['GET', '/hed_data'], ['GET', '/__admin/records'], ['POST', '/__admin/reset'], ['GET', '/healthz']] as const) {
    const res = await send(`${mock.url}${path}`, { method, host: 'rebound.attacker.example:8080', headers: AUTH });
    t.equal(res.status, 403, `${method} ${path}`);
    t.same(errorBodyProblems(res.status, res.body), []);
    t.match(JSON.parse(res.body), { error: 'host_not_allowed', message: /not "rebound\.attacker\.example:8080".*--allow-host rebound\.attacker\.example/ });
  }
  for (const host of ['127.0.0.1', 'localhost:8080', '[::1]:8080', 'app.localhost']) {
    t.equal((await send(`${mock.url}/hed_data`, { host, headers: AUTH })).status, 200, host);
  }
});

t.test('the room: bound to every interface, connectors reach /hed_data by an address or an allowed name, with no Origin', async (t) => {
  const config = resolveServerConfig({ host: '0.0.0.0', allowHost: ['lab.example.org'] }, {});
  t.same(config.allowHosts, ['lab.example.org']);
  t.same(resolveServerConfig({}, { HED_ALLOW_HOSTS: 'a.example, b.example' }).allowHosts, ['a.example', 'b.example']);
  t.throws(() => resolveServerConfig({ allowHost: ['http://x/'] }, {}), { message: /--allow-host \/ HED_ALLOW_HOSTS: "http:\/\/x\/" is not a host name/ });
  const eth = { address: '10.0.0.5', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: null } as const;
  const allowed = allowedHosts('0.0.0.0', config.allowHosts, { eth0: [eth] }, 'prof-laptop');
  t.same([...allowed.names].sort(), ['0.0.0.0', '10.0.0.5', 'lab.example.org', 'prof-laptop', 'prof-laptop.local']);
  const app = await buildTestApp({ host: '0.0.0.0', allowHosts: ['lab.example.org'] });
  t.teardown(() => app.close());
  // inject() cannot fake the socket's interfaces, so these names are the allow list's.
  t.equal((await app.inject({ url: '/hed_data', headers: { ...AUTH, host: 'lab.example.org:8080' } })).statusCode, 200);
  t.equal((await app.inject({ url: '/hed_data', headers: { ...AUTH, host: 'elsewhere.example' } })).statusCode, 403);
  t.same([...allowedHosts('127.0.0.1', [], { eth0: [eth] }, 'prof-laptop').names], ['127.0.0.1'], 'a loopback bind serves no LAN name');
});

t.test('the mock\'s HTML pages carry the security headers: no framing, no eval, no referrer', async (t) => {
  const app = await buildTestApp({ students: 3 });
  t.teardown(() => app.close());
  for (const url of ['/hed_api_spec', '/docs', '/docs/static/index.html', '/hed_data']) {
    const res = await app.inject({ url, headers: AUTH });
    t.ok(res.statusCode < 400, `${url} ${res.statusCode}`);
    t.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, url);
    t.notMatch(String(res.headers['content-security-policy']), /unsafe-eval/, url);
    t.equal(res.headers['x-frame-options'], 'DENY', url);
    t.equal(res.headers['referrer-policy'], 'no-referrer', url);
  }
});

t.test('an admin body nested thousands of levels deep is a 400 in the error shape', async (t) => {
  const app = await buildTestApp({ students: 3 });
  t.teardown(() => app.close());
  for (const url of ['/__admin/mutations', '/__admin/faults']) {
    const payload = `{"update":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
    t.equal(res.statusCode, 400, url);
    t.same(errorBodyProblems(res.statusCode, res.body), [], url);
    t.match(res.json().message, /nests deeper than 32 levels/, url);
  }
});
