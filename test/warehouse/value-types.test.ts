import t from 'tap';
import { asText, columnTypeFor, columnTypeOfSql, encodeFor, fits, isTypedValue, kindOf, shortestFloat32, sourceText, transportOf, widen } from '../../warehouse/value-types.js';

t.test('kindOf follows SPEC §3 for plain values and trusts a TypedValue', async (t) => {
  t.equal(kindOf(null), 'NULL');
  t.equal(kindOf(undefined), 'NULL');
  t.equal(kindOf(true), 'BOOLEAN');
  t.equal(kindOf(3), 'BIGINT');
  t.equal(kindOf(-3n), 'BIGINT');
  t.equal(kindOf(2n ** 70n), 'VARCHAR', 'a bigint beyond BIGINT is kept exactly, as text');
  t.equal(kindOf(2 ** 64), 'DOUBLE', 'an integer number beyond BIGINT is a DOUBLE');
  t.equal(kindOf(2.5), 'DOUBLE');
  t.equal(kindOf(Number.NaN), 'DOUBLE');
  t.equal(kindOf('x'), 'VARCHAR');
  t.equal(kindOf({ a: 1 }), 'JSON');
  t.equal(kindOf([1]), 'JSON');
  t.equal(kindOf({ kind: 'typed', type: 'DATE', value: '2024-01-01' }), 'DATE');
  t.equal(kindOf({ kind: 'typed', type: 'XML', value: '<a/>' }), 'VARCHAR');
  t.equal(kindOf({ kind: 'other', type: 'DATE' } as never), 'JSON', 'an object that is not a TypedValue is JSON');
  t.notOk(isTypedValue([1]));
});

t.test('a new column takes the type of its values; only nulls make VARCHAR', async (t) => {
  t.equal(columnTypeFor(['NULL', 'NULL']), 'VARCHAR');
  t.equal(columnTypeFor(['NULL', 'BIGINT', 'DOUBLE']), 'DOUBLE');
  t.equal(columnTypeFor(['BIGINT', 'INTEGER']), 'BIGINT');
  t.equal(columnTypeFor(['BOOLEAN', 'BIGINT']), 'VARCHAR');
  t.equal(columnTypeFor(['JSON']), 'JSON');
});

t.test('fits and widen: numbers widen among numbers, everything else to VARCHAR', async (t) => {
  t.ok(fits('BIGINT', 'INTEGER'));
  t.notOk(fits('INTEGER', 'BIGINT'));
  t.ok(fits('DOUBLE', 'BIGINT'));
  t.ok(fits('DOUBLE', 'FLOAT'));
  t.notOk(fits('FLOAT', 'DOUBLE'));
  t.notOk(fits('BIGINT', 'DOUBLE'));
  t.ok(fits('DECIMAL', 'BIGINT'));
  t.ok(fits('DECIMAL', 'VARCHAR'));
  t.notOk(fits('DECIMAL', 'DOUBLE'));
  t.ok(fits('TIMESTAMP', 'VARCHAR'));
  t.ok(fits('TIMESTAMPTZ', 'TIMESTAMP'));
  t.notOk(fits('DATE', 'TIMESTAMP'));
  t.notOk(fits('JSON', 'VARCHAR'));
  t.ok(fits('VARCHAR', 'JSON'));
  t.ok(fits('BOOLEAN', 'NULL'));
  t.notOk(fits('BOOLEAN', 'BIGINT'));
  t.equal(widen('BIGINT', 'DOUBLE'), 'DOUBLE');
  t.equal(widen('INTEGER', 'BIGINT'), 'BIGINT');
  t.equal(widen('BIGINT', 'SMALLINT'), 'BIGINT');
  t.equal(widen('DECIMAL', 'DOUBLE'), 'DOUBLE');
  t.equal(widen('BOOLEAN', 'BIGINT'), 'VARCHAR');
  t.equal(widen('JSON', 'VARCHAR'), 'VARCHAR');
});

t.test('values travel in their transport type', async (t) => {
  t.equal(transportOf('SMALLINT'), 'BIGINT');
  t.equal(transportOf('FLOAT'), 'DOUBLE');
  t.equal(transportOf('BOOLEAN'), 'BOOLEAN');
  t.equal(transportOf('BLOB'), 'BLOB');
  t.equal(transportOf('TIMESTAMP'), 'VARCHAR');
  t.equal(transportOf('JSON'), 'VARCHAR');
  t.equal(encodeFor('BIGINT', 3), 3n);
  t.equal(encodeFor('BIGINT', { kind: 'typed', type: 'INTEGER', value: 4 }), 4n);
  t.equal(encodeFor('BIGINT', 5n), 5n);
  t.equal(encodeFor('DOUBLE', 3), 3);
  t.equal(encodeFor('BOOLEAN', { kind: 'typed', type: 'BOOLEAN', value: true }), true);
  t.equal(encodeFor('VARCHAR', null), null);
  t.equal(encodeFor('VARCHAR', undefined), null);
  t.equal(encodeFor('VARCHAR', true), 'true');
  t.equal(encodeFor('VARCHAR', { a: [1, 2n] }), '{"a":[1,"2"]}');
  t.equal(encodeFor('VARCHAR', { kind: 'typed', type: 'DATE', value: '2024-01-01' }), '2024-01-01');
  t.same(encodeFor('BLOB', { kind: 'typed', type: 'BLOB', value: new Uint8Array([7]) }), new Uint8Array([7]));
  t.equal(asText(new Uint8Array([255])), '/w==', 'bytes in a text column are base64');
});

t.test('DuckDB type text maps back to a ColumnType', async (t) => {
  t.equal(columnTypeOfSql('DECIMAL(18,3)'), 'DECIMAL');
  t.equal(columnTypeOfSql('TIMESTAMP WITH TIME ZONE'), 'TIMESTAMPTZ');
  t.equal(columnTypeOfSql('bigint'), 'BIGINT');
  t.equal(columnTypeOfSql('UUID'), 'VARCHAR', 'a type we never create is read as text');
});

t.test('primary key values become SQL constants of their column type', async (t) => {
  const { sqlLiteral } = await import('../../warehouse/destination.js');
  t.equal(sqlLiteral({ name: 'k', sql: 'VARCHAR', type: 'VARCHAR' }, "o'neil"), "'o''neil'");
  t.equal(sqlLiteral({ name: 'k', sql: 'BIGINT', type: 'BIGINT' }, 5), 'CAST(5 AS BIGINT)');
  t.equal(sqlLiteral({ name: 'k', sql: 'BOOLEAN', type: 'BOOLEAN' }, true), 'CAST(true AS BOOLEAN)');
  t.equal(sqlLiteral({ name: 'k', sql: 'DOUBLE', type: 'DOUBLE' }, 2.5), "CAST('2.5' AS DOUBLE)");
  t.equal(sqlLiteral({ name: 'k', sql: 'DATE', type: 'DATE' }, '2024-01-01'), "CAST('2024-01-01' AS DATE)");
  t.equal(sqlLiteral({ name: 'k', sql: 'BLOB', type: 'BLOB' }, { kind: 'typed', type: 'BLOB', value: new Uint8Array([1, 255]) }), "CAST('\\x01\\xff' AS BLOB)");
  t.equal(sqlLiteral({ name: 'k', sql: 'VARCHAR', type: 'VARCHAR' }, null), 'NULL');
});

t.test('as the Fivetran tester widens: an integer and a FLOAT give FLOAT, a date and a timestamp the timestamp; text beside a timestamp in an undeclared column gives text', async (t) => {
  t.equal(widen('BIGINT', 'FLOAT'), 'FLOAT');
  t.equal(widen('FLOAT', 'INTEGER'), 'FLOAT');
  t.equal(widen('FLOAT', 'DOUBLE'), 'DOUBLE');
  t.equal(columnTypeFor(['BIGINT', 'FLOAT', 'BIGINT']), 'FLOAT');
  t.equal(widen('DATE', 'TIMESTAMP'), 'TIMESTAMP');
  t.equal(widen('TIMESTAMP', 'TIMESTAMPTZ'), 'TIMESTAMPTZ');
  t.equal(columnTypeFor(['TIMESTAMP', 'VARCHAR']), 'VARCHAR');
  t.ok(fits('TIMESTAMP', 'VARCHAR', true), 'a declared TIMESTAMP column casts text');
  t.notOk(fits('TIMESTAMP', 'VARCHAR', false));
});

t.test('a 32-bit float is written as the shortest decimal that reads back as it', async (t) => {
  t.equal(shortestFloat32(Math.fround(10553.27)), 10553.27);
  t.equal(shortestFloat32(Math.fround(1997.12)), 1997.12);
  t.equal(shortestFloat32(Math.fround(3.07)), 3.07);
  t.equal(shortestFloat32(0), 0);
  t.ok(Number.isNaN(shortestFloat32(Number.NaN)));
  t.equal(encodeFor('DOUBLE', { kind: 'typed', type: 'FLOAT', value: Math.fround(10553.27) }), 10553.27);
  t.equal(encodeFor('VARCHAR', { kind: 'typed', type: 'FLOAT', value: Math.fround(10553.27) }), '10553.27');
  t.equal(sourceText({ kind: 'typed', type: 'BOOLEAN', value: false, text: 'F' }), 'F', 'text typed as a boolean is written back as it came');
});
