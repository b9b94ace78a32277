import t from 'tap';
import { typedText, typeUndeclaredText } from '../../warehouse/text-types.js';

t.test('text that looks like a timestamp, date, number or boolean is typed as the Fivetran tester types it', async (t) => {
  t.match(typedText('2025-07-31 23:57:37'), { type: 'TIMESTAMP', value: '2025-07-31 23:57:37' }, 'last_updated');
  t.match(typedText('2025-07-31t23:57:37'), { type: 'TIMESTAMP', value: '2025-07-31T23:57:37' }, 'DuckDB wants a capital T');
  t.match(typedText('2025-07-31T23:57:37.123456Z'), { type: 'TIMESTAMPTZ' });
  t.match(typedText('2025-07-31T23:57:37+02:00'), { type: 'TIMESTAMPTZ' });
  t.match(typedText('2025-07-31T23:57'), { type: 'TIMESTAMP' });
  t.match(typedText('2024-02-29'), { type: 'DATE', value: '2024-02-29' });
  t.match(typedText('42'), { type: 'BIGINT', value: 42, text: '42' });
  t.match(typedText('-007'), { type: 'BIGINT', value: -7 });
  t.match(typedText('9223372036854775807'), { type: 'BIGINT', value: 9223372036854775807n });
  t.match(typedText('1.50'), { type: 'DOUBLE', value: 1.5, text: '1.50' });
  t.match(typedText('.5e3'), { type: 'DOUBLE', value: 500 });
  t.match(typedText('T'), { type: 'BOOLEAN', value: true, text: 'T' });
  t.match(typedText('false'), { type: 'BOOLEAN', value: false });
});

t.test('text that is not quite one of those stays text', async (t) => {
  for (const text of ['', 'hello', '01234', '+5', '9223372036854775808', '1e5', '2024-02-30', '2023-02-29', '2025-07-31 23:57:37Z', '2025-07-31 24:00:00', '2024-08-11 0:00:00', 'yes', 'NaN', 'e4f1c2a0-uuid']) {
    t.equal(typedText(text), undefined, JSON.stringify(text));
  }
});

t.test('only columns schema() did not declare are typed; other values are left as they are', async (t) => {
  const operation = { op: 'upsert' as const, table: 't', data: { id: '7', at: '2025-07-31 23:57:37', name: 'x', n: 3 } };
  const typed = typeUndeclaredText(operation, { id: 'VARCHAR' });
  t.not(typed, operation);
  t.same(typed.op === 'truncate' ? undefined : typed.data, { id: '7', at: { kind: 'typed', type: 'TIMESTAMP', value: '2025-07-31 23:57:37' }, name: 'x', n: 3 });
  const plain = { op: 'upsert' as const, table: 't', data: { name: 'x' } };
  t.equal(typeUndeclaredText(plain, undefined), plain, 'unchanged: the same object');
  t.match(typeUndeclaredText({ op: 'update', table: 't', data: { at: { kind: 'typed', type: 'VARCHAR', value: '2024-08-11' } } }, {}), { data: { at: { type: 'DATE' } } }, 'a typed VARCHAR off the wire too');
});
