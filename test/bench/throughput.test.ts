import t from 'tap';
import { cpuSeconds, median, roundOrder } from '../../bench/throughput.js';

t.test('the median: the middle value, or the mean of the middle two; one wild round does not move it', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 2, 3]), 2.5);
  t.equal(median([9_000, 8_800, 2_000, 9_100, 8_900]), 8_900, 'a round hit by a burst is outvoted');
  t.equal(median([5_000, 7_000]), 6_000, "two rounds: their mean, as part 1's figure always was");
  const values = [3, 1, 2];
  median(values);
  t.same(values, [3, 1, 2], 'the rounds are not reordered');
});

t.test('rounds alternate which server goes first (ABBA)', async (t) => {
  t.same([0, 1, 2, 3].map(roundOrder), [
    ['mock', 'ceiling'],
    ['ceiling', 'mock'],
    ['mock', 'ceiling'],
    ['ceiling', 'mock'],
  ]);
});

t.test('CPU seconds of a process come from /proc, and nothing for a process that is not there', { skip: process.platform !== 'linux' && '/proc is Linux only' }, async (t) => {
  // Spend some CPU so the count is not zero (what is checked is the reading, not a duration).
  let x = 0;
  for (let i = 0; i < 5e7; i++) x += i % 7;
  t.ok(x > 0);
  const own = cpuSeconds(process.pid);
  t.type(own, 'number');
  t.ok(own! > 0, 'this process has spent some CPU');
  t.ok(Math.abs(own! - (process.cpuUsage().user + process.cpuUsage().system) / 1e6) < 1, 'about what process.cpuUsage says');
  t.equal(cpuSeconds(undefined), undefined);
  t.equal(cpuSeconds(2 ** 22 + 12_345), undefined, 'no such process');
});
