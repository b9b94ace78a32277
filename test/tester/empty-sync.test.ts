import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { emptySyncWarning, nothingSyncedWarning, SEVERE_SHOWN_MAX, probeBaseUrl, severeMessageOf } from '../../tester/empty-sync.js';
import { runTesterDebug } from '../../tester/debug.js';
import { needsPython, sdkPython } from '../helpers/python.js';
import { captureOutput, projectFrom } from './helpers.js';

const zero = { upserts: 0, updates: 0, deletes: 0, truncates: 0, schemaChanges: 1, checkpoints: 0 };

t.test('SEVERE lines of SDK 1.x and 2.x output are recognised', async (t) => {
  t.equal(severeMessageOf('\u001b[91mDec 04, 2026 02:36:07 PM SEVERE: Authentication failed: 401 \u001b[0m'), 'Authentication failed: 401');
  t.equal(severeMessageOf('14:36:13.303 SEVERE   ⚡ connector Authentication failed'), 'Authentication failed');
  t.equal(severeMessageOf('Dec 04, 2026 02:36:07 PM INFO: Starting sync'), undefined);
});

t.test('no rows and a SEVERE line: one warning naming the message and what to check', async (t) => {
  const warning = emptySyncWarning({ counts: zero, severe: ['Authentication failed: 401', 'again'], configuration: { api_key: 'k', base_url: 'http://127.0.0.1:8080' }, reachable: true });
  t.match(warning, /^Nothing was synced \(0 rows\) and the connector logged SEVERE: "Authentication failed: 401" \(and 1 more SEVERE line\)\. .*check api_key and base_url \(http:\/\/127\.0\.0\.1:8080\) in configuration\.json, and that the mock is running \(`hed-mock serve`/);
  t.notMatch(warning, /did not reach the API/, 'a 401 is an answer: the API was reached and refused the key');
  t.match(warning, /The connector probably got no data from the API \(a refused key, a wrong base_url, or no mock running\)/);
  t.match(emptySyncWarning({ counts: zero, severe: [], configuration: { base_url: 'http://127.0.0.1:9' }, reachable: false }), /nothing answers at http:\/\/127\.0\.0\.1:9: .*mock is running/);
});

t.test("the SEVERE line is quoted whole up to SEVERE_SHOWN_MAX characters, a runaway line is cut", async (t) => {
  // What the lab connector logs for a path the mock does not serve: the mock's advice is at the end.
  const unserved = 'Failed to fetch data: 404 {"error":"not_found","message":"There is no /agr_data. /agr_data is not served by this mock, which serves tlc only (GET /tlc_data). Start the mock with --verticals naming agr, or without --verticals to serve all fifteen paths."}';
  t.ok(unserved.length > 160 && unserved.length <= SEVERE_SHOWN_MAX);
  const warning = emptySyncWarning({ counts: zero, severe: [unserved], configuration: { base_url: 'http://127.0.0.1:8080' }, reachable: true });
  t.ok(warning?.includes(`"${unserved}"`), 'the whole message, its advice included');
  const runaway = 'x'.repeat(SEVERE_SHOWN_MAX + 50);
  const cut = emptySyncWarning({ counts: zero, severe: [runaway], configuration: {}, reachable: true });
  t.ok(cut?.includes(`"${'x'.repeat(SEVERE_SHOWN_MAX - 3)}..."`));
  t.notOk(cut?.includes('x'.repeat(SEVERE_SHOWN_MAX - 2)));
});

t.test('no warning for a sync that wrote rows, or a quiet incremental sync whose API answers', async (t) => {
  t.equal(emptySyncWarning({ counts: { ...zero, upserts: 3 }, severe: ['a failure after some rows'], configuration: {}, reachable: false }), undefined);
  t.equal(emptySyncWarning({ counts: zero, severe: [], configuration: { base_url: 'http://x' }, reachable: true }), undefined);
  t.equal(emptySyncWarning({ counts: zero, severe: [], configuration: {} }), undefined);
});

t.test('the probe: any HTTP answer counts, a closed port does not, no URL is not probed', async (t) => {
  const server = createServer((_request, response) => response.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  t.teardown(() => server.close());
  t.equal(await probeBaseUrl(`http://127.0.0.1:${port}`), true);
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  t.equal(await probeBaseUrl(`http://127.0.0.1:${closedPort}`, 1000), false);
  t.equal(await probeBaseUrl(undefined), undefined);
  t.equal(await probeBaseUrl('not a url'), undefined);
  t.equal(await nothingSyncedWarning({ ...zero, upserts: 1 }, [], { base_url: 'http://127.0.0.1:1' }, () => Promise.reject(new Error('must not probe'))), undefined, 'no probe after a sync that wrote rows');
});

t.test('a connector that logs SEVERE and returns: Sync SUCCEEDED as Fivetran says, then a warning line saying what to check', needsPython(), async (t) => {
  const server = createServer((_request, response) => response.writeHead(401).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const project = projectFrom('severe-no-data', { api_key: 'wrong', base_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const result = await runTesterDebug({ projectDir: project, python: sdkPython() as string, out });
  t.ok(result.ok, 'the verdict stays faithful');
  t.match(out.text(), /INFO Sync SUCCEEDED\n.* WARNING Nothing was synced \(0 rows\) and the connector logged SEVERE: "Authentication failed: 401 Unauthorized \(check your api_key\)"\. .*check api_key and base_url/);
  t.equal(out.text().match(/WARNING Nothing was synced/g)?.length, 1, 'one line');
});
