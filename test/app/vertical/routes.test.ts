/**
 * Every vertical's app through its API (buildApp + inject) over a warehouse holding
 * StudentSuccess's table and three others, written as a sync leaves them: what each
 * route answers is compared with figures computed here from the records themselves.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import t from 'tap';
import { resolveAppConfig } from '../../../app/config.js';
import { buildApp } from '../../../app/server.js';
import { VERTICAL_SECTIONS } from '../../../app/vertical/analyst.js';
import { ROWS_PARAMETERS } from '../../../app/request.js';
import { FILTER_VALUES_MAX, filterFields } from '../../../app/vertical/filters.js';
import { VERTICALS, computeKpi, formatKpi, type VerticalRecord } from '../../../verticals/index.js';
import { makeRows, scratchDir, writeWarehouse } from '../helpers/warehouse-fixture.js';
import { writeVerticalWarehouse } from '../helpers/vertical-warehouse.js';

const scratch = scratchDir();
t.teardown(scratch.remove);
const warehouse = join(scratch.dir, 'warehouse.db');
await writeWarehouse(warehouse, makeRows(30), 'ours');
const written = await writeVerticalWarehouse(scratch.dir, [VERTICALS.agr, VERTICALS.mso, VERTICALS.tlc], 42, 600);
let reports = 0;
const app = await buildApp(resolveAppConfig({ warehouse, insightsDb: join(scratch.dir, 'insights.db') }, {}), { newId: () => `r${++reports}`, now: () => new Date('2026-12-04T12:00:00Z') });
t.teardown(() => app.close());

const json = async (url: string) => {
  const response = await app.inject(url);
  return { status: response.statusCode, body: response.json() };
};

t.test('GET /api/verticals lists the tables the warehouse holds, HED at /', async (t) => {
  const { body } = await json('/api/verticals');
  t.same(
    body.map((v: { prefix: string; path: string; table: string }) => [v.prefix, v.path, v.table]),
    [
      ['agr', '/agr', 'tester.agr_records'],
      ['hed', '/', 'tester.hed_records'],
      ['mso', '/mso', 'tester.mso_records'],
      ['tlc', '/tlc', 'tester.tlc_records'],
    ],
  );
  t.equal(body[0].title, 'Livestock Health Guardian – AI-driven Livestock Health Monitoring');
});

t.test('no warehouse: no verticals, not an error', async (t) => {
  const empty = await buildApp(resolveAppConfig({ warehouse: join(scratch.dir, 'none.db'), insightsDb: ':memory:' }, {}));
  t.teardown(() => empty.close());
  t.same((await empty.inject('/api/verticals')).json(), []);
});

for (const prefix of ['agr', 'mso', 'tlc'] as const) {
  const definition = VERTICALS[prefix];
  const records = () => written[prefix]!;
  t.test(`${prefix}: the KPIs over all rows are computeKpi's values, with their targets`, async (t) => {
    const { status, body } = await json(`/api/verticals/${prefix}/metrics`);
    t.equal(status, 200);
    t.equal(body.rows, 600);
    t.same(body.kpis.map((k: { label: string }) => k.label), definition.app.kpis.map((k) => k.label));
    for (const [i, kpi] of definition.app.kpis.entries()) {
      const expected = computeKpi(kpi.formula, records());
      t.ok(Math.abs(body.kpis[i].value - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `${kpi.label}: ${body.kpis[i].value} = ${expected}`);
      t.equal(body.kpis[i].display, formatKpi(expected, kpi.format));
      if (kpi.target) t.ok(body.kpis[i].deltaDisplay.endsWith(kpi.target.note), `${kpi.label} against its target`);
    }
  });

  t.test(`${prefix}: one chart per definition chart, counted over every row`, async (t) => {
    const { body } = await json(`/api/verticals/${prefix}/metrics`);
    t.same(body.charts.map((c: { title: string }) => c.title), definition.app.charts.map((c) => c.title));
    for (const [i, chart] of definition.app.charts.entries()) {
      const values = body.charts[i].spec.data.values as { count?: number }[];
      if (chart.kind === 'histogram') t.equal(values.reduce((s, v) => s + (v.count ?? 0), 0), 600, `${chart.title}: every row in a bin`);
      if (chart.kind === 'counts' && body.charts[i].spec.title.subtitle === undefined) t.equal(values.reduce((s, v) => s + (v.count ?? 0), 0), 600, `${chart.title}: every row counted`);
    }
    t.same(body.summary.columns, definition.app.summary, 'summary statistics of the summary fields');
    const first = definition.app.summary[0]!;
    const mean = records().reduce((s, r) => s + Number(r[first]), 0) / 600;
    t.ok(Math.abs(body.summary.stats.find((s: { stat: string }) => s.stat === 'mean').values[0] - mean) < 1e-9 * Math.max(1, Math.abs(mean)), `mean ${first}`);
    t.equal(body.remarks.length, definition.app.summary.length);
  });
}

t.test('agr: a boxplot by species and a counts chart by value, as in the records', async (t) => {
  const { body } = await json('/api/verticals/agr/metrics');
  const bySpecies = body.charts.find((c: { title: string }) => c.title === 'Health Risk by Species').spec.data.values as { category: string; count: number; median: number }[];
  const species = new Map<string, number>();
  for (const r of written.agr!) species.set(String(r.species), (species.get(String(r.species)) ?? 0) + 1);
  t.same(Object.fromEntries(bySpecies.map((b) => [b.category, b.count])), Object.fromEntries(species));
  const status = body.charts.find((c: { title: string }) => c.title === 'Health Status Distribution').spec.data.values as { value: string; count: number }[];
  t.equal(status.find((s) => s.value === 'Critical')?.count, written.agr!.filter((r) => r.health_status === 'Critical').length);
});

/** One KPI straight from DuckDB over the table with a WHERE of our own, not the app's SQL. */
async function duckKpi(select: string, where: string, params: (string | boolean)[]): Promise<number | null> {
  const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(`SELECT ${select} AS v FROM tester.agr_records WHERE ${where}`, params);
    connection.closeSync();
    const value = reader.getRowObjectsJson()[0]?.v;
    return value === null || value === undefined ? null : Number(value);
  } finally {
    instance.closeSync();
  }
}

t.test("agr: GET /filters offers each category's values in the data; a filter narrows KPIs, charts and summary as DuckDB computes them", async (t) => {
  const { status, body: options } = await json('/api/verticals/agr/filters');
  t.equal(status, 200);
  t.same(options.map((o: { field: string }) => o.field), [...VERTICALS.agr.app.categories], 'every category of the definition, in its order');
  const species = options.find((o: { field: string }) => o.field === 'species');
  t.same(species, { kind: 'category', field: 'species', label: 'Species', values: [...new Set(written.agr!.map((r) => String(r.species)))].sort() });

  const url = '/api/verticals/agr/metrics?species=Bison&species=Dairy%20Cattle&health_status=Sick&species=Water%20Buffalo';
  const filtered = await json(url);
  t.equal(filtered.status, 200, filtered.body.message);
  const where = 'species IN (?, ?, ?) AND health_status = ?';
  const params = ['Bison', 'Dairy Cattle', 'Water Buffalo', 'Sick'];
  const rows = await duckKpi('count(*)', where, params);
  t.ok(rows! > 0 && rows! < 600, `the filter keeps some rows (${rows})`);
  t.equal(filtered.body.rows, rows, 'the rows the filter keeps');
  t.same(filtered.body.filters, { categories: { species: ['Bison', 'Dairy Cattle', 'Water Buffalo'], health_status: ['Sick'] }, flags: {} });
  for (const [i, kpi] of VERTICALS.agr.app.kpis.entries()) {
    const expected = await duckKpi(`avg(${kpi.formula.field})`, where, params);
    t.ok(Math.abs(filtered.body.kpis[i].value - expected!) < 1e-9 * Math.max(1, Math.abs(expected!)), `${kpi.label}: ${filtered.body.kpis[i].value} = ${expected}`);
    t.equal(filtered.body.kpis[i].display, formatKpi(expected!, kpi.format));
  }
  const all = await json('/api/verticals/agr/metrics');
  t.not(filtered.body.kpis[1].value, all.body.kpis[1].value, 'a different figure than over every row');
  const status0 = filtered.body.charts.find((c: { title: string }) => c.title === 'Health Status Distribution').spec.data.values as { value: string }[];
  t.same(status0.map((v) => v.value), ['Sick'], 'the charts are over the kept rows');
  t.equal(filtered.body.summary.stats.find((s: { stat: string }) => s.stat === 'count').values[0], rows, 'so are the summary statistics');
  const repeat = await app.inject('/api/verticals/agr/metrics?health_status=Sick&species=Water%20Buffalo&species=Dairy%20Cattle&species=Bison');
  t.equal(repeat.headers['x-cache'], 'hit', 'the same filters in another order are the same cached answer');
  t.equal(repeat.json().rows, rows);

  const explorer = await json('/api/verticals/agr/rows?species=Bison&health_status=Sick&per_page=50&sort=weight');
  t.equal(explorer.body.total, await duckKpi('count(*)', 'species = ? AND health_status = ?', ['Bison', 'Sick']), 'the explorer applies the filters too');
  const csv = await app.inject('/api/verticals/agr/rows.csv?species=Bison');
  t.equal(csv.body.trim().split('\n').length - 1, await duckKpi('count(*)', 'species = ?', ['Bison']), 'and so does its CSV');
});

t.test('tlc: a flag filters as true or false', async (t) => {
  const { body: options } = await json('/api/verticals/tlc/filters');
  t.same(options.at(-1), { kind: 'boolean', field: 'retention_campaign_active', label: 'Retention Campaign Active' });
  const on = await json('/api/verticals/tlc/metrics?retention_campaign_active=true');
  const off = await json('/api/verticals/tlc/metrics?retention_campaign_active=false');
  const active = written.tlc!.filter((r) => r.retention_campaign_active === true).length;
  t.equal(on.body.rows, active);
  t.equal(off.body.rows, 600 - active);
  const kpi = VERTICALS.tlc.app.kpis[0];
  const expected = computeKpi(kpi.formula, written.tlc!.filter((r) => r.retention_campaign_active === false));
  t.ok(Math.abs(off.body.kpis[0].value - expected) < 1e-9, `${kpi.label} over the records without a campaign`);
});

t.test('bad filters are a 400 that says what to send', async (t) => {
  const cases: [string, RegExp][] = [
    ['/api/verticals/agr/metrics?colour=red', /^Unknown filter "colour" for Livestock Health Guardian\. Filter by one of: species, breed, health_status/],
    ['/api/verticals/agr/metrics?species=Yak', /^No record in tester\.agr_records has species "Yak"\. Pick one of: Beef Cattle, Bison, Dairy Cattle, Water Buffalo\.$/],
    ['/api/verticals/tlc/metrics?retention_campaign_active=maybe', /^retention_campaign_active must be true or false \(or left out for every record\), not "maybe"\.$/],
    ['/api/verticals/tlc/metrics?retention_campaign_active=true&retention_campaign_active=false', /was given 2 times; give it once/],
    ['/api/verticals/agr/rows?species=Yak', /has species "Yak"/],
    ['/api/verticals/agr/rows.csv?breed=%27%20OR%201%3D1%20--', /has breed "' OR 1=1 --"/],
    ['/api/verticals/agr/rows?page=1&colour=red', /Unknown filter "colour"/],
  ];
  for (const [url, message] of cases) {
    const { status, body } = await json(url);
    t.equal(status, 400, url);
    t.match(body, { error: 'bad_request', message }, url);
  }
});

t.test('a category with more than FILTER_VALUES_MAX values gets no checkbox list', async (t) => {
  t.ok(FILTER_VALUES_MAX < 600);
  const { body: options } = await json('/api/verticals/mso/filters');
  for (const option of options as { field: string; values?: string[] }[]) t.ok((option.values?.length ?? 0) <= FILTER_VALUES_MAX, option.field);
});

t.test('the Data Explorer pages, sorts and searches a vertical by its fields', async (t) => {
  const page = await json('/api/verticals/agr/rows?page=2&per_page=10&sort=weight&dir=desc');
  t.equal(page.body.caption, 'Showing rows 11–20 of 600');
  t.equal(page.body.columns[0], 'age', 'the API field order');
  const byWeight = [...written.agr!].sort((a, b) => Number(b.weight) - Number(a.weight) || String(a.record_id).localeCompare(String(b.record_id)));
  t.same(page.body.rows.map((r: VerticalRecord) => r.animal_id), byWeight.slice(10, 20).map((r) => r.animal_id));
  const found = await json('/api/verticals/tlc/rows?q_col=customer_tier&q=gold&per_page=50');
  t.equal(found.body.total, written.tlc!.filter((r) => String(r.customer_tier).toLowerCase().includes('gold')).length);
  const bad = await json('/api/verticals/agr/rows?sort=current_gpa');
  t.equal(bad.status, 400);
  t.match(bad.body.message, /Unknown column "current_gpa" in sort\. Use one of: age, animal_id/);
  const csv = await app.inject('/api/verticals/mso/rows.csv');
  t.match(csv.headers['content-disposition'], /filename="mso_records.csv"/);
  t.equal(csv.body.trim().split('\n').length, 601, 'a header and every row');
});

t.test('unknown and absent verticals answer with a sentence', async (t) => {
  const unknown = await json('/api/verticals/xyz/metrics');
  t.equal(unknown.status, 404);
  t.match(unknown.body.message, /no vertical "xyz".*agr, cds/);
  t.equal((await json('/api/verticals/hed/status')).status, 404, "HED's API is /api/");
  const absent = await json('/api/verticals/cds/status');
  t.match(absent.body, { ready: false, table: 'tester.cds_records', title: 'MedMind – AI-driven Clinical Decision Support' });
  t.match(absent.body.message, /has no table tester\.cds_records yet.*\/cds_data/);
  t.equal((await json('/api/verticals/cds/metrics')).status, 503);
  const ready = await json('/api/verticals/tlc/status');
  t.match(ready.body, { ready: true, rows: 600, name: 'ChurnGuard', categories: VERTICALS.tlc.app.categories });
  t.equal(ready.body.filterColumn, VERTICALS.tlc.app.categories[0], "the explorer's filter column starts at the first category");
  t.equal(absent.body.filterColumn, VERTICALS.cds.app.categories[0], 'also before the table is there');
});

t.test('pages: /agr and /agr/ serve the page, /hed goes to /', async (t) => {
  for (const url of ['/agr', '/agr/', '/tlc']) {
    const page = await app.inject(url);
    t.equal(page.statusCode, 200, url);
    t.match(page.headers['content-type'], /text\/html/);
    // Before any script runs (curl, a client without JavaScript): the vertical's title, not StudentSuccess's.
    const title = VERTICALS[url.startsWith('/agr') ? 'agr' : 'tlc'].app.title;
    t.equal(/<title>([^<]*)<\/title>/.exec(page.body)?.[1], title, `${url}: <title>`);
    t.equal(/<h1 id="app-title">([^<]*)<\/h1>/.exec(page.body)?.[1], title, `${url}: <h1>`);
    t.notMatch(page.body, /StudentSuccess – AI Driven/, `${url}: no word of StudentSuccess's title`);
  }
  const home = (await app.inject('/')).body;
  t.match(home, '<title>StudentSuccess – AI Driven Freshman Retention Insights</title>', "/ is StudentSuccess's as before");
  t.match(home, '<h1 id="app-title">StudentSuccess – AI Driven Freshman Retention Insights</h1>');
  const hed = await app.inject('/hed');
  t.equal(hed.statusCode, 302);
  t.equal(hed.headers.location, '/');
});

t.test("the offline analyst writes a vertical's report under generic headings in its own words, kept in its history", async (t) => {
  const areas = (await json('/api/verticals/tlc/insights/focus-areas')).body as { id: string; label: string; sections: string[] }[];
  t.same(areas.map((a) => a.id), ['overall-performance', 'optimization-opportunities', 'financial-impact', 'strategic-recommendations']);
  t.same(areas[0]!.sections, VERTICAL_SECTIONS['Overall Performance']);
  const started = await app.inject({ method: 'POST', url: '/api/verticals/tlc/insights', payload: { focus: 'overall-performance' } });
  t.equal(started.statusCode, 202);
  let job;
  for (let i = 0; i < 400; i++) {
    job = (await app.inject(`/api/insights/jobs/${started.json().jobId}`)).json();
    if (job.status !== 'running' && job.status !== 'queued') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  t.equal(job.status, 'done', job.error);
  const markdown: string = job.report.markdown;
  t.equal(job.report.title, 'Overall Performance: ChurnGuard insights');
  t.same([...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]), VERTICAL_SECTIONS['Overall Performance']);
  for (const kpi of VERTICALS.tlc.app.kpis) t.ok(markdown.includes(kpi.label), `names ${kpi.label}`);
  t.ok(markdown.includes(VERTICALS.tlc.app.subject), 'names the subject');
  const churn = computeKpi(VERTICALS.tlc.app.kpis[0]!.formula, written.tlc!);
  t.ok(markdown.includes(`Avg Churn Risk Probability is ${formatKpi(churn, VERTICALS.tlc.app.kpis[0]!.format)}`), 'quotes the KPI as the card shows it');
  t.match(markdown, /By Customer Tier, \S+ has the highest mean Churn Risk Probability/);
  t.notMatch(markdown, /student|GPA/i, 'nothing of StudentSuccess');
  t.same((await json('/api/verticals/tlc/history')).body.map((r: { id: string }) => r.id), [job.report.id]);
  t.same((await json('/api/history')).body, [], "StudentSuccess's history stays its own");
  t.same((await json('/api/verticals/agr/history')).body, []);
  const md = await app.inject(`/api/history/${job.report.id}.md`);
  t.match(md.headers['content-disposition'], /filename="churnguard-overall-performance-2026-12-04T12-00-00\.md"/);
  const bad = await app.inject({ method: 'POST', url: '/api/verticals/tlc/insights', payload: { focus: 'gpa' } });
  t.equal(bad.statusCode, 400);
});

for (const focus of ['optimization-opportunities', 'financial-impact', 'strategic-recommendations']) {
  t.test(`agr: the ${focus} report has every section filled`, async (t) => {
    const started = (await app.inject({ method: 'POST', url: '/api/verticals/agr/insights', payload: { focus } })).json();
    let job;
    for (let i = 0; i < 400; i++) {
      job = (await app.inject(`/api/insights/jobs/${started.jobId}`)).json();
      if (job.status === 'done' || job.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    t.equal(job.status, 'done', job.error);
    const sections = job.report.markdown.split(/^## /m).slice(1) as string[];
    t.equal(sections.length, VERTICAL_SECTIONS[job.report.focusLabel]!.length);
    for (const section of sections) t.match(section, /\n- |\n\d\. /, `${section.split('\n')[0]} has lines`);
    t.notMatch(job.report.markdown, /undefined|NaN/);
  });
}

t.test("no vertical names a filter field like one of the explorer's parameters", async (t) => {
  for (const definition of Object.values(VERTICALS)) {
    const { categories, flags } = filterFields(definition);
    t.same([...categories, ...flags].filter((f) => (ROWS_PARAMETERS as readonly string[]).includes(f)), [], definition.prefix);
  }
});
