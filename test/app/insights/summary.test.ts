import t from 'tap';
import { join } from 'node:path';
import { computeDataSummary, formatDataSummary } from '../../../app/insights/summary.js';
import { withWarehouse } from '../../../app/warehouse.js';
import { pearson } from '../../helpers/stats.js';
import { liveRows, makeRows, mean, scratchDir, writeWarehouse } from '../helpers/warehouse-fixture.js';

const rows = makeRows(40, 5);
const live = liveRows(rows);

t.test('the data summary: averages, extremes, top categories and strongest correlations of all live rows', async (t) => {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const path = join(scratch.dir, 'warehouse.db');
  await writeWarehouse(path, rows, 'fivetran-1.7');
  const summary = await withWarehouse(path, computeDataSummary);
  t.equal(summary.records, live.length);
  const gpa = summary.numeric.find((n) => n.field === 'current_gpa')!;
  t.ok(Math.abs(gpa.mean! - mean(live.map((r) => r.current_gpa))) < 1e-9);
  t.equal(gpa.min, Math.min(...live.map((r) => r.current_gpa)));
  t.equal(gpa.max, Math.max(...live.map((r) => r.current_gpa)));
  const majors = summary.categories.find((c) => c.field === 'major_code')!;
  t.equal(majors.top.length, 3);
  t.equal(majors.top[0]!.count, Math.max(...['PHIL', 'ECON', 'BIOL', 'ENGR'].map((m) => live.filter((r) => r.major_code === m).length)));
  const risk = summary.categories.find((c) => c.field === 'at_risk_flag')!;
  t.same(risk.top.map((v) => v.value).sort(), ['false', 'true'], 'the 0/1 flag is read as a boolean');
  t.equal(summary.correlations.length, 3);
  t.ok(summary.correlations.every((c, i, all) => i === 0 || Math.abs(all[i - 1]!.r) >= Math.abs(c.r)), 'strongest first');
  const top = summary.correlations[0]!;
  const field = (name: string) => live.map((r) => (r as unknown as Record<string, number>)[name]!);
  t.ok(Math.abs(top.r - pearson(field(top.a), field(top.b))) < 1e-9, `${top.a}/${top.b} r = ${top.r}`);
  const text = formatDataSummary(summary);
  t.match(text, /^Table: tester\.hed_records\nDescription: .+\nRecords analyzed: 36\n/);
  t.match(text, `- current_gpa (avg: ${gpa.mean!.toFixed(2)}, min: ${gpa.min!.toFixed(2)}, max: ${gpa.max!.toFixed(2)})`);
  t.match(text, `- ${top.a} and ${top.b}: r = ${top.r.toFixed(2)}`);
});

t.test('the text form copes with missing figures and no correlations', async (t) => {
  const text = formatDataSummary({ table: 'tester.hed_records', description: 'd', records: 1, numeric: [{ field: 'current_gpa', mean: null, min: null, max: null, std: null }], categories: [], correlations: [] });
  t.match(text, '- current_gpa (avg: n/a, min: n/a, max: n/a)');
  t.notMatch(text, /correlations/);
});
