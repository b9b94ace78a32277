import t from 'tap';
import { buildKpis, distributionRemarks, summaryValue } from '../../app/metrics.js';

t.test('the four KPIs: labels, formats and deltas against the lab targets', async (t) => {
  const kpis = buildKpis({ gpa: 3.0634, completion: 0.6531, engagement: 56.04, atRiskShare: 0.343 });
  t.same(kpis.map((k) => k.label), ['Average GPA', 'Avg Completion Rate', 'Avg Engagement Score', 'At-Risk Students']);
  t.same(kpis.map((k) => k.display), ['3.06', '65.3%', '56.0', '34.3%']);
  t.same(kpis.map((k) => k.deltaDisplay), ['+0.06 vs 3.0 target', '-19.7% vs 85% target', '-14.0 vs 70 target', '+4.3% vs 30% baseline']);
  t.same(kpis.map((k) => k.deltaGood), [true, false, false, false], 'more at risk than the baseline is bad');
  t.same(kpis.map((k) => k.target), [3, 0.85, 70, 0.3]);
  t.ok(Math.abs(kpis[0]!.delta - 0.0634) < 1e-9);
  const better = buildKpis({ gpa: 2.5, completion: 0.9, engagement: 75, atRiskShare: 0.2 });
  t.same(better.map((k) => k.deltaGood), [false, true, true, true], 'fewer at risk than the baseline is good');
  t.same(buildKpis({ gpa: null, completion: null, engagement: null, atRiskShare: null }).map((k) => k.value), [0, 0, 0, 0]);
});

t.test('a delta\'s arrow follows its sign and its colour the target\'s good side: more at risk is up and bad', async (t) => {
  const kpis = buildKpis({ gpa: 3.0634, completion: 0.6531, engagement: 56.04, atRiskShare: 0.343 });
  t.same(kpis.map((k) => k.deltaDirection), ['up', 'down', 'down', 'up'], 'the lab shows ↑ 4.3% for At-Risk Students');
  const atRisk = kpis[3]!;
  t.match(atRisk, { deltaDisplay: '+4.3% vs 30% baseline', deltaDirection: 'up', deltaGood: false }, 'above the baseline: up, and bad');
  const better = buildKpis({ gpa: 2.5, completion: 0.9, engagement: 75, atRiskShare: 0.2 });
  t.same(better.map((k) => [k.deltaDirection, k.deltaGood]), [['down', false], ['up', true], ['up', true], ['down', true]], 'fewer at risk: down, and good');
  const onTarget = buildKpis({ gpa: 3.001, completion: 0.85, engagement: 70.02, atRiskShare: 0.3 });
  t.same(onTarget.map((k) => k.deltaDirection), ['none', 'none', 'none', 'none'], 'a delta that shows as zero has no arrow');
});

const summary = (gpaMean: number, engMin: number) => ({
  columns: ['current_gpa', 'financial_aid_amount', 'engagement_score', 'plagiarism_incidents'],
  stats: [
    { stat: 'count', values: [10, 10, 10, 10] },
    { stat: 'mean', values: [gpaMean, 9000, 55, 0.14] },
    { stat: 'std', values: [0.456, 100, 10, 0.3] },
    { stat: 'min', values: [1, 0, engMin, 0] },
    { stat: '25%', values: [2, 4000.4, 40, 0] },
    { stat: '50%', values: [3, 9000, 56.04, 0] },
    { stat: '75%', values: [3.5, 14500.7, 70, 0] },
    { stat: 'max', values: [4, 20000, 99, 1] },
  ],
});

t.test("the lab's distribution remarks from the summary", async (t) => {
  t.same(distributionRemarks(summary(3.06, 12.5)), [
    'GPA variability: 0.46 (σ)',
    'Acceptable GPA performance (3.06)',
    'Financial aid IQR: $10,500',
    'Median engagement: 56.0',
    'Low engagement detected: as low as 12.5',
    'Avg plagiarism incidents: 0.1',
  ]);
  const low = distributionRemarks(summary(2.31, 25));
  t.ok(low.includes('Low average GPA (2.31)'));
  t.notOk(low.some((r) => r.startsWith('Low engagement')), 'no warning when the lowest engagement is 20 or more');
  t.same(distributionRemarks({ columns: [], stats: [] }), []);
  t.equal(summaryValue(summary(3, 1), 'nope', 'mean'), undefined);
});
