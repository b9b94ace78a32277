import type { KpiDefinition, KpiFormat, KpiFormula, VerticalRecord } from './definition.js';

/**
 * A KPI's value over records, as the lab's app computes it over its table (`mean` of a
 * column, `sum`, the share of rows whose column equals a value, …). NaN when there are no
 * records to average.
 *
 * @example
 * computeKpi({ op: 'mean', field: 'weight' }, [{ weight: 1000 }, { weight: 1200 }]) // 1100
 */
export function computeKpi(formula: KpiFormula, records: Iterable<VerticalRecord>): number {
  let n = 0;
  let acc = 0;
  const seen = new Set<unknown>();
  for (const record of records) {
    const value = record[formula.field];
    n += 1;
    switch (formula.op) {
      case 'mean':
      case 'sum':
        acc += Number(value);
        break;
      case 'max':
        acc = n === 1 ? Number(value) : Math.max(acc, Number(value));
        break;
      case 'share':
      case 'count':
        if (value === formula.equals) acc += 1;
        break;
      case 'distinct':
        seen.add(value);
        break;
    }
  }
  const scale = 'scale' in formula && formula.scale !== undefined ? formula.scale : 1;
  switch (formula.op) {
    case 'mean':
      return (acc / n) * scale;
    case 'share':
      return acc / n;
    case 'distinct':
      return seen.size;
    default:
      return n === 0 && formula.op === 'max' ? Number.NaN : acc * scale;
  }
}

/**
 * The SQL aggregate of a KPI over a table of the warehouse (DuckDB), for the app to run
 * over all rows instead of computing in the browser. Field names are quoted.
 *
 * @example
 * kpiSql({ op: 'share', field: 'retention_campaign_active', equals: true }) // 'avg(CASE WHEN "retention_campaign_active" = true THEN 1 ELSE 0 END)'
 */
export function kpiSql(formula: KpiFormula): string {
  const column = `"${formula.field.replace(/"/g, '""')}"`;
  const scaled = (sql: string) => ('scale' in formula && formula.scale !== undefined && formula.scale !== 1 ? `${sql} * ${formula.scale}` : sql);
  switch (formula.op) {
    case 'mean':
      return scaled(`avg(${column})`);
    case 'sum':
      return scaled(`sum(${column})`);
    case 'max':
      return scaled(`max(${column})`);
    case 'distinct':
      return `count(DISTINCT ${column})`;
    case 'share':
    case 'count': {
      const literal = typeof formula.equals === 'boolean' ? String(formula.equals) : `'${formula.equals.replace(/'/g, "''")}'`;
      const hit = `CASE WHEN ${column} = ${literal} THEN 1 ELSE 0 END`;
      return formula.op === 'share' ? `avg(${hit})` : `sum(${hit})`;
    }
  }
}

/**
 * A KPI value written as the lab's app writes it.
 *
 * @example
 * formatKpi(1338.7, { style: 'number', decimals: 0, suffix: ' lbs' }) // '1,339 lbs'
 * formatKpi(0.271, { style: 'percent', decimals: 1 }) // '27.1%'
 */
export function formatKpi(value: number, format: KpiFormat): string {
  if (!Number.isFinite(value)) return '–';
  const number = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: format.decimals, maximumFractionDigits: format.decimals });
  const text = format.style === 'percent' ? `${number(value * 100)}%` : format.style === 'currency' ? `$${number(value)}` : number(value);
  return text + (format.suffix ?? '');
}

/**
 * How far a KPI value is from its target, signed so that positive is good (`better`), or
 * undefined without a target.
 *
 * @example
 * kpiDelta(kpi, 0.2) // 0.05 for "Avg Churn Risk Probability", target 0.25, lower is better
 */
export function kpiDelta(kpi: KpiDefinition, value: number): number | undefined {
  if (!kpi.target) return undefined;
  return kpi.target.better === 'higher' ? value - kpi.target.value : kpi.target.value - value;
}
