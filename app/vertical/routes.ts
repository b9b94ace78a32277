/**
 * The routes of every vertical's app but HED's (StudentSuccess keeps `/` and `/api/`):
 * the page at `/{prefix}` (or `/?vertical={prefix}`) and its API under
 * `/api/verticals/{prefix}/`, plus `GET /api/verticals`, the tables the warehouse holds.
 * Handlers only translate; the work is in source.ts, filters.ts, metrics.ts, analyst.ts and report.ts.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { VERTICAL_PREFIXES, VERTICALS, type VerticalDefinition } from '../../verticals/index.js';
import { createAnswerCache, fileVersion } from '../answer-cache.js';
import { csvDownload } from '../csv.js';
import { AppError, MAKE_WAREHOUSE_COMMANDS } from '../errors.js';
import { WAREHOUSE_SCHEMA } from '../fields.js';
import { listProviders, reportSteps, resolveProvider, type InsightsDeps, type ProviderId } from '../insights/generate.js';
import type { History } from '../insights/history.js';
import { JobsBusyError, type Jobs } from '../insights/jobs.js';
import type { OpenAiSettings } from '../insights/openai.js';
import { sourceAllRows, sourceRowsPage, type RowSource } from '../queries.js';
import { pageWindow, parseRowsQuery, ROWS_PARAMETERS, type QueryValue } from '../request.js';
import { openWarehouse, testerTables, withWarehouse, type OpenWarehouse } from '../warehouse.js';
import { findVerticalFocusArea, verticalFocusAreas } from './analyst.js';
import { createKnownFilterValues, filterCondition, filtersKey, parseVerticalFilters, requireFilterValues, verticalFilterOptions, type VerticalFilters } from './filters.js';
import { verticalAggregates, verticalMetricsAnswer, type VerticalMetricsAnswer } from './metrics.js';
import { generateVerticalReport } from './report.js';
import { findVertical, requireVerticalTable, tableLabel, verticalMissingMessage, verticalRowSource, verticalRowsCte } from './source.js';

/** What the routes share with the rest of the app. */
export interface VerticalRouteDeps {
  warehouse: string;
  history: History;
  jobs: Jobs;
  insights: InsightsDeps;
  llm: OpenAiSettings | undefined;
  llmProvider: ProviderId;
  /** Serves the page (index.html), the same for every vertical but for its title (the vertical's, when given). */
  sendPage: (reply: FastifyReply, title?: string) => Promise<FastifyReply>;
  scatterMax?: number;
}

/** One entry of `GET /api/verticals`. */
export interface VerticalEntry {
  prefix: string;
  name: string;
  title: string;
  table: string;
  /** Where its app is: `/` for HED, `/agr` for AGR. */
  path: string;
}

/** Where a vertical's page is. */
export const verticalPagePath = (prefix: string) => (prefix === 'hed' ? '/' : `/${prefix}`);

/**
 * The verticals whose `{prefix}_records` table the warehouse holds, in the lab's order;
 * none when there is no warehouse.
 */
export async function presentVerticals(path: string): Promise<VerticalEntry[]> {
  let tables: string[];
  try {
    tables = await withWarehouse(path, testerTables);
  } catch (error) {
    if (error instanceof AppError) return [];
    throw error;
  }
  return VERTICAL_PREFIXES.filter((p) => tables.includes(VERTICALS[p].table)).map((p) => {
    const v = VERTICALS[p];
    // StudentSuccess's heading is the one its page has always shown.
    const title = p === 'hed' ? 'StudentSuccess – AI Driven Freshman Retention Insights' : v.app.title;
    return { prefix: p, name: v.app.name, title, table: `${WAREHOUSE_SCHEMA}.${v.table}`, path: verticalPagePath(p) };
  });
}

/** `GET /api/verticals/:prefix/status`. */
export interface VerticalStatus {
  ready: boolean;
  warehouse: string;
  rows: number;
  table: string;
  vertical: string;
  name: string;
  title: string;
  industry: string;
  /** The definition's categories (`app.categories`). */
  categories: string[];
  /** The column the Data Explorer's *Filter column* starts at: the first category (none without one). */
  filterColumn?: string;
  message?: string;
  commands?: string[];
}

/** Whether the vertical's table is there and has rows; never throws for a missing one. */
export async function verticalStatus(path: string, definition: VerticalDefinition): Promise<VerticalStatus> {
  const base = { warehouse: path, table: tableLabel(definition), vertical: definition.prefix, name: definition.app.name, title: definition.app.title, industry: definition.app.industry, categories: [...definition.app.categories], ...(definition.app.categories[0] === undefined ? {} : { filterColumn: definition.app.categories[0] }) };
  try {
    return await withWarehouse(
      path,
      async (warehouse) => {
        requireVerticalTable(definition, warehouse);
        const cte = verticalRowsCte(definition, warehouse.columns);
        const [row] = await warehouse.all(`${cte.sql}SELECT CAST(count(*) AS DOUBLE) AS n FROM r`, cte.params);
        const rows = Number(row?.n ?? 0);
        if (rows === 0) return { ...base, ready: false, rows, message: verticalMissingMessage(definition, path, 'empty'), commands: [...MAKE_WAREHOUSE_COMMANDS] };
        return { ...base, ready: true, rows };
      },
      definition.table,
    );
  } catch (error) {
    if (error instanceof AppError) return { ...base, ready: false, rows: 0, message: error.message, ...(error.commands ? { commands: error.commands } : {}) };
    throw error;
  }
}

type Params = { prefix: string };

/** Metrics answers kept per warehouse version, over every vertical and filter set. */
export const VERTICAL_METRICS_CACHE_ENTRIES = 64;
type Query = Record<string, QueryValue>;

/** Registers the pages and API of every vertical but HED. */
export function registerVerticalRoutes(app: FastifyInstance, deps: VerticalRouteDeps): void {
  const vertical = (params: unknown) => findVertical((params as Params).prefix);

  for (const prefix of VERTICAL_PREFIXES) {
    if (prefix === 'hed') {
      app.get('/hed', async (_request, reply) => reply.redirect('/'));
      continue;
    }
    const title = VERTICALS[prefix].app.title;
    app.get(`/${prefix}`, async (_request, reply) => deps.sendPage(reply, title));
    app.get(`/${prefix}/`, async (_request, reply) => deps.sendPage(reply, title));
  }

  app.get('/api/verticals', async () => presentVerticals(deps.warehouse));
  app.get('/api/verticals/:prefix/status', async (request) => verticalStatus(deps.warehouse, vertical(request.params)));

  app.get('/api/verticals/:prefix/filters', async (request) => {
    const definition = vertical(request.params);
    return withWarehouse(
      deps.warehouse,
      async (w) => {
        requireVerticalTable(definition, w);
        return verticalFilterOptions(w, definition, verticalRowsCte(definition, w.columns));
      },
      definition.table,
    );
  });

  const metricsCache = createAnswerCache<VerticalMetricsAnswer>(VERTICAL_METRICS_CACHE_ENTRIES);
  app.get('/api/verticals/:prefix/metrics', async (request, reply) => {
    const definition = vertical(request.params);
    const filters = parseVerticalFilters(definition, request.query as Query);
    const compute = async () => verticalMetricsAnswer(definition, await withWarehouse(deps.warehouse, (w) => verticalAggregates(w, definition, filters, deps.scatterMax), definition.table), filters);
    // `cache-control: no-cache` from the client asks for a fresh computation (a bench sends it).
    if (/no-cache/i.test(String(request.headers['cache-control'] ?? ''))) return reply.header('x-cache', 'bypass').send(await compute());
    const { value, hit } = await metricsCache.get(fileVersion(deps.warehouse), `${definition.prefix} ${filtersKey(filters)}`, compute);
    return reply.header('x-cache', hit ? 'hit' : 'miss').send(value);
  });

  /** Filter values found in the warehouse's current version: paging a filtered table checks them once. */
  const knownValues = createKnownFilterValues();
  /** The explorer's rows: the Metrics filters apply, as on StudentSuccess's page. */
  const filteredSource = async (w: OpenWarehouse, definition: VerticalDefinition, filters: VerticalFilters) => {
    requireVerticalTable(definition, w);
    await requireFilterValues(w, definition, filters, verticalRowsCte(definition, w.columns), knownValues);
    return verticalRowSource(definition, w, filterCondition(filters));
  };

  app.get('/api/verticals/:prefix/rows', async (request) => {
    const definition = vertical(request.params);
    const query = request.query as Query;
    const filters = parseVerticalFilters(definition, query, ROWS_PARAMETERS);
    const rowsQuery = parseRowsQuery(query);
    const page = await withWarehouse(deps.warehouse, async (w) => sourceRowsPage(w, await filteredSource(w, definition, filters), rowsQuery), definition.table);
    return { columns: page.columns, rows: page.rows, ...pageWindow(rowsQuery.page, rowsQuery.perPage, page.total) };
  });

  app.get('/api/verticals/:prefix/rows.csv', async (request, reply) => {
    const definition = vertical(request.params);
    const query = request.query as Query;
    const filters = parseVerticalFilters(definition, query, ROWS_PARAMETERS);
    const rowsQuery = parseRowsQuery(query);
    const warehouse = await openWarehouse(deps.warehouse, definition.table);
    let source: RowSource;
    try {
      // Checked before the download starts: a bad value is a 400, not a broken file.
      source = await filteredSource(warehouse, definition, filters);
    } catch (error) {
      warehouse.close();
      throw error;
    }
    const csv = csvDownload(warehouse, (w) => sourceAllRows(w, source, rowsQuery));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${definition.table}.csv"`).send(csv);
  });

  app.get('/api/verticals/:prefix/insights/focus-areas', async (request) => verticalFocusAreas(vertical(request.params)).map(({ id, label, sections }) => ({ id, label, sections })));
  app.get('/api/verticals/:prefix/insights/providers', async (request) => {
    vertical(request.params);
    return listProviders(deps.llm, deps.llmProvider);
  });
  app.post('/api/verticals/:prefix/insights', async (request, reply) => {
    const definition = vertical(request.params);
    const body = (request.body ?? {}) as { focus?: unknown; provider?: unknown };
    const focus = findVerticalFocusArea(definition, body.focus);
    const provider = resolveProvider(body.provider, deps.llm, deps.llmProvider);
    let job;
    try {
      job = deps.jobs.start(reportSteps(provider, deps.llm), (step) => generateVerticalReport(deps.insights, definition, focus, provider, step));
    } catch (error) {
      if (!(error instanceof JobsBusyError)) throw error;
      return reply.code(429).header('retry-after', String(error.retryAfterS)).send({ error: 'too_many_reports', message: error.message });
    }
    return reply.code(202).send({ jobId: job.id });
  });
  app.get('/api/verticals/:prefix/history', async (request) => deps.history.list(vertical(request.params).prefix));
}

