import t from 'tap';
import { compile, type TopLevelSpec } from 'vega-lite';
import * as vega from 'vega';
import { aidVsGpaChart, buildCharts } from '../../app/charts.js';
import type { MetricsAggregates } from '../../app/queries.js';

const aggregates: MetricsAggregates = {
  rows: 5,
  means: { gpa: 3, completion: 0.7, engagement: 60, atRiskShare: 0.4 },
  gpaBins: [
    { binStart: 2, binEnd: 2.2, count: 2 },
    { binStart: 3.4, binEnd: 3.6, count: 3 },
  ],
  engagementByStanding: [
    { standing: 'Good Standing', count: 3, min: 10, lower: 20, q1: 30, median: 40, q3: 50, upper: 60, max: 99, outliers: 1 },
    { standing: "Dean's List", count: 2, min: 70, lower: 70, q1: 72, median: 75, q3: 78, upper: 80, max: 80, outliers: 0 },
  ],
  completionByMonth: [
    { month: '2024-08', meanCompletion: 0.65, count: 3 },
    { month: '2024-09', meanCompletion: 0.7, count: 2 },
  ],
  completionByDay: [
    { day: '2024-08-05', meanCompletion: 0.6, count: 2 },
    { day: '2024-08-06', meanCompletion: 0.68, count: 1 },
    { day: '2024-09-02', meanCompletion: 0.7, count: 2 },
  ],
  atRisk: [
    { atRisk: false, count: 3 },
    { atRisk: true, count: 2 },
    { atRisk: null, count: 1 },
  ],
  aidVsGpa: { points: [{ aid: 1000, gpa: 3.1, engagement: 55 }, { aid: 5000, gpa: 2.2, engagement: null }], total: 2, sampled: false },
  majorPerformance: [
    { major: 'ECON', meanGpa: 3.2, count: 2 },
    { major: '<b>PHIL</b>', meanGpa: 2.9, count: 3 },
  ],
  summary: { columns: [], stats: [] },
};

t.test('six charts with the lab ids and titles, in the lab order', async (t) => {
  const charts = buildCharts(aggregates);
  t.same(
    charts.map((c) => [c.id, c.title]),
    [
      ['gpa-distribution', 'GPA Distribution'],
      ['engagement-by-standing', 'Engagement by Standing'],
      ['completion-trends', 'Completion Rate Trends'],
      ['at-risk-distribution', 'At-Risk Distribution'],
      ['aid-vs-gpa', 'Aid vs GPA Correlation'],
      ['major-performance', 'Major Performance'],
    ],
  );
});

t.test('every spec compiles with vega-lite and renders to SVG with its data inline', async (t) => {
  for (const chart of buildCharts(aggregates)) {
    const warnings: string[] = [];
    const logger = { level: () => logger, warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger), info: () => logger, debug: () => logger, error: (...m: unknown[]) => { throw new Error(m.join(' ')); } };
    const compiled = compile(chart.spec as unknown as TopLevelSpec, { logger: logger as never });
    t.same(warnings, [], `${chart.id} compiles without warnings`);
    t.ok(Array.isArray((chart.spec.data as { values: unknown[] }).values), `${chart.id} has inline data`);
    const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
    const svg = await view.toSVG();
    t.match(svg, new RegExp(chart.title), `${chart.id} draws its title`);
    view.finalize();
  }
});

t.test('the charts carry the aggregates they were given', async (t) => {
  const [gpa, box, trend, risk, , major] = buildCharts(aggregates).map((c) => c.spec as { data: { values: Record<string, unknown>[] } });
  t.same(gpa!.data.values, aggregates.gpaBins);
  t.same(box!.data.values.map((v) => v.median), [40, 75]);
  t.same(trend!.data.values.map((v) => v.period), ['2024-08-05', '2024-08-06', '2024-09-02'], 'two months: by day');
  t.same(risk!.data.values, [
    { status: 'Not at risk', count: 3 },
    { status: 'At risk', count: 2 },
    { status: 'Unknown', count: 1 },
  ]);
  t.same(major!.data.values.map((v) => v.major), ['ECON', '<b>PHIL</b>'], 'record values stay data, untouched');
});

t.test('the scatter says in its subtitle when it shows a sample', async (t) => {
  const full = aidVsGpaChart(aggregates.aidVsGpa).spec.title as { text: string; subtitle?: string };
  t.equal(full.subtitle, undefined);
  const sampled = aidVsGpaChart({ points: aggregates.aidVsGpa.points, total: 1_000_000, sampled: true }).spec.title as { subtitle?: string };
  t.equal(sampled.subtitle, 'A sample of 2 of 1,000,000 students');
});

t.test('Completion Rate Trends goes by day when the enrollments span fewer than three months, and says so', async (t) => {
  const [, , byDay] = buildCharts(aggregates);
  const spec = byDay!.spec as { data: { values: { period: string }[] }; title: { subtitle?: string }; encoding: { x: { title: string } } };
  t.same(spec.data.values.map((v) => v.period), ['2024-08-05', '2024-08-06', '2024-09-02']);
  t.equal(spec.encoding.x.title, 'Enrollment Day');
  t.match(spec.title.subtitle, /every enrollment falls in 2024-08 and 2024-09/);
  const months = [...aggregates.completionByMonth, { month: '2024-10', meanCompletion: 0.5, count: 1 }];
  const [, , byMonth] = buildCharts({ ...aggregates, completionByMonth: months });
  const monthSpec = byMonth!.spec as { data: { values: { period: string }[] }; title: { subtitle?: string }; encoding: { x: { title: string } } };
  t.same(monthSpec.data.values.map((v) => v.period), ['2024-08', '2024-09', '2024-10']);
  t.equal(monthSpec.encoding.x.title, 'Enrollment Month');
  t.equal(monthSpec.title.subtitle, undefined);
});

t.test('the At-Risk pie has a legend entry only for the statuses the data has', async (t) => {
  const pie = (counts: MetricsAggregates['atRisk']) => (buildCharts({ ...aggregates, atRisk: counts })[3]!.spec as { encoding: { color: { scale: { domain: string[] } } } }).encoding.color.scale.domain;
  t.same(pie(aggregates.atRisk), ['Not at risk', 'At risk', 'Unknown']);
  t.same(pie([{ atRisk: false, count: 3 }, { atRisk: true, count: 2 }]), ['Not at risk', 'At risk']);
});
