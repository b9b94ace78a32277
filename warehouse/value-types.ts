// Pure typing rules of the destination: what column type a value asks for, whether it fits
// a column that already exists, how a column widens when it does not, and how a value
// travels to DuckDB. No I/O here.
import type { ColumnType, TypedValue, WarehouseValue } from './types.js';

/** The type a column gets for a plain JS value or a TypedValue; undefined for null. */
export type ValueKind = ColumnType | 'NULL';

const INT64_LIMIT = 2n ** 63n;
const INTEGER_TYPES: readonly ColumnType[] = ['SMALLINT', 'INTEGER', 'BIGINT'];
const FLOAT_TYPES: readonly ColumnType[] = ['FLOAT', 'DOUBLE'];
const TIME_TYPES: readonly ColumnType[] = ['DATE', 'TIMESTAMP', 'TIMESTAMPTZ'];

/** True for `{ kind: 'typed', type, value }`. */
export function isTypedValue(value: unknown): value is TypedValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { kind?: unknown }).kind === 'typed' && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * The column type a value asks for (SPEC §3): integer → BIGINT, other numbers → DOUBLE,
 * boolean → BOOLEAN, string → VARCHAR, object/array → JSON; a TypedValue says its own
 * (XML is stored as VARCHAR). Integers outside BIGINT's range are DOUBLE.
 *
 * @example
 * kindOf(3) // 'BIGINT'
 * kindOf({ kind: 'typed', type: 'DATE', value: '2024-08-11' }) // 'DATE'
 */
export function kindOf(value: WarehouseValue | undefined): ValueKind {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'bigint') return value >= -INT64_LIMIT && value < INT64_LIMIT ? 'BIGINT' : 'VARCHAR';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? 'BIGINT' : 'DOUBLE';
  if (typeof value === 'string') return 'VARCHAR';
  if (isTypedValue(value)) return value.type === 'XML' ? 'VARCHAR' : value.type;
  return 'JSON';
}

/**
 * The column type for the kinds a new column arrived with; only nulls → VARCHAR. The
 * column is not declared, so text does not fit a date, time or decimal column here (see
 * `fits`): a text beside a timestamp makes the column text.
 */
export function columnTypeFor(kinds: Iterable<ValueKind>): ColumnType {
  let type: ColumnType | undefined;
  for (const kind of kinds) {
    if (kind === 'NULL') continue;
    type = type === undefined ? kind : fits(type, kind, false) ? type : widen(type, kind);
  }
  return type ?? 'VARCHAR';
}

/**
 * Whether a value of `kind` can be stored in a column of `type` without changing the
 * column: the same type, a narrower integer, an integer into a float, a string into a
 * declared date/time/decimal column (cast, checked by DuckDB), and anything into VARCHAR
 * (as text). In a column nobody declared (`declared` false) a string is text that did not
 * look like a date or number, so it does not fit one: the column widens to VARCHAR.
 */
export function fits(type: ColumnType, kind: ValueKind, declared = true): boolean {
  if (kind === 'NULL' || kind === type || type === 'VARCHAR') return true;
  if (!declared && kind === 'VARCHAR') return false;
  if (INTEGER_TYPES.includes(type) && INTEGER_TYPES.includes(kind as ColumnType)) return INTEGER_TYPES.indexOf(kind as ColumnType) <= INTEGER_TYPES.indexOf(type);
  if (FLOAT_TYPES.includes(type)) return INTEGER_TYPES.includes(kind as ColumnType) || (type === 'DOUBLE' && kind === 'FLOAT');
  if (type === 'DECIMAL') return INTEGER_TYPES.includes(kind as ColumnType) || kind === 'VARCHAR';
  if (TIME_TYPES.includes(type)) return kind === 'VARCHAR' || (type !== 'DATE' && TIME_TYPES.includes(kind as ColumnType));
  return false;
}

/**
 * The type a column widens to when a value does not fit, as the Fivetran tester widens:
 * numbers stay numbers (the wider integer; an integer and a FLOAT give FLOAT, so a float
 * column where some values happen to be whole keeps its 32-bit values exact; else
 * DOUBLE), a date and a timestamp give the timestamp, everything else becomes VARCHAR,
 * which holds any value as text.
 *
 * @example
 * widen('BIGINT', 'DOUBLE') // 'DOUBLE'
 * widen('BIGINT', 'FLOAT') // 'FLOAT'
 * widen('BOOLEAN', 'BIGINT') // 'VARCHAR'
 */
export function widen(type: ColumnType, kind: ColumnType): ColumnType {
  const numeric = [...INTEGER_TYPES, ...FLOAT_TYPES, 'DECIMAL'] as ColumnType[];
  if (numeric.includes(type) && numeric.includes(kind)) {
    if (INTEGER_TYPES.includes(type) && INTEGER_TYPES.includes(kind)) return INTEGER_TYPES.indexOf(type) > INTEGER_TYPES.indexOf(kind) ? type : kind;
    if ((type === 'FLOAT' && INTEGER_TYPES.includes(kind)) || (kind === 'FLOAT' && INTEGER_TYPES.includes(type))) return 'FLOAT';
    return 'DOUBLE';
  }
  if (TIME_TYPES.includes(type) && TIME_TYPES.includes(kind)) return TIME_TYPES.indexOf(type) > TIME_TYPES.indexOf(kind) ? type : kind;
  return 'VARCHAR';
}

/**
 * The shortest decimal that reads back as the same 32-bit float, as a number: what the
 * connector wrote before the SDK sent it as a float (Java's Float.toString does the same).
 *
 * @example
 * shortestFloat32(Math.fround(10553.27)) // 10553.27 (not 10553.26953125)
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const single = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}

/** How values of a column travel into the staging table: DuckDB casts them to the column's SQL type. */
export type TransportType = 'BOOLEAN' | 'BIGINT' | 'DOUBLE' | 'BLOB' | 'VARCHAR';

/** The staging type of a column type (dates, decimals, JSON travel as text and are cast). */
export function transportOf(type: ColumnType): TransportType {
  if (type === 'BOOLEAN') return 'BOOLEAN';
  if (INTEGER_TYPES.includes(type)) return 'BIGINT';
  if (FLOAT_TYPES.includes(type)) return 'DOUBLE';
  if (type === 'BLOB') return 'BLOB';
  return 'VARCHAR';
}

/**
 * A value in the form its transport type takes (boolean, bigint, number, Uint8Array or
 * string), or null. Only called for values that fit the column (see `fits`).
 */
export function encodeFor(transport: TransportType, value: WarehouseValue | undefined): boolean | bigint | number | string | Uint8Array | null {
  if (value === null || value === undefined) return null;
  const raw: unknown = isTypedValue(value) ? value.value : value;
  switch (transport) {
    case 'BOOLEAN':
      return Boolean(raw);
    case 'BIGINT':
      return typeof raw === 'bigint' ? raw : BigInt(raw as number);
    case 'DOUBLE':
      // A FLOAT into a DOUBLE column: the float's decimal form, not its binary expansion.
      return isTypedValue(value) && value.type === 'FLOAT' ? shortestFloat32(Number(raw)) : Number(raw);
    case 'BLOB':
      return raw as Uint8Array;
    default:
      return sourceText(value);
  }
}

/**
 * A value as the text it was sent as: a typed value's `text` when it was typed from one,
 * a FLOAT's shortest decimal form, else asText of the value.
 */
export function sourceText(value: WarehouseValue): string {
  if (!isTypedValue(value)) return asText(value);
  if ((value.type === 'BOOLEAN' || value.type === 'SMALLINT' || value.type === 'INTEGER' || value.type === 'BIGINT' || value.type === 'FLOAT' || value.type === 'DOUBLE') && value.text !== undefined) return value.text;
  if (value.type === 'FLOAT') return asText(shortestFloat32(value.value));
  return asText(value.value);
}

/** Any value as the text a VARCHAR/JSON column stores. */
export function asText(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') return String(raw);
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
  return JSON.stringify(raw, (_key, inner: unknown) => (typeof inner === 'bigint' ? inner.toString() : inner));
}

/** The ColumnType of a DuckDB data_type text ('TIMESTAMP WITH TIME ZONE' → TIMESTAMPTZ, 'DECIMAL(18,3)' → DECIMAL). */
export function columnTypeOfSql(sqlType: string): ColumnType {
  const upper = sqlType.toUpperCase();
  if (upper.startsWith('DECIMAL')) return 'DECIMAL';
  if (upper === 'TIMESTAMP WITH TIME ZONE') return 'TIMESTAMPTZ';
  const known: readonly ColumnType[] = ['BOOLEAN', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'DOUBLE', 'DATE', 'TIMESTAMP', 'TIMESTAMPTZ', 'BLOB', 'VARCHAR', 'JSON'];
  return known.includes(upper as ColumnType) ? (upper as ColumnType) : 'VARCHAR';
}
