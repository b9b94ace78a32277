import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDestination, readWarehouse, WarehouseError, type Destination, type WarehouseOperation } from '../../warehouse/index.js';

const T1 = new Date('2026-11-25T10:00:00.000Z');
const T2 = new Date('2026-11-25T11:00:00.000Z');
const upsert = (data: Record<string, unknown>, table = 'hed_records'): WarehouseOperation => ({ op: 'upsert', table, data: data as never });

async function open(t: { testdir(): string; teardown(fn: () => unknown): void }, dir = t.testdir()): Promise<Destination> {
  const destination = await openDestination(dir);
  t.teardown(() => destination.close());
  return destination;
}

t.test('every value kind gets its column type, TypedValue included', async (t) => {
  const d = await open(t);
  await d.declare([{ table: 'hed_records', primaryKey: ['record_id'] }]);
  const counts = await d.commit(
    [
      upsert({
        record_id: 'a',
        int: 3,
        big: 12n,
        float: 2.5,
        flag: true,
        text: 'x',
        obj: { k: [1, 'two'] },
        list: [1, 2],
        nothing: null,
        day: { kind: 'typed', type: 'DATE', value: '2024-08-11' },
        at: { kind: 'typed', type: 'TIMESTAMP', value: '2024-08-11T01:02:03' },
        instant: { kind: 'typed', type: 'TIMESTAMPTZ', value: '2024-08-11T01:02:03Z' },
        money: { kind: 'typed', type: 'DECIMAL', value: '12.50', precision: 10, scale: 2 },
        small: { kind: 'typed', type: 'INTEGER', value: 7 },
        real: { kind: 'typed', type: 'FLOAT', value: 0.5 },
        bytes: { kind: 'typed', type: 'BLOB', value: new Uint8Array([1, 2]) },
        doc: { kind: 'typed', type: 'JSON', value: '{"a":1}' },
        xml: { kind: 'typed', type: 'XML', value: '<a/>' },
        yes: { kind: 'typed', type: 'BOOLEAN', value: false },
      }),
    ],
    { next_cursor: 'c1' },
    T1,
  );
  t.same(counts, { upserts: 1, updates: 0, deletes: 0, truncates: 0, schemaChanges: 0 }, 'the table was created by declare(), so the first commit adds no change');
  t.same(
    (await d.columns('hed_records')).map((c) => `${c.name} ${c.type}`),
    [
      'record_id VARCHAR', 'int BIGINT', 'big BIGINT', 'float DOUBLE', 'flag BOOLEAN', 'text VARCHAR', 'obj JSON', 'list JSON', 'nothing VARCHAR',
      'day DATE', 'at TIMESTAMP', 'instant TIMESTAMP WITH TIME ZONE', 'money DECIMAL(10,2)', 'small INTEGER', 'real FLOAT', 'bytes BLOB', 'doc JSON',
      'xml VARCHAR', 'yes BOOLEAN', '_fivetran_synced TIMESTAMP', '_fivetran_deleted BOOLEAN',
    ],
  );
  const [row] = await d.readRows('hed_records');
  t.match(row, {
    record_id: 'a', int: 3, big: 12, float: 2.5, flag: true, text: 'x', obj: { k: [1, 'two'] }, list: [1, 2], nothing: null,
    day: '2024-08-11', at: '2024-08-11T01:02:03.000Z', instant: '2024-08-11T01:02:03.000Z', money: 12.5, small: 7, real: 0.5,
    doc: { a: 1 }, xml: '<a/>', yes: false, _fivetran_synced: T1.toISOString(), _fivetran_deleted: false,
  });
  t.same([...(row!.bytes as Uint8Array)], [1, 2]);
});

t.test('upsert replaces the whole row, update changes only its columns, delete and truncate soft-delete', async (t) => {
  const d = await open(t);
  await d.declare([{ table: 'hed_records', primaryKey: ['record_id'] }]);
  await d.commit([upsert({ record_id: 'a', n: 1, s: 'x' }), upsert({ record_id: 'b', n: 2, s: 'y' }), upsert({ record_id: 'c', n: 3, s: 'z' })], {}, T1);
  const counts = await d.commit(
    [
      upsert({ record_id: 'a', n: 10 }),
      { op: 'update', table: 'hed_records', data: { record_id: 'b', s: 'yy' } },
      { op: 'delete', table: 'hed_records', data: { record_id: 'c' } },
    ],
    {},
    T2,
  );
  t.same(counts, { upserts: 1, updates: 1, deletes: 1, truncates: 0, schemaChanges: 0 });
  const rows = await d.readRows('hed_records');
  t.same(rows.map((r) => [r.record_id, r.n, r.s, r._fivetran_deleted, r._fivetran_synced]), [
    ['a', 10, null, false, T2.toISOString()],
    ['b', 2, 'yy', false, T2.toISOString()],
    ['c', 3, 'z', true, T2.toISOString()],
  ]);
  const truncated = await d.commit([{ op: 'truncate', table: 'hed_records' }, upsert({ record_id: 'd', n: 4 })], {}, T2);
  t.equal(truncated.truncates, 1);
  const after = await d.readRows('hed_records');
  t.same(after.map((r) => [r.record_id, r._fivetran_deleted]), [['a', true], ['b', true], ['c', true], ['d', false]], 'rows written after the truncate stay live');
});

t.test('operations on one row within a commit apply in order', async (t) => {
  const d = await open(t);
  await d.declare([{ table: 'hed_records', primaryKey: ['record_id'] }]);
  await d.commit(
    [
      upsert({ record_id: 'a', n: 1, s: 'x' }),
      { op: 'update', table: 'hed_records', data: { record_id: 'a', n: 2 } },
      upsert({ record_id: 'b', n: 1 }),
      { op: 'delete', table: 'hed_records', data: { record_id: 'b' } },
      { op: 'update', table: 'hed_records', data: { record_id: 'missing', n: 9 } },
    ],
    {},
    T1,
  );
  t.same((await d.readRows('hed_records')).map((r) => [r.record_id, r.n, r.s, r._fivetran_deleted]), [
    ['a', 2, 'x', false],
    ['b', 1, null, true],
  ], 'an update of a row that does not exist writes nothing');
  await d.commit([upsert({ record_id: 'b', n: 5 })], {}, T2);
  t.same((await d.readRows('hed_records')).find((r) => r.record_id === 'b')?._fivetran_deleted, false, 'an upsert brings a deleted row back');
});

t.test('new fields add columns; a value that does not fit widens the column', async (t) => {
  const d = await open(t);
  await d.commit([upsert({ record_id: 'a', n: 1, flag: true, empty: null, doc: { a: 1 } })], {}, T1);
  const counts = await d.commit([upsert({ record_id: 'b', n: 2.5, flag: 'maybe', empty: 4, doc: 'plain', extra: 1 })], {}, T2);
  t.equal(counts.schemaChanges, 4, 'n widened, flag widened, doc widened, extra added');
  t.same((await d.columns('hed_records')).map((c) => `${c.name} ${c.type}`), [
    '_fivetran_id VARCHAR', 'record_id VARCHAR', 'n DOUBLE', 'flag VARCHAR', 'empty VARCHAR', 'doc VARCHAR', '_fivetran_synced TIMESTAMP', '_fivetran_deleted BOOLEAN', 'extra BIGINT',
  ]);
  const rows = await d.readRows('hed_records');
  t.same(rows.map((r) => [r.record_id, r.n, r.flag, r.empty, r.doc]).sort(), [
    ['a', 1, 'true', null, '{"a":1}'],
    ['b', 2.5, 'maybe', '4', 'plain'],
  ]);
});

t.test('a declared primary key is the table key; without one _fivetran_id is a stable hash of the values', async (t) => {
  const d = await open(t);
  await d.declare([{ table: 'people', primaryKey: ['country', 'id'] }, { table: 'events' }]);
  await d.commit([upsert({ country: 'NL', id: 1, name: 'a' }, 'people'), upsert({ country: 'NL', id: 1, name: 'b' }, 'people'), upsert({ country: 'BE', id: 1, name: 'c' }, 'people')], {}, T1);
  t.same((await d.readRows('people')).map((r) => [r.country, r.id, r.name]), [['BE', 1, 'c'], ['NL', 1, 'b']]);
  await d.commit([upsert({ what: 'x', n: 1 }, 'events'), upsert({ n: 1, what: 'x' }, 'events'), upsert({ what: 'y', n: 1 }, 'events')], {}, T1);
  const events = await d.readRows('events');
  t.equal(events.length, 2, 'the same values are the same row');
  t.match(events[0], { _fivetran_id: /^[0-9a-f]{32}$/ });
  const { primaryKey } = await readWarehouse(d.path, 'tester.events');
  t.same(primaryKey, ['_fivetran_id']);
  t.same((await readWarehouse(d.path, 'people')).primaryKey, ['country', 'id']);
  await t.rejects(d.commit([upsert({ country: 'NL', name: 'no id' }, 'people')], {}, T1), /no value for its primary key column "id"/);
});

t.test('after a first sync that wrote no row, the table takes its types from the next good sync', async (t) => {
  const dir = t.testdir();
  const failed = await openDestination(dir);
  await failed.declare([{ table: 'people', primaryKey: ['id'] }]);
  await failed.close(); // the sync failed before its first checkpoint
  const next = await open(t, dir);
  await next.declare([{ table: 'people', primaryKey: ['id'] }]);
  await next.commit([upsert({ id: 7, score: 1.5 }, 'people')], { next_cursor: 'c1' }, T1);
  const types = Object.fromEntries((await next.columns('people')).map((c) => [c.name, c.type]));
  t.equal(types.id, 'BIGINT', 'the primary key from the values, not the VARCHAR of the failed sync');
  t.equal(types.score, 'DOUBLE');
  await next.declare([{ table: 'people', primaryKey: ['id'] }]);
  await next.commit([upsert({ id: 8, score: 2 }, 'people')], { next_cursor: 'c2' }, T2);
  t.same((await next.readRows('people')).map((r) => r.id), [7, 8], 'a table holding rows keeps them and its types');
});

t.test('a failing commit leaves nothing: rows, new columns and state roll back together', async (t) => {
  const dir = t.testdir();
  const d = await open(t, dir);
  await d.declare([{ table: 'people', primaryKey: ['id'] }]);
  await d.commit([upsert({ id: 1, name: 'a' }, 'people')], { next_cursor: 'c1' }, T1);
  const error = await d.commit([upsert({ id: 2, name: 'b', extra: true }, 'people'), upsert({ id: 'three' }, 'people')], { next_cursor: 'c2' }, T2).catch((e: unknown) => e);
  t.type(error, WarehouseError);
  t.match((error as WarehouseError).message, /Nothing of this commit was written .*rolled back.*primary key of tester\.people/);
  t.same((await d.readRows('people')).map((r) => [r.id, r.name]), [[1, 'a']]);
  t.notOk((await d.columns('people')).some((c) => c.name === 'extra'), 'the added column is gone too');
  t.same((await d.startState()).state, { next_cursor: 'c1' });
  t.same(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')), { next_cursor: 'c1' });
  t.same(await d.commit([upsert({ id: 3, extra: true }, 'people')], { next_cursor: 'c3' }, T2), { upserts: 1, updates: 0, deletes: 0, truncates: 0, schemaChanges: 1 }, 'the destination is usable after a rollback');
});

t.test('state: committed with the rows, mirrored to state.json, db wins over a disagreeing file', async (t) => {
  const dir = t.testdir();
  let d = await openDestination(dir);
  t.same(await d.startState(), { state: {} });
  await d.commit([upsert({ record_id: 'a' })], { next_cursor: 'c1', nested: { n: 1 } }, T1);
  t.same(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')), { next_cursor: 'c1', nested: { n: 1 } });
  await d.close();
  writeFileSync(join(dir, 'state.json'), '{"next_cursor":"hand-edited"}');
  d = await openDestination(dir);
  const start = await d.startState();
  t.same(start.state, { next_cursor: 'c1', nested: { n: 1 } });
  t.match(start.warning, /disagrees with warehouse\.db/);
  t.same(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')), start.state, 'the mirror is repaired');
  writeFileSync(join(dir, 'state.json'), 'not json');
  t.match((await d.startState()).warning, /is not a valid state.*using the state saved in warehouse\.db/);
  await d.close();
});

t.test('state: a hand-written state.json starts a new warehouse; a broken one says to reset', async (t) => {
  const dir = t.testdir({ good: { 'state.json': '{"next_cursor":"from-file"}' }, broken: { 'state.json': '[1,2]' } });
  const d = await open(t, join(dir, 'good'));
  t.same(await d.startState(), { state: { next_cursor: 'from-file' } });
  const e = await open(t, join(dir, 'broken'));
  await t.rejects(e.startState(), /is not a valid state \(expected a JSON object.*reset/);
});

t.test('close checkpoints: no .wal is left and the lab query reads the file', async (t) => {
  const dir = t.testdir();
  const d = await openDestination(dir);
  await d.declare([{ table: 'hed_records', primaryKey: ['record_id'] }]);
  const records = Array.from({ length: 7 }, (_, i) => upsert({ record_id: `r${6 - i}`, gpa: i / 2 }));
  await d.commit(records, { next_cursor: 'c' }, T1);
  t.same(await d.tables(), ['hed_records'], 'the state table is not in schema tester');
  await d.close();
  await d.close();
  t.notOk(existsSync(join(dir, 'warehouse.db.wal')));
  const header = readFileSync(join(dir, 'warehouse.db')).subarray(0, 20);
  t.equal(header.subarray(8, 12).toString('latin1'), 'DUCK');
  t.equal(header.readBigUInt64LE(12), 64n, 'storage version 64: the format of DuckDB 0.10 to 1.1, which every 1.x reader opens');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(join(dir, 'warehouse.db'), { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll('SELECT * FROM tester.hed_records ORDER BY record_id LIMIT 5');
  t.same(reader.getRowObjectsJS().map((r) => r.record_id), ['r0', 'r1', 'r2', 'r3', 'r4']);
  connection.closeSync();
  instance.closeSync();
});

t.test('the same file cannot be opened twice in one process; a closed destination refuses writes', async (t) => {
  const dir = t.testdir();
  const d = await openDestination(dir);
  await t.rejects(openDestination(dir), { code: 'already_open' });
  await d.close();
  await t.rejects(d.commit([], {}, T1), /is closed/);
  const again = await openDestination(dir);
  await again.close();
});

t.test('reading a table that does not exist says so', async (t) => {
  const d = await open(t);
  await t.rejects(d.readRows('nope'), /has no table tester\.nope/);
  await t.rejects(d.columns('nope'), { code: 'table_missing' });
});

t.test('replacing rows by key works for integer, composite and quoted keys, also after a truncate in the same commit', async (t) => {
  const d = await open(t);
  await d.declare([{ table: 'n', primaryKey: ['id'] }, { table: 'pair', primaryKey: ['a', 'b'] }]);
  await d.commit([upsert({ id: 1, v: 'x' }, 'n'), upsert({ id: 2, v: 'y' }, 'n'), upsert({ a: "o'neil", b: 1, v: 1 }, 'pair')], {}, T1);
  await d.commit(
    [
      { op: 'truncate', table: 'n' },
      upsert({ id: 1, v: 'again' }, 'n'),
      upsert({ a: "o'neil", b: 1, v: 2 }, 'pair'),
      { op: 'update', table: 'pair', data: { a: "o'neil", b: 1, w: true } },
    ],
    {},
    T2,
  );
  t.same((await d.readRows('n')).map((r) => [r.id, r.v, r._fivetran_deleted]), [[1, 'again', false], [2, 'y', true]]);
  t.same((await d.readRows('pair')).map((r) => [r.a, r.b, r.v, r.w]), [["o'neil", 1, 2, true]]);
  await d.commit([{ op: 'update', table: 'pair', data: { a: "o'neil", b: 1, v: 3 } }, { op: 'delete', table: 'n', data: { id: 1 } }], {}, T2);
  t.same((await d.readRows('pair')).map((r) => [r.v, r.w]), [[3, true]], 'a composite-key update finds its row');
  t.same((await d.readRows('n')).map((r) => r._fivetran_deleted), [true, true]);
});

t.test('a commit larger than one key list is written in chunks', async (t) => {
  const d = await open(t);
  await d.declare([{ table: 'big', primaryKey: ['id'] }]);
  const ops = (v: number) => Array.from({ length: 2500 }, (_, i) => upsert({ id: `k${i}`, v }, 'big'));
  await d.commit(ops(1), {}, T1);
  await d.commit([...ops(2), ...Array.from({ length: 2500 }, (_, i): WarehouseOperation => ({ op: 'update', table: 'big', data: { id: `k${i}`, w: i } }))], {}, T2);
  const rows = await d.readRows('big');
  t.equal(rows.length, 2500);
  t.ok(rows.every((r) => r.v === 2 && r.w === Number(String(r.id).slice(1))));
});

t.test('the file is reopened every reopenEveryRows operations without losing anything', async (t) => {
  const dir = t.testdir();
  const d = await openDestination(dir, { reopenEveryRows: 3, threads: 1, memoryLimit: '256MB' });
  t.teardown(() => d.close());
  await d.declare([{ table: 'hed_records', primaryKey: ['record_id'] }]);
  for (let page = 0; page < 4; page++) {
    await d.commit([upsert({ record_id: `a${page}`, n: page }), upsert({ record_id: `b${page}`, n: page })], { next_cursor: `c${page}` }, T1);
  }
  await d.commit([{ op: 'update', table: 'hed_records', data: { record_id: 'a0', n: 10 } }, upsert({ record_id: 'new', extra: true })], { next_cursor: 'c4' }, T2);
  const rows = await d.readRows('hed_records');
  t.equal(rows.length, 9);
  t.equal(rows.find((r) => r.record_id === 'a0')?.n, 10);
  t.same((await d.startState()).state, { next_cursor: 'c4' });
  t.ok((await d.columns('hed_records')).some((c) => c.name === 'extra'));
});
