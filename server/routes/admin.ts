import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiError } from '../errors.js';
import { errorResponse } from '../../api/errors.js';
import { MutationResult, RecordsDump, ResetResult, mutationRequest, recordsDump, recordsQuery } from '../../api/admin.js';
import { ADMIN_TOKEN_SCHEME } from '../plugins/openapi.js';
import { STUDENT } from '../../verticals/hed/app.js';
import { VERTICAL_PREFIXES, VERTICALS, type VerticalPrefix } from '../../verticals/index.js';
import { recordSchemaId } from './data.js';
import { hedSource, type DataSource } from '../sources.js';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** Admin calls: loopback only, or anywhere with the right x-admin-token when one is set. */
export function checkAdminAccess(app: FastifyInstance, request: FastifyRequest): void {
  const token = app.config.adminToken;
  if (token !== undefined) {
    if (request.headers['x-admin-token'] !== token) {
      throw new ApiError('unauthorized', 'Admin calls need the header x-admin-token with the token the server was started with (--admin-token).');
    }
    return;
  }
  if (!isLoopback(request.socket.remoteAddress)) {
    throw new ApiError('forbidden', 'The admin API answers loopback clients only. Call it from the same machine, or start the server with --admin-token and send x-admin-token.');
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * What an admin route declares about its guard, as `checkAdminAccess` applies it: with a
 * token, the x-admin-token scheme and 401; without one, no credentials and 403 for
 * clients off loopback. Spread into each admin route's schema.
 *
 * @example
 * schema: { ...adminGuard(app), summary: '...', response: { 200: X, ...adminGuard(app).errors } }
 */
export function adminGuard(app: FastifyInstance): { security?: Record<string, string[]>[]; errors: Record<number, ReturnType<typeof errorResponse>> } {
  return app.config.adminToken === undefined
    ? { errors: { 400: errorResponse(400), 403: errorResponse(403) } }
    : { security: [{ [ADMIN_TOKEN_SCHEME]: [] }], errors: { 400: errorResponse(400), 401: errorResponse(401) } };
}

/**
 * The verticals the admin API reads and changes: every served one, and HED always (its
 * store is there whatever --verticals says, and an admin call without `vertical` means it).
 */
export function adminVerticals(app: FastifyInstance): VerticalPrefix[] {
  return VERTICAL_PREFIXES.filter((p) => p === 'hed' || app.sources.has(p));
}

/**
 * The data source an admin call names with `vertical` (a prefix); absent means HED, as
 * before there were verticals. Anything else is 400 invalid_request naming the choices.
 *
 * @example
 * sourceFor(app, 'agr').definition.table // 'agr_records'
 */
export function sourceFor(app: FastifyInstance, vertical: unknown): DataSource {
  if (vertical === undefined || vertical === 'hed') return app.sources.get('hed') ?? hedSource(app.store, VERTICALS.hed);
  const source = typeof vertical === 'string' ? app.sources.get(vertical as VerticalPrefix) : undefined;
  if (source !== undefined) return source;
  const choices = adminVerticals(app);
  const what = typeof vertical === 'string' ? `"${vertical.slice(0, 40)}"` : `a ${typeof vertical}`;
  throw new ApiError(
    'invalid_request',
    `vertical must be the prefix of a vertical this server serves, one of ${choices.join(', ')}; got ${what}. Leave it out for hed (--verticals chooses what is served).`,
  );
}

/**
 * The admin routes that belong to the data. Fault, scenario and journal routes register
 * next to these under the same prefix.
 */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', async (request) => checkAdminAccess(app, request));
  const { errors: adminErrors, ...adminSecurity } = adminGuard(app);

  app.post(
    '/reset',
    { schema: { operationId: 'resetDataset', tags: ['admin'], summary: 'Initial dataset again, for every vertical', description: 'Every vertical served gets its initial records back; fault rules, scenario and journal are cleared. count is HED\'s.', ...adminSecurity, response: { 200: ResetResult, ...adminErrors } } },
    async () => {
      app.store.reset();
      for (const source of app.sources.values()) if (source.definition.prefix !== 'hed') source.reset();
      app.faults.clear();
      app.journal.clear();
      return { reset: true as const, count: app.store.count() };
    },
  );

  const verticals = adminVerticals(app);
  const dumps = verticals.map((p) => (p === 'hed' ? RecordsDump : recordsDump(VERTICALS[p].table, Type.Ref(recordSchemaId(p)))));
  app.get(
    '/records',
    {
      schema: {
        operationId: 'getRecords',
        tags: ['admin'],
        summary: 'The whole current dataset of a vertical (ground truth), in change-sequence order',
        description: 'Answers {"count": n, "{prefix}_records": [...]} for the vertical named by ?vertical=PREFIX; without it, HED ({"count": n, "hed_records": [...]}).',
        ...adminSecurity,
        querystring: recordsQuery(verticals),
        response: { 200: dumps.length === 1 ? dumps[0]! : Type.Union(dumps), ...adminErrors },
      },
      // Before the schema, so an unknown vertical gets the sentence that lists the served ones.
      preValidation: async (request) => void sourceFor(app, (request.query as { vertical?: unknown }).vertical),
    },
    async (request, reply) => {
      const source = sourceFor(app, request.query.vertical);
      // Streamed: a million records would not fit in one string.
      const count = source.count();
      const rows = source.iterateJson();
      async function* body() {
        yield `{"count":${count},"${source.definition.table}":[`;
        let first = true;
        let chunk = '';
        for (const json of rows) {
          chunk += first ? json : `,${json}`;
          first = false;
          if (chunk.length > 64 * 1024) {
            yield chunk;
            chunk = '';
          }
        }
        yield `${chunk}]}`;
      }
      return (reply as FastifyReply).type(JSON_TYPE).send(Readable.from(body()));
    },
  );

  app.post(
    '/mutations',
    {
      schema: {
        operationId: 'mutateRecords',
        tags: ['admin'],
        summary: 'Seeded, deterministic updates and creations of one vertical',
        description:
          `Changes the records of the vertical named by "vertical" (a prefix; absent: hed). Each changed record gets a new last_updated_epoch (and ${STUDENT.lastUpdated}, where the vertical has one) ` +
          'and a change sequence above all others, so an incremental read from any stored cursor of that path returns it. The same seed and the same calls give the same data. ' +
          'Asking to update more records than the dataset holds is 409 conflict.',
        ...adminSecurity,
        body: mutationRequest(verticals),
        response: { 200: MutationResult, 409: errorResponse(409), ...adminErrors },
      },
      preValidation: async (request) => {
        const body = request.body;
        if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'vertical' in body) sourceFor(app, (body as { vertical: unknown }).vertical);
      },
    },
    async (request) => sourceFor(app, request.body.vertical).mutate(request.body.update ?? 0, request.body.create ?? 0),
  );
};
