import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import type { ServerConfig } from './config.js';
import { createCursorCodec, type CursorCodec } from './paging/cursor.js';
import { createPageEngine } from './paging/page-engine.js';
import { withPageCache, type CachedPageEngine } from './paging/page-cache.js';
import { createStore, type RecordStore } from './store.js';
import { answerClientError, answerFrameworkError, registerErrorHandling } from './plugins/errors.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerValidation } from './plugins/validation.js';
import { registerRequestGuard } from './plugins/request-guard.js';
import { registerResponseValidation, type ResponseValidationOptions } from './plugins/response-validation.js';
import { dataRoutes, recordSchemaId, type DataPath } from './routes/data.js';
import { serveDataPagesFast } from './routes/fast-data.js';
import { VERTICALS, verticalRecordSchema, type VerticalPrefix } from '../verticals/index.js';
import { createVerticalRows } from './vertical-rows.js';
import { openVerticalLog } from './vertical-log.js';
import { hedSource, type DataSource, type DataSources } from './sources.js';
import { adminRoutes } from './routes/admin.js';
import { infoRoutes } from './routes/info.js';
import { adminFaultRoutes } from './routes/admin-faults.js';
import { registerFaults } from './faults/wire.js';
import type { Clock } from './faults/engine.js';
import type { LoadedScenario } from './faults/scenarios.js';
import { lazySerializerFactory } from '../lib/lazy-serializer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The config the app was built with, frozen: nothing changes it after start. */
    config: Readonly<ServerConfig>;
    store: RecordStore;
    cursors: CursorCodec;
    /** GET /hed_data's pages: the page engine over the store, with its cache. */
    pages: CachedPageEngine;
    /** The API keys /hed_data accepts now: the configured ones until a provider state replaces them. */
    acceptedKeys: Set<string>;
    /** The served verticals' records by prefix (HED's is its store), in the lab's order. */
    sources: DataSources;
  }
}

export interface AppDependencies {
  /** A store to serve instead of building one from the config (tests share one). */
  store?: RecordStore;
  /** Check every JSON body against its route's response schema before serialization (tests). */
  validateResponses?: boolean | ResponseValidationOptions;
  /** Clock for fault rate-limit windows and the request journal (tests inject a fake one). */
  faultClock?: Clock;
  /** The fault scenario to start with, loaded by the caller (server/main.ts loads --scenario). */
  scenario?: LoadedScenario;
  /**
   * Serve the data paths' common answers before Fastify (server/routes/fast-data.ts); on
   * unless false. Off anyway while responses are validated or requests logged (info, debug, trace).
   */
  fastPages?: boolean;
}

/** Log levels at which Fastify writes nothing for a request that succeeds: the fast path may answer it. */
const QUIET_LOG_LEVELS: ReadonlySet<string> = new Set(['silent', 'fatal', 'error', 'warn']);

/**
 * Builds the mock API from a config. Never listens: `server/main.ts` does that, tests use
 * `inject()`.
 *
 * @example
 * const app = await buildApp(serverConfig({ students: 10 }));
 * const res = await app.inject({ url: '/hed_data', headers: { 'x-api-key': 'hed-demo-key' } });
 */
export async function buildApp(config: ServerConfig, deps: AppDependencies = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    // Our error handling answers requests during shutdown (server/plugins/errors.ts).
    return503OnClosing: false,
    forceCloseConnections: true,
    // Long enough for any URL Node accepts: an overlong URL is refused as 431 by the HTTP parser.
    routerOptions: { maxParamLength: 16 * 1024 },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // Response serializers compiled on first use, not at start (lib/lazy-serializer.ts).
    schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory() } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const store = deps.store ?? createStore({ seed: config.seed, students: config.students, path: config.db, log: (line) => app.log.warn(line) });
  // An empty JSON body reads as {} so `curl -X POST -H 'content-type: application/json'` works.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    body === '' ? done(null, {}) : parseJson(request, body as string, done),
  );

  const cursors = createCursorCodec(config.seed);
  app.decorate('config', Object.freeze({ ...config, apiKeys: Object.freeze([...config.apiKeys]) as string[] }));
  app.decorate('store', store);
  app.decorate('cursors', cursors);
  app.decorate('pages', withPageCache(createPageEngine({ rows: store, cursors, paging: config.paging })));
  app.decorate('acceptedKeys', new Set(config.apiKeys));
  const sources = new Map<VerticalPrefix, DataSource>();
  // With a --db file the other verticals' mutations are kept in it too (server/vertical-log.ts).
  const kept = config.db !== undefined && config.db !== ':memory:' ? openVerticalLog(store.database, { seed: config.seed, path: config.db, log: (line) => app.log.warn(line) }) : undefined;
  for (const prefix of config.verticals) {
    const definition = VERTICALS[prefix];
    sources.set(prefix, prefix === 'hed' ? hedSource(store, definition) : kept ? kept.rows(definition) : createVerticalRows(definition, config.seed));
  }
  app.decorate('sources', sources);
  const allowed = registerRequestGuard(app); // first of all hooks: a refused Host or cross-site request meets no fault
  // Before the routes, so its hooks see them.
  registerFaults(app, { scenario: deps.scenario, clock: deps.faultClock });
  if (!deps.store) app.addHook('onClose', async () => store.close());

  // Order matters: the error handling and the OpenAPI collector must see every route.
  registerValidation(app);
  registerErrorHandling(app);
  // Each vertical's record schema once, by $id: its data path and the admin dump refer to it.
  const shared: TSchema[] = [];
  const recordSchemas: Record<string, TSchema> = {};
  for (const prefix of config.verticals) {
    if (prefix === 'hed') continue;
    const record = verticalRecordSchema(VERTICALS[prefix]);
    const schema = Type.Object(record.properties, { additionalProperties: false, description: record.description, $id: recordSchemaId(prefix) });
    app.addSchema(schema);
    shared.push(schema);
    recordSchemas[prefix] = Type.Ref(recordSchemaId(prefix));
  }
  if (deps.validateResponses) registerResponseValidation(app, { ...(deps.validateResponses === true ? {} : deps.validateResponses), references: shared });
  await registerOpenApi(app);
  const served = new Map<string, DataPath>();
  await app.register(dataRoutes, { sources: [...sources.values()], paths: { hed: { cursors, pages: app.pages } }, recordSchemas, served });
  await app.register(infoRoutes);
  await app.register(adminRoutes, { prefix: '/__admin' });
  await app.register(adminFaultRoutes, { prefix: '/__admin' });
  const fast = deps.fastPages !== false && !deps.validateResponses && QUIET_LOG_LEVELS.has(config.logLevel);
  app.decorate('fastPages', fast ? serveDataPagesFast(app, served, allowed) : null);
  return app;
}
