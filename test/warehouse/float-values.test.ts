import t from 'tap';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDestination, type WarehouseOperation } from '../../warehouse/index.js';

const AT = new Date('2026-12-04T10:00:00.000Z');
const upsert = (data: Record<string, unknown>): WarehouseOperation => ({ op: 'upsert', table: 'hed_records', data: data as never });
const float32 = (value: number) => ({ kind: 'typed', type: 'FLOAT', value: Math.fround(value) });
const double = (value: number) => ({ kind: 'typed', type: 'DOUBLE', value });
const long = (value: number) => ({ kind: 'typed', type: 'BIGINT', value });

/** What the duckdb CLI (or DBeaver) shows: the column type and each value as text, read by a fresh DuckDB. */
async function asDuckDbShows(dir: string, column: string): Promise<{ type: string; values: string[] }> {
  const instance = await DuckDBInstance.create(join(dir, 'warehouse.db'), { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    const type = await connection.runAndReadAll(`SELECT data_type FROM duckdb_columns() WHERE table_name = 'hed_records' AND column_name = '${column}'`);
    const rows = await connection.runAndReadAll(`SELECT CAST("${column}" AS VARCHAR) AS v FROM tester.hed_records ORDER BY record_id`);
    const result = { type: String(type.getRowObjectsJS()[0]?.data_type), values: rows.getRowObjectsJS().map((row) => String(row.v)) };
    connection.closeSync();
    return result;
  } finally {
    instance.closeSync();
  }
}

async function sync(dir: string, batches: WarehouseOperation[][]): Promise<Record<string, unknown>[]> {
  const destination = await openDestination(dir, { typeText: true });
  try {
    await destination.declare([{ table: 'hed_records', primaryKey: ['record_id'] }]);
    for (const [index, batch] of batches.entries()) await destination.commit(batch, { page: index }, AT);
    return await destination.readRows('hed_records');
  } finally {
    await destination.close();
  }
}

t.test('financial_aid_amount reads back as 10553.27 when the SDK sends float32 and some values are whole (FLOAT, as the Fivetran tester types it)', async (t) => {
  const dir = t.testdir();
  const rows = await sync(dir, [[upsert({ record_id: 'a', financial_aid_amount: float32(10553.27) }), upsert({ record_id: 'b', financial_aid_amount: long(5000) }), upsert({ record_id: 'c', financial_aid_amount: float32(1997.12) })]]);
  t.same(await asDuckDbShows(dir, 'financial_aid_amount'), { type: 'FLOAT', values: ['10553.27', '5000.0', '1997.12'] });
  t.same(rows.map((row) => row.financial_aid_amount), [10553.27, 5000, 1997.12], 'readRows gives what was written');
});

t.test('whole values first, float32 values in a later commit: the column widens to FLOAT, not DOUBLE', async (t) => {
  const dir = t.testdir();
  await sync(dir, [[upsert({ record_id: 'b', financial_aid_amount: long(5000) })], [upsert({ record_id: 'a', financial_aid_amount: float32(10553.27) })]]);
  t.same(await asDuckDbShows(dir, 'financial_aid_amount'), { type: 'FLOAT', values: ['10553.27', '5000.0'] });
});

t.test('financial_aid_amount reads back as 10553.27 when the SDK sends a double', async (t) => {
  const dir = t.testdir();
  await sync(dir, [[upsert({ record_id: 'a', financial_aid_amount: double(10553.27) }), upsert({ record_id: 'b', financial_aid_amount: long(5000) })]]);
  t.same(await asDuckDbShows(dir, 'financial_aid_amount'), { type: 'DOUBLE', values: ['10553.27', '5000.0'] });
});

t.test('a float32 written into a DOUBLE column (declared, or made by an older kit) stores its decimal, not its binary expansion', async (t) => {
  const dir = t.testdir();
  await sync(dir, [[upsert({ record_id: 'a', financial_aid_amount: double(0.1) })], [upsert({ record_id: 'b', financial_aid_amount: float32(10553.27) })]]);
  t.same(await asDuckDbShows(dir, 'financial_aid_amount'), { type: 'DOUBLE', values: ['0.1', '10553.27'] });
});

t.test('undeclared text: last_updated becomes TIMESTAMP, a column whose text is not all timestamps stays VARCHAR as written', async (t) => {
  const dir = t.testdir();
  const text = (value: string) => ({ kind: 'typed', type: 'VARCHAR', value });
  await sync(dir, [
    [upsert({ record_id: 'a', last_updated: text('2025-07-31 23:57:37'), grade: text('A'), enrollment_date: text('2024-08-11 0:00:00'), year: text('2024') })],
    [upsert({ record_id: 'b', last_updated: text('2025-08-01 00:00:01'), grade: text('F'), enrollment_date: text('2024-08-12 0:00:00'), year: text('2025') })],
    [upsert({ record_id: 'c', last_updated: text('2025-08-02 10:00:00'), grade: text('t'), year: text('n/a') })],
  ]);
  t.same(await asDuckDbShows(dir, 'last_updated'), { type: 'TIMESTAMP', values: ['2025-07-31 23:57:37', '2025-08-01 00:00:01', '2025-08-02 10:00:00'] });
  t.same(await asDuckDbShows(dir, 'grade'), { type: 'VARCHAR', values: ['A', 'F', 't'] }, '"F" is text beside "A", never "false"');
  t.same((await asDuckDbShows(dir, 'enrollment_date')).type, 'VARCHAR', 'an hour without its zero is text, as in the Fivetran tester');
  t.same(await asDuckDbShows(dir, 'year'), { type: 'VARCHAR', values: ['2024', '2025', 'n/a'] }, 'widened to text, the numbers read as written');
});
