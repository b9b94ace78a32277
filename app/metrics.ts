/**
 * The Metrics tab's decisions, pure: the lab's four KPIs with their deltas against the
 * lab's targets, and the lab's distribution remarks, from the aggregates.
 */
import { STUDENT } from '../verticals/hed/app.js';
import type { MetricsAggregates, SummaryTable } from './queries.js';

/**
 * One KPI card. `deltaDirection` is the sign of the delta (the card's arrow: up for a value
 * above the target, whatever that means for this KPI); `deltaGood` says whether the value
 * is on the good side of the target (the card's colour: for At-Risk Students, above is bad).
 */
export interface Kpi {
  id: string;
  label: string;
  value: number;
  display: string;
  target: number;
  delta: number;
  deltaDisplay: string;
  deltaDirection: 'up' | 'down' | 'none';
  deltaGood: boolean;
}

const signed = (text: string, value: number) => (value >= 0 ? `+${text}` : text);
const percent1 = (share: number) => `${(share * 100).toFixed(1)}%`;

/** The lab's targets: GPA 3.0, completion 85%, engagement 70, at-risk baseline 30% (lower is good). */
export const KPI_TARGETS = { gpa: 3.0, completion: 0.85, engagement: 70, atRisk: 0.3 } as const;

/**
 * The four KPIs. Values are the means (0 when there are no rows); shares are 0–1.
 * @example buildKpis(means)[0] // { id: 'average-gpa', label: 'Average GPA', display: '3.06', deltaDisplay: '+0.06 vs 3.0 target', ... }
 */
export function buildKpis(means: MetricsAggregates['means']): Kpi[] {
  const t = KPI_TARGETS;
  return [
    kpi('average-gpa', 'Average GPA', means.gpa ?? 0, t.gpa, (n) => n.toFixed(2), '3.0 target', 'above'),
    kpi('avg-completion-rate', 'Avg Completion Rate', means.completion ?? 0, t.completion, percent1, '85% target', 'above'),
    kpi('avg-engagement-score', 'Avg Engagement Score', means.engagement ?? 0, t.engagement, (n) => n.toFixed(1), '70 target', 'above'),
    kpi('at-risk-students', 'At-Risk Students', means.atRiskShare ?? 0, t.atRisk, percent1, '30% baseline', 'below'),
  ];
}

/** One card: the value and its delta in the same format, good on the `good` side of the target (or on it). */
function kpi(id: string, label: string, value: number, target: number, format: (n: number) => string, against: string, good: 'above' | 'below'): Kpi {
  const delta = value - target;
  // The arrow follows the delta as shown: a delta that rounds to zero has none.
  const shown = format(Math.abs(delta));
  const deltaDirection = Number.parseFloat(shown) === 0 ? 'none' : delta > 0 ? 'up' : 'down';
  return {
    id,
    label,
    value,
    display: format(value),
    target,
    delta,
    deltaDisplay: `${signed(format(delta), delta)} vs ${against}`,
    deltaDirection,
    deltaGood: good === 'above' ? value >= target : value <= target,
  };
}

/** One summary statistic of one field, or undefined when the field or value is absent. */
export function summaryValue(summary: SummaryTable, field: string, stat: string): number | undefined {
  const i = summary.columns.indexOf(field);
  const value = summary.stats.find((s) => s.stat === stat)?.values[i];
  return i < 0 || value === null || value === undefined ? undefined : value;
}

/**
 * The lab's "Distribution Insights" from the summary table: GPA spread and level (2.5 is
 * the line the lab draws), the financial-aid IQR, median and lowest engagement (under 20 is
 * flagged), mean plagiarism incidents. Plain text; the page renders it as text.
 */
export function distributionRemarks(summary: SummaryTable): string[] {
  const remarks: string[] = [];
  const gpaMean = summaryValue(summary, STUDENT.gpa, 'mean');
  const gpaStd = summaryValue(summary, STUDENT.gpa, 'std');
  if (gpaStd !== undefined) remarks.push(`GPA variability: ${gpaStd.toFixed(2)} (σ)`);
  if (gpaMean !== undefined) remarks.push(gpaMean < 2.5 ? `Low average GPA (${gpaMean.toFixed(2)})` : `Acceptable GPA performance (${gpaMean.toFixed(2)})`);
  const aid25 = summaryValue(summary, STUDENT.aid, '25%');
  const aid75 = summaryValue(summary, STUDENT.aid, '75%');
  if (aid25 !== undefined && aid75 !== undefined) {
    remarks.push(`Financial aid IQR: $${Math.round(aid75 - aid25).toLocaleString('en-US')}`);
  }
  const engMedian = summaryValue(summary, STUDENT.engagement, '50%');
  const engMin = summaryValue(summary, STUDENT.engagement, 'min');
  if (engMedian !== undefined) remarks.push(`Median engagement: ${engMedian.toFixed(1)}`);
  if (engMin !== undefined && engMin < 20) remarks.push(`Low engagement detected: as low as ${engMin.toFixed(1)}`);
  const plagiarism = summaryValue(summary, STUDENT.plagiarism, 'mean');
  if (plagiarism !== undefined) remarks.push(`Avg plagiarism incidents: ${plagiarism.toFixed(1)}`);
  return remarks;
}
