import t from 'tap';
import { DuckDBInstance } from '@duckdb/node-api';
import { columnKind, enrollmentMonthSql, filteredRowsCte, normalizedColumnSql, quoteIdent } from '../../app/sql.js';

t.test('identifiers are quoted, values are parameters', async (t) => {
  t.equal(quoteIdent('a"b'), '"a""b"');
  const cte = filteredRowsCte([{ name: 'major_code', type: 'VARCHAR' }], { majors: ["x'); DROP TABLE t; --", 'ECON'], standings: ['S'], atRisk: false });
  t.same(cte.params, ["x'); DROP TABLE t; --", 'ECON', 'S', false]);
  t.notMatch(cte.sql, /DROP/);
  t.match(cte.sql, /"major_code" IN \(\?, \?\) AND "academic_standing" IN \(\?\) AND "at_risk_flag" = \?/);
});

t.test('column kinds whatever the writer chose', async (t) => {
  t.equal(columnKind({ name: 'at_risk_flag', type: 'BIGINT' }), 'boolean');
  t.equal(columnKind({ name: 'current_gpa', type: 'VARCHAR' }), 'number');
  t.equal(columnKind({ name: 'extra', type: 'DECIMAL(10,2)' }), 'number');
  t.equal(columnKind({ name: 'flag', type: 'BOOLEAN' }), 'boolean');
  t.equal(columnKind({ name: 'student_id', type: 'VARCHAR' }), 'text');
});

t.test('normalisation in DuckDB: 0/1, text booleans, FLOAT, text numbers, dates as text or DATE, JSON', async (t) => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  t.teardown(() => {
    connection.closeSync();
    instance.closeSync();
  });
  await connection.run(`CREATE TABLE x (at_risk_flag BIGINT, b2 VARCHAR, current_gpa FLOAT, engagement_score VARCHAR, enrollment_date VARCHAR, d2 DATE, j JSON, ts TIMESTAMP)`);
  await connection.run(`INSERT INTO x VALUES (1, 'False', 3.06, '56.5', '2024-08-11 0:00:00', DATE '2024-09-02', '{"a":1}', TIMESTAMP '2025-07-31 23:57:37')`);
  const select = [
    normalizedColumnSql({ name: 'at_risk_flag', type: 'BIGINT' }),
    normalizedColumnSql({ name: 'b2', type: 'VARCHAR' }),
    normalizedColumnSql({ name: 'current_gpa', type: 'FLOAT' }),
    normalizedColumnSql({ name: 'engagement_score', type: 'VARCHAR' }),
    `${enrollmentMonthSql({ name: 'enrollment_date', type: 'VARCHAR' })} AS m1`,
    `${enrollmentMonthSql({ name: 'd2', type: 'DATE' })} AS m2`,
    normalizedColumnSql({ name: 'j', type: 'JSON' }),
    normalizedColumnSql({ name: 'ts', type: 'TIMESTAMP' }),
  ];
  const [row] = (await connection.runAndReadAll(`SELECT ${select.join(', ')} FROM x`)).getRowObjectsJson();
  t.same(row, { at_risk_flag: true, b2: 'False', current_gpa: 3.06, engagement_score: 56.5, m1: '2024-08', m2: '2024-09', j: '{"a":1}', ts: '2025-07-31 23:57:37' });
  await connection.run(`CREATE TABLE y (at_risk_flag VARCHAR); INSERT INTO y VALUES ('False'), ('1'), ('maybe')`);
  const flags = (await connection.runAndReadAll(`SELECT ${normalizedColumnSql({ name: 'at_risk_flag', type: 'VARCHAR' })} FROM y`)).getRowObjectsJson();
  t.same(flags, [{ at_risk_flag: false }, { at_risk_flag: true }, { at_risk_flag: null }], 'text booleans');
});
