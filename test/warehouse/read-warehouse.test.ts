import t from 'tap';
import { join } from 'node:path';
import { openDestination, readWarehouse, readWarehouseState } from '../../warehouse/index.js';
import { decodeValue, translateOpenError } from '../../warehouse/duckdb-io.js';

t.test('readWarehouse reads any table read-only, with or without the schema prefix', async (t) => {
  const dir = t.testdir();
  const d = await openDestination(dir);
  await d.commit([{ op: 'upsert', table: 'hed_records', data: { record_id: 'b', n: 2 } }, { op: 'upsert', table: 'hed_records', data: { record_id: 'a', n: 1 } }], { next_cursor: 'x' }, new Date(0));
  await d.close();
  const path = join(dir, 'warehouse.db');
  const contents = await readWarehouse(path, 'tester.hed_records');
  t.same(contents.columns.map((c) => c.name), ['_fivetran_id', 'record_id', 'n', '_fivetran_synced', '_fivetran_deleted']);
  t.same(contents.rows.map((r) => r.n).sort(), [1, 2]);
  t.same(await readWarehouseState(path), { next_cursor: 'x' });
  await t.rejects(readWarehouse(path, 'other'), { code: 'table_missing', message: /has no table tester\.other; run a sync that writes it first\./ });
  await t.rejects(readWarehouse(join(dir, 'missing.db'), 'hed_records'), /missing\.db does not exist; run a sync first/);
  await t.rejects(readWarehouseState(join(dir, 'missing.db')), /does not exist/);
});

t.test('a file that is not DuckDB (an older SQLite warehouse) says to reset', async (t) => {
  const dir = t.testdir({ 'warehouse.db': 'SQLite format 3\u0000 and then some bytes that are not DuckDB at all, padded out a little further' });
  await t.rejects(openDestination(dir), { code: 'warehouse_not_duckdb', message: /is not a DuckDB database.*reset the output directory/ });
  t.match(translateOpenError('w.db', new Error('boom')), { code: 'warehouse_open_failed', message: 'Cannot open w.db (boom). Check the path and its permissions, then run again.' });
  t.match(translateOpenError('w.db', 'Could not set lock on file'), { code: 'warehouse_locked', message: 'w.db is open in another program (DBeaver or the duckdb CLI?); close it and run again.' });
});

t.test('decodeValue gives plain JS', async (t) => {
  t.equal(decodeValue(5n, 'BIGINT'), 5);
  t.equal(decodeValue(2n ** 60n, 'BIGINT'), 2n ** 60n, 'unsafe integers stay bigint');
  t.equal(decodeValue(new Date('2024-01-02T00:00:00Z'), 'DATE'), '2024-01-02');
  t.same(decodeValue('[1]', 'JSON'), [1]);
  t.equal(decodeValue('[1]', 'VARCHAR'), '[1]');
  t.equal(decodeValue(undefined, 'VARCHAR'), null);
});
