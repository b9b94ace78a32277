/**
 * Making one report, step by step: read the warehouse, compute the data summary, write
 * (offline analyst) or ask (a model), save to history. The steps the page shows are the
 * steps this code takes.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import { withWarehouse } from '../warehouse.js';
import type { FocusArea } from './focus-areas.js';
import type { History, Report } from './history.js';
import type { StepFn } from './jobs.js';
import { computeAnalystFigures, writeOfflineReport } from './offline.js';
import { askChatModel, buildPrompt, chatCompletionsUrl, type OpenAiSettings } from './openai.js';
import { computeDataSummary, formatDataSummary } from './summary.js';

/** Provider ids. */
export type ProviderId = 'offline' | 'openai';

/** The model name saved with offline reports. */
export const OFFLINE_MODEL = 'offline-analyst (no model)';

/** What report making needs. */
export interface InsightsDeps {
  warehousePath: string;
  history: History;
  /** Settings of the openai provider; absent when no --llm-base-url was given. */
  llm?: OpenAiSettings;
  now: () => Date;
  newId?: () => string;
  fetchImpl?: typeof fetch;
}

/** `GET /api/insights/providers`. */
export function listProviders(llm: OpenAiSettings | undefined, defaultProvider: ProviderId) {
  return [
    { id: 'offline', label: 'Offline analyst (no model; figures computed from the warehouse)', default: defaultProvider === 'offline' },
    {
      id: 'openai',
      label: llm ? `OpenAI-compatible model at ${llm.baseUrl}` : 'OpenAI-compatible model (start the app with --llm-base-url to use one)',
      available: llm !== undefined,
      model: llm?.model ?? null,
      ...(llm ? { baseUrl: llm.baseUrl } : {}),
      default: defaultProvider === 'openai',
    },
  ];
}

/** Checks a provider id the page sent; openai without settings is a 400 that says how to configure it. */
export function resolveProvider(value: unknown, llm: OpenAiSettings | undefined, fallback: ProviderId): ProviderId {
  const id = value === undefined || value === null || value === '' ? fallback : value;
  if (id === 'offline') return 'offline';
  if (id === 'openai') {
    if (!llm) throw new AppError('bad_request', 400, 'The openai provider is not configured. Restart the app with --llm-provider openai --llm-base-url http://127.0.0.1:11434/v1 --llm-model llama3.2 (a local Ollama), or use the offline provider.');
    return 'openai';
  }
  throw new AppError('bad_request', 400, `Unknown provider ${JSON.stringify(id)}. Use offline or openai.`);
}

/** The labels of the steps a report takes with this provider. */
export function reportSteps(provider: ProviderId, llm: OpenAiSettings | undefined): string[] {
  const writing = provider === 'openai' && llm ? `Asking ${llm.model} at ${chatCompletionsUrl(llm.baseUrl)}` : 'Writing the report (offline analyst, no model)';
  return ['Reading the warehouse', 'Computing the data summary', writing, 'Saving to history'];
}

/** Makes one report, announcing each step; saves it only when it was written in full. */
export async function generateReport(deps: InsightsDeps, focus: FocusArea, provider: ProviderId, step: StepFn): Promise<Report> {
  step(0);
  const written = await withWarehouse(deps.warehousePath, async (warehouse) => {
    step(1);
    if (provider === 'offline') {
      const figures = await computeAnalystFigures(warehouse);
      step(2);
      return { kind: 'written' as const, ...writeOfflineReport(focus, figures, { warehouse: deps.warehousePath, at: deps.now() }), model: OFFLINE_MODEL };
    }
    return { kind: 'summary' as const, summaryText: formatDataSummary(await computeDataSummary(warehouse)) };
  });
  let title: string;
  let markdown: string;
  let model: string;
  if (written.kind === 'summary') {
    step(2);
    const llm = deps.llm!;
    const answer = await askChatModel(llm, buildPrompt(focus, written.summaryText), deps.fetchImpl);
    title = `${focus.label}: StudentSuccess insights`;
    markdown = `${answer}\n\n---\n_Written by ${llm.model} at ${llm.baseUrl} from the data summary of ${deps.warehousePath}._\n`;
    model = llm.model;
  } else {
    ({ title, markdown, model } = written);
  }
  step(3);
  const report: Report = {
    id: (deps.newId ?? randomUUID)(),
    createdAt: deps.now().toISOString(),
    focus: focus.id,
    focusLabel: focus.label,
    provider,
    model,
    title,
    markdown,
  };
  deps.history.add(report);
  return report;
}
