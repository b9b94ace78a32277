import t from 'tap';
import { planCommit, rowHash } from '../../warehouse/plan.js';
import type { WarehouseOperation } from '../../warehouse/types.js';

const byId = () => ['id'];

t.test('operations on a row collapse in order into one change', async (t) => {
  const ops: WarehouseOperation[] = [
    { op: 'upsert', table: 't', data: { id: 1, a: 1, b: 1 } },
    { op: 'update', table: 't', data: { id: 1, a: 2 } },
    { op: 'update', table: 't', data: { id: 2, b: 3 } },
    { op: 'update', table: 't', data: { id: 2, c: 4 } },
    { op: 'delete', table: 't', data: { id: 2 } },
    { op: 'delete', table: 't', data: { id: 3, ignored: true } },
  ];
  const plan = planCommit(ops, byId);
  t.same(plan.counts, { upserts: 1, updates: 3, deletes: 2, truncates: 0, schemaChanges: 0 });
  t.equal(plan.steps.length, 1);
  const step = plan.steps[0]!;
  if (step.kind !== 'write') throw new Error('expected a write step');
  t.same([...step.rows.values()], [
    { replace: true, data: { id: 1, a: 2, b: 1 }, deleted: false },
    { replace: false, data: { id: 2, b: 3, c: 4 }, deleted: true },
    { replace: false, data: { id: 3 }, deleted: true },
  ]);
  t.same(ops[0], { op: 'upsert', table: 't', data: { id: 1, a: 1, b: 1 } }, 'the caller\'s operations are not modified');
});

t.test('a truncate splits the table\'s writes; other tables are unaffected', async (t) => {
  const plan = planCommit(
    [
      { op: 'upsert', table: 't', data: { id: 1 } },
      { op: 'upsert', table: 'u', data: { id: 1 } },
      { op: 'truncate', table: 't' },
      { op: 'upsert', table: 't', data: { id: 2 } },
    ],
    byId,
  );
  t.same(plan.steps.map((step) => `${step.kind} ${step.table}${step.kind === 'write' ? ` ${[...step.rows.keys()].join()}` : ''}`), ['write t ["1"]', 'truncate t', 'write u ["1"]', 'write t ["2"]']);
  t.equal(plan.counts.truncates, 1);
});

t.test('tables without a primary key are keyed by _fivetran_id', async (t) => {
  const plan = planCommit([{ op: 'upsert', table: 'e', data: { b: 2, a: 'x' } }, { op: 'upsert', table: 'e', data: { a: 'x', b: 2 } }], () => undefined);
  const step = plan.steps[0]!;
  if (step.kind !== 'write') throw new Error('expected a write step');
  t.equal(step.rows.size, 1);
  t.same([...step.rows.values()][0]!.data, { b: 2, a: 'x', _fivetran_id: rowHash({ a: 'x', b: 2 }) });
  t.not(rowHash({ a: 'x', b: 2 }), rowHash({ a: 'x', b: 3 }));
  t.equal(rowHash({ a: 'x', n: null }), rowHash({ a: 'x' }), 'nulls do not change the id');
  t.equal(rowHash({ d: { kind: 'typed', type: 'DATE', value: '2024-01-01' } }), rowHash({ d: '2024-01-01' }));
  t.same(planCommit([{ op: 'upsert', table: 'e', data: { a: 1 } }], () => []).steps.length, 1, 'an empty key list means no key too');
});

t.test('a row without its primary key is refused with a sentence', async (t) => {
  t.throws(() => planCommit([{ op: 'update', table: 't', data: { a: 1 } }], byId), /An update to table "t" has no value for its primary key column "id"/);
  t.throws(() => planCommit([{ op: 'delete', table: 't', data: { id: null } }], byId), /An delete|A delete|no value for its primary key/);
});
