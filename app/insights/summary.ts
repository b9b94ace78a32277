/**
 * The lab's data summary, computed over ALL live rows: averages, minimum and maximum (and
 * spread) of the numeric fields, the top values of the categories, and the strongest
 * correlations between the numeric fields. `formatDataSummary` turns it into the text a
 * model is fed; the offline analyst reads the same figures.
 */
import { CATEGORY_FIELDS, TABLE_LABEL } from '../fields.js';
import { presentNumericFields, requireMetricFields, toNumber } from '../queries.js';
import { filteredRowsCte, quoteIdent } from '../sql.js';
import type { OpenWarehouse } from '../warehouse.js';

/** What the lab's description of the table says. */
export const TABLE_DESCRIPTION = 'Consolidated student retention data from multiple sources for StudentSuccess solution';

/** The data summary. */
export interface DataSummary {
  table: string;
  description: string;
  records: number;
  numeric: { field: string; mean: number | null; min: number | null; max: number | null; std: number | null }[];
  categories: { field: string; top: { value: string; count: number }[] }[];
  correlations: { a: string; b: string; r: number }[];
}

/** How many top values per category and how many correlations the summary keeps (the lab's 3 and 3). */
export const SUMMARY_LIMITS = { topValues: 3, correlations: 3 } as const;

/** Computes the data summary from the warehouse. */
export async function computeDataSummary(warehouse: OpenWarehouse): Promise<DataSummary> {
  requireMetricFields(warehouse);
  const cte = filteredRowsCte(warehouse.columns, { majors: [], standings: [] });
  const fields = presentNumericFields(warehouse);
  const stats = fields.flatMap((f, i) => [`avg(${quoteIdent(f)}) AS mean${i}`, `min(${quoteIdent(f)}) AS min${i}`, `max(${quoteIdent(f)}) AS max${i}`, `stddev_samp(${quoteIdent(f)}) AS std${i}`]);
  const pairs: [string, string][] = [];
  fields.forEach((a, i) => fields.slice(i + 1).forEach((b) => pairs.push([a, b])));
  const corr = pairs.map(([a, b], k) => `corr(${quoteIdent(a)}, ${quoteIdent(b)}) AS corr${k}`);
  const [row = {}] = await warehouse.all(`${cte.sql}SELECT CAST(count(*) AS DOUBLE) AS n${[...stats, ...corr].map((s) => `, ${s}`).join('')} FROM r`, cte.params);
  const present = new Set(warehouse.columns.map((c) => c.name));
  const categories = [];
  for (const field of CATEGORY_FIELDS.filter((f) => present.has(f))) {
    const top = await warehouse.all(
      `${cte.sql}SELECT CAST(${quoteIdent(field)} AS VARCHAR) AS v, CAST(count(*) AS DOUBLE) AS n FROM r WHERE ${quoteIdent(field)} IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT ${SUMMARY_LIMITS.topValues}`,
      cte.params,
    );
    categories.push({ field, top: top.map((t) => ({ value: String(t.v), count: toNumber(t.n) ?? 0 })) });
  }
  const correlations = pairs
    .map(([a, b], k) => ({ a, b, r: toNumber(row[`corr${k}`]) }))
    .filter((c): c is { a: string; b: string; r: number } => c.r !== null)
    .sort((x, y) => Math.abs(y.r) - Math.abs(x.r))
    .slice(0, SUMMARY_LIMITS.correlations);
  return {
    table: TABLE_LABEL,
    description: TABLE_DESCRIPTION,
    records: toNumber(row.n) ?? 0,
    numeric: fields.map((field, i) => ({ field, mean: toNumber(row[`mean${i}`]), min: toNumber(row[`min${i}`]), max: toNumber(row[`max${i}`]), std: toNumber(row[`std${i}`]) })),
    categories,
    correlations,
  };
}

const fixed2 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));

/**
 * The data summary as the text block of the lab's prompt.
 * @example formatDataSummary(s).split('\n')[0] // 'Table: tester.hed_records'
 */
export function formatDataSummary(summary: DataSummary, noun = 'student'): string {
  const lines = [`Table: ${summary.table}`, `Description: ${summary.description}`, `Records analyzed: ${summary.records}`];
  for (const f of summary.numeric) lines.push(`- ${f.field} (avg: ${fixed2(f.mean)}, min: ${fixed2(f.min)}, max: ${fixed2(f.max)})`);
  for (const c of summary.categories) {
    lines.push('', `Top ${c.field} values:`);
    for (const t of c.top) lines.push(`- ${t.value}: ${t.count}`);
  }
  if (summary.correlations.length > 0) {
    lines.push('', `Top correlations between ${noun} metrics:`);
    for (const c of summary.correlations) lines.push(`- ${c.a} and ${c.b}: r = ${c.r.toFixed(2)}`);
  }
  return lines.join('\n');
}
