import type { FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as FormatsPlugin;

/**
 * Two Ajv instances instead of fastify's one: query strings, params and headers arrive as
 * text and need coercion ("100" -> 100); JSON bodies are already typed, and coercing them
 * would accept {"update": "2"}, true or null as counts. Bodies are validated as sent.
 */
export function registerValidation(app: FastifyInstance): void {
  const options = { strict: false, useDefaults: true, removeAdditional: false, allErrors: false } as const;
  const textParts = new Ajv({ ...options, coerceTypes: 'array' });
  const jsonBodies = new Ajv({ ...options, coerceTypes: false });
  addFormats(textParts);
  addFormats(jsonBodies);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? jsonBodies : textParts).compile(schema));
}
