/**
 * A vertical's charts are data twice over: its definition says what each chart shows
 * (verticals/definition.ts ChartDefinition), DuckDB aggregates the rows (metrics.ts), and
 * `compileChart` turns the two into a Vega-Lite spec with the data inline, pure, as
 * app/charts.ts does for StudentSuccess.
 */
import type { ChartDefinition, VerticalDefinition } from '../../verticals/index.js';
import type { Chart } from '../charts.js';
import { fieldOf } from './source.js';

/** The aggregated data of one chart, by its kind. */
export type ChartData =
  | { kind: 'histogram'; bins: { binStart: number; binEnd: number; count: number }[]; step: number }
  | { kind: 'boxplot'; boxes: { category: string; count: number; min: number; lower: number; q1: number; median: number; q3: number; upper: number; max: number; outliers: number }[] }
  | { kind: 'scatter'; points: { x: number; y: number; color?: string | number | null }[]; total: number; sampled: boolean }
  | { kind: 'counts'; values: { value: string; stack?: string; count: number }[]; categories: number }
  | { kind: 'mean-by'; values: { category: string; mean: number; count: number }[]; categories: number }
  | { kind: 'trend'; unit: 'Month' | 'Day'; values: { period: string; mean: number; count: number }[] };

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const BASE = { $schema: SCHEMA, width: 'container', height: 280, autosize: { type: 'fit', contains: 'padding' } } as const;
/** Bars and boxes drawn at most in one chart; the subtitle says when there were more. */
export const CATEGORIES_SHOWN_MAX = 20;

/**
 * A field's name as an axis title, with its unit: AGR's weight → `Weight (lbs)`.
 * @example fieldLabel(agr, agr.risk.field) // 'Predicted Health Risk'
 */
export function fieldLabel(definition: VerticalDefinition, name: string): string {
  const words = name
    .split('_')
    .filter((w) => w !== '')
    .map((w) => (/^\d/.test(w) ? w : w[0]!.toUpperCase() + w.slice(1)))
    .join(' ');
  const unit = fieldOf(definition, name)?.unit;
  return unit ? `${words} (${unit})` : words;
}

/** Whether a field holds numbers (a scatter's colour scale, a count's sort order). */
export function isNumericField(definition: VerticalDefinition, name: string): boolean {
  const type = fieldOf(definition, name)?.type;
  return type === 'number' || type === 'integer';
}

/** A chart id from its title, unique within the app: `Weight Distribution` → `weight-distribution`. */
export function chartIds(charts: readonly ChartDefinition[]): string[] {
  const seen = new Map<string, number>();
  return charts.map((chart) => {
    const base = chart.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

function titled(text: string, subtitle?: string) {
  return subtitle === undefined ? { text } : { text, subtitle };
}

const moreThanShown = (categories: number, shown: number, what: string) => (categories > shown ? `The ${shown} ${what} of ${categories.toLocaleString('en-US')}` : undefined);

/**
 * One chart's Vega-Lite spec from its definition and its data. A chart whose data is of
 * another kind than its definition is a programming error and throws.
 *
 * @example compileChart(agr, agr.app.charts[0], { kind: 'histogram', bins: [...], step: 50 }, 'weight-distribution')
 */
export function compileChart(definition: VerticalDefinition, chart: ChartDefinition, data: ChartData, id: string): Chart {
  if (chart.kind !== data.kind) throw new Error(`Chart "${chart.title}" is a ${chart.kind} but got ${data.kind} data.`);
  const label = (name: string) => fieldLabel(definition, name);
  const spec = ((): Record<string, unknown> => {
    switch (chart.kind) {
      case 'histogram': {
        const d = data as Extract<ChartData, { kind: 'histogram' }>;
        return {
          title: titled(chart.title),
          data: { values: d.bins },
          mark: { type: 'bar', color: '#1f77b4', tooltip: true },
          encoding: {
            x: { field: 'binStart', type: 'quantitative', bin: { binned: true, step: d.step }, title: label(chart.field) },
            x2: { field: 'binEnd' },
            y: { field: 'count', type: 'quantitative', title: 'Count' },
            tooltip: [
              { field: 'binStart', type: 'quantitative', title: 'From' },
              { field: 'binEnd', type: 'quantitative', title: 'To' },
              { field: 'count', type: 'quantitative', title: 'Records' },
            ],
          },
        };
      }
      case 'boxplot': {
        const d = data as Extract<ChartData, { kind: 'boxplot' }>;
        const x = { field: 'category', type: 'nominal', title: label(chart.category), axis: { labelAngle: -40 } };
        return {
          title: titled(chart.title, moreThanShown(d.boxes.length, Math.min(d.boxes.length, CATEGORIES_SHOWN_MAX), 'largest groups')),
          data: { values: d.boxes.slice(0, CATEGORIES_SHOWN_MAX) },
          encoding: {
            x,
            tooltip: [
              { field: 'category', type: 'nominal', title: label(chart.category) },
              { field: 'count', type: 'quantitative', title: 'Records' },
              { field: 'lower', type: 'quantitative', title: 'Lower whisker' },
              { field: 'q1', type: 'quantitative', title: 'Q1', format: '.2f' },
              { field: 'median', type: 'quantitative', title: 'Median', format: '.2f' },
              { field: 'q3', type: 'quantitative', title: 'Q3', format: '.2f' },
              { field: 'upper', type: 'quantitative', title: 'Upper whisker' },
              { field: 'outliers', type: 'quantitative', title: 'Outliers' },
            ],
          },
          layer: [
            { mark: { type: 'rule' }, encoding: { y: { field: 'lower', type: 'quantitative', title: label(chart.value) }, y2: { field: 'upper' } } },
            { mark: { type: 'bar', size: 14 }, encoding: { y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' }, color: { field: 'category', type: 'nominal', legend: null } } },
            { mark: { type: 'tick', color: 'white', size: 14 }, encoding: { y: { field: 'median', type: 'quantitative' } } },
          ],
        };
      }
      case 'scatter': {
        const d = data as Extract<ChartData, { kind: 'scatter' }>;
        const subtitle = d.sampled ? `A sample of ${d.points.length.toLocaleString('en-US')} of ${d.total.toLocaleString('en-US')} records` : undefined;
        const color =
          chart.color === undefined
            ? undefined
            : isNumericField(definition, chart.color)
              ? { field: 'color', type: 'quantitative', title: label(chart.color), scale: { scheme: 'viridis' } }
              : { field: 'color', type: 'nominal', title: label(chart.color) };
        return {
          title: titled(chart.title, subtitle),
          data: { values: d.points },
          mark: { type: 'circle', size: 60, opacity: 0.8 },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: label(chart.x), scale: { zero: false } },
            y: { field: 'y', type: 'quantitative', title: label(chart.y), scale: { zero: false } },
            ...(color ? { color } : {}),
            tooltip: [
              { field: 'x', type: 'quantitative', title: label(chart.x) },
              { field: 'y', type: 'quantitative', title: label(chart.y) },
              ...(chart.color !== undefined ? [{ field: 'color', type: color?.type ?? 'nominal', title: label(chart.color) }] : []),
            ],
          },
        };
      }
      case 'counts': {
        const d = data as Extract<ChartData, { kind: 'counts' }>;
        const shown = new Set(d.values.map((v) => v.value)).size;
        const subtitle = moreThanShown(d.categories, shown, 'most frequent values');
        const tooltip = [
          { field: 'value', type: 'nominal', title: label(chart.field) },
          ...(chart.stack !== undefined ? [{ field: 'stack', type: 'nominal', title: label(chart.stack) }] : []),
          { field: 'count', type: 'quantitative', title: 'Records' },
        ];
        if (chart.mark === 'arc') {
          return {
            title: titled(chart.title, subtitle),
            data: { values: d.values },
            mark: { type: 'arc', tooltip: true },
            encoding: { theta: { field: 'count', type: 'quantitative' }, color: { field: 'value', type: 'nominal', title: label(chart.field), sort: { field: 'count', order: 'descending' } }, tooltip },
          };
        }
        return {
          title: titled(chart.title, subtitle),
          data: { values: d.values },
          mark: { type: 'bar', tooltip: true },
          encoding: {
            x: { field: 'value', type: 'nominal', title: label(chart.field), sort: isNumericField(definition, chart.field) ? 'ascending' : '-y', axis: { labelAngle: -40 } },
            y: { aggregate: 'sum', field: 'count', type: 'quantitative', title: 'Count' },
            color: chart.stack !== undefined ? { field: 'stack', type: 'nominal', title: label(chart.stack) } : { value: '#1f77b4' },
            tooltip,
          },
        };
      }
      case 'mean-by': {
        const d = data as Extract<ChartData, { kind: 'mean-by' }>;
        return {
          title: titled(chart.title, moreThanShown(d.categories, d.values.length, 'highest')),
          data: { values: d.values },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'category', type: 'nominal', title: label(chart.category), sort: '-y', axis: { labelAngle: -40 } },
            y: { field: 'mean', type: 'quantitative', title: `Average ${label(chart.value)}` },
            color: { field: 'mean', type: 'quantitative', title: 'Average', scale: { scheme: 'blues' } },
            tooltip: [
              { field: 'category', type: 'nominal', title: label(chart.category) },
              { field: 'mean', type: 'quantitative', title: `Average ${label(chart.value)}`, format: ',.2f' },
              { field: 'count', type: 'quantitative', title: 'Records' },
            ],
          },
        };
      }
      case 'trend': {
        const d = data as Extract<ChartData, { kind: 'trend' }>;
        return {
          title: titled(chart.title, d.unit === 'Day' ? `By ${label(chart.date).toLowerCase()} day: the dates fall in fewer than three months` : undefined),
          data: { values: d.values },
          mark: { type: 'line', point: true, color: '#ff7f0e' },
          encoding: {
            x: { field: 'period', type: 'ordinal', title: `${label(chart.date)} (${d.unit.toLowerCase()})` },
            y: { field: 'mean', type: 'quantitative', title: `Average ${label(chart.value)}`, scale: { zero: false } },
            tooltip: [
              { field: 'period', type: 'ordinal', title: d.unit },
              { field: 'mean', type: 'quantitative', title: `Average ${label(chart.value)}`, format: ',.2f' },
              { field: 'count', type: 'quantitative', title: 'Records' },
            ],
          },
        };
      }
    }
  })();
  return { id, title: chart.title, spec: { ...BASE, ...spec } };
}

/** Every chart of the vertical's app, in the definition's order. */
export function compileCharts(definition: VerticalDefinition, data: readonly ChartData[]): Chart[] {
  const ids = chartIds(definition.app.charts);
  return definition.app.charts.map((chart, i) => compileChart(definition, chart, data[i]!, ids[i]!));
}
