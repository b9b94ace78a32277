import t from 'tap';
import { ALL_VERTICALS, computeKpi, formatKpi, generateRecords, kpiDelta, kpiSql, type KpiFormula } from '../../verticals/index.js';

const rows = [
  { w: 1000, active: true, status: 'Active', id: 'a' },
  { w: 1200, active: false, status: 'Closed', id: 'b' },
  { w: 1700, active: true, status: 'Active', id: 'a' },
];

t.test('KPI formulas compute as the lab apps do over their table', async (t) => {
  t.equal(computeKpi({ op: 'mean', field: 'w' }, rows), 1300);
  t.equal(computeKpi({ op: 'mean', field: 'w', scale: 0.01 }, rows), 13);
  t.equal(computeKpi({ op: 'sum', field: 'w' }, rows), 3900);
  t.equal(computeKpi({ op: 'max', field: 'w' }, rows), 1700);
  t.equal(computeKpi({ op: 'share', field: 'active', equals: true }, rows), 2 / 3);
  t.equal(computeKpi({ op: 'count', field: 'status', equals: 'Active' }, rows), 2);
  t.equal(computeKpi({ op: 'distinct', field: 'id' }, rows), 2);
  t.ok(Number.isNaN(computeKpi({ op: 'mean', field: 'w' }, [])), 'no rows: no mean');
  t.ok(Number.isNaN(computeKpi({ op: 'max', field: 'w' }, [])), 'no rows: no max');
});

t.test('KPI values are written as the lab apps write them', async (t) => {
  t.equal(formatKpi(1338.7, { style: 'number', decimals: 0, suffix: ' lbs' }), '1,339 lbs');
  t.equal(formatKpi(0.271, { style: 'percent', decimals: 1 }), '27.1%');
  t.equal(formatKpi(54931.534, { style: 'currency', decimals: 2 }), '$54,931.53');
  t.equal(formatKpi(7.634, { style: 'number', decimals: 2, suffix: '/10' }), '7.63/10');
  t.equal(formatKpi(Number.NaN, { style: 'number', decimals: 2 }), '–');
});

t.test('the difference from a target is signed so that positive is good', async (t) => {
  const lower = { label: 'Avg Churn', formula: { op: 'mean', field: 'x' } as KpiFormula, format: { style: 'percent' as const, decimals: 1 }, target: { value: 0.25, better: 'lower' as const, note: 'vs target' } };
  t.ok(Math.abs(kpiDelta(lower, 0.2)! - 0.05) < 1e-12);
  t.ok(Math.abs(kpiDelta({ ...lower, target: { ...lower.target, better: 'higher' } }, 0.2)! + 0.05) < 1e-12);
  t.equal(kpiDelta({ ...lower, target: undefined }, 0.2), undefined);
});

t.test('KPI formulas render as DuckDB aggregates with quoted names and literals', async (t) => {
  t.equal(kpiSql({ op: 'mean', field: 'weight' }), 'avg("weight")');
  t.equal(kpiSql({ op: 'mean', field: 'mape', scale: 0.01 }), 'avg("mape") * 0.01');
  t.equal(kpiSql({ op: 'sum', field: 'x' }), 'sum("x")');
  t.equal(kpiSql({ op: 'max', field: 'x' }), 'max("x")');
  t.equal(kpiSql({ op: 'distinct', field: 'x' }), 'count(DISTINCT "x")');
  t.equal(kpiSql({ op: 'share', field: 'on', equals: true }), 'avg(CASE WHEN "on" = true THEN 1 ELSE 0 END)');
  t.equal(kpiSql({ op: 'count', field: 's', equals: "O'Brien" }), `sum(CASE WHEN "s" = 'O''Brien' THEN 1 ELSE 0 END)`);
});

t.test("every vertical's four KPIs compute on its generated records, inside the field's range", async (t) => {
  for (const v of ALL_VERTICALS.filter((d) => d.prefix !== 'hed')) {
    const records = [...generateRecords(v, 42, 600)];
    for (const kpi of v.app.kpis) {
      const value = computeKpi(kpi.formula, records);
      t.ok(Number.isFinite(value), `${v.prefix}: ${kpi.label} = ${formatKpi(value, kpi.format)}`);
      const gen = v.fields.find((f) => f.name === kpi.formula.field)!.gen;
      if (kpi.formula.op === 'mean' && (gen.kind === 'number' || gen.kind === 'integer')) {
        const scale = kpi.formula.scale ?? 1;
        t.ok(value >= gen.min * scale && value <= gen.max * scale, `${v.prefix}: ${kpi.label} within [${gen.min * scale}, ${gen.max * scale}]`);
        // A mean strictly inside the range: the data is spread, not piled at an end.
        t.ok(value > gen.min * scale + (gen.max - gen.min) * scale * 0.1 && value < gen.max * scale - (gen.max - gen.min) * scale * 0.1, `${v.prefix}: ${kpi.label} is not piled at an end`);
      }
      if (kpi.formula.op === 'share') t.ok(value > 0.05 && value < 0.95, `${v.prefix}: ${kpi.label} is a share between the extremes`);
      if (kpi.formula.op === 'count') t.ok(value > 0 && value < 600, `${v.prefix}: ${kpi.label} counts some records`);
      if (kpi.formula.op === 'sum') t.ok(value > 0, `${v.prefix}: ${kpi.label} sums to a positive total`);
    }
  }
});
