import t from 'tap';
import { allowedHosts, exposureWarning, guardedRequestOf, guardRequest, isWildcardHost, jsonDepth, SECURITY_HEADERS } from '../../api/serving.js';

const local = allowedHosts('127.0.0.1', [], {}, 'prof');

t.test('the Host rule: loopback names always, other names only when served', async (t) => {
  for (const host of ['127.0.0.1:8080', 'localhost', 'LOCALHOST:1', '[::1]:8080', 'app.localhost', '127.9.9.9']) t.equal(guardRequest({ method: 'GET', url: '/', host }, local, 'mock'), undefined, host);
  for (const host of ['evil.example', '127.0.0.1.nip.io', '10.0.0.5:8080', 'prof']) t.match(guardRequest({ method: 'GET', url: '/', host }, local, 'mock'), { code: 'host_not_allowed' }, host);
  t.equal(guardRequest({ method: 'GET', url: '/' }, local, 'mock'), undefined, 'no Host header: no browser');
  t.ok(isWildcardHost('0.0.0.0') && isWildcardHost('::') && !isWildcardHost('10.0.0.5'));
});

t.test('the cross-site rule reads Origin and Sec-Fetch-Site on state-changing methods only', async (t) => {
  const host = '127.0.0.1:8080';
  const post = (headers: { origin?: string; secFetchSite?: string }) => guardRequest({ method: 'POST', url: '/__admin/reset?x=1', host, ...headers }, local, 'mock');
  t.match(post({ origin: 'https://evil.example' }), { code: 'cross_site_request', message: /^A page at https:\/\/evil\.example may not change this mock's state, so POST \/__admin\/reset was refused\./ });
  t.match(post({ secFetchSite: 'cross-site' }), { code: 'cross_site_request', message: /^A cross-site page/ });
  t.match(post({ secFetchSite: 'same-site' }), { code: 'cross_site_request' });
  t.match(post({ origin: 'null' }), { code: 'cross_site_request' });
  t.match(post({ origin: 'http://127.0.0.1:8081' }), { code: 'cross_site_request' }, 'another port');
  t.match(post({ origin: 'not a url' }), { code: 'cross_site_request' });
  t.equal(post({ origin: 'http://127.0.0.1:8080', secFetchSite: 'same-origin' }), undefined);
  t.equal(post({ secFetchSite: 'none' }), undefined, 'typed into the address bar');
  t.equal(post({}), undefined, 'curl, connectors, the SDK');
  t.equal(guardRequest({ method: 'POST', url: '/', host: 'localhost', origin: 'http://localhost:80' }, local, 'app'), undefined, 'the default port written out');
  t.equal(guardRequest({ method: 'GET', url: '/', host, origin: 'https://evil.example', secFetchSite: 'cross-site' }, local, 'app'), undefined, 'reads are the same-origin policy\'s');
  t.same(guardedRequestOf({ method: 'DELETE', url: '/x', headers: { host: 'h', origin: ['a', 'b'], 'sec-fetch-site': 'none' } }), { method: 'DELETE', url: '/x', host: 'h', origin: 'a', secFetchSite: 'none' });
});

t.test('depth is counted without recursion and stops past the limit', async (t) => {
  t.equal(jsonDepth(1), 0);
  t.equal(jsonDepth({}), 1);
  t.equal(jsonDepth({ a: [1, { b: 2 }] }), 3);
  let deep: unknown = [];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  t.equal(jsonDepth(deep, 32), 33, 'a hundred thousand levels: no stack overflow, stops at 33');
});

t.test('headers and the warning', async (t) => {
  t.match(SECURITY_HEADERS['content-security-policy'], /frame-ancestors 'none'/);
  t.notMatch(SECURITY_HEADERS['content-security-policy'], /unsafe-eval/);
  t.equal(exposureWarning('127.0.0.1', 'the app', 'x', []), undefined);
  t.match(exposureWarning('10.0.0.5', 'the app', 'the records', ['http://10.0.0.5:8501']), /^Warning: the app is bound to 10\.0\.0\.5, so every machine that can reach this one can now use the records at http:\/\/10\.0\.0\.5:8501; bind --host 127\.0\.0\.1/);
});
