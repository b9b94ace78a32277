import t from 'tap';
import { generateStudents } from '../../../verticals/hed/dataset.js';
import { compareEngagementBoxes, compareGpaHistogram, gpaCountsInLabBins, MIN_STANDING_SIZE } from '../../helpers/lab-dashboard.js';
import { pearson } from '../../helpers/stats.js';

// The shapes of the lab dashboard's charts (fixtures/lab-dashboard.json, read off its
// screenshot), not only its means: test/app/lab-charts.test.ts holds the app's charts of
// the same data to them too.
const records = [...generateStudents(42, 600)];

/** Linear-interpolated quantile, as DuckDB's quantile_cont. */
function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const k = (sorted.length - 1) * p;
  const lo = Math.floor(k);
  return sorted[lo]! + (sorted[Math.min(sorted.length - 1, lo + 1)]! - sorted[lo]!) * (k - lo);
}

t.test('the seed-42 GPA histogram has the lab\'s bins: a flat floor from 1.0 to 2.4, a dip at 3.4–3.6, the tallest at 3.6–4.0', async (t) => {
  const { problems, distancePp } = compareGpaHistogram(gpaCountsInLabBins(records.map((r) => r.current_gpa)));
  t.same(problems, [], `total variation from the lab's histogram: ${distancePp.toFixed(1)} points`);
});

t.test('the histogram holds for other seeds and counts too (the placement is stratified, not luck)', async (t) => {
  for (const [seed, count] of [[7, 600], [43, 1_000], [42, 5_000]] as const) {
    const { problems } = compareGpaHistogram(gpaCountsInLabBins([...generateStudents(seed, count)].map((r) => r.current_gpa)));
    t.same(problems, [], `seed ${seed}, ${count} students`);
  }
});

t.test('engagement has about the same spread in every standing, as in the lab\'s box plot', async (t) => {
  const byStanding = new Map<string, number[]>();
  for (const r of records) byStanding.set(r.academic_standing, [...(byStanding.get(r.academic_standing) ?? []), r.engagement_score]);
  const boxes = [...byStanding].map(([standing, values]) => ({
    standing,
    count: values.length,
    q1: quantile(values, 0.25),
    median: quantile(values, 0.5),
    q3: quantile(values, 0.75),
    min: Math.min(...values),
    max: Math.max(...values),
  }));
  t.same(compareEngagementBoxes(boxes), [], `standings with ${MIN_STANDING_SIZE}+ students`);
  const r = pearson(records.map((s) => s.current_gpa), records.map((s) => s.engagement_score));
  t.ok(Math.abs(r) < 0.1, `engagement is not tied to GPA, so not to standing (r = ${r.toFixed(3)})`);
});
