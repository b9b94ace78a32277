/**
 * The offline analyst: no model. It computes the figures from the warehouse and writes
 * each focus area's report under the lab's headings with those numbers, and says plainly
 * that no model wrote it. `writeOfflineReport` is pure: same figures, same text.
 */
import { STUDENT } from '../../verticals/hed/app.js';
import { groupFigures, type GroupFigures } from '../queries.js';
import type { OpenWarehouse } from '../warehouse.js';
import type { FocusArea } from './focus-areas.js';
import { computeDataSummary, type DataSummary } from './summary.js';

/** Everything the analyst reads. */
export interface AnalystFigures {
  summary: DataSummary;
  byRisk: GroupFigures[];
  byMajor: GroupFigures[];
  byStanding: GroupFigures[];
  byAdvisor: GroupFigures[];
}

/** The lab's business-case assumptions (its solution context), used only in Financial Impact. */
export const LAB_ASSUMPTIONS = { tuitionPerStudentUsd: 20_000, retentionImprovementShare: 0.15 } as const;

/** Reads the analyst's figures from the warehouse. */
export async function computeAnalystFigures(warehouse: OpenWarehouse): Promise<AnalystFigures> {
  return {
    summary: await computeDataSummary(warehouse),
    byRisk: await groupFigures(warehouse, STUDENT.atRisk),
    byMajor: await groupFigures(warehouse, STUDENT.major),
    byStanding: await groupFigures(warehouse, STUDENT.standing),
    byAdvisor: await groupFigures(warehouse, STUDENT.advisor),
  };
}

const pct = (share: number | null | undefined) => (share === null || share === undefined ? 'n/a' : `${(share * 100).toFixed(1)}%`);
const num = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));
const usd = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `$${Math.round(v).toLocaleString('en-US')}`);
const int = (v: number) => Math.round(v).toLocaleString('en-US');
const label = (field: string) => field.replaceAll('_', ' ');

/** The numbers the sections quote, derived once. */
function derive(f: AnalystFigures) {
  const mean = (field: string) => f.summary.numeric.find((n) => n.field === field)?.mean ?? null;
  const atRisk = f.byRisk.find((g) => g.key === 'true');
  const notAtRisk = f.byRisk.find((g) => g.key === 'false');
  const total = f.summary.records;
  const atRiskCount = atRisk?.count ?? 0;
  const majorsByGpa = [...f.byMajor].sort((a, b) => (b.meanGpa ?? 0) - (a.meanGpa ?? 0));
  const majorsByRisk = [...f.byMajor].sort((a, b) => (b.atRiskShare ?? 0) - (a.atRiskShare ?? 0) || b.count - a.count);
  const struggling = f.byStanding.filter((s) => /probation|suspension|warning/i.test(s.key));
  const strugglingCount = struggling.reduce((s, g) => s + g.count, 0);
  const advisorLoads = f.byAdvisor.map((a) => a.count);
  const advisorsByRisk = [...f.byAdvisor].sort((a, b) => (b.atRiskShare ?? 0) * b.count - (a.atRiskShare ?? 0) * a.count);
  return { mean, atRisk, notAtRisk, total, atRiskCount, majorsByGpa, majorsByRisk, struggling, strugglingCount, advisorLoads, advisorsByRisk };
}

type Derived = ReturnType<typeof derive>;

function gap(d: Derived, key: 'meanGpa' | 'meanEngagement' | 'meanCompletion' | 'meanInterventions' | 'meanAid', digits: number, asPct = false): string {
  const a = d.atRisk?.[key] ?? null;
  const b = d.notAtRisk?.[key] ?? null;
  if (asPct) return `${pct(a)} for at-risk students against ${pct(b)} for the others`;
  return `${num(a, digits)} for at-risk students against ${num(b, digits)} for the others`;
}

function correlationLines(f: AnalystFigures): string[] {
  if (f.summary.correlations.length === 0) return ['- There are too few rows to measure correlations between the metrics.'];
  return f.summary.correlations.map((c) => `- ${label(c.a)} and ${label(c.b)} move ${c.r >= 0 ? 'together' : 'in opposite directions'} (r = ${c.r.toFixed(2)}).`);
}

function overall(f: AnalystFigures, d: Derived): Record<string, string[]> {
  const best = d.majorsByGpa[0];
  const worst = d.majorsByGpa.at(-1);
  const riskiest = d.majorsByRisk[0];
  return {
    'Academic Performance Insights': [
      `- Mean GPA is ${num(d.mean(STUDENT.gpa), 2)} over ${int(d.total)} students (the lab's target is 3.0); GPA is ${gap(d, 'meanGpa', 2)}.`,
      `- Mean course completion is ${pct(d.mean(STUDENT.completion))} against the 85% target; it is ${gap(d, 'meanCompletion', 0, true)}.`,
      `- Students attempt ${num(d.mean(STUDENT.creditsAttempted))} and earn ${num(d.mean(STUDENT.creditsEarned))} credit hours on average.`,
      best && worst ? `- ${best.key} has the highest mean GPA (${num(best.meanGpa, 2)}, ${int(best.count)} students) and ${worst.key} the lowest (${num(worst.meanGpa, 2)}, ${int(worst.count)} students).` : '- No major codes are recorded.',
      `- ${int(d.strugglingCount)} students (${pct(d.total ? d.strugglingCount / d.total : null)}) hold a probation, suspension or warning standing.`,
    ],
    'Student Engagement Trends': [
      `- Mean engagement score is ${num(d.mean(STUDENT.engagement))} against the 70 target; it is ${gap(d, 'meanEngagement', 1)}.`,
      `- An average student has ${num(d.mean(STUDENT.courseViews), 0)} course views, ${num(d.mean(STUDENT.submissions), 1)} assignment submissions and ${num(d.mean(STUDENT.posts), 1)} discussion posts.`,
      ...correlationLines(f),
    ],
    'Retention Risk Recommendations': [
      `- ${int(d.atRiskCount)} students (${pct(d.total ? d.atRiskCount / d.total : null)}) are flagged at risk, against the lab's 30% baseline: contact every one of them this term.`,
      riskiest ? `- Start with ${riskiest.key}, where ${pct(riskiest.atRiskShare)} of ${int(riskiest.count)} students are at risk.` : '- Record major codes to target outreach by programme.',
      `- At-risk students have had ${num(d.atRisk?.meanInterventions)} interventions each so far, the others ${num(d.notAtRisk?.meanInterventions)}: raise the count where engagement is lowest.`,
      `- Use completion under 85% and engagement under 70 as early-warning triggers alongside GPA under 2.0.`,
    ],
    'Implementation Steps': [
      `- Give each advisor their at-risk list (${int(f.byAdvisor.length)} advisors, ${num(d.advisorLoads.length ? d.total / d.advisorLoads.length : null)} students each on average).`,
      '- Review the Metrics tab with filters by major and standing at every advising meeting.',
      '- Re-run the sync weekly so the flags and scores stay current, and compare this report over time in the Insights History.',
    ],
  };
}

function optimization(f: AnalystFigures, d: Derived): Record<string, string[]> {
  const riskiest = d.majorsByRisk.slice(0, 3);
  const topAdvisor = d.advisorsByRisk[0];
  const maxLoad = d.advisorLoads.length ? Math.max(...d.advisorLoads) : 0;
  const minLoad = d.advisorLoads.length ? Math.min(...d.advisorLoads) : 0;
  return {
    'Student Success Optimization Priorities': riskiest.length
      ? riskiest.map((m, i) => `${i + 1}. ${m.key}: ${pct(m.atRiskShare)} at risk of ${int(m.count)} students, mean engagement ${num(m.meanEngagement)}.`)
      : ['- No major codes are recorded to rank.'],
    'Academic Impact Analysis': [
      `- Closing half of the GPA gap between at-risk and other students (${gap(d, 'meanGpa', 2)}) would lift the overall mean GPA by about ${num(((d.notAtRisk?.meanGpa ?? 0) - (d.atRisk?.meanGpa ?? 0)) / 2 * (d.total ? d.atRiskCount / d.total : 0), 2)} points.`,
      `- Completion is ${gap(d, 'meanCompletion', 0, true)}.`,
      ...correlationLines(f),
    ],
    'Advising Strategy Enhancement': [
      `- Caseloads range from ${int(minLoad)} to ${int(maxLoad)} students per advisor: rebalance towards the advisors with the most at-risk students.`,
      topAdvisor ? `- ${topAdvisor.key} carries the most at-risk students (${int(Math.round((topAdvisor.atRiskShare ?? 0) * topAdvisor.count))} of ${int(topAdvisor.count)}).` : '- No advisor ids are recorded.',
      `- Prioritise students with engagement under 70 (the mean is ${num(d.mean(STUDENT.engagement))}) before their GPA drops.`,
    ],
    'System Integration Recommendations': [
      '- Feed LMS activity (course views, submissions, posts) into the warehouse on every sync so engagement is current.',
      '- Push the at-risk flag back to the advising system as a task for the assigned advisor.',
      `- Record every intervention (today ${num(d.mean(STUDENT.interventions))} per student on average) so its effect can be measured.`,
    ],
    'Student Support Risk Assessment': [
      `- Students average ${num(d.mean(STUDENT.plagiarism), 2)} plagiarism incidents: handle them through writing support, not only sanctions.`,
      '- Flags can be wrong: review each flag with the student before acting on it.',
      '- Keep student records private (FERPA): this app serves only on the loopback address by default.',
    ],
  };
}

function financial(_f: AnalystFigures, d: Derived): Record<string, string[]> {
  const tuition = LAB_ASSUMPTIONS.tuitionPerStudentUsd;
  const improvement = LAB_ASSUMPTIONS.retentionImprovementShare;
  const atRiskRevenue = d.atRiskCount * tuition;
  const retained = d.atRiskCount * improvement;
  const protectedRevenue = retained * tuition;
  const interventions = (d.atRisk?.meanInterventions ?? 0) * d.atRiskCount;
  return {
    'Tuition Revenue Analysis': [
      `- Assumption from the lab's business case: ${usd(tuition)} average tuition per student per year.`,
      `- ${int(d.atRiskCount)} at-risk students represent ${usd(atRiskRevenue)} of annual tuition at risk.`,
      ...d.majorsByRisk.slice(0, 3).map((m) => `- ${m.key}: ${usd(Math.round((m.atRiskShare ?? 0) * m.count) * tuition)} at risk (${pct(m.atRiskShare)} of ${int(m.count)} students).`),
    ],
    'Student Success Investment Impact': [
      `- Retaining ${pct(improvement)} of the at-risk students (the lab's improvement target) keeps ${num(retained)} students.`,
      aidLine(d),
    ],
    'Higher Education ROI Calculation': [
      `- ${int(d.atRiskCount)} at-risk students × ${pct(improvement)} retained × ${usd(tuition)} = ${usd(protectedRevenue)} tuition protected per year.`,
      interventions > 0
        ? `- At-risk students have received ${int(interventions)} interventions in total; the programme breaks even at ${usd(protectedRevenue / interventions)} per intervention.`
        : '- No interventions are recorded yet, so the cost side cannot be computed from the data.',
    ],
    'Intervention Cost-Effectiveness': [
      `- At-risk students average ${num(d.atRisk?.meanInterventions)} interventions and the others ${num(d.notAtRisk?.meanInterventions)}: move effort to the flagged group.`,
      `- Target the majors with the highest at-risk share first (${d.majorsByRisk.slice(0, 3).map((m) => m.key).join(', ') || 'none recorded'}).`,
    ],
    'Enrollment Revenue Forecasting': [
      `- With ${int(d.total)} students and ${pct(d.total ? d.atRiskCount / d.total : null)} at risk, each percentage point of retention is worth ${usd(d.total * 0.01 * tuition)} a year.`,
      `- Over a four-year degree the protected tuition adds up to about ${usd(protectedRevenue * 4)} if the improvement holds.`,
    ],
  };
}

function aidLine(d: Derived): string {
  const a = d.atRisk?.meanAid ?? null;
  const b = d.notAtRisk?.meanAid ?? null;
  const figures = `Mean financial aid is ${usd(a)} for at-risk students against ${usd(b)} for the others`;
  if (a === null || b === null || b === 0) return `- ${figures}.`;
  if (Math.abs(a - b) / b < 0.1) return `- ${figures}: aid does not separate the groups, so fund engagement and advising, not only aid.`;
  return a > b
    ? `- ${figures}: at-risk students already receive more aid, so add engagement and advising support to it.`
    : `- ${figures}: at-risk students receive less aid; check whether unmet need is part of their risk.`;
}

function strategic(_f: AnalystFigures, d: Derived): Record<string, string[]> {
  return {
    'Digital Student Success Context': [
      `- The warehouse holds ${int(d.total)} students synced from the HED API; ${pct(d.total ? d.atRiskCount / d.total : null)} are flagged at risk.`,
      '- Data from the SIS, LMS and integrity systems in one table makes early warning possible without manual reports.',
    ],
    'Institutional Competitive Advantage Analysis': [
      `- Reactive advising waits for a low GPA; here engagement (mean ${num(d.mean(STUDENT.engagement))}) and completion (mean ${pct(d.mean(STUDENT.completion))}) give earlier signals.`,
      '- Institutions that act on these signals in the first weeks keep students their competitors lose.',
    ],
    'Academic Technology Strategic Priorities': [
      '1. Weekly syncs and an at-risk list per advisor.',
      `2. Programme reviews for the majors with the highest at-risk share (${d.majorsByRisk.slice(0, 2).map((m) => `${m.key} ${pct(m.atRiskShare)}`).join(', ') || 'none recorded'}).`,
      '3. Intervention records with outcomes, to learn which interventions work.',
    ],
    'Advanced Analytics Integration Vision': [
      '- Year 1: descriptive dashboards and flags (this app).',
      '- Year 2: a risk model trained on intervention outcomes, audited for bias.',
      '- Year 3: course-level predictions and personalised learning pathways.',
    ],
    'Student Success Transformation Roadmap': [
      '1. Validate the at-risk flag against next term\'s retention.',
      '2. Extend the data to degree completion.',
      '3. Scale outreach to every freshman cohort.',
    ],
  };
}

const WRITERS: Record<string, (f: AnalystFigures, d: Derived) => Record<string, string[]>> = {
  'overall-performance': overall,
  'optimization-opportunities': optimization,
  'financial-impact': financial,
  'strategic-recommendations': strategic,
};

/**
 * The report's Markdown: a title, a line saying no model wrote it, then each of the focus
 * area's sections with figures from the data.
 */
export function writeOfflineReport(focus: FocusArea, figures: AnalystFigures, source: { warehouse: string; at: Date }): { title: string; markdown: string } {
  const d = derive(figures);
  const sections = WRITERS[focus.id]!(figures, d);
  const title = `${focus.label}: StudentSuccess insights`;
  const lines = [
    `# ${title}`,
    '',
    `_Written by the offline analyst: no language model wrote this report. Every figure is computed from ${figures.summary.records.toLocaleString('en-US')} live rows of ${figures.summary.table} in ${source.warehouse} at ${source.at.toISOString()}; the wording is fixed text._`,
  ];
  for (const heading of focus.sections) {
    lines.push('', `## ${heading}`, '', ...(sections[heading] ?? []));
  }
  return { title, markdown: `${lines.join('\n')}\n` };
}
