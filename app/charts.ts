/**
 * Charts are data: pure functions from the DuckDB aggregates to Vega-Lite specs (the
 * grammar the lab's Altair charts compile to), with the data inline. The page only
 * embeds them.
 */
import { MONTHS_FOR_A_TREND, type MetricsAggregates } from './queries.js';

/** A chart of the Metrics tab. */
export interface Chart {
  id: string;
  title: string;
  spec: Record<string, unknown>;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const BASE = { $schema: SCHEMA, width: 'container', height: 280, autosize: { type: 'fit', contains: 'padding' } } as const;

function titled(text: string, subtitle?: string) {
  return subtitle === undefined ? { text } : { text, subtitle };
}

/** The GPA axis starts here, as the lab's (GPA runs from 1.0), unless the data has lower bins. */
export const GPA_AXIS_FROM = 1;

/** GPA Distribution: the histogram of pre-binned counts (0.2-wide bins), on a 1.0–4.0 axis as the lab's. */
export function gpaDistributionChart(bins: MetricsAggregates['gpaBins']): Chart {
  const from = Math.min(GPA_AXIS_FROM, ...bins.filter((b) => b.count > 0).map((b) => b.binStart));
  return {
    id: 'gpa-distribution',
    title: 'GPA Distribution',
    spec: {
      ...BASE,
      title: titled('GPA Distribution'),
      data: { values: bins },
      mark: { type: 'bar', color: '#1f77b4', tooltip: true },
      encoding: {
        x: { field: 'binStart', type: 'quantitative', bin: { binned: true, step: 0.2 }, title: 'Current GPA', scale: { domain: [from, 4] }, axis: { tickMinStep: 0.2, format: '.1f' } },
        x2: { field: 'binEnd' },
        y: { field: 'count', type: 'quantitative', title: 'Number of Students' },
        tooltip: [
          { field: 'binStart', type: 'quantitative', title: 'GPA from', format: '.1f' },
          { field: 'binEnd', type: 'quantitative', title: 'GPA to', format: '.1f' },
          { field: 'count', type: 'quantitative', title: 'Students' },
        ],
      },
    },
  };
}

/** Engagement by Standing: a box plot from pre-computed quartiles and 1.5·IQR whiskers (layered rule, bar, tick). */
export function engagementByStandingChart(boxes: MetricsAggregates['engagementByStanding']): Chart {
  const x = { field: 'standing', type: 'nominal', title: 'Academic Standing', axis: { labelAngle: -40 } };
  const tooltip = [
    { field: 'standing', type: 'nominal', title: 'Standing' },
    { field: 'count', type: 'quantitative', title: 'Students' },
    { field: 'lower', type: 'quantitative', title: 'Lower whisker' },
    { field: 'q1', type: 'quantitative', title: 'Q1', format: '.1f' },
    { field: 'median', type: 'quantitative', title: 'Median', format: '.1f' },
    { field: 'q3', type: 'quantitative', title: 'Q3', format: '.1f' },
    { field: 'upper', type: 'quantitative', title: 'Upper whisker' },
    { field: 'outliers', type: 'quantitative', title: 'Outliers' },
  ];
  return {
    id: 'engagement-by-standing',
    title: 'Engagement by Standing',
    spec: {
      ...BASE,
      title: titled('Engagement by Standing'),
      data: { values: boxes },
      encoding: { x, tooltip },
      layer: [
        { mark: { type: 'rule' }, encoding: { y: { field: 'lower', type: 'quantitative', title: 'Engagement Score' }, y2: { field: 'upper' } } },
        {
          mark: { type: 'bar', size: 14 },
          encoding: { y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' }, color: { field: 'standing', type: 'nominal', legend: null } },
        },
        { mark: { type: 'tick', color: 'white', size: 14 }, encoding: { y: { field: 'median', type: 'quantitative' } } },
      ],
    },
  };
}

/**
 * Completion Rate Trends: mean completion by enrollment month (line with points). When the
 * enrollments fall in fewer months than make a trend (the lab's data: all in August 2024),
 * the line goes by enrollment day, and the subtitle says so.
 */
export function completionTrendsChart(months: MetricsAggregates['completionByMonth'], days: MetricsAggregates['completionByDay'] = []): Chart {
  const byDay = days.length > 0 && months.length < MONTHS_FOR_A_TREND;
  const values = byDay ? days.map((d) => ({ period: d.day, meanCompletion: d.meanCompletion, count: d.count })) : months.map((m) => ({ period: m.month, meanCompletion: m.meanCompletion, count: m.count }));
  const unit = byDay ? 'Day' : 'Month';
  const subtitle = byDay ? `By enrollment day: every enrollment falls in ${months.map((m) => m.month).join(' and ')}` : undefined;
  return {
    id: 'completion-trends',
    title: 'Completion Rate Trends',
    spec: {
      ...BASE,
      title: titled('Completion Rate Trends', subtitle),
      data: { values },
      mark: { type: 'line', point: true, color: '#ff7f0e' },
      encoding: {
        x: { field: 'period', type: 'ordinal', title: `Enrollment ${unit}` },
        y: { field: 'meanCompletion', type: 'quantitative', title: 'Avg Completion Rate', axis: { format: '.0%' } },
        tooltip: [
          { field: 'period', type: 'ordinal', title: unit },
          { field: 'meanCompletion', type: 'quantitative', title: 'Avg completion', format: '.1%' },
          { field: 'count', type: 'quantitative', title: 'Students' },
        ],
      },
    },
  };
}

/** The pie's colours for the statuses the data has (no legend entry for an absent 'Unknown'). */
function presentStatusScale(present: string[]): { domain: string[]; range: string[] } {
  const all = [
    ['Not at risk', '#2ca02c'],
    ['At risk', '#d62728'],
    ['Unknown', '#7f7f7f'],
  ] as const;
  const kept = all.filter(([status]) => present.includes(status));
  return { domain: kept.map(([status]) => status), range: kept.map(([, colour]) => colour) };
}

/** At-Risk Distribution: a pie of at-risk and not-at-risk counts. */
export function atRiskDistributionChart(counts: MetricsAggregates['atRisk']): Chart {
  const values = counts.map((c) => ({ status: c.atRisk === null ? 'Unknown' : c.atRisk ? 'At risk' : 'Not at risk', count: c.count }));
  return {
    id: 'at-risk-distribution',
    title: 'At-Risk Distribution',
    spec: {
      ...BASE,
      title: titled('At-Risk Distribution'),
      data: { values },
      mark: { type: 'arc', tooltip: true },
      encoding: {
        theta: { field: 'count', type: 'quantitative' },
        color: { field: 'status', type: 'nominal', title: 'At Risk', scale: presentStatusScale(values.map((v) => v.status)) },
        tooltip: [
          { field: 'status', type: 'nominal', title: 'Status' },
          { field: 'count', type: 'quantitative', title: 'Students' },
        ],
      },
    },
  };
}

/** Aid vs GPA Correlation: a scatter coloured by engagement; the subtitle says when it is a sample. */
export function aidVsGpaChart(scatter: MetricsAggregates['aidVsGpa']): Chart {
  const subtitle = scatter.sampled ? `A sample of ${scatter.points.length.toLocaleString('en-US')} of ${scatter.total.toLocaleString('en-US')} students` : undefined;
  return {
    id: 'aid-vs-gpa',
    title: 'Aid vs GPA Correlation',
    spec: {
      ...BASE,
      title: titled('Aid vs GPA Correlation', subtitle),
      data: { values: scatter.points },
      mark: { type: 'circle', size: 60, opacity: 0.8 },
      encoding: {
        x: { field: 'aid', type: 'quantitative', title: 'Financial Aid Amount ($)' },
        y: { field: 'gpa', type: 'quantitative', title: 'Current GPA' },
        color: { field: 'engagement', type: 'quantitative', title: 'Engagement', scale: { scheme: 'viridis' } },
        tooltip: [
          { field: 'aid', type: 'quantitative', title: 'Aid ($)', format: ',.2f' },
          { field: 'gpa', type: 'quantitative', title: 'GPA', format: '.2f' },
          { field: 'engagement', type: 'quantitative', title: 'Engagement', format: '.1f' },
        ],
      },
    },
  };
}

/** Major Performance: mean GPA by major, best first. */
export function majorPerformanceChart(majors: MetricsAggregates['majorPerformance']): Chart {
  return {
    id: 'major-performance',
    title: 'Major Performance',
    spec: {
      ...BASE,
      title: titled('Major Performance'),
      data: { values: majors },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'major', type: 'ordinal', title: 'Major Code', sort: '-y' },
        y: { field: 'meanGpa', type: 'quantitative', title: 'Average GPA' },
        color: { field: 'meanGpa', type: 'quantitative', title: 'Avg GPA', scale: { scheme: 'blues' } },
        tooltip: [
          { field: 'major', type: 'ordinal', title: 'Major' },
          { field: 'meanGpa', type: 'quantitative', title: 'Avg GPA', format: '.2f' },
          { field: 'count', type: 'quantitative', title: 'Students' },
        ],
      },
    },
  };
}

/** The six charts of the Metrics tab, in the lab's order. */
export function buildCharts(aggregates: MetricsAggregates): Chart[] {
  return [
    gpaDistributionChart(aggregates.gpaBins),
    engagementByStandingChart(aggregates.engagementByStanding),
    completionTrendsChart(aggregates.completionByMonth, aggregates.completionByDay),
    atRiskDistributionChart(aggregates.atRisk),
    aidVsGpaChart(aggregates.aidVsGpa),
    majorPerformanceChart(aggregates.majorPerformance),
  ];
}
