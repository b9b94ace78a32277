import t, { type Test } from 'tap';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveAppConfig, type AppFlags } from '../../app/config.js';
import { openHistory, type Report } from '../../app/insights/history.js';
import { JOB_LIMITS } from '../../app/insights/jobs.js';
import { buildApp, type AppDeps } from '../../app/server.js';
import { makeRows, scratchDir, writeWarehouse } from './helpers/warehouse-fixture.js';

const rows = makeRows(12);
rows[0]!.advisor_id = '=HYPERLINK("http://evil","x")';
rows[1]!.advisor_id = "=cmd|' /C calc'!A0";
rows[2]!.advisor_id = '+1+1';
rows[3]!.advisor_id = '@SUM(1+1)';
rows[0]!.financial_aid_amount = -1234.5;

async function build(t: Test, flags: AppFlags = {}, deps: AppDeps = {}): Promise<FastifyInstance> {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const warehouse = join(scratch.dir, 'warehouse.db');
  await writeWarehouse(warehouse, rows, 'ours');
  const app = await buildApp(resolveAppConfig({ warehouse, insightsDb: join(scratch.dir, 'insights.db'), ...flags }, {}), deps);
  t.teardown(() => app.close());
  return app;
}

t.test('the CSV download neutralises formulas and keeps numbers numeric', async (t) => {
  const app = await build(t);
  const csv = (await app.inject('/api/rows.csv?sort=record_id')).body;
  t.match(csv, `"'=HYPERLINK(""http://evil"",""x"")"`);
  t.match(csv, `"'=cmd|' /C calc'!A0"`);
  t.match(csv, `"'+1+1"`);
  t.match(csv, `"'@SUM(1+1)"`);
  const lines = csv.split('\r\n');
  for (const line of lines) t.notMatch(line, /(^|,)[=+@]/, 'no cell starts a formula');
  t.match(csv, /,-1234\.5,/, 'a negative amount stays a number');
});

t.test('the app answers only the names it serves (DNS rebinding), also when bound to every interface', async (t) => {
  const loopback = await build(t);
  const rebound = await loopback.inject({ url: '/api/rows.csv', headers: { host: 'attacker.example:8501' } });
  t.equal(rebound.statusCode, 403);
  t.match(rebound.json(), { error: 'host_not_allowed', message: /answers requests addressed to 127\.0\.0\.1, localhost, not "attacker\.example:8501".*--allow-host attacker\.example/ });
  for (const host of ['127.0.0.1:8501', 'localhost:8501', '[::1]:8501', 'LOCALHOST']) {
    t.equal((await loopback.inject({ url: '/api/status', headers: { host } })).statusCode, 200, host);
  }

  const open = await build(t, { host: '0.0.0.0' });
  const foreign = await open.inject({ url: '/api/rows.csv', headers: { host: 'attacker.example' } });
  t.equal(foreign.statusCode, 403, 'bound to 0.0.0.0, a foreign Host still gets no CSV');
  t.equal((await open.inject({ method: 'POST', url: '/api/insights', headers: { host: 'attacker.example' }, payload: { focus: 'overall-performance' } })).statusCode, 403, 'nor starts reports');

  const named = await build(t, { host: '0.0.0.0', allowHost: ['lab-server.example'] });
  t.equal((await named.inject({ url: '/api/status', headers: { host: 'lab-server.example:8501' } })).statusCode, 200, '--allow-host adds a name');
  t.equal((await named.inject({ url: '/api/status', headers: { host: 'LAB-SERVER.example.' } })).statusCode, 200, 'in any case, with the root dot');
});

t.test('a page on another site cannot start or delete reports; the own page, curl and scripts can', async (t) => {
  const app = await build(t);
  const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/api/insights', headers: { host: '127.0.0.1:8501', ...headers }, payload: { focus: 'overall-performance' } });
  const crossOrigin = await post({ origin: 'https://evil.example' });
  t.equal(crossOrigin.statusCode, 403);
  t.match(crossOrigin.json(), { error: 'cross_site_request', message: /A page at https:\/\/evil\.example may not change this app's state, so POST \/api\/insights was refused/ });
  t.equal((await post({ 'sec-fetch-site': 'cross-site' })).statusCode, 403, 'Sec-Fetch-Site alone');
  t.equal((await post({ 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:3000' })).statusCode, 403, 'another port on the same machine is another origin');
  t.equal((await post({ origin: 'null' })).statusCode, 403, 'a sandboxed page');
  t.equal((await post({ origin: 'http://127.0.0.1:8501', 'sec-fetch-site': 'same-origin' })).statusCode, 202, 'the own page');
  t.equal((await post({})).statusCode, 202, 'curl and scripts send no Origin');
  t.equal((await app.inject({ method: 'DELETE', url: '/api/history/x', headers: { origin: 'https://evil.example' } })).statusCode, 403, 'DELETE is checked too');
  t.equal((await app.inject({ url: '/api/status', headers: { 'sec-fetch-site': 'cross-site' } })).statusCode, 200, 'reading is left to CORS, which shares nothing');
});

t.test('every answer carries the security headers; the CSP forbids framing and eval', async (t) => {
  const app = await build(t);
  for (const url of ['/', '/api/status', '/vendor/vega.min.js', '/nowhere']) {
    const res = await app.inject(url);
    const csp = String(res.headers['content-security-policy']);
    t.match(csp, /frame-ancestors 'none'/, url);
    t.notMatch(csp, /unsafe-eval/, url);
    t.match(csp, /script-src 'self'(;|$)/, url);
    t.equal(res.headers['x-frame-options'], 'DENY', url);
    t.equal(res.headers['referrer-policy'], 'no-referrer', url);
    t.equal(res.headers['x-content-type-options'], 'nosniff', url);
  }
});

t.test('the shipped page has no <meta> CSP that could disagree with the header', async (t) => {
  const app = await build(t);
  const page = await app.inject('/');
  t.equal(page.statusCode, 200);
  t.notMatch(page.body, /http-equiv="Content-Security-Policy"/i);
  t.notMatch(page.body, /unsafe-eval/);
});

t.test('names of inherited properties are not files: /vendor/constructor and friends are 404', async (t) => {
  const app = await build(t);
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    const res = await app.inject(`/vendor/${name}`);
    t.equal(res.statusCode, 404, name);
    t.equal(res.json().error, 'not_found', name);
  }
  for (const query of ['sort=constructor', 'sort=__proto__', 'q_col=toString&q=x']) {
    t.equal((await app.inject(`/api/rows?${query}`)).statusCode, 400, query);
  }
  for (const focus of ['constructor', '__proto__', 'toString']) {
    t.equal((await app.inject({ method: 'POST', url: '/api/insights', payload: { focus } })).statusCode, 400, `focus ${focus}`);
    t.equal((await app.inject({ method: 'POST', url: '/api/insights', payload: { focus: 'overall-performance', provider: focus } })).statusCode, 400, `provider ${focus}`);
  }
  t.equal((await app.inject('/api/history/constructor')).statusCode, 404);
  t.equal((await app.inject('/api/insights/jobs/__proto__')).statusCode, 404);
});

t.test('a body nested 5,000 levels deep is a 400 with a sentence, not a stack overflow', async (t) => {
  const app = await build(t);
  const deep = `{"focus":${'['.repeat(5000)}${']'.repeat(5000)}}`;
  const res = await app.inject({ method: 'POST', url: '/api/insights', headers: { 'content-type': 'application/json' }, payload: deep });
  t.equal(res.statusCode, 400);
  t.match(res.json(), { error: 'bad_request', message: /nests deeper than 32 levels/ });
  const objects = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
  t.equal((await app.inject({ method: 'POST', url: '/api/insights', headers: { 'content-type': 'application/json' }, payload: objects })).statusCode, 400);
});

t.test(`report jobs: ${JOB_LIMITS.atOnce} run at once, ${JOB_LIMITS.queuedMax} wait, more get 429 with Retry-After`, async (t) => {
  // The model server never answers until released, so jobs stay in their slots.
  const releases: (() => void)[] = [];
  const fetchImpl = (async () => {
    await new Promise<void>((resolve) => releases.push(resolve));
    return new Response(JSON.stringify({ choices: [{ message: { content: '## Report' } }] }));
  }) as typeof fetch;
  const app = await build(t, { llmProvider: 'openai', llmBaseUrl: 'http://127.0.0.1:9/v1' }, { fetchImpl });
  const answers = [];
  for (let i = 0; i < JOB_LIMITS.atOnce + JOB_LIMITS.queuedMax + 2; i++) answers.push(await app.inject({ method: 'POST', url: '/api/insights', payload: { focus: 'overall-performance' } }));
  const accepted = answers.filter((a) => a.statusCode === 202);
  const refused = answers.filter((a) => a.statusCode === 429);
  t.equal(accepted.length, JOB_LIMITS.atOnce + JOB_LIMITS.queuedMax);
  t.equal(refused.length, 2);
  t.equal(refused[0]!.headers['retry-after'], String(JOB_LIMITS.retryAfterS));
  t.match(refused[0]!.json(), { error: 'too_many_reports', message: /wait their turn.*Try again in \d+ seconds/ });
  const statuses = async () => Promise.all(accepted.map(async (a) => (await app.inject(`/api/insights/jobs/${a.json().jobId}`)).json().status));
  // Wait until the running ones are asking the model.
  for (let i = 0; i < 500 && releases.length < JOB_LIMITS.atOnce; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(releases.length, JOB_LIMITS.atOnce, 'only the running jobs ask the model');
  const before = await statuses();
  t.equal(before.filter((s) => s === 'queued').length, JOB_LIMITS.queuedMax);
  // Release every model call as it comes: the queue drains through the slots.
  for (let i = 0; i < 2000; i++) {
    releases.splice(0).forEach((release) => release());
    if ((await statuses()).every((s) => s === 'done')) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  t.same(await statuses(), accepted.map(() => 'done'));
  t.equal((await app.inject('/api/history')).json().length, accepted.length);
});

t.test('a report can be deleted from the history; the history keeps at most its cap', async (t) => {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const history = openHistory(join(scratch.dir, 'h.db'), { keptMax: 3 });
  t.teardown(() => history.close());
  const report = (n: number): Report => ({ id: `r${n}`, createdAt: `2026-12-0${n}T00:00:00.000Z`, focus: 'f', focusLabel: 'F', provider: 'offline', model: 'm', title: 't', markdown: 'x' });
  for (let n = 1; n <= 5; n++) history.add(report(n));
  t.same(history.list().map((r) => r.id), ['r5', 'r4', 'r3'], 'the two oldest went');
  const app = await build(t, {}, { history });
  const gone = await app.inject({ method: 'DELETE', url: '/api/history/r4' });
  t.equal(gone.statusCode, 204);
  t.same((await app.inject('/api/history')).json().map((r: Report) => r.id), ['r5', 'r3']);
  const again = await app.inject({ method: 'DELETE', url: '/api/history/r4' });
  t.equal(again.statusCode, 404);
  t.match(again.json(), { error: 'not_found', message: /no report r4/ });
});
