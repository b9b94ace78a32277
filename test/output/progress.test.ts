import t from 'tap';
import { addCommitCounts, createProgress, formatSyncProgress } from '../../output/progress.js';
import { captureOutput } from '../connector/helpers.js';

const NOW = Date.parse('2026-05-05T10:00:00Z');

t.test('on a terminal the status is one line redrawn in place under the log lines', async (t) => {
  const output = captureOutput(true);
  const progress = createProgress(output.out, () => NOW);
  progress.status('page 1 requested');
  progress.status('page 1 received');
  progress.log('INFO', 'Checkpoint: {}');
  progress.done();
  progress.raw('SYNC PROGRESS:');
  t.equal(
    output.text(),
    '\u27f3 page 1 requested' +
      '\r\x1b[2K\u27f3 page 1 received' +
      '\r\x1b[2K2026-05-05T10:00:00.000Z INFO Checkpoint: {}\n\u27f3 page 1 received' +
      '\r\x1b[2K' +
      'SYNC PROGRESS:\n',
  );
});

t.test('off a terminal every status is a plain, greppable line', async (t) => {
  const output = captureOutput(false);
  const progress = createProgress(output.out, () => NOW);
  progress.status('page 1 received');
  progress.log('WARNING', 'Retrying page 2');
  progress.done();
  t.equal(output.text(), '2026-05-05T10:00:00.000Z INFO Progress: page 1 received\n2026-05-05T10:00:00.000Z WARNING Retrying page 2\n');
});

t.test('the SYNC PROGRESS table has the tester layout', async (t) => {
  t.equal(
    formatSyncProgress({ upserts: 600, updates: 1, deletes: 2, truncates: 0, schemaChanges: 1, checkpoints: 7 }),
    [
      'SYNC PROGRESS:',
      'Operation       | Calls',
      '----------------+------------',
      'Upserts         | 600',
      'Updates         | 1',
      'Deletes         | 2',
      'Truncates       | 0',
      'SchemaChanges   | 1',
      'Checkpoints     | 7',
    ].join('\n'),
  );
});

t.test('addCommitCounts adds a commit to the run counters and leaves checkpoints to the runner', async (t) => {
  const counts = { upserts: 1, updates: 2, deletes: 3, truncates: 4, schemaChanges: 5, checkpoints: 6 };
  addCommitCounts(counts, { upserts: 10, updates: 20, deletes: 30, truncates: 40, schemaChanges: 50 });
  t.same(counts, { upserts: 11, updates: 22, deletes: 33, truncates: 44, schemaChanges: 55, checkpoints: 6 });
});
