// The Fivetran (Java) tester's typing of text in a column schema() did not declare: a
// string that looks like a boolean, an integer, a decimal number, a date or a timestamp
// gets that type, everything else stays text. The Connector SDK sends most values as
// strings (1.x and 2.x send HED's change time as a string; 3.x sends every scalar as
// text), so this is what makes that time a TIMESTAMP as it is in Fivetran's tester.
// Written from the behaviour the SDK 3.x engine documents and shows; pure, no I/O.
import { isTypedValue } from './value-types.js';
import type { ColumnType, TypedValue, WarehouseOperation, WarehouseValue } from './types.js';

const INTEGER = /^-?\d+$/;
const DECIMAL_NUMBER = /^[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})([Tt ])(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Characters a typed text can start with; anything else is text at once (most strings). */
const FIRST = /^[-+.\dtfTF]/;

function validDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return m >= 1 && m <= 12 && d >= 1 && d <= (days[m - 1] ?? 0);
}

/**
 * The typed value the Java tester makes of a text in an undeclared column, or undefined
 * when it stays text. Booleans are true/false/t/f in any case; an integer has no plus sign
 * and no leading zero unless negative (`"01234"` stays text, a zip code) and fits BIGINT;
 * a decimal number needs a point; a date is YYYY-MM-DD; a timestamp is a date, `T`, `t` or
 * a space, HH:MM[:SS[.fraction]], and an optional `Z` or `±HH:MM`, which needs the `T`.
 *
 * @example
 * typedText('2025-07-31 23:57:37') // { kind: 'typed', type: 'TIMESTAMP', value: '2025-07-31 23:57:37' }
 * typedText('01234')               // undefined
 */
export function typedText(text: string): TypedValue | undefined {
  if (text === '' || !FIRST.test(text)) return undefined;
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 't') return { kind: 'typed', type: 'BOOLEAN', value: true, text };
  if (lower === 'false' || lower === 'f') return { kind: 'typed', type: 'BOOLEAN', value: false, text };
  if (INTEGER.test(text)) {
    const digits = text.startsWith('-') ? text.slice(1) : text;
    if (!text.startsWith('-') && digits.length > 1 && digits.startsWith('0')) return undefined;
    const big = BigInt(text);
    if (big < INT64_MIN || big > INT64_MAX) return undefined;
    return { kind: 'typed', type: 'BIGINT', value: Number.isSafeInteger(Number(big)) ? Number(big) : big, text };
  }
  if (DECIMAL_NUMBER.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? { kind: 'typed', type: 'DOUBLE', value, text } : undefined;
  }
  const date = DATE.exec(text);
  if (date !== null) return validDate(date[1]!, date[2]!, date[3]!) ? { kind: 'typed', type: 'DATE', value: text } : undefined;
  const moment = DATETIME.exec(text);
  if (moment === null) return undefined;
  const [, year, month, day, separator, hour, minute, second, , offset] = moment;
  if (!validDate(year!, month!, day!) || Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return undefined;
  if (offset !== undefined && separator === ' ') return undefined;
  // DuckDB wants a capital T (or a space) between the date and the time.
  const value = separator === 't' ? `${text.slice(0, 10)}T${text.slice(11)}` : text;
  return { kind: 'typed', type: offset === undefined ? 'TIMESTAMP' : 'TIMESTAMPTZ', value };
}

/** The text of a string value (a plain string or a typed VARCHAR), else undefined. */
function textOf(value: WarehouseValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (isTypedValue(value) && value.type === 'VARCHAR') return value.value;
  return undefined;
}

/**
 * The operation with the text of every column `declared` does not name typed as the Java
 * tester types it (see typedText). Declared columns keep what was sent: their declared
 * type decides. Returns the same object when nothing changes.
 *
 * @example
 * typeUndeclaredText({ op: 'upsert', table: 't', data: { id: 1, at: '2025-07-31 23:57:37' } }, {})
 * // data.at is { kind: 'typed', type: 'TIMESTAMP', value: '2025-07-31 23:57:37' }
 */
export function typeUndeclaredText(operation: WarehouseOperation, declared: Readonly<Record<string, ColumnType>> | undefined): WarehouseOperation {
  if (operation.op === 'truncate') return operation;
  let data: Record<string, WarehouseValue> | undefined;
  for (const name in operation.data) {
    if (declared?.[name] !== undefined) continue;
    const text = textOf(operation.data[name]);
    if (text === undefined) continue;
    const typed = typedText(text);
    if (typed === undefined) continue;
    data ??= { ...operation.data };
    data[name] = typed;
  }
  return data === undefined ? operation : { ...operation, data };
}
