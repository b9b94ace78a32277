import { join } from 'node:path';
import t from 'tap';
import { resolveAppConfig } from '../../../app/config.js';
import { buildApp } from '../../../app/server.js';
import { VERTICAL_SECTIONS } from '../../../app/vertical/analyst.js';
import { VERTICALS } from '../../../verticals/index.js';
import { writeVerticalWarehouse } from '../helpers/vertical-warehouse.js';

t.test("the openai provider is asked with the vertical's app, KPIs, data summary and headings", async (t) => {
  const dir = t.testdir();
  await writeVerticalWarehouse(dir, [VERTICALS.mso], 42, 50);
  const asked: { url: string; body: { model: string; messages: { role: string; content: string }[] } }[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    asked.push({ url: String(url), body: JSON.parse(String(init?.body)) });
    return new Response(JSON.stringify({ choices: [{ message: { content: '## Optimization Priorities\n- a model wrote this' } }] }), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const app = await buildApp(resolveAppConfig({ warehouse: join(dir, 'warehouse.db'), insightsDb: ':memory:', llmProvider: 'openai', llmBaseUrl: 'http://127.0.0.1:9/v1', llmModel: 'tiny' }, {}), { fetchImpl });
  t.teardown(() => app.close());
  const started = await app.inject({ method: 'POST', url: '/api/verticals/mso/insights', payload: { focus: 'optimization-opportunities' } });
  t.equal(started.statusCode, 202);
  let job;
  for (let i = 0; i < 400; i++) {
    job = (await app.inject(`/api/insights/jobs/${started.json().jobId}`)).json();
    if (job.status === 'done' || job.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  t.equal(job.status, 'done', job.error);
  t.match(job.report, { provider: 'openai', model: 'tiny', title: 'Optimization Opportunities: MaterialMind insights' });
  t.equal(asked.length, 1);
  t.equal(asked[0]!.url, 'http://127.0.0.1:9/v1/chat/completions');
  const prompt = asked[0]!.body.messages.map((m) => m.content).join('\n');
  t.match(prompt, VERTICALS.mso.app.title);
  for (const kpi of VERTICALS.mso.app.kpis) t.match(prompt, kpi.label);
  t.match(prompt, 'Table: tester.mso_records');
  t.match(prompt, 'Records analyzed: 50');
  for (const section of VERTICAL_SECTIONS['Optimization Opportunities']!) t.match(prompt, `- ${section}`);
  t.notMatch(prompt, /student|StudentSuccess/i);
  t.same((await app.inject('/api/verticals/mso/history')).json().map((r: { provider: string }) => r.provider), ['openai']);
});
