import t from 'tap';
import { allFloorsMet, formatTable, fullSyncRssLimit, judge, type BenchRow } from '../../bench/report.js';

// The bench's verdicts are plain arithmetic on figures handed in: no timing here.
const ratioRow = (value: number | undefined, baseline: number): BenchRow => ({
  part: '1', figure: 'pages', ...(value === undefined ? {} : { value }), baseline, unit: 'req/s',
  judgement: { kind: 'ratio-at-least', floor: 0.5, aim: 0.8 },
});

t.test('a ratio row meets its floor at half the baseline and reaches its aim at 0.8', async (t) => {
  t.match(judge(ratioRow(4_999, 10_000)), { verdict: 'NOT MET', aimReached: false });
  t.match(judge(ratioRow(5_000, 10_000)), { verdict: 'met', aimReached: false, ratio: 0.5 });
  t.match(judge(ratioRow(8_000, 10_000)), { verdict: 'met', aimReached: true });
});

t.test('an upper bound is met at or under the floor; a missing figure never meets one', async (t) => {
  const row = (value?: number): BenchRow => ({ part: '3', figure: 'start', ...(value === undefined ? {} : { value }), unit: 's', judgement: { kind: 'at-most', floor: 30, aim: 5 } });
  t.match(judge(row(30)), { verdict: 'met', aimReached: false });
  t.match(judge(row(4.9)), { verdict: 'met', aimReached: true });
  t.match(judge(row(30.1)), { verdict: 'NOT MET' });
  t.match(judge(row()), { verdict: 'NOT MET' });
  t.match(judge(ratioRow(undefined, 1)), { verdict: 'NOT MET' }, 'connector not available is not a pass');
});

t.test('the table shows value, baseline, ratio and verdict, and notes; allFloorsMet follows the rows', async (t) => {
  const info: BenchRow = { part: '3', figure: 'server RSS', value: 808, unit: 'MB', judgement: { kind: 'info' }, note: 'for context' };
  const good = [ratioRow(9_000, 10_000), info];
  const text = formatTable(good);
  t.match(text, /pages\s+\|\s+9,000 req\/s\s+\|\s+10,000 req\/s\s+\|\s+0\.90\s+\|\s+>= 0\.5 \/ 0\.8\s+\|\s+met \(aim reached\)/);
  t.match(text, /part 3, server RSS: for context/);
  t.equal(allFloorsMet(good), true);
  t.equal(allFloorsMet([...good, ratioRow(1, 10)]), false);
});

t.test('the full sync may grow by the growth ratio plus the primary key index, never by a shrinking index', async (t) => {
  t.equal(fullSyncRssLimit({ baseMb: 200, indexGrowthMb: 80, growthRatio: 1.25, capMb: 250 }), 330);
  t.equal(fullSyncRssLimit({ baseMb: 200, indexGrowthMb: -5, growthRatio: 1.25, capMb: 250 }), 250);
  t.equal(fullSyncRssLimit({ baseMb: undefined, indexGrowthMb: 80, growthRatio: 1.25, capMb: 250 }), 330);
});
