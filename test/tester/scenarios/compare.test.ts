import t from 'tap';
import { columnsOfFields, compareRows, isEqual, sameValue } from '../../../tester/scenarios/compare.js';

const source = [
  { record_id: 'a', current_gpa: 3.07, at_risk_flag: true, last_updated: '2025-07-31 23:57:37', tags: { x: 1 } },
  { record_id: 'b', current_gpa: 2.5, at_risk_flag: false, last_updated: '2025-07-31 3:05:00', tags: null },
  { record_id: 'c', current_gpa: 1.11, at_risk_flag: false, last_updated: '2025-08-01 00:00:00', tags: null },
];
const row = (r: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...r, _fivetran_synced: '2026-11-25T10:00:00.000Z', _fivetran_deleted: false, ...extra });

t.test('sameValue tolerates how warehouses type values, and nothing more', async (t) => {
  t.ok(sameValue(true, 1), 'true is 1 (the Fivetran tester writes bools as BIGINT)');
  t.ok(sameValue(false, 0n), 'false is 0n');
  t.notOk(sameValue(true, 0), 'true is not 0');
  t.notOk(sameValue(false, 'yes'), 'a bool is not an arbitrary string');
  t.ok(sameValue(true, 'true'), 'a bool written as text');
  t.notOk(sameValue(true, {}), 'a bool is not an object');
  t.ok(sameValue(3.07, Math.fround(3.07)), 'float32 rounding');
  t.ok(sameValue(12345.67, '12345.67'), 'a DECIMAL read as text');
  t.notOk(sameValue(3.07, 3.08), 'another number');
  t.notOk(sameValue(3, 'x'), 'a number is not text');
  t.notOk(sameValue(3, ''), 'a number is not the empty string');
  t.ok(sameValue(7, 7n), 'bigint');
  t.ok(sameValue('2025-07-31 3:05:00', '2025-07-31T03:05:00.000Z'), 'a TIMESTAMP read back as ISO text');
  t.notOk(sameValue('2025-07-31 3:05:00', '2025-07-31T03:05:01.000Z'), 'another second');
  t.notOk(sameValue('PHIL', 'ECON'), 'other text');
  t.notOk(sameValue('PHIL', 1), 'text is not a number');
  t.ok(sameValue({ x: 1 }, '{"x":1}'), 'JSON read as text');
  t.ok(sameValue([1, 2], [1, 2]), 'a JSON list read parsed');
  t.notOk(sameValue({ x: 1 }, '{broken'), 'broken JSON text');
  t.ok(sameValue(null, undefined), 'null and a missing column');
  t.notOk(sameValue(null, 0), 'null is not 0');
  t.notOk(sameValue(1, null), 'a value is not null');
  t.notOk(sameValue(Symbol.iterator, 'x'), 'what JSON never holds is never equal');
});

t.test('an exact copy is equal, with drift-added and system columns tolerated', async (t) => {
  const rows = source.map((r) => row(r, { retention_cohort: '2024-fall' }));
  const comparison = compareRows(source, rows);
  t.same(
    { lost: comparison.lost, duplicated: comparison.duplicated, unexpected: comparison.unexpected, differing: comparison.differing, expected: comparison.expected, actual: comparison.actual },
    { lost: 0, duplicated: 0, unexpected: 0, differing: 0, expected: 3, actual: 3 },
  );
  t.same(comparison.extraColumns, ['retention_cohort']);
  t.ok(isEqual(comparison));
});

t.test('counts lost, duplicated, unexpected and differing rows with examples', async (t) => {
  const rows = [
    row(source[0]!),
    row(source[0]!), // duplicate (a table keyed on _fivetran_id)
    row({ ...source[1]!, current_gpa: 2.6 }), // differing
    row({ ...source[2]!, record_id: 'c-retry' }), // key rewritten: unexpected, and c is lost
  ];
  const comparison = compareRows(source, rows, { maxExamples: 10 });
  t.same([comparison.lost, comparison.duplicated, comparison.unexpected, comparison.differing], [1, 1, 1, 1]);
  t.notOk(isEqual(comparison));
  t.match(comparison.examples, [/^duplicated a$/, /^differing b current_gpa: 2.5 in the source, 2.6 in the warehouse$/, /^unexpected c-retry$/, /^lost c$/]);
  t.equal(compareRows(source, rows, { maxExamples: 2 }).examples.length, 2, 'examples are capped');
});

t.test('a missing column differs; soft-deleted rows are lost when the source has them, else a correct delete', async (t) => {
  const withoutGpa = source.map((r) => {
    const { current_gpa: _gpa, ...rest } = r;
    return row(rest);
  });
  t.equal(compareRows(source, withoutGpa).differing, 3);
  const rows = [row(source[0]!), row(source[1]!, { _fivetran_deleted: true }), row(source[2]!), row({ record_id: 'gone' }, { _fivetran_deleted: 1 })];
  const comparison = compareRows(source, rows);
  t.equal(comparison.lost, 1, 'b is soft-deleted but the source has it');
  t.equal(comparison.softDeleted, 1, 'gone is deleted at the source too');
  t.equal(comparison.actual, 2);
});

t.test('keys can be any column and any JSON type', async (t) => {
  const comparison = compareRows([{ id: 1, v: 'x' }], [{ id: 1n, v: 'x' }], { key: 'id' });
  t.ok(isEqual(comparison), 'a bigint key matches a number');
});

t.test('a field the SDK renamed (usage_trend_30d written as usage_trend_30_d) is compared under its column, and is no extra column', async (t) => {
  const source = [{ record_id: 'a', usage_trend_30d: 'Stable' }];
  t.same(compareRows(source, [{ record_id: 'a', usage_trend_30_d: 'Stable' }]), { expected: 1, actual: 1, lost: 0, duplicated: 0, unexpected: 0, differing: 0, softDeleted: 0, extraColumns: [], examples: [] });
  const changed = compareRows(source, [{ record_id: 'a', usage_trend_30_d: 'Rising' }]);
  t.equal(changed.differing, 1);
  t.match(changed.examples[0], /usage_trend_30d: "Stable" in the source, "Rising" in the warehouse/);
  t.same([...columnsOfFields(['usage_trend_30d', 'x', 'record_id'], ['record_id', 'usage_trend_30_d', 'X_', 'x__'])], [['usage_trend_30d', 'usage_trend_30_d'], ['record_id', 'record_id']], 'two columns of one loose name match neither');
  t.same([...columnsOfFields(['a_b'], ['a_b', 'ab'])], [['a_b', 'a_b']], 'the same name first');
});
