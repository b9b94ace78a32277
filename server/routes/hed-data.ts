import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '../errors.js';
import { invalidPageSize } from '../plugins/errors.js';
import { API_KEY_SCHEME } from '../plugins/openapi.js';
import { faultInjection } from '../faults/inject.js';
import { HedDataQuery, HedPage, PAGE_SIZE_DEFAULT } from '../../api/page.js';
import { errorResponse } from '../../api/errors.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** x-api-key (or its alias api_key) must be one of the accepted keys. */
export function checkApiKey(app: FastifyInstance, request: FastifyRequest): void {
  const key = request.headers['x-api-key'] ?? request.headers['api_key'];
  if (key === undefined || key === '') {
    throw new ApiError('unauthorized', 'No API key was sent. Add the header x-api-key with a key this mock accepts (see --api-key; the default is hed-demo-key).');
  }
  if (typeof key !== 'string' || !app.acceptedKeys.has(key)) {
    throw new ApiError('unauthorized', 'The API key is not valid for this mock. Send exactly one x-api-key header with a key given to --api-key or HED_API_KEYS.');
  }
}

/**
 * `GET /hed_data`, top to bottom: the API key (onRequest), page_size as plain digits
 * (preValidation), the query schema, the cursor decoded once (preHandler), the faults
 * of this scope (server/faults/inject.ts: decide, answer early, reshape on the way out),
 * then the handler: the page engine's bytes for the page after the position.
 */
export const hedDataRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.decorateRequest('position', 0);
  app.addHook('preHandler', async (request) => {
    const cursor = (request.query as { cursor?: string }).cursor;
    request.position = cursor ? app.cursors.decode(cursor) : 0;
  });
  await app.register(faultInjection);

  app.get(
    '/hed_data',
    {
      schema: {
        operationId: 'getHedData',
        tags: ['data'],
        summary: 'A page of student records',
        description:
          'Records in ascending change sequence. A cursor is a position in that order and a page holds the records strictly after it. ' +
          'Store the last next_cursor and call again later to get exactly the records created or updated since.',
        security: [{ [API_KEY_SCHEME]: [] }],
        querystring: HedDataQuery,
        response: {
          200: HedPage,
          400: errorResponse(400),
          401: errorResponse(401),
          429: errorResponse(429),
          500: errorResponse(500),
          503: errorResponse(503),
        },
      },
      // A page's next_cursor is the next request's cursor: a tool can walk a whole sync.
      links: { 200: { NextPage: { operationId: 'getHedData', parameters: { cursor: '$response.body#/next_cursor' }, description: 'The page after this one (or, later, the records changed since).' } } },
      onRequest: async (request) => checkApiKey(app, request),
      preValidation: async (request) => {
        // Ajv would coerce "1e2", " 5" or "0x10"; the API takes plain digits only.
        const raw = (request.query as Record<string, unknown>).page_size;
        if (raw !== undefined && (typeof raw !== 'string' || !/^[0-9]{1,9}$/.test(raw))) throw invalidPageSize(request);
      },
    },
    // The page's ready bytes: Fastify sends a Buffer as is, without the serializer.
    async (request, reply) => {
      const page = app.pages.pageAfter(request.position, request.query.page_size ?? PAGE_SIZE_DEFAULT);
      request.journalPage = { hasMore: page.hasMore, records: page.records };
      return (reply as FastifyReply).type(JSON_TYPE).send(page.body);
    },
  );
};
