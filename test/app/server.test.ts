import t, { type Test } from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { FastifyInstance } from 'fastify';
import { resolveAppConfig, type AppFlags } from '../../app/config.js';
import { buildApp, downloadName, hostnameOf, isLoopbackHost, withPageTitle } from '../../app/server.js';
import { liveRows, makeRows, mean, scratchDir, writeWarehouse } from './helpers/warehouse-fixture.js';

const rows = makeRows(48);
const live = liveRows(rows);

interface Fixture {
  dir: string;
  warehouse: string;
  build: (flags?: AppFlags) => Promise<FastifyInstance>;
}

async function fixture(t: Test): Promise<Fixture> {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const warehouse = join(scratch.dir, 'warehouse.db');
  await writeWarehouse(warehouse, rows, 'fivetran-1.7');
  const publicDir = join(scratch.dir, 'public');
  mkdirSync(publicDir);
  writeFileSync(join(publicDir, 'index.html'), '<!doctype html><title>StudentSuccess</title>');
  writeFileSync(join(publicDir, 'app.js'), 'export {};');
  writeFileSync(join(scratch.dir, 'secret.txt'), 'not for the browser');
  return {
    dir: scratch.dir,
    warehouse,
    build: async (flags = {}) => {
      const app = await buildApp(resolveAppConfig({ warehouse, insightsDb: join(scratch.dir, 'insights.db'), publicDir, ...flags }, {}));
      t.teardown(() => app.close());
      return app;
    },
  };
}

/** Polls a job until it has finished. */
async function finished(app: FastifyInstance, jobId: string) {
  for (let i = 0; i < 400; i++) {
    const job = (await app.inject(`/api/insights/jobs/${jobId}`)).json();
    if (job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the job did not finish');
}

/** A stand-in OpenAI-compatible server on 127.0.0.1 port 0. */
async function standIn(t: Test, answer: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const requests: { url: string; headers: IncomingMessage['headers']; body: unknown }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(body) });
      answer(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

t.test('status, filters and metrics over the warehouse', async (t) => {
  const f = await fixture(t);
  const app = await f.build();
  const status = (await app.inject('/api/status')).json();
  t.same(status, { warehouse: f.warehouse, table: 'tester.hed_records', filterColumn: 'major_code', ready: true, rows: live.length }, 'the explorer starts at the major, as the lab');
  const filters = (await app.inject('/api/filters')).json();
  t.same(filters.majors, ['BIOL', 'ECON', 'ENGR', 'PHIL']);
  const metrics = (await app.inject('/api/metrics')).json();
  t.equal(metrics.rows, live.length);
  t.same(metrics.kpis.map((k: { label: string }) => k.label), ['Average GPA', 'Avg Completion Rate', 'Avg Engagement Score', 'At-Risk Students']);
  t.equal(metrics.kpis[0].display, mean(live.map((r) => r.current_gpa)).toFixed(2));
  t.equal(metrics.kpis[3].display, `${((live.filter((r) => r.at_risk_flag).length / live.length) * 100).toFixed(1)}%`);
  t.equal(metrics.charts.length, 6);
  t.same(metrics.summary.stats.map((s: { stat: string }) => s.stat), ['count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max']);
  t.ok(metrics.remarks.length >= 4);
  const filtered = (await app.inject('/api/metrics?major=ECON&major=BIOL&at_risk=false')).json();
  t.equal(filtered.rows, live.filter((r) => ['ECON', 'BIOL'].includes(r.major_code) && !r.at_risk_flag).length);
  const standing = (await app.inject(`/api/metrics?standing=${encodeURIComponent('Good Standing')}`)).json();
  t.equal(standing.rows, live.filter((r) => r.academic_standing === 'Good Standing').length);
  const again = await app.inject('/api/metrics?at_risk=false&major=BIOL&major=ECON');
  t.equal(again.headers['x-cache'], 'hit', 'the same filters in another order are served from the cache');
  t.same(again.json(), filtered);
  t.equal((await app.inject({ url: '/api/metrics?major=ECON&major=BIOL&at_risk=false', headers: { 'cache-control': 'no-cache' } })).headers['x-cache'], 'bypass');
  const before = (await app.inject('/api/metrics')).json();
  const writer = await DuckDBInstance.create(f.warehouse);
  const connection = await writer.connect();
  await connection.run(`UPDATE tester.hed_records SET _fivetran_deleted = true WHERE record_id = '${live[0]!.record_id}'`);
  connection.closeSync();
  writer.closeSync();
  const after = await app.inject('/api/metrics');
  t.equal(after.headers['x-cache'], 'miss', 'a write to the warehouse empties the cache');
  t.equal(after.json().rows, before.rows - 1);
  const bad = await app.inject('/api/metrics?at_risk=maybe');
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { error: 'bad_request', message: /at_risk must be true or false/ });
});

t.test('the rows route: paging, caption, sort, filter, bad column', async (t) => {
  const f = await fixture(t);
  const app = await f.build();
  const first = (await app.inject('/api/rows')).json();
  t.match(first, { total: live.length, page: 1, perPage: 10, pages: Math.ceil(live.length / 10), from: 1, to: 10, caption: `Showing rows 1–10 of ${live.length}` });
  t.equal(first.rows.length, 10);
  const last = (await app.inject('/api/rows?page=5&per_page=10')).json();
  t.equal(last.caption, `Showing rows 41–${live.length} of ${live.length}`);
  t.equal(last.rows.length, live.length - 40);
  const sorted = (await app.inject('/api/rows?per_page=5&sort=engagement_score&dir=desc')).json();
  t.same(sorted.rows.map((r: { engagement_score: number }) => r.engagement_score), live.map((r) => r.engagement_score).sort((a, b) => b - a).slice(0, 5));
  const search = (await app.inject('/api/rows?q_col=major_code&q=eco&per_page=50')).json();
  t.equal(search.total, live.filter((r) => r.major_code === 'ECON').length);
  t.equal(search.caption, `Showing rows 1–${search.total} of ${search.total}`);
  for (const [url, message] of [
    ['/api/rows?sort=gpa', /Unknown column "gpa" in sort/],
    ['/api/rows?q_col=nope&q=1', /Unknown column "nope" in q_col/],
    ['/api/rows?per_page=51', /per_page must be a whole number from 5 to 50/],
    ['/api/rows?per_page=4', /per_page/],
    ['/api/rows?dir=up', /dir must be asc or desc/],
    ['/api/rows?q=econ', /q needs q_col/],
    ['/api/rows?page=0', /page must be a whole number from 1/],
    ['/api/rows?page=1&page=2', /given 2 times/],
  ] as const) {
    const res = await app.inject(url);
    t.equal(res.statusCode, 400, url);
    t.match(res.json().message, message, url);
  }
});

t.test('the CSV download: all filtered rows, RFC 4180 quoting, attachment', async (t) => {
  const f = await fixture(t);
  const app = await f.build();
  const res = await app.inject('/api/rows.csv?major=ECON&sort=student_id');
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-disposition'], 'attachment; filename="hed_records.csv"');
  t.match(res.headers['content-type'], /^text\/csv/);
  const lines = res.body.split('\r\n');
  t.equal(lines.at(-1), '', 'every record ends in CRLF');
  t.match(lines[0], /^record_id,student_id,enrollment_date,academic_standing,current_gpa,/);
  const econ = live.filter((r) => r.major_code === 'ECON');
  t.equal(lines.length - 2, econ.length);
  t.ok(res.body.includes('"<b>Good</b> ""Standing"", ok"'), 'commas and quotes are quoted');
  const bad = await app.inject('/api/rows.csv?sort=nope');
  t.equal(bad.statusCode, 400);
});

t.test('a missing or empty warehouse answers a sentence and the two commands', async (t) => {
  const f = await fixture(t);
  const app = await f.build({ warehouse: join(f.dir, 'missing.db') });
  const status = (await app.inject('/api/status')).json();
  t.match(status, { ready: false, rows: 0, commands: ['hed-mock serve', 'hed-tester debug'] });
  const metrics = await app.inject('/api/metrics');
  t.equal(metrics.statusCode, 503);
  t.match(metrics.json(), { error: 'warehouse_missing', commands: ['hed-mock serve', 'hed-tester debug'] });
  const csv = await app.inject('/api/rows.csv');
  t.equal(csv.statusCode, 503);
});

t.test('the page, its files and the vendored Vega builds are served locally', async (t) => {
  const f = await fixture(t);
  const app = await f.build();
  const index = await app.inject('/');
  t.equal(index.statusCode, 200);
  t.match(index.headers['content-type'], /text\/html/);
  t.match(index.body, /StudentSuccess/);
  t.match((await app.inject('/static/app.js')).headers['content-type'], /text\/javascript/);
  t.equal((await app.inject('/static/../secret.txt')).statusCode, 404);
  t.equal((await app.inject('/static/%2e%2e/secret.txt')).statusCode, 404, 'no way out of the page folder');
  for (const name of ['vega.min.js', 'vega-lite.min.js', 'vega-embed.min.js']) {
    const res = await app.inject(`/vendor/${name}`);
    t.equal(res.statusCode, 200, name);
    t.ok(res.body.length > 10_000, `${name} is the real build`);
  }
  t.equal((await app.inject('/vendor/jquery.js')).statusCode, 404);
  const nowhere = await app.inject('/nowhere');
  t.equal(nowhere.statusCode, 404);
  t.match(nowhere.json(), { error: 'not_found', message: /There is nothing at GET \/nowhere/ });
  const bareApp = await f.build({ publicDir: join(f.dir, 'no-such-folder') });
  const missing = await bareApp.inject('/');
  t.equal(missing.statusCode, 404);
  t.match(missing.body, /index\.html is missing/);
});

t.test('offline insights: focus areas, a job with real steps, the history across a restart, Markdown download', async (t) => {
  const f = await fixture(t);
  let app = await f.build();
  const areas = (await app.inject('/api/insights/focus-areas')).json();
  t.same(areas.map((a: { label: string }) => a.label), ['Overall Performance', 'Optimization Opportunities', 'Financial Impact', 'Strategic Recommendations']);
  t.same(areas[0].sections, ['Academic Performance Insights', 'Student Engagement Trends', 'Retention Risk Recommendations', 'Implementation Steps']);
  const providers = (await app.inject('/api/insights/providers')).json();
  t.match(providers, [{ id: 'offline' }, { id: 'openai', available: false }]);
  const started = await app.inject({ method: 'POST', url: '/api/insights', payload: { focus: 'overall-performance' } });
  t.equal(started.statusCode, 202);
  const job = await finished(app, started.json().jobId);
  t.equal(job.status, 'done');
  t.same(job.steps.map((s: { label: string; state: string }) => [s.label, s.state]), [
    ['Reading the warehouse', 'done'],
    ['Computing the data summary', 'done'],
    ['Writing the report (offline analyst, no model)', 'done'],
    ['Saving to history', 'done'],
  ]);
  t.match(job.report.markdown, /no language model wrote this report/);
  for (const heading of areas[0].sections) t.match(job.report.markdown, new RegExp(`^## ${heading}$`, 'm'));
  const second = await finished(app, (await app.inject({ method: 'POST', url: '/api/insights', payload: { focus: 'Financial Impact', provider: 'offline' } })).json().jobId);
  t.equal(second.status, 'done');
  await app.close();
  app = await f.build();
  const history = (await app.inject('/api/history')).json();
  t.same(history.map((r: { focus: string }) => r.focus), ['financial-impact', 'overall-performance'], 'newest first, kept across a restart');
  t.match(history[0], { provider: 'offline', focusLabel: 'Financial Impact', model: /offline/ });
  const md = await app.inject(`/api/history/${history[1].id}.md`);
  t.match(md.headers['content-type'], /^text\/markdown/);
  t.match(md.headers['content-disposition'], /^attachment; filename="studentsuccess-overall-performance-[0-9T-]+\.md"$/);
  t.equal(md.body, history[1].markdown);
  t.same((await app.inject(`/api/history/${history[1].id}`)).json(), history[1]);
  t.equal((await app.inject('/api/history/nope.md')).statusCode, 404);
  t.equal((await app.inject('/api/insights/jobs/nope')).statusCode, 404);
  for (const payload of [{ focus: 'Everything' }, { focus: 'financial-impact', provider: 'openai' }, { focus: 'financial-impact', provider: 'cortex' }]) {
    const res = await app.inject({ method: 'POST', url: '/api/insights', payload });
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.match(res.json().message, /\./);
  }
  const broken = await app.inject({ method: 'POST', url: '/api/insights', headers: { 'content-type': 'application/json' }, payload: '{"focus":' });
  t.equal(broken.statusCode, 400);
  t.match(broken.json(), { error: 'bad_request' });
});

t.test('openai insights against a stand-in server: the request, the report, the saved model', async (t) => {
  const f = await fixture(t);
  const model = await standIn(t, (_req, _body, res) => json(res, 200, { choices: [{ message: { role: 'assistant', content: '## Academic Performance Insights\n- GPA is fine.' } }] }));
  const app = await f.build({ llmProvider: 'openai', llmBaseUrl: model.url, llmModel: 'tiny-model' });
  const providers = (await app.inject('/api/insights/providers')).json();
  t.match(providers[1], { id: 'openai', available: true, model: 'tiny-model' });
  const job = await finished(app, (await app.inject({ method: 'POST', url: '/api/insights', payload: { focus: 'overall-performance' } })).json().jobId);
  t.equal(job.status, 'done');
  t.equal(job.steps[2].label, `Asking tiny-model at ${model.url}/chat/completions`);
  t.equal(model.requests.length, 1);
  const request = model.requests[0]!;
  t.equal(request.url, '/v1/chat/completions');
  const body = request.body as { model: string; messages: { role: string; content: string }[] };
  t.equal(body.model, 'tiny-model');
  t.same(body.messages.map((m) => m.role), ['system', 'user']);
  const prompt = body.messages[1]!.content;
  t.match(prompt, /SOLUTION CONTEXT:/);
  t.match(prompt, new RegExp(`Records analyzed: ${live.length}`));
  t.match(prompt, /- current_gpa \(avg: [0-9.]+, min: [0-9.]+, max: [0-9.]+\)/);
  t.match(prompt, /Top major_code values:/);
  t.match(prompt, /Top correlations between student metrics:/);
  t.match(prompt, /- Retention Risk Recommendations/);
  t.match(job.report, { provider: 'openai', model: 'tiny-model' });
  t.match(job.report.markdown, /GPA is fine/);
  t.equal((await app.inject('/api/history')).json().length, 1);
});

t.test('a failing model server fails the job with a sentence and saves nothing', async (t) => {
  const f = await fixture(t);
  const cases: [string, (req: IncomingMessage, body: string, res: ServerResponse) => void, RegExp][] = [
    ['HTTP 500', (_q, _b, res) => json(res, 500, { error: 'model crashed' }), /answered HTTP 500\. The server failed on its side/],
    ['not JSON', (_q, _b, res) => res.end('<html>gateway</html>'), /not JSON/],
    ['an empty answer', (_q, _b, res) => json(res, 200, { choices: [{ message: { content: '  ' } }] }), /without any report text/],
    ['silence', () => undefined, /did not answer within 0\.3 s/],
  ];
  for (const [name, answer, message] of cases) {
    const model = await standIn(t, answer);
    const app = await f.build({ llmBaseUrl: model.url, llmTimeoutS: '0.3' });
    const job = await finished(app, (await app.inject({ method: 'POST', url: '/api/insights', payload: { focus: 'strategic-recommendations', provider: 'openai' } })).json().jobId);
    t.equal(job.status, 'failed', name);
    t.match(job.error, message, name);
    t.match(job.steps[2], { state: 'pending', failed: true }, `${name}: the asking step is the one that failed`);
    t.same((await app.inject('/api/history')).json(), [], `${name}: nothing in history`);
    await app.close();
  }
});

t.test('download names keep only safe characters', async (t) => {
  t.equal(downloadName('studentsuccess-overall-2026-11-25T21:00:00'), 'studentsuccess-overall-2026-11-25T21-00-00');
  t.equal(downloadName('"a" b/c'), 'a-b-c');
});

t.test('bound to loopback, the app refuses requests addressed to another host name (DNS rebinding)', async (t) => {
  const f = await fixture(t);
  const app = await f.build();
  const rebound = await app.inject({ url: '/api/rows', headers: { host: 'attacker.example:8501' } });
  t.equal(rebound.statusCode, 403);
  t.match(rebound.json(), { error: 'host_not_allowed', message: /addressed to 127\.0\.0\.1, localhost, not "attacker\.example:8501"/ });
  for (const host of ['127.0.0.1:8501', 'localhost:8501', '[::1]:8501', 'LOCALHOST']) {
    t.equal((await app.inject({ url: '/api/status', headers: { host } })).statusCode, 200, host);
  }
  const open = await f.build({ host: '0.0.0.0', allowHost: ['lab-server.local'] });
  t.equal((await open.inject({ url: '/api/status', headers: { host: 'lab-server.local:8501' } })).statusCode, 200, 'served to other machines on purpose');
  t.equal(hostnameOf(undefined), '');
  t.ok(isLoopbackHost('127.1.2.3'));
  t.notOk(isLoopbackHost('127.0.0.1.nip.io'));
});

t.test("withPageTitle puts a title in the page's <title> and heading, escaped as HTML", async (t) => {
  const page = '<head><title>StudentSuccess</title></head><body><h1 id="app-title" class="x">StudentSuccess</h1><h1>Other</h1></body>';
  t.equal(
    withPageTitle(page, 'Fish & <Chips> "Co" \'s'),
    '<head><title>Fish &#38; &#60;Chips&#62; &#34;Co&#34; &#39;s</title></head><body><h1 id="app-title" class="x">Fish &#38; &#60;Chips&#62; &#34;Co&#34; &#39;s</h1><h1>Other</h1></body>',
  );
  t.equal(withPageTitle(page, '$& $1'), page.replaceAll('>StudentSuccess<', () => '>$&#38; $1<'), 'a replacement pattern in the title is text');
});
