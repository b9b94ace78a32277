/**
 * Making one report of a vertical's app, step by step, as app/insights/generate.ts does
 * for StudentSuccess: read the warehouse, compute the figures, write (offline analyst) or
 * ask (a model, fed a prompt built from the definition), save to the history under the
 * vertical's prefix.
 */
import { randomUUID } from 'node:crypto';
import type { VerticalDefinition } from '../../verticals/index.js';
import type { FocusArea } from '../insights/focus-areas.js';
import { OFFLINE_MODEL, type InsightsDeps, type ProviderId } from '../insights/generate.js';
import type { Report } from '../insights/history.js';
import type { StepFn } from '../insights/jobs.js';
import { analysisLines, askChatModel, type ChatMessage } from '../insights/openai.js';
import { formatDataSummary } from '../insights/summary.js';
import { withWarehouse } from '../warehouse.js';
import { computeVerticalFigures, writeVerticalReport } from './analyst.js';

/**
 * The prompt for a model: who it is, the vertical's app and subject, the data summary, the
 * focus area's asks and headings, the ground rules.
 */
export function buildVerticalPrompt(definition: VerticalDefinition, focus: FocusArea, dataSummaryText: string): ChatMessage[] {
  const user = [
    `You are an expert data analyst in ${focus.label.toLowerCase()} analysis for ${definition.domain.toLowerCase()}: ${definition.app.subject}.`,
    '',
    'SOLUTION CONTEXT:',
    `${definition.app.title} (${definition.app.industry}). Its KPIs: ${definition.app.kpis.map((k) => (k.target ? `${k.label} (target ${k.target.value}, ${k.target.better} is better)` : k.label)).join('; ')}.`,
    '',
    ...analysisLines(focus, definition.app.name, dataSummaryText),
  ].join('\n');
  return [
    { role: 'system', content: `You write concise, data-backed Markdown reports for ${definition.domain.toLowerCase()} teams.` },
    { role: 'user', content: user },
  ];
}

/** Makes one report of a vertical, announcing each step; saves it only when it was written in full. */
export async function generateVerticalReport(deps: InsightsDeps, definition: VerticalDefinition, focus: FocusArea, provider: ProviderId, step: StepFn): Promise<Report> {
  step(0);
  const figures = await withWarehouse(
    deps.warehousePath,
    async (warehouse) => {
      step(1);
      return computeVerticalFigures(warehouse, definition);
    },
    definition.table,
  );
  step(2);
  let title: string;
  let markdown: string;
  let model: string;
  if (provider === 'offline') {
    ({ title, markdown } = writeVerticalReport(definition, focus, figures, { warehouse: deps.warehousePath, at: deps.now() }));
    model = OFFLINE_MODEL;
  } else {
    const llm = deps.llm!;
    const answer = await askChatModel(llm, buildVerticalPrompt(definition, focus, formatDataSummary(figures.summary, 'record')), deps.fetchImpl);
    title = `${focus.label}: ${definition.app.name} insights`;
    markdown = `${answer}\n\n---\n_Written by ${llm.model} at ${llm.baseUrl} from the data summary of ${deps.warehousePath}._\n`;
    model = llm.model;
  }
  step(3);
  const report: Report = { id: (deps.newId ?? randomUUID)(), createdAt: deps.now().toISOString(), focus: focus.id, focusLabel: focus.label, provider, model, title, markdown };
  deps.history.add(report, definition.prefix);
  return report;
}
