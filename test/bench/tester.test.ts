import t from 'tap';
import { judge } from '../../bench/report.js';
import { TESTER_BENCH, testerRow } from '../../bench/tester.js';

// Arithmetic on figures handed in: no timing here.
const run = (students: number, testerMs: number, aloneMs: number) => ({ students, testerMs, aloneMs, upserts: students, operations: students + 1, problems: [] });

t.test('a large run is judged on records/s against the connector alone', async (t) => {
  const row = testerRow(run(100_000, 16_000, 7_000));
  t.equal(row.unit, 'rec/s');
  t.equal(row.value, 100_000 / 16);
  t.equal(row.baseline, 100_000 / 7);
  t.match(judge(row), { verdict: 'met', aimReached: false });
  t.match(judge(testerRow(run(100_000, 14_000, 7_000))), { verdict: 'met', aimReached: true });
  t.match(judge(testerRow(run(100_000, 27_000, 7_000))), { verdict: 'NOT MET' }, '0.26, the per-operation inspect.stack() regression, misses the floor');
  t.match(testerRow({ ...run(100_000, 16_000, 7_000), problems: ['hed-tester exited 1'] }).note, /hed-tester exited 1/);
});

t.test('a small run is mostly process start: judged on its seconds, with the ratio in the note', async (t) => {
  const row = testerRow(run(600, 1_200, 300));
  t.equal(row.unit, 's');
  t.equal(row.value, 1.2);
  t.match(row.note, /0\.25 of the connector alone's records\/s/);
  t.match(judge(row), { verdict: 'met', aimReached: true });
  t.match(judge(testerRow(run(600, TESTER_BENCH.startupSecondsFloor * 1000 + 1, 300))), { verdict: 'NOT MET' });
});
