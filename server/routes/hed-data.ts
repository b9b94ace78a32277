import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '../errors.js';
import { invalidPageSize } from '../plugins/errors.js';
import { API_KEY_SCHEME } from '../plugins/openapi.js';
import { pageJson, planPage } from '../core/paging.js';
import { pageCacheFor } from '../core/page-cache.js';
import { HedDataQuery, HedPage, PAGE_SIZE_DEFAULT } from '../../api/page.js';
import { ApiErrorBody } from '../../api/errors.js';
import { sendFaultedPage } from '../faults/wire.js';

/**
 * The serialized page after `position`: what `GET /hed_data` answers. Pages only change
 * when the data does (store.version), so they come from a bounded cache per app, which
 * also holds their bytes for sendSerializedJson.
 *
 * @example
 * renderPage(app, 0, 100) // '{"hed_records":[...],"next_cursor":"...","has_more":true}'
 */
export function renderPage(app: FastifyInstance, position: number, pageSize: number): string {
  return pageCacheFor(app).get(app.store.version, position, pageSize, app.config.paging, () => {
    const plan = planPage(position, pageSize, app.store.rowsAfter(position, pageSize + 1), app.config.paging);
    return pageJson(plan, app.cursors.encode(plan.nextPosition));
  });
}

/** x-api-key (or its alias api_key) must be one of the configured keys. */
export function checkApiKey(app: FastifyInstance, request: FastifyRequest): void {
  const key = request.headers['x-api-key'] ?? request.headers['api_key'];
  if (key === undefined || key === '') {
    throw new ApiError(401, 'unauthorized', 'No API key was sent. Add the header x-api-key with a key this mock accepts (see --api-key; the default is hed-demo-key).');
  }
  if (typeof key !== 'string' || !app.config.apiKeys.includes(key)) {
    throw new ApiError(401, 'unauthorized', 'The API key is not valid for this mock. Send exactly one x-api-key header with a key given to --api-key or HED_API_KEYS.');
  }
}

export const hedDataRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/hed_data',
    {
      schema: {
        tags: ['data'],
        summary: 'A page of student records',
        description:
          'Records in ascending change sequence. A cursor is a position in that order and a page holds the records strictly after it. ' +
          'Store the last next_cursor and call again later to get exactly the records created or updated since.',
        security: [{ [API_KEY_SCHEME]: [] }],
        querystring: HedDataQuery,
        response: {
          200: HedPage,
          400: ApiErrorBody,
          401: ApiErrorBody,
          429: ApiErrorBody,
          500: ApiErrorBody,
          503: ApiErrorBody,
        },
      },
      onRequest: async (request) => checkApiKey(app, request),
      preValidation: async (request) => {
        // Ajv would coerce "1e2", " 5" or "0x10"; the API takes plain digits only.
        const raw = (request.query as Record<string, unknown>).page_size;
        if (raw !== undefined && (typeof raw !== 'string' || !/^[0-9]{1,9}$/.test(raw))) throw invalidPageSize(request);
      },
    },
    async (request, reply) => {
      const position = request.query.cursor ? app.cursors.decode(request.query.cursor) : 0;
      const pageSize = request.query.page_size ?? PAGE_SIZE_DEFAULT;
      // Faults decided in the preHandler (server/faults/wire.ts) may reshape the page.
      return sendFaultedPage(app, request, reply, position, pageSize, (from) => renderPage(app, from, pageSize));
    },
  );
};
