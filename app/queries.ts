/**
 * The DuckDB aggregates behind every route, over ALL live rows (the lab's app read only
 * 1,000). Each function takes an open warehouse and plain inputs and returns plain data;
 * the routes and the chart builders never see SQL.
 */
import { AppError } from './errors.js';
import { STUDENT, type StudentGroup } from '../verticals/hed/app.js';
import { NUMERIC_FIELDS, REQUIRED_FIELDS, TABLE_LABEL } from './fields.js';
import { columnKind, filteredRowsCte, quoteIdent, visibleColumns, type BoundSql, type ColumnKind, type Filters, type WarehouseColumn } from './sql.js';
import type { RowsParameter } from './request.js';
import { requireTable, type JsonRow, type JsonValue, type OpenWarehouse } from './warehouse.js';

/** A DuckDB JSON value as a number; NaN, infinities and non-numbers become null. */
export function toNumber(value: JsonValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Throws a sentence naming the missing columns when the table lacks what the Metrics tab needs. */
export function requireMetricFields(warehouse: OpenWarehouse): void {
  requireTable(warehouse);
  const names = new Set(warehouse.columns.map((c) => c.name));
  const missing = REQUIRED_FIELDS.filter((f) => !names.has(f));
  if (missing.length > 0) {
    throw new AppError('warehouse_incompatible', 503, `The table ${TABLE_LABEL} in ${warehouse.path} has no column ${missing.join(', ')}. Sync it again from the HED API (hed-tester debug in your lab folder) so it has the lab's 23 fields.`);
  }
}

/** The numeric fields present in the table, in the lab's order. */
export function presentNumericFields(warehouse: OpenWarehouse): string[] {
  const names = new Set(warehouse.columns.map((c) => c.name));
  return NUMERIC_FIELDS.filter((f) => names.has(f));
}

/** GPA histogram bin width: 20 bins over 0–4, as the lab's `maxbins=20`. */
export const GPA_BIN_WIDTH = 0.2;
/** Points drawn at most in the Aid vs GPA scatter. */
export const SCATTER_POINTS_MAX = 2000;

/** Everything the Metrics tab shows, aggregated. */
export interface MetricsAggregates {
  rows: number;
  means: { gpa: number | null; completion: number | null; engagement: number | null; atRiskShare: number | null };
  gpaBins: { binStart: number; binEnd: number; count: number }[];
  engagementByStanding: { standing: string; count: number; min: number; lower: number; q1: number; median: number; q3: number; upper: number; max: number; outliers: number }[];
  completionByMonth: { month: string; meanCompletion: number; count: number }[];
  /** The same by enrollment day, for data whose enrollments fall in one or two months (the lab's all do). */
  completionByDay: { day: string; meanCompletion: number; count: number }[];
  atRisk: { atRisk: boolean | null; count: number }[];
  aidVsGpa: { points: { aid: number; gpa: number; engagement: number | null }[]; total: number; sampled: boolean };
  majorPerformance: { major: string; meanGpa: number; count: number }[];
  summary: SummaryTable;
}

/** count, mean, std, min, 25%, 50%, 75%, max of each numeric field (pandas' describe()). */
export interface SummaryTable {
  columns: string[];
  stats: { stat: string; values: (number | null)[] }[];
}

/** The statistics of the summary table, in pandas' order. */
export const SUMMARY_STATS = [
  { stat: 'count', sql: (c: string) => `CAST(count(${c}) AS DOUBLE)` },
  { stat: 'mean', sql: (c: string) => `avg(${c})` },
  { stat: 'std', sql: (c: string) => `stddev_samp(${c})` },
  { stat: 'min', sql: (c: string) => `min(${c})` },
  { stat: '25%', sql: (c: string) => `quantile_cont(${c}, 0.25)` },
  { stat: '50%', sql: (c: string) => `quantile_cont(${c}, 0.5)` },
  { stat: '75%', sql: (c: string) => `quantile_cont(${c}, 0.75)` },
  { stat: 'max', sql: (c: string) => `max(${c})` },
] as const;

/** The summary table over the filtered rows. */
export async function summaryTable(warehouse: OpenWarehouse, filters: Filters): Promise<SummaryTable> {
  const columns = presentNumericFields(warehouse);
  if (columns.length === 0) return { columns, stats: SUMMARY_STATS.map((s) => ({ stat: s.stat, values: [] })) };
  const cte = filteredRowsCte(warehouse.columns, filters);
  const select = columns.flatMap((c, i) => SUMMARY_STATS.map((s, j) => `${s.sql(quoteIdent(c))} AS s${i}_${j}`));
  const [row = {}] = await warehouse.all(`${cte.sql}SELECT ${select.join(', ')} FROM r`, cte.params);
  return { columns, stats: SUMMARY_STATS.map((s, j) => ({ stat: s.stat, values: columns.map((_, i) => toNumber(row[`s${i}_${j}`])) })) };
}

const n = (v: JsonValue | undefined) => toNumber(v) ?? 0;

/** Fewer enrollment months than this make a poor trend line: the chart goes by day instead. */
export const MONTHS_FOR_A_TREND = 3;

/** All of the Metrics tab's aggregates for the filtered rows. */
export async function metricsAggregates(warehouse: OpenWarehouse, filters: Filters, scatterMax = SCATTER_POINTS_MAX): Promise<MetricsAggregates> {
  requireMetricFields(warehouse);
  const cte = filteredRowsCte(warehouse.columns, filters);
  const q = (select: string) => warehouse.all(cte.sql + select, cte.params);
  const hasRecordId = warehouse.columns.some((c) => c.name === 'record_id');
  const [kpi = {}] = await q(
    `SELECT CAST(count(*) AS DOUBLE) AS n, avg(${STUDENT.gpa}) AS gpa, avg(${STUDENT.completion}) AS completion, avg(${STUDENT.engagement}) AS engagement, avg(CAST(${STUDENT.atRisk} AS INTEGER)) AS at_risk FROM r`,
  );
  const binCount = Math.round(4 / GPA_BIN_WIDTH);
  const bins = await q(
    // Rounded before the floor: 1.2 / 0.2 is 5.999… in binary, which put every 1.20 in the 1.0–1.2 bin.
    `SELECT CAST(least(greatest(floor(round(${STUDENT.gpa} / ${GPA_BIN_WIDTH}, 6)), 0), ${binCount - 1}) AS INTEGER) AS bin, CAST(count(*) AS DOUBLE) AS n FROM r WHERE ${STUDENT.gpa} IS NOT NULL GROUP BY bin ORDER BY bin`,
  );
  const boxes = await q(
    `, quartiles AS (SELECT ${STUDENT.standing} AS standing, quantile_cont(${STUDENT.engagement}, 0.25) AS q1, quantile_cont(${STUDENT.engagement}, 0.5) AS median, quantile_cont(${STUDENT.engagement}, 0.75) AS q3 FROM r WHERE ${STUDENT.engagement} IS NOT NULL GROUP BY ${STUDENT.standing}) ` +
      `SELECT quartiles.standing, CAST(count(*) AS DOUBLE) AS n, min(${STUDENT.engagement}) AS min, max(${STUDENT.engagement}) AS max, any_value(q1) AS q1, any_value(median) AS median, any_value(q3) AS q3, ` +
      `min(${STUDENT.engagement}) FILTER (WHERE ${STUDENT.engagement} >= q1 - 1.5 * (q3 - q1)) AS lower, max(${STUDENT.engagement}) FILTER (WHERE ${STUDENT.engagement} <= q3 + 1.5 * (q3 - q1)) AS upper, ` +
      `CAST(count(*) FILTER (WHERE ${STUDENT.engagement} < q1 - 1.5 * (q3 - q1) OR ${STUDENT.engagement} > q3 + 1.5 * (q3 - q1)) AS DOUBLE) AS outliers ` +
      `FROM r JOIN quartiles ON r.${STUDENT.standing} IS NOT DISTINCT FROM quartiles.standing WHERE ${STUDENT.engagement} IS NOT NULL GROUP BY quartiles.standing ORDER BY quartiles.standing`,
  );
  const months = await q(
    `SELECT enrollment_month AS month, avg(${STUDENT.completion}) AS completion, CAST(count(*) AS DOUBLE) AS n FROM r WHERE enrollment_month IS NOT NULL AND ${STUDENT.completion} IS NOT NULL GROUP BY month ORDER BY month`,
  );
  const days =
    months.length >= MONTHS_FOR_A_TREND
      ? []
      : await q(
          `SELECT enrollment_day AS day, avg(${STUDENT.completion}) AS completion, CAST(count(*) AS DOUBLE) AS n FROM r WHERE enrollment_day IS NOT NULL AND ${STUDENT.completion} IS NOT NULL GROUP BY day ORDER BY day`,
        );
  const risk = await q(`SELECT ${STUDENT.atRisk} AS at_risk, CAST(count(*) AS DOUBLE) AS n FROM r GROUP BY ${STUDENT.atRisk} ORDER BY ${STUDENT.atRisk} NULLS LAST`);
  const [pointCount = {}] = await q(`SELECT CAST(count(*) AS DOUBLE) AS n FROM r WHERE ${STUDENT.aid} IS NOT NULL AND ${STUDENT.gpa} IS NOT NULL`);
  const totalPoints = n(pointCount.n);
  // A deterministic sample: the same rows every time for the same data.
  const points = await q(
    `SELECT ${STUDENT.aid} AS aid, ${STUDENT.gpa} AS gpa, ${STUDENT.engagement} AS engagement FROM r WHERE ${STUDENT.aid} IS NOT NULL AND ${STUDENT.gpa} IS NOT NULL ` +
      `ORDER BY hash(${hasRecordId ? 'record_id' : `${STUDENT.aid}, ${STUDENT.gpa}`}) LIMIT ${Math.max(0, Math.floor(scatterMax))}`,
  );
  const majors = await q(
    `SELECT ${STUDENT.major} AS major, avg(${STUDENT.gpa}) AS gpa, CAST(count(*) AS DOUBLE) AS n FROM r WHERE ${STUDENT.major} IS NOT NULL AND ${STUDENT.gpa} IS NOT NULL GROUP BY ${STUDENT.major} ORDER BY gpa DESC, ${STUDENT.major}`,
  );
  return {
    rows: n(kpi.n),
    means: { gpa: toNumber(kpi.gpa), completion: toNumber(kpi.completion), engagement: toNumber(kpi.engagement), atRiskShare: toNumber(kpi.at_risk) },
    gpaBins: bins.map((b) => ({ binStart: round(n(b.bin) * GPA_BIN_WIDTH, 1), binEnd: round((n(b.bin) + 1) * GPA_BIN_WIDTH, 1), count: n(b.n) })),
    engagementByStanding: boxes.map((b) => ({
      standing: b.standing === null ? '(none)' : String(b.standing),
      count: n(b.n),
      min: n(b.min),
      lower: n(b.lower),
      q1: n(b.q1),
      median: n(b.median),
      q3: n(b.q3),
      upper: n(b.upper),
      max: n(b.max),
      outliers: n(b.outliers),
    })),
    completionByMonth: months.map((m) => ({ month: String(m.month), meanCompletion: n(m.completion), count: n(m.n) })),
    completionByDay: days.map((d) => ({ day: String(d.day), meanCompletion: n(d.completion), count: n(d.n) })),
    atRisk: risk.map((r) => ({ atRisk: typeof r.at_risk === 'boolean' ? r.at_risk : null, count: n(r.n) })),
    aidVsGpa: { points: points.map((p) => ({ aid: n(p.aid), gpa: n(p.gpa), engagement: toNumber(p.engagement) })), total: totalPoints, sampled: totalPoints > points.length },
    majorPerformance: majors.map((m) => ({ major: String(m.major), meanGpa: n(m.gpa), count: n(m.n) })),
    summary: await summaryTable(warehouse, filters),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `GET /api/filters`: the majors and standings present in the live rows, sorted. */
export async function filterOptions(warehouse: OpenWarehouse): Promise<{ majors: string[]; standings: string[] }> {
  requireMetricFields(warehouse);
  const cte = filteredRowsCte(warehouse.columns, { majors: [], standings: [] });
  const distinct = async (column: string) =>
    (await warehouse.all(`${cte.sql}SELECT DISTINCT ${quoteIdent(column)} AS v FROM r WHERE ${quoteIdent(column)} IS NOT NULL ORDER BY v`, cte.params)).map((row) => String(row.v));
  return { majors: await distinct(STUDENT.major), standings: await distinct(STUDENT.standing) };
}

/** What the Data Explorer asks for, validated. */
export interface RowsQuery {
  page: number;
  perPage: number;
  sort?: string;
  dir: 'asc' | 'desc';
  qCol?: string;
  q?: string;
}

/**
 * Where the explorer reads rows: the CTE of the live rows (`r`), the columns it shows in
 * their order, and what kind of value each holds. HED's comes from sql.ts; each other
 * vertical's from its definition (app/vertical/source.ts).
 */
export interface RowSource {
  cte: BoundSql;
  columns: WarehouseColumn[];
  kind: (column: WarehouseColumn) => ColumnKind;
}

/** HED's row source: tester.hed_records with the user's filters. */
export function hedRowSource(warehouse: OpenWarehouse, filters: Filters): RowSource {
  return { cte: filteredRowsCte(warehouse.columns, filters), columns: visibleColumns(warehouse.columns), kind: columnKind };
}

/** Checks a column name a user sent against the source's columns; a bad one is a 400 naming the valid ones. */
export function requireSourceColumn(columns: WarehouseColumn[], name: string, parameter: RowsParameter): WarehouseColumn {
  const column = columns.find((c) => c.name === name);
  if (!column) {
    throw new AppError('bad_request', 400, `Unknown column "${name}" in ${parameter}. Use one of: ${columns.map((c) => c.name).join(', ')}.`);
  }
  return column;
}

/** Checks a column name a user sent against the table; a bad one is a 400 naming the valid ones. */
export function requireColumn(warehouse: OpenWarehouse, name: string, parameter: RowsParameter) {
  return requireSourceColumn(visibleColumns(warehouse.columns), name, parameter);
}

/** ORDER BY and the text/number search, both on validated columns with the value bound. */
function explorerSql(source: RowSource, query: Omit<RowsQuery, 'page' | 'perPage'>) {
  const params = [...source.cte.params];
  let where = '';
  if (query.qCol !== undefined && query.q !== undefined && query.q !== '') {
    const column = requireSourceColumn(source.columns, query.qCol, 'q_col');
    const c = quoteIdent(column.name);
    const kind = source.kind(column);
    if (kind === 'number') {
      const value = Number(query.q.trim());
      if (query.q.trim() === '' || !Number.isFinite(value)) {
        throw new AppError('bad_request', 400, `The column ${column.name} holds numbers; filter it with a number (q=3.5), not "${query.q}".`);
      }
      where = ` WHERE ${c} = ?`;
      params.push(value);
    } else {
      where = ` WHERE contains(lower(CAST(${c} AS VARCHAR)), lower(?))`;
      params.push(query.q);
    }
  }
  const tieBreak = source.columns.some((c) => c.name === 'record_id') ? ', "record_id" ASC' : '';
  const order = query.sort !== undefined ? ` ORDER BY ${quoteIdent(requireSourceColumn(source.columns, query.sort, 'sort').name)} ${query.dir === 'desc' ? 'DESC' : 'ASC'} NULLS LAST${tieBreak}` : tieBreak ? ` ORDER BY ${tieBreak.slice(2)}` : '';
  const names = source.columns.map((c) => quoteIdent(c.name));
  return { sql: `${source.cte.sql}, hits AS (SELECT ${names.join(', ')} FROM r${where}) `, params, order };
}

/** One page of the Data Explorer from a row source: the rows and the total that match. */
export async function sourceRowsPage(warehouse: OpenWarehouse, source: RowSource, query: RowsQuery): Promise<{ columns: string[]; rows: JsonRow[]; total: number }> {
  const { sql, params, order } = explorerSql(source, query);
  const [count = {}] = await warehouse.all(`${sql}SELECT CAST(count(*) AS DOUBLE) AS n FROM hits`, params);
  const rows = await warehouse.all(`${sql}SELECT * FROM hits${order} LIMIT ${query.perPage} OFFSET ${(query.page - 1) * query.perPage}`, params);
  return { columns: source.columns.map((c) => c.name), rows, total: n(count.n) };
}

/** Every matching row of a row source, streamed in chunks of arrays (for the CSV download). */
export function sourceAllRows(warehouse: OpenWarehouse, source: RowSource, query: Omit<RowsQuery, 'page' | 'perPage'>): { columns: string[]; chunks: AsyncIterable<JsonValue[][]> } {
  const { sql, params, order } = explorerSql(source, query);
  return { columns: source.columns.map((c) => c.name), chunks: warehouse.stream(`${sql}SELECT * FROM hits${order}`, params) };
}

/** One page of the Data Explorer: the rows and the total that match. */
export async function rowsPage(warehouse: OpenWarehouse, filters: Filters, query: RowsQuery): Promise<{ columns: string[]; rows: JsonRow[]; total: number }> {
  requireTable(warehouse);
  return sourceRowsPage(warehouse, hedRowSource(warehouse, filters), query);
}

/** Every matching row, streamed in chunks of arrays (for the CSV download). */
export function allRows(warehouse: OpenWarehouse, filters: Filters, query: Omit<RowsQuery, 'page' | 'perPage'>): { columns: string[]; chunks: AsyncIterable<JsonValue[][]> } {
  requireTable(warehouse);
  return sourceAllRows(warehouse, hedRowSource(warehouse, filters), query);
}

/** Rows grouped by a category with their share at risk and means (for the offline analyst). */
export interface GroupFigures {
  key: string;
  count: number;
  atRiskShare: number | null;
  meanGpa: number | null;
  meanEngagement: number | null;
  meanCompletion: number | null;
  meanAid: number | null;
  meanInterventions: number | null;
}

/** Per-group figures over all live rows, by the risk flag, the major, the standing or the advisor. */
export async function groupFigures(warehouse: OpenWarehouse, by: StudentGroup): Promise<GroupFigures[]> {
  requireMetricFields(warehouse);
  const names = new Set(warehouse.columns.map((c) => c.name));
  if (!names.has(by)) return [];
  const cte = filteredRowsCte(warehouse.columns, { majors: [], standings: [] });
  const mean = (c: string) => (names.has(c) ? `avg(${quoteIdent(c)})` : 'NULL');
  const rows = await warehouse.all(
    `${cte.sql}SELECT CAST(${quoteIdent(by)} AS VARCHAR) AS k, CAST(count(*) AS DOUBLE) AS n, avg(CAST(${STUDENT.atRisk} AS INTEGER)) AS risk, avg(${STUDENT.gpa}) AS gpa, avg(${STUDENT.engagement}) AS eng, ` +
      `avg(${STUDENT.completion}) AS comp, avg(${STUDENT.aid}) AS aid, ${mean(STUDENT.interventions)} AS interventions FROM r GROUP BY k ORDER BY n DESC, k`,
    cte.params,
  );
  return rows.map((r: JsonRow) => ({
    key: r.k === null ? '(none)' : String(r.k),
    count: n(r.n),
    atRiskShare: toNumber(r.risk),
    meanGpa: toNumber(r.gpa),
    meanEngagement: toNumber(r.eng),
    meanCompletion: toNumber(r.comp),
    meanAid: toNumber(r.aid),
    meanInterventions: toNumber(r.interventions),
  }));
}
