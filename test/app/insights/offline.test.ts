import t from 'tap';
import { join } from 'node:path';
import { FOCUS_AREAS } from '../../../app/insights/focus-areas.js';
import { computeAnalystFigures, writeOfflineReport } from '../../../app/insights/offline.js';
import { withWarehouse } from '../../../app/warehouse.js';
import { liveRows, makeRows, mean, scratchDir, writeWarehouse } from '../helpers/warehouse-fixture.js';

const rows = makeRows(50, 11);
const live = liveRows(rows);
const at = new Date('2026-11-25T12:00:00Z');

t.test('the offline analyst writes every focus area under the lab headings with figures from the data', async (t) => {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const path = join(scratch.dir, 'warehouse.db');
  await writeWarehouse(path, rows, 'fivetran-1.7');
  const figures = await withWarehouse(path, computeAnalystFigures);
  const atRisk = live.filter((r) => r.at_risk_flag);
  const others = live.filter((r) => !r.at_risk_flag);
  for (const focus of FOCUS_AREAS) {
    const { title, markdown } = writeOfflineReport(focus, figures, { warehouse: path, at });
    t.equal(title, `${focus.label}: StudentSuccess insights`);
    t.match(markdown, /no language model wrote this report/, `${focus.id} says no model wrote it`);
    t.match(markdown, new RegExp(`computed from ${live.length} live rows`));
    const headings = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    t.same(headings, focus.sections, `${focus.id} has the lab's sections in order`);
    t.notMatch(markdown, /NaN|undefined|n\/a/, `${focus.id} has no missing figures`);
  }
  const overall = writeOfflineReport(FOCUS_AREAS[0]!, figures, { warehouse: path, at }).markdown;
  t.match(overall, `Mean GPA is ${mean(live.map((r) => r.current_gpa)).toFixed(2)} over ${live.length} students`);
  t.match(overall, `GPA is ${mean(atRisk.map((r) => r.current_gpa)).toFixed(2)} for at-risk students against ${mean(others.map((r) => r.current_gpa)).toFixed(2)} for the others`);
  t.match(overall, `${atRisk.length} students (${((atRisk.length / live.length) * 100).toFixed(1)}%) are flagged at risk`);
  const financial = writeOfflineReport(FOCUS_AREAS[2]!, figures, { warehouse: path, at }).markdown;
  t.match(financial, `${atRisk.length} at-risk students represent $${(atRisk.length * 20000).toLocaleString('en-US')} of annual tuition at risk`);
  const interventions = atRisk.reduce((s, r) => s + r.intervention_count, 0);
  t.match(financial, `received ${interventions} interventions in total`);
  t.match(financial, `$${Math.round((atRisk.length * 0.15 * 20000) / interventions).toLocaleString('en-US')} per intervention`);
  const optimization = writeOfflineReport(FOCUS_AREAS[1]!, figures, { warehouse: path, at }).markdown;
  const majors = [...new Set(live.map((r) => r.major_code))].map((m) => {
    const mine = live.filter((r) => r.major_code === m);
    return { m, share: mine.filter((r) => r.at_risk_flag).length / mine.length, n: mine.length };
  });
  majors.sort((a, b) => b.share - a.share || b.n - a.n);
  t.match(optimization, `1. ${majors[0]!.m}: ${(majors[0]!.share * 100).toFixed(1)}% at risk of ${majors[0]!.n} students`);
});

t.test('the same figures give the same text; with no interventions the cost side says so', async (t) => {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const path = join(scratch.dir, 'warehouse.db');
  await writeWarehouse(path, makeRows(30, 3).map((r) => ({ ...r, intervention_count: 0, financial_aid_amount: 5000 })), 'ours');
  const figures = await withWarehouse(path, computeAnalystFigures);
  const one = writeOfflineReport(FOCUS_AREAS[2]!, figures, { warehouse: path, at });
  t.same(writeOfflineReport(FOCUS_AREAS[2]!, figures, { warehouse: path, at }), one);
  t.match(one.markdown, /No interventions are recorded yet/);
  t.match(one.markdown, /aid does not separate the groups/);
});

t.test('with nothing to count the report still has every section and says what is missing', async (t) => {
  const empty = {
    summary: { table: 'tester.hed_records', description: 'd', records: 0, numeric: [], categories: [], correlations: [] },
    byRisk: [],
    byMajor: [],
    byStanding: [],
    byAdvisor: [],
  };
  for (const focus of FOCUS_AREAS) {
    const { markdown } = writeOfflineReport(focus, empty, { warehouse: 'w.db', at });
    t.same([...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]), focus.sections, focus.id);
    t.notMatch(markdown, /NaN|undefined/, focus.id);
  }
  const overall = writeOfflineReport(FOCUS_AREAS[0]!, empty, { warehouse: 'w.db', at }).markdown;
  t.match(overall, /No major codes are recorded\./);
  t.match(overall, /too few rows to measure correlations/);
  t.match(overall, /Mean GPA is n\/a/);
  t.match(writeOfflineReport(FOCUS_AREAS[1]!, empty, { warehouse: 'w.db', at }).markdown, /No advisor ids are recorded\./);
  const group = (key: string, aid: number) => ({ key, count: 10, atRiskShare: key === 'true' ? 1 : 0, meanGpa: 2, meanEngagement: 50, meanCompletion: 0.5, meanAid: aid, meanInterventions: 1 });
  const more = writeOfflineReport(FOCUS_AREAS[2]!, { ...empty, byRisk: [group('true', 9000), group('false', 5000)] }, { warehouse: 'w.db', at }).markdown;
  t.match(more, /at-risk students already receive more aid/);
  const less = writeOfflineReport(FOCUS_AREAS[2]!, { ...empty, byRisk: [group('true', 1000), group('false', 5000)] }, { warehouse: 'w.db', at }).markdown;
  t.match(less, /at-risk students receive less aid/);
});

t.test('the intervention line reads as a sentence with both figures', async (t) => {
  const group = (key: string, interventions: number) => ({ key, count: 10, atRiskShare: key === 'true' ? 1 : 0, meanGpa: 2, meanEngagement: 50, meanCompletion: 0.5, meanAid: 1, meanInterventions: interventions });
  const figures = { summary: { table: 't', description: 'd', records: 20, numeric: [], categories: [], correlations: [] }, byRisk: [group('true', 3), group('false', 0.25)], byMajor: [], byStanding: [], byAdvisor: [] };
  t.match(writeOfflineReport(FOCUS_AREAS[0]!, figures, { warehouse: 'w.db', at }).markdown, '- At-risk students have had 3.0 interventions each so far, the others 0.3: raise');
});
