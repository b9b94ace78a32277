import t from 'tap';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartIds, compileChart, compileCharts, fieldLabel, type ChartData } from '../../../app/vertical/charts.js';
import { histogramStep } from '../../../app/vertical/metrics.js';
import { ALL_VERTICALS, VERTICALS, type ChartDefinition } from '../../../verticals/index.js';

/** Data of the chart's kind, with values a person could tell apart. */
function sampleData(chart: ChartDefinition): ChartData {
  switch (chart.kind) {
    case 'histogram':
      return { kind: 'histogram', step: 0.5, bins: [{ binStart: 1, binEnd: 1.5, count: 3 }, { binStart: 1.5, binEnd: 2, count: 5 }] };
    case 'boxplot':
      return { kind: 'boxplot', boxes: [{ category: 'A', count: 4, min: 1, lower: 1, q1: 2, median: 3, q3: 4, upper: 5, max: 9, outliers: 1 }, { category: '<b>B</b>', count: 2, min: 2, lower: 2, q1: 2.5, median: 3, q3: 3.5, upper: 4, max: 4, outliers: 0 }] };
    case 'scatter':
      return { kind: 'scatter', total: 3, sampled: false, points: [{ x: 1, y: 2, ...(chart.color ? { color: 'a' } : {}) }, { x: 2, y: 1, ...(chart.color ? { color: null } : {}) }] };
    case 'counts':
      return { kind: 'counts', categories: 2, values: [{ value: 'a', ...(chart.stack ? { stack: 'x' } : {}), count: 3 }, { value: 'b', ...(chart.stack ? { stack: 'y' } : {}), count: 1 }] };
    case 'mean-by':
      return { kind: 'mean-by', categories: 30, values: [{ category: 'a', mean: 2, count: 3 }, { category: 'b', mean: 1, count: 4 }] };
    case 'trend':
      return { kind: 'trend', unit: 'Month', values: [{ period: '2024-01', mean: 1, count: 2 }, { period: '2024-02', mean: 2, count: 2 }, { period: '2024-03', mean: 1.5, count: 2 }] };
  }
}

for (const definition of ALL_VERTICALS) {
  t.test(`${definition.prefix}: every chart of ${definition.app.name} compiles to a Vega-Lite spec Vega can run`, async (t) => {
    const data = definition.app.charts.map(sampleData);
    const charts = compileCharts(definition, data);
    t.equal(charts.length, definition.app.charts.length, 'one spec per chart of the definition');
    t.equal(new Set(charts.map((c) => c.id)).size, charts.length, 'ids are unique');
    for (const [i, chart] of charts.entries()) {
      const def = definition.app.charts[i]!;
      t.equal(chart.title, def.title);
      t.match(chart.spec, { $schema: /vega-lite\/v6/, title: { text: def.title } });
      const compiled = compile(chart.spec as unknown as TopLevelSpec).spec;
      const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
      await view.runAsync();
      const inline = (chart.spec.data as { values: unknown[] }).values;
      t.same(inline.length, (Object.values(data[i]!).find(Array.isArray) as unknown[]).length, `${def.title}: the data is inline`);
      view.finalize();
    }
  });
}

t.test('axis titles name the definition fields with their units', async (t) => {
  const agr = VERTICALS.agr;
  t.equal(fieldLabel(agr, 'weight'), 'Weight (lbs)');
  t.equal(fieldLabel(agr, 'predicted_health_risk'), 'Predicted Health Risk');
  const weight = compileChart(agr, agr.app.charts[0]!, sampleData(agr.app.charts[0]!), 'w');
  t.match(weight.spec, { encoding: { x: { title: 'Weight (lbs)', bin: { binned: true, step: 0.5 } }, y: { title: 'Count' } } });
});

t.test('a scatter is coloured on a scale for a numeric field and by category for a text field', async (t) => {
  const agr = VERTICALS.agr;
  const numeric = agr.app.charts.find((c) => c.kind === 'scatter')!;
  t.match(compileChart(agr, numeric, sampleData(numeric), 's').spec, { encoding: { color: { type: 'quantitative', title: 'Age (years)' } } });
  const tlc = VERTICALS.tlc;
  const byTier = tlc.app.charts.find((c) => c.kind === 'scatter' && c.color === 'customer_tier')!;
  t.match(compileChart(tlc, byTier, sampleData(byTier), 's').spec, { encoding: { color: { type: 'nominal' } } });
});

t.test('a sample, a cut list and a day trend say so in the subtitle', async (t) => {
  const agr = VERTICALS.agr;
  const scatter = agr.app.charts.find((c) => c.kind === 'scatter')!;
  t.match(compileChart(agr, scatter, { kind: 'scatter', total: 5000, sampled: true, points: [{ x: 1, y: 1, color: 2 }] }, 's').spec, { title: { subtitle: 'A sample of 1 of 5,000 records' } });
  const phr = VERTICALS.phr;
  const meanBy = phr.app.charts.find((c) => c.kind === 'mean-by')!;
  t.match(compileChart(phr, meanBy, sampleData(meanBy), 'm').spec, { title: { subtitle: 'The 2 highest of 30' } });
  const trend = phr.app.charts.find((c) => c.kind === 'trend')!;
  t.match(compileChart(phr, trend, { kind: 'trend', unit: 'Day', values: [] }, 't').spec, { title: { subtitle: /By enrollment date day/ }, encoding: { x: { title: 'Enrollment Date (day)' } } });
});

t.test('a pie is an arc of counts; a stacked bar colours by its stack field', async (t) => {
  const agr = VERTICALS.agr;
  const pie = agr.app.charts.find((c) => c.kind === 'counts' && c.mark === 'arc')!;
  t.match(compileChart(agr, pie, sampleData(pie), 'p').spec, { mark: { type: 'arc' }, encoding: { theta: { field: 'count' }, color: { field: 'value', title: 'Health Status' } } });
  const stacked = agr.app.charts.find((c) => c.kind === 'counts' && c.stack !== undefined)!;
  t.match(compileChart(agr, stacked, sampleData(stacked), 'b').spec, { mark: { type: 'bar' }, encoding: { color: { field: 'stack', title: 'Vaccination History' }, y: { aggregate: 'sum' } } });
});

t.test('data of another kind than the chart is refused', async (t) => {
  const agr = VERTICALS.agr;
  t.throws(() => compileChart(agr, agr.app.charts[0]!, sampleData(agr.app.charts[1]!), 'x'), /is a histogram but got boxplot data/);
});

t.test('chart ids come from titles and stay unique', async (t) => {
  t.same(chartIds([{ kind: 'histogram', title: 'Weight Distribution', field: 'w' }, { kind: 'histogram', title: 'Weight Distribution', field: 'v' }, { kind: 'histogram', title: '(MAPE) %', field: 'm' }]), ['weight-distribution', 'weight-distribution-2', 'mape']);
});

t.test('histogram steps are round numbers giving about 20 bins', async (t) => {
  t.equal(histogramStep(400, 2200), 100);
  t.equal(histogramStep(0, 1), 0.05);
  t.equal(histogramStep(5, 105), 5);
  t.equal(histogramStep(3, 3), 1, 'one value: any step');
  t.equal(histogramStep(0, 4_000_000), 200_000);
});
