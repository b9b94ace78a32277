import t from 'tap';
import { createGroupCommitter } from '../../tester/group-commit.js';
import type { CommitCounts, WarehouseOperation } from '../../warehouse/types.js';

const op = (id: number): WarehouseOperation => ({ op: 'upsert', table: 't', data: { id } });
const counted = (n: number): CommitCounts => ({ upserts: n, updates: 0, deletes: 0, truncates: 0, schemaChanges: 0 });

t.test('checkpoints that arrive during a commit go together in the next one, in order, with the last state', async (t) => {
  const commits: { ids: unknown[]; state: unknown }[] = [];
  const committed: unknown[][] = [];
  let release: () => void = () => undefined;
  const committer = createGroupCommitter({
    async commit(operations, state) {
      commits.push({ ids: operations.map((o) => (o.op === 'truncate' ? null : o.data.id)), state });
      if (commits.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return counted(operations.length);
    },
    committed: (states) => void committed.push([...states]),
  });
  committer.checkpoint([op(1)], { c: 1 });
  committer.checkpoint([op(2), op(3)], { c: 2 });
  committer.checkpoint([op(4)], { c: 3 });
  t.equal(committer.queued(), 3, 'three operations wait while the first commit runs');
  release();
  await committer.drain();
  t.same(commits, [
    { ids: [1], state: { c: 1 } },
    { ids: [2, 3, 4], state: { c: 3 } },
  ]);
  t.same(committed, [[{ c: 1 }], [{ c: 2 }, { c: 3 }]], 'every checkpoint is reported, oldest first');
  t.equal(committer.failure(), undefined);
  await committer.idle();
});

t.test('a failed commit stops the queue and drain rejects with it', async (t) => {
  let calls = 0;
  const committer = createGroupCommitter({
    async commit() {
      calls++;
      throw new Error('disk full');
    },
    committed: () => undefined,
  });
  committer.checkpoint([op(1)], { c: 1 });
  await t.rejects(committer.drain(), /disk full/);
  committer.checkpoint([op(2)], { c: 2 });
  await committer.idle();
  t.equal(calls, 1, 'nothing is committed after a failure');
  t.match(committer.failure(), /disk full/);
});
