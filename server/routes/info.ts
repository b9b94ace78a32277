import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Health } from '../../api/admin.js';
import { renderSpecPage } from '../spec-page.js';

export const infoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { operationId: 'getHealth', tags: ['info'], summary: 'Liveness and dataset size', response: { 200: Health } } }, async () => ({
    status: 'ok' as const,
    records: app.store.count(),
    seed: app.config.seed,
    paging: app.config.paging,
  }));

  app.get(
    '/openapi.json',
    { schema: { operationId: 'getOpenApiDocument', tags: ['info'], summary: 'This OpenAPI 3 document', response: { 200: Type.Object({}, { additionalProperties: true }) } } },
    async (_request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger())),
  );

  // HED's spec page only where HED's data is served: a narrowed mock (`--verticals tlc`)
  // answers /hed_api_spec with the 404 that names what it serves, as it does /hed_data.
  if (!app.config.verticals.includes('hed')) return;
  let specPage: { version: number; html: string } | undefined;
  app.get(
    '/hed_api_spec',
    { schema: { operationId: 'getSpecPage', tags: ['info'], summary: 'Human-readable API description (HTML)', produces: ['text/html'], response: { 200: Type.String() } } },
    async (_request, reply) => {
      if (specPage?.version !== app.store.version) specPage = { version: app.store.version, html: renderSpecPage(app) };
      return reply.type('text/html; charset=utf-8').send(specPage.html);
    },
  );
};
