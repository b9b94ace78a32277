import t from 'tap';
import { judge } from '../../bench/report.js';
import { LATE_CHECKPOINT_BENCH, lateCheckpointRow } from '../../bench/late-checkpoint.js';

const small = { rows: 50_000, peakMb: 200, seconds: 30, problems: [] };

t.test('part 8 judges the large run against the small run of the same bench', async (t) => {
  const flat = lateCheckpointRow(small, { rows: 300_000, peakMb: 240, seconds: 150, problems: [] });
  t.equal(flat.value, 240);
  t.equal(flat.baseline, 200);
  t.same(flat.judgement, { kind: 'at-most', floor: 200 * LATE_CHECKPOINT_BENCH.maxRatio, aim: 200 * LATE_CHECKPOINT_BENCH.aimRatio });
  t.match(judge(flat), { verdict: 'met', aimReached: true });
  t.match(judge(lateCheckpointRow(small, { rows: 300_000, peakMb: 290, seconds: 150, problems: [] })), { verdict: 'met', aimReached: false });
  // Growing with the rows held, as before the spill (247 → 656 MB), misses the floor.
  t.match(judge(lateCheckpointRow({ ...small, peakMb: 247 }, { rows: 300_000, peakMb: 656, seconds: 150, problems: [] })), { verdict: 'NOT MET' });
});

t.test('a run that did not sync everything, or whose peak is unknown, is not a measurement', async (t) => {
  const failed = lateCheckpointRow(small, { rows: 300_000, peakMb: 210, seconds: 150, problems: ['hed-tester exited 1 at 300000 rows'] });
  t.match(judge(failed), { verdict: 'NOT MET' });
  t.match(failed.note, /exited 1/);
  t.match(judge(lateCheckpointRow({ rows: 50_000, seconds: 30, problems: [] }, { rows: 300_000, peakMb: 210, seconds: 150, problems: [] })), { verdict: 'NOT MET' });
});
