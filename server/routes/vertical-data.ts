import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { verticalRecordSchema } from '../../verticals/index.js';
import type { DataSource } from '../sources.js';
import { invalidPageSize } from '../plugins/errors.js';
import { API_KEY_SCHEME } from '../plugins/openapi.js';
import { createCursorCodec } from '../paging/cursor.js';
import { createPageEngine } from '../paging/page-engine.js';
import { withPageCache } from '../paging/page-cache.js';
import { renderVerticalSpecPage } from '../vertical-spec-page.js';
import { checkApiKey } from './hed-data.js';
import { CURSOR_PATTERN, HedDataQuery, PAGE_SIZE_DEFAULT } from '../../api/page.js';
import { errorResponse } from '../../api/errors.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export interface VerticalRoutesOptions {
  /** The non-HED verticals to serve, by their records (HED keeps its own routes). */
  verticals: readonly DataSource[];
}

/**
 * `GET /{prefix}_data` and `GET /{prefix}_api_spec` for each vertical, as /hed_data is
 * served: the same key check, page_size rule, query schema, signed cursor (scoped to the
 * path) and page engine, with the vertical's list key (`agr_records`). The records are
 * built from the definition on the first request. Faults, mutations and the OpenAPI
 * entries per path are still to come (issue 19): the routes are hidden from /openapi.json
 * until then.
 */
export const verticalDataRoutes: FastifyPluginAsyncTypebox<VerticalRoutesOptions> = async (app, { verticals }) => {
  for (const rows of verticals) {
    const definition = rows.definition;
    const cursors = createCursorCodec(app.config.seed, definition.prefix);
    const pages = withPageCache(createPageEngine({ rows, cursors, paging: app.config.paging, recordsKey: definition.table }));
    const page = Type.Object(
      {
        [definition.table]: Type.Array(verticalRecordSchema(definition)),
        next_cursor: Type.String({ pattern: CURSOR_PATTERN }),
        has_more: Type.Boolean(),
      },
      { additionalProperties: false },
    );

    app.get(
      definition.path,
      {
        schema: {
          hide: true,
          tags: ['data'],
          summary: `A page of ${definition.domain} records (${definition.table})`,
          security: [{ [API_KEY_SCHEME]: [] }],
          querystring: HedDataQuery,
          response: { 200: page, 400: errorResponse(400), 401: errorResponse(401), 500: errorResponse(500) },
        },
        onRequest: async (request) => checkApiKey(app, request),
        preValidation: async (request) => {
          const raw = (request.query as Record<string, unknown>).page_size;
          if (raw !== undefined && (typeof raw !== 'string' || !/^[0-9]{1,9}$/.test(raw))) throw invalidPageSize(request);
        },
      },
      async (request, reply) => {
        const position = request.query.cursor ? cursors.decode(request.query.cursor) : 0;
        return (reply as FastifyReply).type(JSON_TYPE).send(pages.pageAfter(position, request.query.page_size ?? PAGE_SIZE_DEFAULT).body);
      },
    );

    let specPage: { version: number; html: string } | undefined;
    app.get(
      definition.specPath,
      { schema: { hide: true, tags: ['info'], summary: `Human-readable ${definition.prefix} API description (HTML)`, produces: ['text/html'], response: { 200: Type.String() } } },
      async (_request, reply) => {
        if (specPage?.version !== rows.version) specPage = { version: rows.version, html: renderVerticalSpecPage(rows, { seed: app.config.seed, paging: app.config.paging, keys: app.config.apiKeys }) };
        return reply.type('text/html; charset=utf-8').send(specPage.html);
      },
    );
  }
};
