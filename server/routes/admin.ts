import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '../errors.js';
import { errorResponse } from '../../api/errors.js';
import { MutationRequest, MutationResult, RecordsDump, ResetResult } from '../../api/admin.js';
import { ADMIN_TOKEN_SCHEME } from '../plugins/openapi.js';

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
 * The admin routes that belong to the data. Fault, scenario and journal routes register
 * next to these under the same prefix.
 */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', async (request) => checkAdminAccess(app, request));
  const { errors: adminErrors, ...adminSecurity } = adminGuard(app);

  app.post(
    '/reset',
    { schema: { operationId: 'resetDataset', tags: ['admin'], summary: 'Initial dataset again', ...adminSecurity, response: { 200: ResetResult, ...adminErrors } } },
    async () => {
      app.store.reset();
      app.faults.clear();
      app.journal.clear();
      return { reset: true as const, count: app.store.count() };
    },
  );

  app.get(
    '/records',
    {
      schema: {
        operationId: 'getRecords',
        tags: ['admin'],
        summary: 'The whole current dataset (ground truth), in change-sequence order',
        ...adminSecurity,
        response: { 200: RecordsDump, ...adminErrors },
      },
    },
    async (_request, reply) => {
      // Streamed: a million records would not fit in one string.
      const count = app.store.count();
      const rows = app.store.iterateJson();
      async function* body() {
        yield `{"count":${count},"hed_records":[`;
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
        summary: 'Seeded, deterministic updates and creations',
        description: 'Each changed record gets a new last_updated and a change sequence above all others, so an incremental read from any stored cursor returns it. Asking to update more records than the dataset holds is 409 conflict.',
        ...adminSecurity,
        body: MutationRequest,
        response: { 200: MutationResult, 409: errorResponse(409), ...adminErrors },
      },
    },
    async (request) => app.store.mutate(request.body.update ?? 0, request.body.create ?? 0),
  );
};
