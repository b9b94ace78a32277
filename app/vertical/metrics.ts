/**
 * A vertical's Metrics tab, over ALL live rows in DuckDB SQL (or those its filters keep,
 * filters.ts): its four KPIs (each the SQL
 * of verticals/kpi.ts `kpiSql`, so the app computes exactly what `computeKpi` defines),
 * each chart's aggregate by the chart's kind, and the summary statistics of its summary
 * fields. The KPI cards and distribution remarks are pure functions of the results.
 */
import { formatKpi, kpiDelta, kpiSql, type ChartDefinition, type KpiDefinition, type VerticalDefinition } from '../../verticals/index.js';
import { SUMMARY_STATS, toNumber, type SummaryTable } from '../queries.js';
import { enrollmentMonthSql, quoteIdent } from '../sql.js';
import type { JsonValue, OpenWarehouse } from '../warehouse.js';
import { CATEGORIES_SHOWN_MAX, compileCharts, fieldLabel, type ChartData } from './charts.js';
import { filterCondition, NO_FILTERS, requireFilterValues, type VerticalFilters } from './filters.js';
import { fieldColumns, fieldOf, requireVerticalFields, verticalRowsCte } from './source.js';
import type { Chart } from '../charts.js';

/** Points drawn at most in a scatter. */
export const VERTICAL_SCATTER_MAX = 2000;
/** Bins a histogram aims at (the step is rounded to 1, 2, 2.5 or 5 times a power of ten). */
export const HISTOGRAM_BINS = 20;
/** Fewer months than this make a poor trend line: the chart goes by day. */
export const TREND_MONTHS_MIN = 3;

/** One KPI card, as StudentSuccess's (app/metrics.ts) with the target optional. */
export interface VerticalKpi {
  id: string;
  label: string;
  value: number | null;
  display: string;
  target: number | null;
  targetDisplay: string | null;
  delta: number | null;
  /** `+38 lbs vs target`; empty without a target. */
  deltaDisplay: string;
  /** The arrow: the sign of value − target as shown (none when it rounds to zero or there is no target). */
  deltaDirection: 'up' | 'down' | 'none';
  /** On the good side of the target (the `better` of the definition); null without a target. */
  deltaGood: boolean | null;
}

/** `Avg Health Risk` → `avg-health-risk`. */
export const kpiId = (label: string) => label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/**
 * One KPI card from its definition and its value (null when there are no rows).
 * @example buildVerticalKpi(agr.app.kpis[1], 1338.2) // { display: '1,338 lbs', deltaDisplay: '-162 lbs vs target', deltaDirection: 'down', deltaGood: false, ... }
 */
export function buildVerticalKpi(kpi: KpiDefinition, value: number | null): VerticalKpi {
  const display = value === null ? '–' : formatKpi(value, kpi.format);
  const base = { id: kpiId(kpi.label), label: kpi.label, value, display };
  if (!kpi.target || value === null) {
    return { ...base, target: kpi.target?.value ?? null, targetDisplay: kpi.target ? formatKpi(kpi.target.value, kpi.format) : null, delta: null, deltaDisplay: '', deltaDirection: 'none', deltaGood: null };
  }
  const delta = value - kpi.target.value;
  const shown = formatKpi(Math.abs(delta), kpi.format);
  // The arrow follows the delta as shown: one that rounds to zero has none.
  const zero = Number.parseFloat(shown.replace(/[^0-9.]/g, '')) === 0;
  return {
    ...base,
    target: kpi.target.value,
    targetDisplay: formatKpi(kpi.target.value, kpi.format),
    delta,
    deltaDisplay: `${delta < 0 && !zero ? '-' : '+'}${shown} ${kpi.target.note}`,
    deltaDirection: zero ? 'none' : delta > 0 ? 'up' : 'down',
    deltaGood: (kpiDelta(kpi, value) ?? 0) >= 0,
  };
}

/** The four cards. */
export function buildVerticalKpis(definition: VerticalDefinition, values: readonly (number | null)[]): VerticalKpi[] {
  return definition.app.kpis.map((kpi, i) => buildVerticalKpi(kpi, values[i] ?? null));
}

/** The SELECT of the KPIs over `r`: `count(*) AS n, <kpiSql> AS k0, ...`, one row. */
export function kpiSelect(definition: VerticalDefinition): string {
  return ['CAST(count(*) AS DOUBLE) AS n', ...definition.app.kpis.map((kpi, i) => `${kpiSql(kpi.formula)} AS k${i}`)].join(', ');
}

/** Everything the Metrics tab of a vertical shows, aggregated. */
export interface VerticalAggregates {
  rows: number;
  kpiValues: (number | null)[];
  charts: ChartData[];
  summary: SummaryTable;
}

const n = (v: JsonValue | undefined) => toNumber(v) ?? 0;

/**
 * A round bin width for about `bins` bins over [min, max]: 1, 2, 2.5 or 5 times a power of ten.
 * @example histogramStep(400, 2200) // 100
 */
export function histogramStep(min: number, max: number, bins = HISTOGRAM_BINS): number {
  const raw = (max - min) / bins;
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return Number(step.toPrecision(6));
}

type Query = (select: string) => Promise<Record<string, JsonValue>[]>;
const q = quoteIdent;
const text = (v: JsonValue | undefined) => (v === null || v === undefined ? '(none)' : String(v));

async function histogram(query: Query, field: string): Promise<ChartData> {
  const c = q(field);
  const [range = {}] = await query(`SELECT min(${c}) AS lo, max(${c}) AS hi FROM r`);
  const lo = toNumber(range.lo);
  const hi = toNumber(range.hi);
  if (lo === null || hi === null) return { kind: 'histogram', bins: [], step: 1 };
  const step = histogramStep(lo, hi);
  // Rounded before the floor: 1.2 / 0.2 is 5.999… in binary.
  const rows = await query(`SELECT CAST(floor(round(${c} / ${step}, 6)) AS BIGINT) AS bin, CAST(count(*) AS DOUBLE) AS n FROM r WHERE ${c} IS NOT NULL GROUP BY bin ORDER BY bin`);
  const at = (bin: number) => Number((bin * step).toPrecision(12));
  return { kind: 'histogram', step, bins: rows.map((row) => ({ binStart: at(n(row.bin)), binEnd: at(n(row.bin) + 1), count: n(row.n) })) };
}

async function boxplot(query: Query, category: string, value: string): Promise<ChartData> {
  const k = q(category);
  const v = q(value);
  const rows = await query(
    `, quartiles AS (SELECT CAST(${k} AS VARCHAR) AS k, quantile_cont(${v}, 0.25) AS q1, quantile_cont(${v}, 0.5) AS median, quantile_cont(${v}, 0.75) AS q3 FROM r WHERE ${v} IS NOT NULL GROUP BY 1) ` +
      `SELECT quartiles.k, CAST(count(*) AS DOUBLE) AS n, min(${v}) AS min, max(${v}) AS max, any_value(q1) AS q1, any_value(median) AS median, any_value(q3) AS q3, ` +
      `min(${v}) FILTER (WHERE ${v} >= q1 - 1.5 * (q3 - q1)) AS lower, max(${v}) FILTER (WHERE ${v} <= q3 + 1.5 * (q3 - q1)) AS upper, ` +
      `CAST(count(*) FILTER (WHERE ${v} < q1 - 1.5 * (q3 - q1) OR ${v} > q3 + 1.5 * (q3 - q1)) AS DOUBLE) AS outliers ` +
      `FROM r JOIN quartiles ON CAST(r.${k} AS VARCHAR) IS NOT DISTINCT FROM quartiles.k WHERE ${v} IS NOT NULL GROUP BY quartiles.k ORDER BY n DESC, quartiles.k`,
  );
  return {
    kind: 'boxplot',
    boxes: rows.map((b) => ({ category: text(b.k), count: n(b.n), min: n(b.min), lower: n(b.lower), q1: n(b.q1), median: n(b.median), q3: n(b.q3), upper: n(b.upper), max: n(b.max), outliers: n(b.outliers) })),
  };
}

async function scatter(query: Query, x: string, y: string, color: string | undefined, colorIsNumber: boolean, hashBy: string, max: number): Promise<ChartData> {
  const where = `WHERE ${q(x)} IS NOT NULL AND ${q(y)} IS NOT NULL`;
  const [count = {}] = await query(`SELECT CAST(count(*) AS DOUBLE) AS n FROM r ${where}`);
  const colorSql = color === undefined ? '' : `, ${colorIsNumber ? q(color) : `CAST(${q(color)} AS VARCHAR)`} AS c`;
  // A deterministic sample: the same rows every time for the same data.
  const rows = await query(`SELECT ${q(x)} AS x, ${q(y)} AS y${colorSql} FROM r ${where} ORDER BY hash(${hashBy}) LIMIT ${Math.max(0, Math.floor(max))}`);
  const total = n(count.n);
  return {
    kind: 'scatter',
    total,
    sampled: total > rows.length,
    points: rows.map((p) => ({ x: n(p.x), y: n(p.y), ...(color !== undefined ? { color: colorIsNumber ? toNumber(p.c) : p.c === null || p.c === undefined ? null : String(p.c) } : {}) })),
  };
}

/** A text field the API writes as a JSON list (`["Action", "Drama"]`) is counted by its items. */
function countedValues(definition: VerticalDefinition, field: string): string {
  const c = q(field);
  if (fieldOf(definition, field)?.gen.kind === 'json-list') return `unnest(string_split(regexp_replace(CAST(${c} AS VARCHAR), '[\\[\\]"]', '', 'g'), ', '))`;
  return `CAST(${c} AS VARCHAR)`;
}

async function counts(query: Query, definition: VerticalDefinition, chart: Extract<ChartDefinition, { kind: 'counts' }>): Promise<ChartData> {
  const value = countedValues(definition, chart.field);
  const [distinct = {}] = await query(`, items AS (SELECT ${value} AS v FROM r) SELECT CAST(count(DISTINCT v) AS DOUBLE) AS n FROM items`);
  const top = `, items AS (SELECT ${value} AS v${chart.stack !== undefined ? `, CAST(${q(chart.stack)} AS VARCHAR) AS s` : ''} FROM r), top AS (SELECT v FROM items GROUP BY v ORDER BY count(*) DESC, v LIMIT ${CATEGORIES_SHOWN_MAX}) `;
  const rows = await query(
    chart.stack !== undefined
      ? `${top}SELECT v, s, CAST(count(*) AS DOUBLE) AS n FROM items WHERE v IN (SELECT v FROM top) GROUP BY v, s ORDER BY v, s`
      : `${top}SELECT v, CAST(count(*) AS DOUBLE) AS n FROM items WHERE v IN (SELECT v FROM top) GROUP BY v ORDER BY n DESC, v`,
  );
  return {
    kind: 'counts',
    categories: n(distinct.n),
    values: rows.map((row) => ({ value: text(row.v), ...(chart.stack !== undefined ? { stack: text(row.s) } : {}), count: n(row.n) })),
  };
}

async function meanBy(query: Query, category: string, value: string): Promise<ChartData> {
  const k = `CAST(${q(category)} AS VARCHAR)`;
  const [distinct = {}] = await query(`SELECT CAST(count(DISTINCT ${k}) AS DOUBLE) AS n FROM r WHERE ${q(value)} IS NOT NULL`);
  const rows = await query(`SELECT ${k} AS k, avg(${q(value)}) AS m, CAST(count(*) AS DOUBLE) AS n FROM r WHERE ${q(value)} IS NOT NULL GROUP BY 1 ORDER BY m DESC, k LIMIT ${CATEGORIES_SHOWN_MAX}`);
  return { kind: 'mean-by', categories: n(distinct.n), values: rows.map((row) => ({ category: text(row.k), mean: n(row.m), count: n(row.n) })) };
}

async function trend(query: Query, date: string, value: string): Promise<ChartData> {
  const column = { name: date, type: 'VARCHAR' };
  const by = async (format: string) =>
    query(`SELECT ${enrollmentMonthSql(column, format)} AS p, avg(${q(value)}) AS m, CAST(count(*) AS DOUBLE) AS n FROM r WHERE ${q(value)} IS NOT NULL GROUP BY p HAVING p IS NOT NULL ORDER BY p`);
  let unit: 'Month' | 'Day' = 'Month';
  let rows = await by('%Y-%m');
  if (rows.length < TREND_MONTHS_MIN) {
    unit = 'Day';
    rows = await by('%Y-%m-%d');
  }
  return { kind: 'trend', unit, values: rows.map((row) => ({ period: String(row.p), mean: n(row.m), count: n(row.n) })) };
}

/** The summary statistics (pandas' describe()) of the definition's summary fields present in the table. */
async function summaryOf(query: Query, definition: VerticalDefinition, present: Set<string>): Promise<SummaryTable> {
  const columns = definition.app.summary.filter((f) => present.has(f));
  if (columns.length === 0) return { columns, stats: SUMMARY_STATS.map((s) => ({ stat: s.stat, values: [] })) };
  const select = columns.flatMap((c, i) => SUMMARY_STATS.map((s, j) => `${s.sql(q(c))} AS s${i}_${j}`));
  const [row = {}] = await query(`SELECT ${select.join(', ')} FROM r`);
  return { columns, stats: SUMMARY_STATS.map((s, j) => ({ stat: s.stat, values: columns.map((_, i) => toNumber(row[`s${i}_${j}`])) })) };
}

/** All of a vertical's Metrics aggregates over the live rows the filters keep (none: all of them). */
export async function verticalAggregates(warehouse: OpenWarehouse, definition: VerticalDefinition, filters: VerticalFilters = NO_FILTERS, scatterMax = VERTICAL_SCATTER_MAX): Promise<VerticalAggregates> {
  requireVerticalFields(definition, warehouse);
  await requireFilterValues(warehouse, definition, filters, verticalRowsCte(definition, warehouse.columns));
  const cte = verticalRowsCte(definition, warehouse.columns, filterCondition(filters));
  const query: Query = (select) => warehouse.all(cte.sql + select, cte.params);
  const present = new Set(fieldColumns(definition, warehouse.columns).map((c) => c.name));
  const hashBy = present.has('record_id') ? q('record_id') : 'ROWID';
  const [kpi = {}] = await query(`SELECT ${kpiSelect(definition)} FROM r`);
  const rows = n(kpi.n);
  const charts: ChartData[] = [];
  for (const chart of definition.app.charts) {
    switch (chart.kind) {
      case 'histogram':
        charts.push(await histogram(query, chart.field));
        break;
      case 'boxplot':
        charts.push(await boxplot(query, chart.category, chart.value));
        break;
      case 'scatter': {
        const colorIsNumber = chart.color !== undefined && ['number', 'integer'].includes(fieldOf(definition, chart.color)?.type ?? '');
        charts.push(await scatter(query, chart.x, chart.y, chart.color, colorIsNumber, hashBy === 'ROWID' ? `${q(chart.x)}, ${q(chart.y)}` : hashBy, scatterMax));
        break;
      }
      case 'counts':
        charts.push(await counts(query, definition, chart));
        break;
      case 'mean-by':
        charts.push(await meanBy(query, chart.category, chart.value));
        break;
      case 'trend':
        charts.push(await trend(query, chart.date, chart.value));
        break;
    }
  }
  return {
    rows,
    // No rows: no KPI (an average of nothing is not 0).
    kpiValues: definition.app.kpis.map((_, i) => (rows === 0 ? null : toNumber(kpi[`k${i}`]))),
    charts,
    summary: await summaryOf(query, definition, present),
  };
}

/**
 * Distribution remarks from the summary table, one per summary field: its median and
 * range, the spread when it is wide. Plain text.
 */
export function verticalRemarks(definition: VerticalDefinition, summary: SummaryTable): string[] {
  const value = (i: number, stat: string) => summary.stats.find((s) => s.stat === stat)?.values[i] ?? null;
  const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 2 });
  return summary.columns.flatMap((field, i) => {
    const median = value(i, '50%');
    const min = value(i, 'min');
    const max = value(i, 'max');
    const mean = value(i, 'mean');
    const std = value(i, 'std');
    if (median === null || min === null || max === null) return [];
    const spread = mean !== null && std !== null && mean !== 0 && Math.abs(std / mean) > 0.5 ? ' (widely spread)' : '';
    return [`${fieldLabel(definition, field)}: median ${fmt(median)}, from ${fmt(min)} to ${fmt(max)}${spread}`];
  });
}

/** `GET /api/verticals/:prefix/metrics`. */
export interface VerticalMetricsAnswer {
  vertical: string;
  rows: number;
  filters: VerticalFilters;
  kpis: VerticalKpi[];
  charts: Chart[];
  summary: SummaryTable;
  remarks: string[];
}

/** The Metrics answer of a vertical from its aggregates, pure. */
export function verticalMetricsAnswer(definition: VerticalDefinition, aggregates: VerticalAggregates, filters: VerticalFilters = NO_FILTERS): VerticalMetricsAnswer {
  return {
    vertical: definition.prefix,
    rows: aggregates.rows,
    filters,
    kpis: buildVerticalKpis(definition, aggregates.kpiValues),
    charts: compileCharts(definition, aggregates.charts),
    summary: aggregates.summary,
    remarks: verticalRemarks(definition, aggregates.summary),
  };
}
