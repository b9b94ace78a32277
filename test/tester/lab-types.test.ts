import t from 'tap';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runTesterDebug } from '../../tester/debug.js';
import { needsPython, sdk2Python, sdkPython } from '../helpers/python.js';
import { captureOutput, projectFrom } from './helpers.js';

/** Column types and values as text, as the duckdb CLI shows them. */
async function duckdbShows(dir: string): Promise<{ types: Record<string, string>; rows: Record<string, string>[] }> {
  const instance = await DuckDBInstance.create(join(dir, 'files', 'warehouse.db'), { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    const columns = ['financial_aid_amount', 'last_updated', 'enrollment_date', 'declared_double'];
    const types = await connection.runAndReadAll(`SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'hed_records'`);
    const rows = await connection.runAndReadAll(`SELECT ${columns.map((c) => `CAST(${c} AS VARCHAR) AS ${c}`).join(', ')} FROM tester.hed_records ORDER BY record_id`);
    const result = {
      types: Object.fromEntries(types.getRowObjectsJS().filter((row) => columns.includes(String(row.column_name))).map((row) => [String(row.column_name), String(row.data_type)])),
      rows: rows.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)]))),
    };
    connection.closeSync();
    return result;
  } finally {
    instance.closeSync();
  }
}

const sdks: [string, string | false][] = [
  ['SDK 1.7.0 (protocol v1, a Python float sent as float32)', sdkPython()],
  ['SDK 2.x (protocol v2)', sdk2Python()],
];
for (const [name, python] of sdks) {
  t.test(`${name}: financial_aid_amount reads back as 10553.27, last_updated is a TIMESTAMP, as in the Fivetran tester`, { skip: python === false ? needsPython().skip || 'no Python with the 2.x SDK; run node scripts/python-env.mjs' : false }, async (t) => {
    const project = projectFrom('lab-types');
    t.teardown(() => rmSync(project, { recursive: true, force: true }));
    const result = await runTesterDebug({ projectDir: project, python: python as string, out: captureOutput() });
    t.ok(result.ok, result.reason ?? 'ok');
    const shown = await duckdbShows(project);
    t.same(shown.types, { financial_aid_amount: 'FLOAT', last_updated: 'TIMESTAMP', enrollment_date: 'VARCHAR', declared_double: 'DOUBLE' });
    t.same(
      shown.rows.map((row) => row.financial_aid_amount),
      ['5000.0', '10553.27', '1997.12'],
    );
    t.same(
      shown.rows.map((row) => row.declared_double),
      ['10553.27', '1997.12', '7.0'],
      'a declared DOUBLE holds the decimal the connector wrote',
    );
    t.same(
      shown.rows.map((row) => row.last_updated),
      ['2025-07-31 23:57:37', '2025-08-01 00:00:01', '2025-08-02 10:00:00'],
    );
  });
}
