import { buildApp } from '../server/app.js';
import { serverConfig } from '../server/config.js';

/** Where the committed copy of the served OpenAPI document lives, relative to the repo root. */
export const OPENAPI_PATH = 'contracts/openapi.json';

/**
 * The OpenAPI document exactly as a default server serves it at `GET /openapi.json`
 * (built in memory with inject(), no socket; the document does not depend on seed or size).
 *
 * @example
 * const doc = await servedOpenApiDocument(); doc.paths['/hed_data'].get
 */
export async function servedOpenApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp(serverConfig({ logLevel: 'silent', students: 1 }));
  try {
    const res = await app.inject({ url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}: ${res.body}`);
    return res.json<Record<string, unknown>>();
  } finally {
    await app.close();
  }
}

/** The committed file's text for a document: two-space JSON with a final newline, so diffs stay readable. */
export function formatOpenApiDocument(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
