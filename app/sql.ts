/**
 * Pure SQL builders over the warehouse table. The table may come from our runners
 * (BOOLEAN risk flag, DOUBLE) or from the 1.7.0-era Fivetran tester (the risk flag as
 * 0/1 BIGINT, FLOAT, dates as VARCHAR): every column is normalised here once, so the
 * queries above it read one shape. Identifiers are quoted; user values are always bound
 * parameters (`?`), never spliced in.
 */
import { STUDENT } from '../verticals/hed/app.js';
import { BOOLEAN_FIELDS, DELETED_COLUMN, NUMERIC_FIELDS, SOURCE_FIELD_ORDER, WAREHOUSE_SCHEMA, WAREHOUSE_TABLE } from './fields.js';

/** A warehouse column as `information_schema.columns` describes it. */
export interface WarehouseColumn {
  name: string;
  /** DuckDB type name, e.g. `BIGINT`, `FLOAT`, `TIMESTAMP WITH TIME ZONE`. */
  type: string;
}

/** The user's filters: every data route takes them. */
export interface Filters {
  majors: string[];
  standings: string[];
  atRisk?: boolean;
}

/** A statement and its positional parameters. */
export interface BoundSql {
  sql: string;
  params: (string | number | boolean)[];
}

/** Quotes an identifier for DuckDB: `a"b` → `"a""b"`. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The table, schema-qualified and quoted. */
export const TABLE_SQL = `${quoteIdent(WAREHOUSE_SCHEMA)}.${quoteIdent(WAREHOUSE_TABLE)}`;

const INTEGER_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT\d*)$/i;
const FLOAT_TYPE = /^(FLOAT|REAL|FLOAT4)$/i;
const EXACT_NUMBER_TYPE = /^(DOUBLE|FLOAT8|DECIMAL.*|NUMERIC.*)$/i;

/** What kind of value a column holds for sorting and filtering, after normalisation. */
export type ColumnKind = 'number' | 'boolean' | 'text';

/** The kind a column has once normalised (the numeric fields are numbers whatever their type). */
export function columnKind(column: WarehouseColumn): ColumnKind {
  if ((BOOLEAN_FIELDS as readonly string[]).includes(column.name) || /^BOOL(EAN)?$/i.test(column.type)) return 'boolean';
  if ((NUMERIC_FIELDS as readonly string[]).includes(column.name)) return 'number';
  if (INTEGER_TYPE.test(column.type) || FLOAT_TYPE.test(column.type) || EXACT_NUMBER_TYPE.test(column.type)) return 'number';
  return 'text';
}

/** A column read as BOOLEAN whatever its type (BOOLEAN, 0/1 numbers, `true`/`false` text). */
export function booleanSql(column: WarehouseColumn): string {
  const c = quoteIdent(column.name);
  if (/^BOOL(EAN)?$/i.test(column.type)) return c;
  if (INTEGER_TYPE.test(column.type) || FLOAT_TYPE.test(column.type) || EXACT_NUMBER_TYPE.test(column.type)) return `(${c} <> 0)`;
  return `(CASE WHEN lower(trim(CAST(${c} AS VARCHAR))) IN ('true', 't', '1', 'yes') THEN true WHEN lower(trim(CAST(${c} AS VARCHAR))) IN ('false', 'f', '0', 'no') THEN false END)`;
}

/** A column read as DOUBLE whatever its type (FLOAT as written, text tried). */
export function numberSql(column: WarehouseColumn): string {
  const c = quoteIdent(column.name);
  // FLOAT 3.06 widens to 3.059999942779541; its shortest text form is what was written.
  if (FLOAT_TYPE.test(column.type)) return `CAST(CAST(${c} AS VARCHAR) AS DOUBLE)`;
  if (INTEGER_TYPE.test(column.type) || EXACT_NUMBER_TYPE.test(column.type)) return `CAST(${c} AS DOUBLE)`;
  return `TRY_CAST(${c} AS DOUBLE)`;
}

/**
 * The normalised expression of one column, named after it: booleans as BOOLEAN, numbers
 * as DOUBLE, everything else (timestamps, JSON, text) as VARCHAR.
 */
export function normalizedColumnSql(column: WarehouseColumn): string {
  const kind = columnKind(column);
  const c = quoteIdent(column.name);
  const expr = kind === 'boolean' ? booleanSql(column) : kind === 'number' ? numberSql(column) : /^VARCHAR$/i.test(column.type) ? c : `CAST(${c} AS VARCHAR)`;
  return `${expr} AS ${c}`;
}

/** The enrollment date's month as `YYYY-MM` (or its day as `YYYY-MM-DD`), whether it is a TIMESTAMP, DATE or text. */
export function enrollmentMonthSql(column: WarehouseColumn, format = '%Y-%m'): string {
  const c = quoteIdent(column.name);
  if (/^(DATE|TIMESTAMP.*)$/i.test(column.type)) return `strftime(CAST(${c} AS DATE), '${format}')`;
  return `strftime(TRY_CAST(left(trim(CAST(${c} AS VARCHAR)), 10) AS DATE), '${format}')`;
}

/**
 * The columns the app shows, in the source's field order: everything but the soft-delete
 * marker, the API's fields first as `GET /hed_data` sends them (a tester may have written
 * them in another order: SDK records travel as maps), then any other column in table
 * order (a drifted field), the tester's `_fivetran_synced` last.
 */
export function visibleColumns(columns: WarehouseColumn[]): WarehouseColumn[] {
  const rank = (name: string) => {
    const field = SOURCE_FIELD_ORDER.indexOf(name);
    return field >= 0 ? field : name.startsWith('_fivetran') ? SOURCE_FIELD_ORDER.length + 1 : SOURCE_FIELD_ORDER.length;
  };
  return columns
    .filter((c) => c.name !== DELETED_COLUMN)
    .map((c, i) => ({ c, i, rank: rank(c.name) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ c }) => c);
}

/**
 * `WITH r AS (...)`: the live (not soft-deleted) rows, normalised, with `enrollment_month`
 * added, filtered by the user's filters. Every query of the app starts with it.
 */
export function filteredRowsCte(columns: WarehouseColumn[], filters: Filters): BoundSql {
  const select = visibleColumns(columns).map(normalizedColumnSql);
  const enrollment = columns.find((c) => c.name === STUDENT.enrollment);
  select.push(`${enrollment ? enrollmentMonthSql(enrollment) : 'CAST(NULL AS VARCHAR)'} AS enrollment_month`);
  select.push(`${enrollment ? enrollmentMonthSql(enrollment, '%Y-%m-%d') : 'CAST(NULL AS VARCHAR)'} AS enrollment_day`);
  const deleted = columns.find((c) => c.name === DELETED_COLUMN);
  const live = deleted ? `WHERE (${booleanSql(deleted)}) IS NOT TRUE` : '';
  const where: string[] = [];
  const params: (string | number | boolean)[] = [];
  if (filters.majors.length > 0) {
    where.push(`"${STUDENT.major}" IN (${filters.majors.map(() => '?').join(', ')})`);
    params.push(...filters.majors);
  }
  if (filters.standings.length > 0) {
    where.push(`"${STUDENT.standing}" IN (${filters.standings.map(() => '?').join(', ')})`);
    params.push(...filters.standings);
  }
  if (filters.atRisk !== undefined) {
    where.push(`"${STUDENT.atRisk}" = ?`);
    params.push(filters.atRisk);
  }
  const sql =
    `WITH live AS (SELECT ${select.join(', ')} FROM ${TABLE_SQL} ${live}), ` +
    `r AS (SELECT * FROM live${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}) `;
  return { sql, params };
}
