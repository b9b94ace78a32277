import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { FaultRule } from '../../api/faults.js';

export const API_KEY_SCHEME = 'ApiKeyHeader';
export const ADMIN_TOKEN_SCHEME = 'AdminToken';

/** How the admin API is guarded, in one sentence for the document's admin tag and the spec page. */
export function adminAccessSentence(adminToken: string | undefined): string {
  return adminToken === undefined
    ? 'No credentials: this server answers admin calls from loopback clients only (127.0.0.0/8, ::1) and refuses other addresses with 403 forbidden. Started with --admin-token, it asks every admin call for the header x-admin-token instead, from any address.'
    : 'Every admin call needs the header x-admin-token with the token this server was started with (--admin-token); without it, 401 unauthorized. Calls may come from any address.';
}

/**
 * The OpenAPI 3 document is generated from the route schemas; Swagger UI serves it at /docs.
 * The admin token scheme is declared only when the server has a token: without one the admin
 * API takes no credentials (loopback only), and the document says exactly that.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const adminToken = app.config.adminToken;
  // Schemas routes reference by $id; the document lists each once under components.
  app.addSchema(FaultRule);
  await app.register(swagger, {
    // A shared schema is listed under its own $id (components.schemas.FaultRule), not def-0.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
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
        { name: 'admin', description: `Control of the mock. ${adminAccessSentence(adminToken)}` },
        { name: 'faults', description: `Fault rules, scenarios and the request journal (admin). ${adminAccessSentence(adminToken)}` },
      ],
      components: {
        securitySchemes: {
          [API_KEY_SCHEME]: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The header api_key is accepted as an alias.' },
          ...(adminToken !== undefined && {
            [ADMIN_TOKEN_SCHEME]: { type: 'apiKey', in: 'header', name: 'x-admin-token', description: 'The token this server was started with (--admin-token).' },
          }),
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: false } });
}
