/**
 * The StudentSuccess app: a Fastify instance built from a config, never listening (the
 * CLI listens). Routes only translate: parse the query, run a query module, shape JSON.
 * Record values are data: the server never builds HTML from them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { allowedHosts, BODY_DEPTH_MAX, guardedRequestOf, guardRequest, jsonDepth, SECURITY_HEADERS, tooDeepMessage } from '../api/serving.js';
import { createAnswerCache, fileVersion } from './answer-cache.js';
import { buildCharts, type Chart } from './charts.js';
import type { AppConfig } from './config.js';
import { csvDownload } from './csv.js';
import { AppError } from './errors.js';
import { FOCUS_AREAS, findFocusArea } from './insights/focus-areas.js';
import { generateReport, listProviders, reportSteps, resolveProvider, type InsightsDeps } from './insights/generate.js';
import { openHistory, type History } from './insights/history.js';
import { createJobs, JobsBusyError, type Jobs } from './insights/jobs.js';
import type { OpenAiSettings } from './insights/openai.js';
import { buildKpis, distributionRemarks, type Kpi } from './metrics.js';
import { allRows, filterOptions, metricsAggregates, rowsPage, type SummaryTable } from './queries.js';
import { pageWindow, parseFilters, parseRowsQuery, type QueryValue } from './request.js';
import type { Filters } from './sql.js';
import { readUnder, vendorPath } from './static-files.js';
import { openWarehouse, warehouseStatus, withWarehouse } from './warehouse.js';
import { registerVerticalRoutes } from './vertical/routes.js';
import { VERTICALS, isVerticalPrefix } from '../verticals/index.js';
import { lazySerializerFactory } from '../lib/lazy-serializer.js';

/** Replaceable parts, for tests: clock, ids, fetch, an already open history. */
export interface AppDeps {
  now?: () => Date;
  newId?: () => string;
  fetchImpl?: typeof fetch;
  history?: History;
  /** Points in the Aid vs GPA scatter at most. */
  scatterMax?: number;
}

type Query = Record<string, QueryValue>;

/** `GET /api/metrics`. */
export interface MetricsAnswer {
  rows: number;
  filters: Filters;
  kpis: Kpi[];
  charts: Chart[];
  summary: SummaryTable;
  remarks: string[];
}

/** Metrics answers kept per warehouse version (a million rows take seconds). */
export const METRICS_CACHE_ENTRIES = 32;

/** The openai provider's settings from the config, or undefined when it has no base URL. */
export function llmSettings(config: AppConfig): OpenAiSettings | undefined {
  if (config.llmBaseUrl === undefined) return undefined;
  return { baseUrl: config.llmBaseUrl, model: config.llmModel, timeoutMs: config.llmTimeoutS * 1000, ...(config.llmApiKey ? { apiKey: config.llmApiKey } : {}) };
}

export { hostnameOf, isLoopbackHost } from '../api/serving.js';

/** A file name safe in a content-disposition header. */
export function downloadName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Builds the app. Close it to close the history database.
 * @example const app = await buildApp(resolveAppConfig({}, {})); await app.inject('/api/status')
 */
export async function buildApp(config: AppConfig, deps: AppDeps = {}): Promise<FastifyInstance> {
  // Response serializers compiled on first use, not at start (lib/lazy-serializer.ts).
  const app = Fastify({ logger: false, schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory() } } });
  const now = deps.now ?? (() => new Date());
  const history = deps.history ?? openHistory(config.insightsDb);
  const jobs: Jobs = createJobs({ now, ...(deps.newId ? { newId: deps.newId } : {}) });
  const llm = llmSettings(config);
  const insights: InsightsDeps = {
    warehousePath: config.warehouse,
    history,
    ...(llm ? { llm } : {}),
    now,
    ...(deps.newId ? { newId: deps.newId } : {}),
    ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}),
  };
  app.addHook('onClose', async () => {
    if (!deps.history) history.close();
  });
  // A web page elsewhere must not read student records through DNS rebinding, nor start
  // or delete reports from the user's browser: api/serving.ts's rule, as the mock applies it.
  const allowed = allowedHosts(config.host, config.allowHosts);
  app.addHook('onRequest', async (request, reply) => {
    const refusal = guardRequest(guardedRequestOf(request), allowed, 'app');
    if (refusal) return reply.code(403).send({ error: refusal.code, message: refusal.message });
  });
  app.addHook('preValidation', async (request) => {
    if (request.body === null || typeof request.body !== 'object') return;
    const depth = jsonDepth(request.body);
    if (depth > BODY_DEPTH_MAX) throw new AppError('bad_request', 400, tooDeepMessage(depth));
  });
  // As HTTP headers, not a <meta> tag: only a header can forbid framing (frame-ancestors).
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof AppError) {
      return reply.code(error.statusCode).send({ error: error.code, message: error.message, ...(error.commands ? { commands: error.commands } : {}) });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'bad_request', message: `${error.message.replace(/\.?$/, '.')} Check the request and try again.` });
    }
    process.stderr.write(`hed-app: internal error: ${error.stack ?? String(error)}\n`);
    return reply.code(500).send({ error: 'internal_error', message: 'The app failed on this request; the details are in the terminal that runs hed-app.' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `There is nothing at ${request.method} ${request.url.split('?')[0]}. The page is at /, the API under /api/.` }),
  );

  const sendFile = (reply: FastifyReply, file: { body: Buffer; type: string }) => reply.type(file.type).send(file.body);

  const sendPage = async (reply: FastifyReply, title?: string) => {
    const file = await readUnder(config.publicDir, 'index.html');
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send(`The page ${join(config.publicDir, 'index.html')} is missing. Check out app/public/ from the project, or use the API under /api/.\n`);
    const page = title === undefined ? file : { ...file, body: Buffer.from(withPageTitle(file.body.toString('utf8'), title)) };
    return sendFile(reply.header('cache-control', 'no-cache'), page);
  };
  app.get('/', async (_request, reply) => sendPage(reply));
  app.get('/static/*', async (request, reply) => {
    const file = await readUnder(config.publicDir, (request.params as { '*': string })['*']);
    if (!file) throw new AppError('not_found', 404, `There is no file ${request.url.split('?')[0]} in the page's folder.`);
    return sendFile(reply.header('cache-control', 'no-cache'), file);
  });
  app.get('/vendor/:file', async (request, reply) => {
    const path = vendorPath((request.params as { file: string }).file);
    if (!path) throw new AppError('not_found', 404, 'Only vega.min.js, vega-lite.min.js and vega-embed.min.js are served under /vendor/.');
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(await readFile(path));
  });

  app.get('/api/status', async () => warehouseStatus(config.warehouse));
  app.get('/api/filters', async () => withWarehouse(config.warehouse, filterOptions));
  const metricsCache = createAnswerCache<MetricsAnswer>(METRICS_CACHE_ENTRIES);
  app.get('/api/metrics', async (request, reply) => {
    const filters = parseFilters(request.query as Query);
    const compute = async (): Promise<MetricsAnswer> => {
      const aggregates = await withWarehouse(config.warehouse, (w) => metricsAggregates(w, filters, deps.scatterMax));
      return { rows: aggregates.rows, filters, kpis: buildKpis(aggregates.means), charts: buildCharts(aggregates), summary: aggregates.summary, remarks: distributionRemarks(aggregates.summary) };
    };
    // `cache-control: no-cache` from the client asks for a fresh computation (the bench sends it).
    if (/no-cache/i.test(String(request.headers['cache-control'] ?? ''))) return reply.header('x-cache', 'bypass').send(await compute());
    const key = JSON.stringify([filters.majors.toSorted(), filters.standings.toSorted(), filters.atRisk ?? null]);
    const { value, hit } = await metricsCache.get(fileVersion(config.warehouse), key, compute);
    return reply.header('x-cache', hit ? 'hit' : 'miss').send(value);
  });
  app.get('/api/rows', async (request) => {
    const query = request.query as Query;
    const filters = parseFilters(query);
    const rowsQuery = parseRowsQuery(query);
    const page = await withWarehouse(config.warehouse, (w) => rowsPage(w, filters, rowsQuery));
    return { columns: page.columns, rows: page.rows, ...pageWindow(rowsQuery.page, rowsQuery.perPage, page.total) };
  });
  app.get('/api/rows.csv', async (request, reply) => {
    const query = request.query as Query;
    const filters = parseFilters(query);
    const rowsQuery = parseRowsQuery(query);
    const csv = csvDownload(await openWarehouse(config.warehouse), (warehouse) => allRows(warehouse, filters, rowsQuery));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="hed_records.csv"')
      .send(csv);
  });

  app.get('/api/insights/focus-areas', async () => FOCUS_AREAS.map(({ id, label, sections }) => ({ id, label, sections })));
  app.get('/api/insights/providers', async () => listProviders(llm, config.llmProvider));
  app.post('/api/insights', async (request, reply) => {
    const body = (request.body ?? {}) as { focus?: unknown; provider?: unknown };
    const focus = findFocusArea(body.focus);
    const provider = resolveProvider(body.provider, llm, config.llmProvider);
    let job;
    try {
      job = jobs.start(reportSteps(provider, llm), (step) => generateReport(insights, focus, provider, step));
    } catch (error) {
      if (!(error instanceof JobsBusyError)) throw error;
      return reply.code(429).header('retry-after', String(error.retryAfterS)).send({ error: 'too_many_reports', message: error.message });
    }
    return reply.code(202).send({ jobId: job.id });
  });
  app.get('/api/insights/jobs/:id', async (request) => {
    const job = jobs.get((request.params as { id: string }).id);
    if (!job) throw new AppError('not_found', 404, 'There is no such report job (jobs are kept in memory and end with a restart). Generate the report again.');
    return job;
  });
  app.get('/api/history', async () => history.list());
  // Every other vertical's page and API (StudentSuccess keeps / and the routes above).
  registerVerticalRoutes(app, { warehouse: config.warehouse, history, jobs, insights, llm, llmProvider: config.llmProvider, sendPage, ...(deps.scatterMax !== undefined ? { scatterMax: deps.scatterMax } : {}) });
  app.delete('/api/history/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    if (!history.remove(id)) throw new AppError('not_found', 404, `There is no report ${id} in the history (it may be deleted already). GET /api/history lists them.`);
    return reply.code(204).send();
  });
  app.get('/api/history/:file', async (request, reply) => {
    const file = (request.params as { file: string }).file;
    const markdown = file.endsWith('.md');
    const report = history.get(markdown ? file.slice(0, -3) : file);
    if (!report) throw new AppError('not_found', 404, `There is no report ${file} in the history. Pick one from GET /api/history.`);
    if (!markdown) return report;
    const vertical = history.verticalOf(report.id) ?? 'hed';
    const appName = vertical === 'hed' || !isVerticalPrefix(vertical) ? 'studentsuccess' : VERTICALS[vertical].app.name.toLowerCase();
    const name = downloadName(`${appName}-${report.focus}-${report.createdAt.slice(0, 19)}`);
    return reply.type('text/markdown; charset=utf-8').header('content-disposition', `attachment; filename="${name}.md"`).send(report.markdown);
  });
  return app;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page (index.html) with another app's title in its `<title>` and its heading
 * (`<h1 id="app-title">`), escaped as HTML: a vertical's page reads as that vertical's
 * before app.js runs, and for curl or a client without JavaScript.
 *
 * @example
 * withPageTitle('<title>StudentSuccess</title><h1 id="app-title">StudentSuccess</h1>', 'A & B')
 * // '<title>A &#38; B</title><h1 id="app-title">A &#38; B</h1>'
 */
export function withPageTitle(html: string, title: string): string {
  const escaped = escapeHtml(title);
  return html
    .replace(/<title>[^<]*<\/title>/, () => `<title>${escaped}</title>`)
    .replace(/(<h1 id="app-title"[^>]*>)[^<]*(<\/h1>)/, (_m, open: string, close: string) => `${open}${escaped}${close}`);
}
