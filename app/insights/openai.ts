/**
 * The `openai` provider: any OpenAI-compatible `POST {base}/chat/completions` (a local
 * Ollama or llama.cpp server, or a hosted one), fed the lab-style prompt. A server that is
 * down, slow, or answers something that is not a report is a ProviderError with a sentence.
 */
import type { FocusArea } from './focus-areas.js';
import { SOLUTION_CONTEXT, SOLUTION_NAME } from './solution.js';

/**
 * The part of a report prompt every app shares: the data summary, the focus area's asks
 * for the named app, its section headings, and the ground rules.
 */
export function analysisLines(focus: Pick<FocusArea, 'label' | 'asks' | 'sections'>, appName: string, dataSummaryText: string): string[] {
  return [
    'DATA SUMMARY:',
    dataSummaryText,
    '',
    'ANALYSIS INSTRUCTIONS:',
    `For the ${focus.label} analysis of ${appName}:`,
    ...focus.asks.map((a, i) => `${i + 1}. ${a}`),
    '',
    'Structure your response with exactly these sections, each as a Markdown "## " heading:',
    ...focus.sections.map((s) => `- ${s}`),
    '',
    'GUIDELINES:',
    '- Base every insight on the data summary above and quote its figures.',
    '- Be concise, analytical and professional; use bullet points under each heading.',
  ];
}

/** A failure of the model provider; the job fails with its message and nothing is saved. */
export class ProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** Where and how to ask. */
export interface OpenAiSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

/** A chat message. */
export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

/** The chat-completions URL for a base URL, with or without a trailing slash. */
export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

/**
 * The lab-style prompt: who the model is, the solution context, the data summary, the
 * focus area's asks and its section headings, and the ground rules.
 */
export function buildPrompt(focus: FocusArea, dataSummaryText: string): ChatMessage[] {
  const user = [
    `You are an expert data analyst in ${focus.label.toLowerCase()} analysis for higher education student success and freshman retention.`,
    '',
    'SOLUTION CONTEXT:',
    SOLUTION_NAME,
    '',
    SOLUTION_CONTEXT,
    '',
    ...analysisLines(focus, 'StudentSuccess', dataSummaryText),
    `- Stay on ${focus.label}; mix observations, analysis and actionable recommendations.`,
  ].join('\n');
  return [
    { role: 'system', content: 'You write concise, data-backed Markdown reports for university student success teams.' },
    { role: 'user', content: user },
  ];
}

/**
 * The report text with anything that looks like a credential replaced: the configured key
 * itself, a `Bearer …` value, and `sk-…`-style keys. A server that echoes the request's
 * Authorization header into its answer must not put the key on the page or in history.
 *
 * @example redactSecrets('echo: Bearer sk-abc123', 'sk-abc123') // 'echo: Bearer [redacted]'
 */
export function redactSecrets(text: string, apiKey?: string): string {
  let out = apiKey ? text.split(apiKey).join('[redacted]') : text;
  out = out.replace(/\b(Bearer|Basic)\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]');
  return out.replace(/\b(sk|pk|rk)-[A-Za-z0-9_-]{16,}/g, '[redacted]');
}

/** Our sentence for an HTTP error status of the model server. */
const STATUS_HINTS = (status: number, model: string): string => {
  if (status === 401 || status === 403) return 'Set HED_LLM_API_KEY to a key the server accepts, then restart the app.';
  if (status === 404) return `Check --llm-base-url and that the model "${model}" exists there.`;
  if (status === 429) return 'It is rate limiting this key; wait a minute and try again, or use the offline provider.';
  if (status >= 500) return 'The server failed on its side; try again, check its own log, or use the offline provider.';
  return 'Check --llm-base-url and --llm-model, or use the offline provider.';
};

/**
 * Asks the model and returns its Markdown. Never resolves with an empty answer.
 * @example await askChatModel({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2', timeoutMs: 120_000 }, messages)
 */
export async function askChatModel(settings: OpenAiSettings, messages: ChatMessage[], fetchImpl: typeof fetch = fetch): Promise<string> {
  const url = chatCompletionsUrl(settings.baseUrl);
  const seconds = Math.round(settings.timeoutMs / 100) / 10;
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}) },
      body: JSON.stringify({ model: settings.model, messages, temperature: 0.2, stream: false }),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      throw new ProviderError(`The model server at ${url} did not answer within ${seconds} s. Try again, raise --llm-timeout-s, pick a smaller model, or use the offline provider.`);
    }
    const code = e.cause?.code ?? e.message;
    throw new ProviderError(`Could not reach the model server at ${url} (${code}). Start it (for Ollama: \`ollama serve\`), check --llm-base-url, or use the offline provider.`);
  }
  // The upstream body is never quoted: it can echo the request (and its Authorization header).
  if (!response.ok) {
    throw new ProviderError(`The model server at ${url} answered HTTP ${response.status}. ${STATUS_HINTS(response.status, settings.model)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProviderError(`The model server at ${url} answered HTTP ${response.status} with ${text.trim() === '' ? 'an empty body' : 'a body that is not JSON'}. Check that --llm-base-url points at an OpenAI-compatible /v1 endpoint.`);
  }
  const content = (body as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message?.content;
  if (typeof content !== 'string' || content.trim() === '') {
    throw new ProviderError(`The model server at ${url} answered without any report text (no choices[0].message.content). Try again or choose another model.`);
  }
  // Reasoning models (deepseek-r1, qwq) put their scratch work in <think> blocks first.
  const report = redactSecrets(content.replace(/<think>[\s\S]*?<\/think>/g, ''), settings.apiKey).trim();
  if (report === '') throw new ProviderError(`The model server at ${url} answered only its reasoning, with no report text. Try again or choose another model.`);
  return report;
}
