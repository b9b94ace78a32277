import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import { ApiError } from '../errors.js';
import { invalidPageSize } from '../plugins/errors.js';
import { API_KEY_SCHEME } from '../plugins/openapi.js';
import { faultInjection } from '../faults/inject.js';
import { createCursorCodec, type CursorCodec } from '../paging/cursor.js';
import { createPageEngine } from '../paging/page-engine.js';
import { withPageCache, type CachedPageEngine } from '../paging/page-cache.js';
import { renderVerticalSpecPage } from '../vertical-spec-page.js';
import type { DataSource } from '../sources.js';
import { HedDataQuery, HedPage, PAGE_SIZE_DEFAULT } from '../../api/page.js';
import { errorResponse } from '../../api/errors.js';
import { verticalRecordSchema, type VerticalDefinition } from '../../verticals/index.js';

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

/** One served data path: its records, cursors and pages. The faults of its scope read it (server/faults/inject.ts). */
export interface DataPath {
  readonly source: DataSource;
  readonly cursors: CursorCodec;
  readonly pages: CachedPageEngine;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Inside a data path's scope: that path's records, cursors and pages. */
    dataPath: DataPath | null;
  }
}

const capital = (prefix: string) => `${prefix[0]!.toUpperCase()}${prefix.slice(1)}`;
/** `getAgrData` for `agr`. */
export const dataOperationId = (prefix: string) => `get${capital(prefix)}Data`;
/** The $id a vertical's record schema is shared under (`AgrRecord`): the document lists it once, under components. */
export const recordSchemaId = (prefix: string) => `${capital(prefix)}Record`;

/** The page envelope of a vertical: `{"{prefix}_records": [...], "next_cursor", "has_more"}`; HED's is api/page.ts's HedPage. */
export function pageSchema(definition: VerticalDefinition, record: TSchema = verticalRecordSchema(definition)): TSchema {
  if (definition.prefix === 'hed') return HedPage;
  return Type.Object(
    {
      [definition.table]: Type.Array(record),
      next_cursor: HedPage.properties.next_cursor,
      has_more: HedPage.properties.has_more,
    },
    { additionalProperties: false, title: `${definition.prefix.toUpperCase()} page` },
  );
}

/** What the document says of a path: HED's words as they were, the others' from their definition. */
function describe(definition: VerticalDefinition): { summary: string; description: string } {
  const description =
    'Records in ascending change sequence. A cursor is a position in that order and a page holds the records strictly after it. ' +
    'Store the last next_cursor and call again later to get exactly the records created or updated since.';
  if (definition.prefix === 'hed') return { summary: 'A page of student records', description };
  return {
    summary: `A page of ${definition.domain} records (${definition.table})`,
    description: `${description} A cursor belongs to this path: another path refuses it with invalid_cursor.`,
  };
}

export interface DataRoutesOptions {
  /** The served verticals' records, HED's included, in the lab's order. */
  sources: readonly DataSource[];
  /** The cursors and pages to use for a prefix instead of new ones (HED's, which the app keeps as app.cursors and app.pages). */
  paths?: Partial<Record<string, Omit<DataPath, 'source'>>>;
  /** A record schema to reference for a prefix instead of inlining the definition's (the document lists it once). */
  recordSchemas?: Partial<Record<string, TSchema>>;
  /** Filled with each served path (`/agr_data`) and its records, cursors and pages: the fast path (./fast-data.ts) serves them too. */
  served?: Map<string, DataPath>;
}

/**
 * `GET /{prefix}_data` for every served vertical, one implementation for all: the API key
 * (onRequest), page_size as plain digits (preValidation), the query schema, the cursor
 * decoded once (preHandler), the faults of the path's scope (server/faults/inject.ts:
 * decide, answer early, reshape on the way out), then the handler: the page engine's bytes
 * for the page after the position, noted for the journal. Each path has its own scope
 * (its cursors are signed for it; HED's have no scope, as before) and, for the verticals
 * other than HED, `GET /{prefix}_api_spec` (HED's spec page is in ./info.ts). The n-th
 * vertical is data: a definition and a source.
 */
export const dataRoutes: FastifyPluginAsyncTypebox<DataRoutesOptions> = async (app, { sources, paths = {}, recordSchemas = {}, served }) => {
  app.decorateRequest('position', 0);
  app.decorate('dataPath', null);

  for (const source of sources) {
    const definition = source.definition;
    const prefix = definition.prefix;
    const cursors = paths[prefix]?.cursors ?? createCursorCodec(app.config.seed, prefix === 'hed' ? '' : prefix);
    const pages = paths[prefix]?.pages ?? withPageCache(createPageEngine({ rows: source, cursors, paging: app.config.paging, recordsKey: definition.table }));
    const operationId = dataOperationId(prefix);

    const dataPath: DataPath = { source, cursors, pages };
    served?.set(definition.path, dataPath);
    await app.register(async (scope) => {
      scope.dataPath = dataPath;
      scope.addHook('preHandler', async (request) => {
        const cursor = (request.query as { cursor?: string }).cursor;
        request.position = cursor ? cursors.decode(cursor) : 0;
      });
      await scope.register(faultInjection);

      scope.get(
        definition.path,
        {
          schema: {
            operationId,
            tags: ['data'],
            ...describe(definition),
            security: [{ [API_KEY_SCHEME]: [] }],
            querystring: HedDataQuery,
            response: {
              200: pageSchema(definition, recordSchemas[prefix]),
              400: errorResponse(400),
              401: errorResponse(401),
              429: errorResponse(429),
              500: errorResponse(500),
              503: errorResponse(503),
            },
          },
          // A page's next_cursor is the next request's cursor: a tool can walk a whole sync.
          links: { 200: { NextPage: { operationId, parameters: { cursor: '$response.body#/next_cursor' }, description: 'The page after this one (or, later, the records changed since).' } } },
          onRequest: async (request) => checkApiKey(app, request),
          preValidation: async (request) => {
            // Ajv would coerce "1e2", " 5" or "0x10"; the API takes plain digits only.
            const raw = (request.query as Record<string, unknown>).page_size;
            if (raw !== undefined && (typeof raw !== 'string' || !/^[0-9]{1,9}$/.test(raw))) throw invalidPageSize(request);
          },
        },
        // The page's ready bytes: Fastify sends a Buffer as is, without the serializer.
        async (request, reply) => {
          const page = pages.pageAfter(request.position, (request.query as { page_size?: number }).page_size ?? PAGE_SIZE_DEFAULT);
          request.journalPage = { hasMore: page.hasMore, records: page.records };
          return (reply as FastifyReply).type(JSON_TYPE).send(page.body);
        },
      );
    });

    if (prefix === 'hed') continue;
    let specPage: { version: number; html: string } | undefined;
    app.get(
      definition.specPath,
      {
        schema: {
          operationId: `get${capital(prefix)}SpecPage`,
          tags: ['info'],
          summary: `Human-readable ${prefix} API description (HTML)`,
          produces: ['text/html'],
          response: { 200: Type.String() },
        },
      },
      async (_request, reply) => {
        if (specPage?.version !== source.version) specPage = { version: source.version, html: renderVerticalSpecPage(source, { seed: app.config.seed, paging: app.config.paging, keys: app.config.apiKeys }) };
        return reply.type('text/html; charset=utf-8').send(specPage.html);
      },
    );
  }
};
