/**
 * The offline analyst for any vertical: no model. It computes the figures from the
 * vertical's table (its four KPIs against their targets, the numeric fields, the
 * strongest correlations, its risk score by category) and writes each of the four focus
 * areas under generic headings, in the words of the vertical's definition (its KPIs,
 * fields and subject). `writeVerticalReport` is pure: same figures, same text.
 */
import type { VerticalDefinition } from '../../verticals/index.js';
import { AppError } from '../errors.js';
import type { FocusArea } from '../insights/focus-areas.js';
import type { DataSummary } from '../insights/summary.js';
import { toNumber } from '../queries.js';
import { quoteIdent } from '../sql.js';
import type { OpenWarehouse } from '../warehouse.js';
import { fieldLabel } from './charts.js';
import { buildVerticalKpis, kpiSelect, type VerticalKpi } from './metrics.js';
import { fieldColumns, fieldOf, requireVerticalFields, tableLabel, verticalRowsCte } from './source.js';

/** The four focus areas with generic section headings (the lab's apps ask the same four of every path). */
export const VERTICAL_SECTIONS: Readonly<Record<string, readonly string[]>> = {
  'Overall Performance': ['Performance Insights', 'Key Metric Trends', 'Risk Recommendations', 'Implementation Steps'],
  'Optimization Opportunities': ['Optimization Priorities', 'Impact Analysis', 'Process Enhancement', 'System Integration Recommendations', 'Risk Assessment'],
  'Financial Impact': ['Cost and Revenue Analysis', 'Investment Impact', 'ROI Calculation', 'Cost-Effectiveness', 'Forecasting'],
  'Strategic Recommendations': ['Digital Transformation Context', 'Competitive Advantage Analysis', 'Strategic Priorities', 'Advanced Analytics Integration Vision', 'Transformation Roadmap'],
};

const slug = (label: string) => label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A vertical's focus areas, in the definition's order, with what a model is asked in each. */
export function verticalFocusAreas(definition: VerticalDefinition): FocusArea[] {
  const subject = definition.app.subject;
  const kpis = definition.app.kpis.map((k) => k.label).join(', ');
  const asks: Record<string, string[]> = {
    'Overall Performance': [`Analyse ${subject} across ${kpis}.`, 'Point out patterns across the categories of the data.', 'Name the metrics that best signal risk.', 'Give 3 to 5 actionable insights.'],
    'Optimization Opportunities': ['Find where processes could work better, using the correlations between the metrics.', 'Rank the opportunities by their likely effect on the KPIs.', 'Suggest concrete process or integration changes.'],
    'Financial Impact': ['Weigh the money the KPIs stand for against the cost of acting on them.', 'Show the return-on-investment arithmetic step by step from the figures given.', 'Project the effect of reaching the targets.'],
    'Strategic Recommendations': [`Place data-driven work on ${subject} in the longer-term strategy.`, 'Propose 3 to 5 high-impact initiatives and a sequenced roadmap over 1 to 3 years.'],
  };
  return definition.app.focusAreas.map((label) => ({ id: slug(label), label, sections: [...(VERTICAL_SECTIONS[label] ?? [])], asks: asks[label] ?? [] }));
}

/** The focus area with this id (or label); a bad one is a 400 listing the valid ids. */
export function findVerticalFocusArea(definition: VerticalDefinition, idOrLabel: unknown): FocusArea {
  const areas = verticalFocusAreas(definition);
  const area = areas.find((a) => a.id === idOrLabel || a.label === idOrLabel);
  if (!area) throw new AppError('bad_request', 400, `Unknown focus area ${JSON.stringify(idOrLabel)}. Send one of: ${areas.map((a) => a.id).join(', ')}.`);
  return area;
}

/** One category's groups with their mean risk score. */
export interface RiskGroups {
  field: string;
  groups: { key: string; count: number; risk: number | null }[];
}

/** Everything the analyst reads. */
export interface VerticalFigures {
  kpis: VerticalKpi[];
  summary: DataSummary;
  riskField: string;
  riskMean: number | null;
  byCategory: RiskGroups[];
}

/** Categories with more groups than this are not compared group by group. */
export const GROUPS_COMPARED_MAX = 40;
const TOP_VALUES = 3;
const CORRELATIONS = 3;
const CATEGORIES_READ = 3;

/** The numeric fields the analyst describes: summary fields, KPI fields and the risk score, as the table has them. */
export function analystNumericFields(definition: VerticalDefinition, present: Set<string>): string[] {
  const numeric = (name: string) => ['number', 'integer'].includes(fieldOf(definition, name)?.type ?? '');
  const names = [...definition.app.summary, ...definition.app.kpis.map((k) => k.formula.field), definition.risk.field];
  return [...new Set(names)].filter((name) => numeric(name) && present.has(name));
}

/** Reads the analyst's figures from the vertical's table. */
export async function computeVerticalFigures(warehouse: OpenWarehouse, definition: VerticalDefinition): Promise<VerticalFigures> {
  requireVerticalFields(definition, warehouse);
  const cte = verticalRowsCte(definition, warehouse.columns);
  const query = (select: string) => warehouse.all(cte.sql + select, cte.params);
  const present = new Set(fieldColumns(definition, warehouse.columns).map((c) => c.name));
  const fields = analystNumericFields(definition, present);
  const q = quoteIdent;
  const stats = fields.flatMap((f, i) => [`avg(${q(f)}) AS mean${i}`, `min(${q(f)}) AS min${i}`, `max(${q(f)}) AS max${i}`, `stddev_samp(${q(f)}) AS std${i}`]);
  const pairs: [string, string][] = [];
  fields.forEach((a, i) => fields.slice(i + 1).forEach((b) => pairs.push([a, b])));
  const corr = pairs.map(([a, b], k) => `corr(${q(a)}, ${q(b)}) AS corr${k}`);
  const [row = {}] = await query(`SELECT ${[kpiSelect(definition), ...stats, ...corr].join(', ')} FROM r`);
  const records = toNumber(row.n) ?? 0;
  const riskType = fieldOf(definition, definition.risk.field)?.type;
  const risk = present.has(definition.risk.field) ? (riskType === 'boolean' ? `CAST(${q(definition.risk.field)} AS INTEGER)` : q(definition.risk.field)) : 'NULL';
  const [riskRow = {}] = await query(`SELECT avg(${risk}) AS m FROM r`);
  const categories: DataSummary['categories'] = [];
  const byCategory: RiskGroups[] = [];
  for (const field of definition.app.categories.filter((f) => present.has(f)).slice(0, CATEGORIES_READ)) {
    const groups = await query(`SELECT CAST(${q(field)} AS VARCHAR) AS k, CAST(count(*) AS DOUBLE) AS n, avg(${risk}) AS risk FROM r GROUP BY 1 ORDER BY n DESC, k LIMIT ${GROUPS_COMPARED_MAX + 1}`);
    const parsed = groups.map((g) => ({ key: g.k === null ? '(none)' : String(g.k), count: toNumber(g.n) ?? 0, risk: toNumber(g.risk) }));
    categories.push({ field, top: parsed.slice(0, TOP_VALUES).map((g) => ({ value: g.key, count: g.count })) });
    if (parsed.length <= GROUPS_COMPARED_MAX && parsed.length > 1) byCategory.push({ field, groups: [...parsed].sort((a, b) => (b.risk ?? 0) - (a.risk ?? 0) || b.count - a.count) });
  }
  const correlations = pairs
    .map(([a, b], k) => ({ a, b, r: toNumber(row[`corr${k}`]) }))
    .filter((c): c is { a: string; b: string; r: number } => c.r !== null)
    .sort((x, y) => Math.abs(y.r) - Math.abs(x.r))
    .slice(0, CORRELATIONS);
  return {
    kpis: buildVerticalKpis(definition, definition.app.kpis.map((_, i) => (records === 0 ? null : toNumber(row[`k${i}`])))),
    summary: {
      table: tableLabel(definition),
      description: `${definition.domain} records of ${definition.app.name}: ${definition.app.subject}`,
      records,
      numeric: fields.map((field, i) => ({ field, mean: toNumber(row[`mean${i}`]), min: toNumber(row[`min${i}`]), max: toNumber(row[`max${i}`]), std: toNumber(row[`std${i}`]) })),
      categories,
      correlations,
    },
    riskField: definition.risk.field,
    riskMean: toNumber(riskRow.m),
    byCategory,
  };
}

const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? 'n/a' : v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: Math.abs(v) >= 1000 ? 0 : digits }));
const int = (v: number) => Math.round(v).toLocaleString('en-US');

/** What the sections quote, derived once. */
function derive(definition: VerticalDefinition, f: VerticalFigures) {
  const label = (name: string) => fieldLabel(definition, name);
  const riskLabel = `${label(f.riskField)} (${definition.risk.label})`;
  const targeted = f.kpis.filter((k) => k.deltaGood !== null);
  const missed = targeted.filter((k) => k.deltaGood === false).sort((a, b) => relativeGap(b) - relativeGap(a));
  const met = targeted.filter((k) => k.deltaGood === true);
  const money = [
    ...f.kpis.filter((k) => definition.app.kpis.find((d) => d.label === k.label)?.format.style === 'currency').map((k) => `${k.label} ${k.display}`),
    ...f.summary.numeric.filter((n) => fieldOf(definition, n.field)?.unit === '$').map((n) => `mean ${label(n.field)} ${fmt(n.mean)}`),
  ];
  const kpiLine = (k: VerticalKpi) => (k.deltaDisplay ? `${k.label} is ${k.display} (${k.deltaDisplay}; ${k.deltaGood ? 'on the good side of its target' : 'on the wrong side of its target'})` : `${k.label} is ${k.display} (the lab sets no target)`);
  const correlations = f.summary.correlations.map((c) => `${label(c.a)} and ${label(c.b)} move ${c.r >= 0 ? 'together' : 'in opposite directions'} (r = ${c.r.toFixed(2)})`);
  const groupLines = f.byCategory.map((c) => {
    const top = c.groups[0]!;
    const bottom = c.groups.at(-1)!;
    return `By ${label(c.field)}, ${top.key} has the highest mean ${label(f.riskField)} (${fmt(top.risk, 3)} over ${int(top.count)} records) and ${bottom.key} the lowest (${fmt(bottom.risk, 3)} over ${int(bottom.count)})`;
  });
  return { label, riskLabel, targeted, missed, met, money, kpiLine, correlations, groupLines, records: f.summary.records };
}

/** How far a KPI misses its target, relative to the target (0 when it has none). */
function relativeGap(kpi: VerticalKpi): number {
  if (kpi.value === null || kpi.target === null || kpi.target === 0) return 0;
  return Math.abs(kpi.value - kpi.target) / Math.abs(kpi.target);
}

type Derived = ReturnType<typeof derive>;
const bullets = (lines: string[], empty: string) => (lines.length > 0 ? lines.map((l) => `- ${l}.`) : [`- ${empty}`]);

function overall(definition: VerticalDefinition, f: VerticalFigures, d: Derived): Record<string, string[]> {
  return {
    'Performance Insights': [`- ${int(d.records)} records of ${definition.app.subject} in ${f.summary.table}.`, ...bullets(f.kpis.map(d.kpiLine), 'No KPI could be computed.')],
    'Key Metric Trends': [
      ...f.summary.numeric.map((n) => `- ${d.label(n.field)} averages ${fmt(n.mean)} (from ${fmt(n.min)} to ${fmt(n.max)}).`),
      ...bullets(d.correlations, 'There are too few rows to measure correlations between the metrics.'),
    ],
    'Risk Recommendations': [
      `- The mean ${d.riskLabel} is ${fmt(f.riskMean, 3)}.`,
      ...bullets(d.groupLines, 'No category has few enough groups to compare.'),
      d.missed.length > 0 ? `- Act first on ${d.missed[0]!.label}, the KPI furthest on the wrong side of its target (${d.missed[0]!.deltaDisplay}).` : '- Every KPI with a target meets it: keep the targets and watch for drift.',
    ],
    'Implementation Steps': [
      `- Review the Metrics tab with each team that owns ${d.label(definition.app.categories[0] ?? f.riskField).toLowerCase()} decisions.`,
      `- Re-run the sync of ${definition.path} regularly so ${tableLabel(definition)} stays current, and compare this report over time in the Insights History.`,
      '- Agree an owner and a date for each KPI on the wrong side of its target.',
    ],
  };
}

function optimization(definition: VerticalDefinition, f: VerticalFigures, d: Derived): Record<string, string[]> {
  return {
    'Optimization Priorities': d.missed.length > 0 ? d.missed.map((k, i) => `${i + 1}. ${k.label}: ${k.display} (${k.deltaDisplay}).`) : ['- Every KPI with a target meets it; look for the next gain in the correlations below.'],
    'Impact Analysis': bullets(d.correlations, 'There are too few rows to measure correlations.'),
    'Process Enhancement': [...bullets(d.groupLines, 'No category has few enough groups to compare.'), `- Start with the groups whose ${d.label(f.riskField).toLowerCase()} is furthest from the mean (${fmt(f.riskMean, 3)}).`],
    'System Integration Recommendations': [
      `- Keep ${f.summary.table} fed from ${definition.path} on a schedule; the app reads every live row.`,
      '- Push the groups this report names back to the systems where the work is planned.',
    ],
    'Risk Assessment': [
      `- ${definition.risk.label[0]!.toUpperCase()}${definition.risk.label.slice(1)} is read from ${d.label(f.riskField)}; a score is a signal, not a verdict: review before acting.`,
      `- ${int(d.records)} records is ${d.records < 1000 ? 'a small sample: confirm patterns over a longer period' : 'enough to compare groups, but check the largest groups first'}.`,
    ],
  };
}

function financial(definition: VerticalDefinition, f: VerticalFigures, d: Derived): Record<string, string[]> {
  const moneyLine = d.money.length > 0 ? `- Money in the data: ${d.money.join('; ')}.` : `- The ${definition.prefix.toUpperCase()} records hold no monetary field; the figures below are in the records' own units.`;
  return {
    'Cost and Revenue Analysis': [moneyLine, ...f.kpis.filter((k) => k.deltaDisplay === '').map((k) => `- ${k.label}: ${k.display}.`)],
    'Investment Impact': d.targeted.length > 0 ? d.targeted.map((k) => `- Reaching the ${k.label} target (${k.targetDisplay}) from ${k.display} is a change of ${k.deltaDisplay.split(' ')[0]}.`) : ['- The lab sets no KPI targets for this path; use the trends as the baseline.'],
    'ROI Calculation': [
      `- Over ${int(d.records)} records, each percentage point of improvement in ${d.label(f.riskField).toLowerCase()} touches about ${int(d.records / 100)} records.`,
      '- Put the cost of an intervention next to the value of one record moved to the good side of a target; the break-even is their ratio.',
    ],
    'Cost-Effectiveness': [...bullets(d.groupLines.slice(0, 2), 'No group stands out.'), '- Spend first where the risk is highest and the group is large.'],
    Forecasting: [`- If the KPIs on the wrong side of their targets (${d.missed.map((k) => k.label).join(', ') || 'none'}) move halfway to them, the gap halves; re-run this report after the next sync to check.`],
  };
}

function strategic(definition: VerticalDefinition, f: VerticalFigures, d: Derived): Record<string, string[]> {
  return {
    'Digital Transformation Context': [`- ${definition.app.title}: ${int(d.records)} records of ${definition.app.subject}, synced from ${definition.path}.`, `- ${d.met.length} of ${d.targeted.length} KPIs with a target meet it.`],
    'Competitive Advantage Analysis': [`- Acting on ${d.label(f.riskField).toLowerCase()} (mean ${fmt(f.riskMean, 3)}) before it shows in the KPIs is the advantage over reactive work.`, ...bullets(d.correlations.slice(0, 1), 'Collect more data to find leading signals.')],
    'Strategic Priorities': [
      `1. Weekly syncs and a list of the riskiest ${d.label(f.byCategory[0]?.field ?? definition.app.categories[0] ?? 'group').toLowerCase()} groups.`,
      `2. Programmes for the KPIs on the wrong side of their targets (${d.missed.map((k) => k.label).join(', ') || 'none today'}).`,
      '3. Outcome records for every action, to learn which actions work.',
    ],
    'Advanced Analytics Integration Vision': ['- Year 1: descriptive dashboards and targets (this app).', '- Year 2: a risk model trained on outcomes, audited for bias.', '- Year 3: predictions at the level where decisions are made.'],
    'Transformation Roadmap': ['1. Validate the risk score against outcomes.', '2. Extend the data to the next process step.', '3. Scale what works to every group.'],
  };
}

const WRITERS: Record<string, (definition: VerticalDefinition, f: VerticalFigures, d: Derived) => Record<string, string[]>> = {
  'Overall Performance': overall,
  'Optimization Opportunities': optimization,
  'Financial Impact': financial,
  'Strategic Recommendations': strategic,
};

/**
 * The report's Markdown: a title, a line saying no model wrote it, then each of the focus
 * area's sections with figures from the data.
 */
export function writeVerticalReport(definition: VerticalDefinition, focus: FocusArea, figures: VerticalFigures, source: { warehouse: string; at: Date }): { title: string; markdown: string } {
  const d = derive(definition, figures);
  const sections = (WRITERS[focus.label] ?? overall)(definition, figures, d);
  const title = `${focus.label}: ${definition.app.name} insights`;
  const lines = [
    `# ${title}`,
    '',
    `_Written by the offline analyst: no language model wrote this report. Every figure is computed from ${figures.summary.records.toLocaleString('en-US')} live rows of ${figures.summary.table} in ${source.warehouse} at ${source.at.toISOString()}; the wording is fixed text._`,
  ];
  for (const heading of focus.sections) lines.push('', `## ${heading}`, '', ...(sections[heading] ?? []));
  return { title, markdown: `${lines.join('\n')}\n` };
}
