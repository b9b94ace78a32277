import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export const API_KEY_SCHEME = 'ApiKeyHeader';

/** The OpenAPI 3 document is generated from the route schemas; Swagger UI serves it at /docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      // 3.1: its Schema Objects are JSON Schema 2020-12, the dialect TypeBox emits (numeric
      // exclusiveMinimum and the like are invalid in 3.0 documents).
      openapi: '3.1.0',
      info: {
        title: 'HED mock API',
        version: '1.0.0',
        description:
          'Offline mock of the Higher Education (HED) API of the Fivetran Connector SDK lab: ' +
          'freshman student records paged by an opaque cursor.',
      },
      servers: [{ url: '/' }],
      tags: [
        { name: 'data', description: 'The lab API' },
        { name: 'info', description: 'Health and documentation' },
        { name: 'admin', description: 'Control of the mock (loopback only unless an admin token is set)' },
      ],
      components: {
        securitySchemes: {
          [API_KEY_SCHEME]: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The header api_key is accepted as an alias.' },
          AdminToken: { type: 'apiKey', in: 'header', name: 'x-admin-token', description: 'Needed only when the server runs with --admin-token.' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: false } });
}
