import t from 'tap';
import { join } from 'node:path';
import { inferColumnType, openWarehouse } from '../../connector/warehouse.js';
import type { Operation } from '../../connector/connector.js';

const upsert = (data: Record<string, unknown>): Operation => ({ type: 'upsert', table: 'hed_records', data });
const AT = '2026-01-01T00:00:00.000Z';

t.test('column types are inferred from the values', async (t) => {
  t.equal(inferColumnType([1, 2]), 'INTEGER');
  t.equal(inferColumnType([1, 2.5]), 'REAL');
  t.equal(inferColumnType([true, false, null]), 'BOOLEAN');
  t.equal(inferColumnType(['a', 1]), 'TEXT');
  t.equal(inferColumnType([null, undefined]), 'TEXT');
  t.equal(inferColumnType([{ a: 1 }, [1]]), 'JSON');
});

t.test('a batch creates the table, upserts by record_id and stores the state in one go', async (t) => {
  const w = openWarehouse(join(t.testdir(), 'warehouse.db'));
  t.teardown(() => w.close());
  t.equal(w.readState(), undefined);
  const counts = w.applyBatch([upsert({ record_id: 'a', gpa: 3, ok: true, tags: ['x'] }), upsert({ record_id: 'b', gpa: 2.5, ok: false, tags: null })], { next_cursor: 'c1' }, AT);
  t.same(counts, { upserts: 2, updates: 0, deletes: 0, schemaChanges: 1 });
  t.same(w.readState(), { next_cursor: 'c1' });
  t.same(w.columns().map((c) => `${c.name} ${c.type}`), ['record_id TEXT', 'gpa REAL', 'ok BOOLEAN', 'tags JSON', '_fivetran_synced TIMESTAMP', '_fivetran_deleted BOOLEAN']);
  const again = w.applyBatch([upsert({ record_id: 'a', gpa: 4, ok: false, tags: [] })], { next_cursor: 'c2' }, AT);
  t.same(again, { upserts: 1, updates: 0, deletes: 0, schemaChanges: 0 });
  t.same(w.readRows(), [
    { record_id: 'a', gpa: 4, ok: false, tags: [], _fivetran_synced: AT, _fivetran_deleted: false },
    { record_id: 'b', gpa: 2.5, ok: false, tags: null, _fivetran_synced: AT, _fivetran_deleted: false },
  ]);
});

t.test('update changes only the given fields; delete marks _fivetran_deleted', async (t) => {
  const w = openWarehouse(join(t.testdir(), 'warehouse.db'));
  t.teardown(() => w.close());
  w.applyBatch([upsert({ record_id: 'a', n: 1, s: 'x' }), upsert({ record_id: 'b', n: 2, s: 'y' })], {}, AT);
  const later = '2026-01-02T00:00:00.000Z';
  const counts = w.applyBatch(
    [{ type: 'update', table: 'hed_records', data: { record_id: 'a', n: 10 } }, { type: 'delete', table: 'hed_records', data: { record_id: 'b' } }],
    { next_cursor: 'z' },
    later,
  );
  t.same(counts, { upserts: 0, updates: 1, deletes: 1, schemaChanges: 0 });
  t.same(w.readRows(), [
    { record_id: 'a', n: 10, s: 'x', _fivetran_synced: later, _fivetran_deleted: false },
    { record_id: 'b', n: 2, s: 'y', _fivetran_synced: later, _fivetran_deleted: true },
  ]);
});

t.test('a batch that fails half-way leaves nothing behind, new columns included', async (t) => {
  const w = openWarehouse(join(t.testdir(), 'warehouse.db'));
  t.teardown(() => w.close());
  w.applyBatch([upsert({ record_id: 'a', n: 1 })], { next_cursor: 'one' }, AT);
  t.throws(
    () => w.applyBatch([upsert({ record_id: 'b', n: 2, added: 'x' }), upsert({ n: 3 })], { next_cursor: 'two' }, AT),
    /has no record_id/,
  );
  t.same(w.readState(), { next_cursor: 'one' });
  t.same(w.readRows().map((r) => r.record_id), ['a']);
  t.notOk(w.columns().some((c) => c.name === 'added'), 'the ALTER TABLE rolled back too');
  const counts = w.applyBatch([upsert({ record_id: 'b', n: 2, added: 'x' })], { next_cursor: 'two' }, AT);
  t.equal(counts.schemaChanges, 1, 'and is applied by the next good batch');
  t.throws(() => w.applyBatch([{ type: 'upsert', table: 'other', data: { record_id: 'q' } }], {}, AT), /table "other", which schema\(\) does not declare/);
});

t.test('odd field names are quoted, not executed', async (t) => {
  const w = openWarehouse(join(t.testdir(), 'warehouse.db'));
  t.teardown(() => w.close());
  w.applyBatch([upsert({ record_id: 'a', 'x"; DROP TABLE hed_records; --': 1 })], {}, AT);
  t.same(w.readRows()[0]!['x"; DROP TABLE hed_records; --'], 1);
});
