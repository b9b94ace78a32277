// The spill of staged operations (warehouse/spill.ts): what a connector sends before its
// checkpoint waits in DIR/warehouse.spill.db, and the checkpoint applies it with its state in
// one transaction, with the same result as committing every operation at once.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDestination, type Destination, type WarehouseOperation, type WarehouseValue } from '../../warehouse/index.js';
import { SPILL_FILE } from '../../warehouse/spill.js';
import { createGroupCommitter } from '../../tester/group-commit.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WAREHOUSE = fileURLToPath(new URL('../../warehouse/index.ts', import.meta.url));
const AT = new Date('2026-12-04T10:00:00.000Z');
const up = (id: number, data: Record<string, WarehouseValue> = {}): WarehouseOperation => ({ op: 'upsert', table: 'items', data: { id, ...data } });
const update = (id: number, data: Record<string, WarehouseValue>): WarehouseOperation => ({ op: 'update', table: 'items', data: { id, ...data } });
const del = (id: number): WarehouseOperation => ({ op: 'delete', table: 'items', data: { id } });

/** Rows before the window: committed at the previous checkpoint. */
const BEFORE: WarehouseOperation[] = [up(1, { a: 'one', n: 1 }), up(2, { a: 'two', n: 2 }), up(3, { a: 'three', n: 3 }), { op: 'upsert', table: 'other', data: { k: 'x', v: 1 } }];

/** A window with every kind of ordering the fold must keep, in batches as the committer stages them. */
const WINDOW: WarehouseOperation[][] = [
  [up(4, { a: 'four', n: 4 }), update(1, { a: 'one updated' }), del(2)],
  // 2 comes back; 4 is changed by a later update, then replaced whole (n and b are NULL after); 5 is updated without existing.
  [up(2, { a: 'two again' }), update(4, { n: 40 }), update(5, { a: 'nowhere' }), up(6, { a: 'six' })],
  [up(4, { a: 'four replaced' }), del(6), { op: 'truncate', table: 'other' }, { op: 'upsert', table: 'other', data: { k: 'y', v: 2 } }],
  // A new column, a widened one (n: integer then text), an update after a delete (stays deleted), a delete then an upsert.
  [update(3, { b: true, n: 'many' }), update(6, { a: 'six, deleted' }), del(7), up(7, { a: 'seven' }), update(1, { n: null })],
];

async function rowsOf(destination: Destination, table: string): Promise<Record<string, unknown>[]> {
  return (await destination.readRows(table)).map((row) => ({ ...row }));
}

async function committedAtOnce(dir: string): Promise<Destination> {
  const destination = await openDestination(dir);
  await destination.declare([{ table: 'items', primaryKey: ['id'] }, { table: 'other', primaryKey: ['k'] }]);
  await destination.commit(BEFORE, { done: 0 }, AT);
  await destination.commit(WINDOW.flat(), { done: 1 }, AT);
  return destination;
}

t.test('staged in batches and applied at the checkpoint: the same rows, columns and counts as one commit of every operation', async (t) => {
  const root = t.testdir();
  const reference = await committedAtOnce(join(root, 'reference'));
  const dir = join(root, 'spilled');
  const destination = await openDestination(dir);
  await destination.declare([{ table: 'items', primaryKey: ['id'] }, { table: 'other', primaryKey: ['k'] }]);
  await destination.commit(BEFORE, { done: 0 }, AT);
  for (const batch of WINDOW.slice(0, -1)) await destination.stage!(batch, AT);
  t.ok(existsSync(join(dir, SPILL_FILE)), 'the staged operations wait in the spill file');
  const counts = await destination.commit(WINDOW.at(-1)!, { done: 1 }, AT);
  t.notOk(existsSync(join(dir, SPILL_FILE)), 'the spill is deleted once applied');
  t.same(await rowsOf(destination, 'items'), await rowsOf(reference, 'items'));
  t.same(await rowsOf(destination, 'other'), await rowsOf(reference, 'other'));
  t.same(await destination.columns('items'), await reference.columns('items'), 'the new column and the widened one, as one commit makes them');
  const items = await rowsOf(destination, 'items');
  t.match(items.find((row) => row.id === 4), { a: 'four replaced', n: null, _fivetran_deleted: false }, 'an upsert after an update replaces the whole row');
  t.match(items.find((row) => row.id === 6), { a: 'six, deleted', _fivetran_deleted: true }, 'an update after a delete keeps it deleted');
  t.match(items.find((row) => row.id === 1), { a: 'one updated', n: null }, 'two updates of one row in different batches both count');
  t.notOk(items.some((row) => row.id === 5), 'an update of a row that does not exist writes nothing');
  t.match(counts, { upserts: 6, updates: 6, deletes: 3, truncates: 1 });
  t.same((await destination.startState()).state, { done: 1 });
  await destination.close();
  await reference.close();
});

t.test('a commit that fails after staged operations: the previous checkpoint stays whole, and a rerun writes each row once', async (t) => {
  const dir = t.testdir();
  let destination = await openDestination(dir);
  await destination.declare([{ table: 'items', primaryKey: ['id'] }]);
  await destination.commit(BEFORE.slice(0, 3), { done: 0 }, AT);
  const before = await rowsOf(destination, 'items');
  for (const batch of WINDOW.slice(0, 2)) await destination.stage!(batch, AT);
  // A primary key value of another type cannot be stored: the checkpoint fails.
  await t.rejects(destination.commit([{ op: 'upsert', table: 'items', data: { id: 'not a number' } }], { done: 1 }, AT), { code: 'commit_failed', message: /nor the 7 operations staged before it/ });
  t.notOk(existsSync(join(dir, SPILL_FILE)), 'the failed window is dropped');
  t.same(await rowsOf(destination, 'items'), before, 'nothing of the window is visible');
  t.same((await destination.startState()).state, { done: 0 });
  // The rerun sends the window again from the last checkpoint.
  for (const batch of WINDOW.slice(0, 2)) await destination.stage!(batch, AT);
  await destination.commit([], { done: 1 }, AT);
  await destination.close();
  destination = await openDestination(dir);
  const ids = (await rowsOf(destination, 'items')).map((row) => row.id);
  t.same(ids, [1, 2, 3, 4, 6], 'every row once');
  t.same((await destination.startState()).state, { done: 1 });
  await destination.close();
});

t.test('a process killed between staging and its checkpoint: the warehouse is as the previous checkpoint left it, and the stale spill is removed', async (t) => {
  const dir = t.testdir();
  const script = join(dir, 'stage-and-die.ts');
  writeFileSync(
    script,
    `import { openDestination } from ${JSON.stringify(WAREHOUSE)};
const destination = await openDestination(${JSON.stringify(dir)});
await destination.declare([{ table: 'items', primaryKey: ['id'] }]);
await destination.commit([{ op: 'upsert', table: 'items', data: { id: 0 } }], { done: 0 }, new Date());
for (let batch = 0; batch < 3; batch++) await destination.stage(Array.from({ length: 10 }, (_, i) => ({ op: 'upsert', table: 'items', data: { id: 1 + batch * 10 + i } })), new Date());
console.log('staged');
process.kill(process.pid, 'SIGKILL');
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const signal = await new Promise((resolve) => child.on('exit', (_code, killed) => resolve(killed)));
  t.equal(signal, 'SIGKILL', out);
  t.match(out, /staged/);
  t.ok(existsSync(join(dir, SPILL_FILE)), 'the killed process left its spill behind');
  const destination = await openDestination(dir);
  t.notOk(existsSync(join(dir, SPILL_FILE)), 'opening removes it');
  t.same((await rowsOf(destination, 'items')).map((row) => row.id), [0]);
  t.same((await destination.startState()).state, { done: 0 });
  await destination.close();
});

t.test('the group committer with stageRows 10: checkpoints and the operations between them land in order, each state with its rows', async (t) => {
  const root = t.testdir();
  const reference = await openDestination(join(root, 'reference'));
  const destination = await openDestination(join(root, 'staged'));
  const states: unknown[] = [];
  for (const target of [reference, destination]) await target.declare([{ table: 'items', primaryKey: ['id'] }]);
  const committer = createGroupCommitter({
    commit: (operations, state) => destination.commit(operations, state, AT),
    stage: (operations) => destination.stage!(operations, AT),
    stageRows: 10,
    committed: (committed) => void states.push(...committed),
  });
  const all: WarehouseOperation[] = [];
  for (let checkpoint = 1; checkpoint <= 3; checkpoint++) {
    for (let i = 0; i < 25; i++) {
      const id = (checkpoint * 7 + i) % 30;
      const operation = i % 5 === 4 ? del(id) : i % 3 === 2 ? update(id, { n: checkpoint * 100 + i }) : up(id, { a: `c${checkpoint} i${i}` });
      all.push(operation);
      committer.add([operation]);
    }
    committer.checkpoint([], { checkpoint });
  }
  await committer.drain();
  await reference.commit(all, { checkpoint: 3 }, AT);
  t.same(states, [{ checkpoint: 1 }, { checkpoint: 2 }, { checkpoint: 3 }]);
  t.same(await rowsOf(destination, 'items'), await rowsOf(reference, 'items'), 'the same rows as one commit of every operation');
  t.same((await destination.startState()).state, { checkpoint: 3 });
  await destination.close();
  await reference.close();
});
