import t from 'tap';
import { join } from 'node:path';
import { buildCharts, gpaDistributionChart } from '../../app/charts.js';
import { buildKpis } from '../../app/metrics.js';
import { metricsAggregates, type MetricsAggregates } from '../../app/queries.js';
import { withWarehouse } from '../../app/warehouse.js';
import { generateStudents } from '../../verticals/hed/dataset.js';
import { compareEngagementBoxes, compareGpaHistogram, LAB } from '../helpers/lab-dashboard.js';
import { scratchDir, writeWarehouse, type FixtureRow } from './helpers/warehouse-fixture.js';

// The app's Metrics charts over the mock's seed-42 600, beside the lab dashboard's own
// (fixtures/lab-dashboard.json, read off its screenshot): the same bins, the same axis,
// the same engagement spread in every standing, and the KPIs' deltas as the lab shows them.

type GpaSpec = { data: { values: MetricsAggregates['gpaBins'] }; encoding: { x: { scale: { domain: number[] } } } };

const scratch = scratchDir();
t.teardown(scratch.remove);
const path = join(scratch.dir, 'warehouse.db');
const rows: FixtureRow[] = [...generateStudents(42, 600)].map((r) => ({ ...r, _fivetran_deleted: false }));
await writeWarehouse(path, rows, 'ours');
const aggregates = await withWarehouse(path, (w) => metricsAggregates(w, { majors: [], standings: [] }));

t.test('the GPA axis runs 1.0–4.0 as the lab\'s, and lower only when the data has lower GPAs', async (t) => {
  const domain = (bins: MetricsAggregates['gpaBins']) => (gpaDistributionChart(bins).spec as unknown as GpaSpec).encoding.x.scale.domain;
  t.same(domain([{ binStart: 1, binEnd: 1.2, count: 3 }, { binStart: 3.8, binEnd: 4, count: 9 }]), LAB.gpaHistogram.axis);
  t.same(domain([{ binStart: 0.6, binEnd: 0.8, count: 1 }, { binStart: 3.8, binEnd: 4, count: 9 }]), [0.6, 4], 'a GPA under 1.0 stays in view');
  t.same(domain([]), [1, 4]);
});

t.test('the seed-42 GPA Distribution chart has the lab\'s bins, on the lab\'s 1.0–4.0 axis', async (t) => {
  const spec = buildCharts(aggregates)[0]!.spec as unknown as GpaSpec;
  t.same(spec.encoding.x.scale.domain, [1, 4]);
  const counts = LAB.gpaHistogram.counts.map((_, i) => {
    const from = Number((LAB.gpaHistogram.from + i * LAB.gpaHistogram.binWidth).toFixed(1));
    return spec.data.values.find((b) => b.binStart === from)?.count ?? 0;
  });
  t.equal(counts.reduce((a, b) => a + b, 0), 600, 'every student in a bin from 1.0 (a GPA of 1.20 goes in 1.2–1.4)');
  const { problems, distancePp } = compareGpaHistogram(counts);
  t.same(problems, [], `total variation from the lab's histogram: ${distancePp.toFixed(1)} points`);
});

t.test('the seed-42 Engagement by Standing chart shows about the same spread in every standing, as the lab\'s', async (t) => {
  const boxes = (buildCharts(aggregates)[1]!.spec as { data: { values: MetricsAggregates['engagementByStanding'] } }).data.values;
  t.equal(boxes.length, 12, 'all twelve standings');
  t.same(compareEngagementBoxes(boxes), []);
});

t.test('the seed-42 KPIs are the lab\'s, and At-Risk Students shows an up arrow in the bad colour', async (t) => {
  const kpis = buildKpis(aggregates.means);
  t.same(kpis.map((k) => k.display), ['3.05', '65.3%', '56.0', '34.3%'], 'lab: 3.06, 65.3%, 56.0, 34.3%');
  t.match(kpis[3], { deltaDisplay: '+4.3% vs 30% baseline', deltaDirection: 'up', deltaGood: false });
});
