import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import '../../api/formats.js';

/** A response whose body does not match the schema its route declares for that status. */
export interface ResponseViolation {
  method: string;
  url: string;
  statusCode: number;
  /** Where the body was checked: the handler's object, or JSON the route serialized itself. */
  stage: 'handler-object' | 'serialized-json';
  /** "path: message" lines, at most ten. */
  errors: string[];
}

export interface ResponseValidationOptions {
  /** Called once per violation (tests collect them); the client gets a 500 either way. */
  onViolation?: (violation: ResponseViolation) => void;
  /** Called for every body that was checked, so a test can tell a check that never ran from one that passed. */
  onChecked?: (checked: { method: string; url: string; statusCode: number; stage: ResponseViolation['stage'] }) => void;
  /** The shared schemas (with their $id) that response schemas refer to: each vertical's record. */
  references?: TSchema[];
}

/**
 * Opt-in check of every JSON body against the route's response schema, BEFORE the
 * serializer runs: fast-json-stringify would quietly coerce a wrong type ("3.5" -> 3.5,
 * a missing field dropped), and routes that send pre-serialized JSON skip it entirely.
 * A violation is logged, reported to `onViolation` and answered as 500 internal_error,
 * so a test that forbids server errors fails on it. Streams are not buffered, so they
 * are not checked. Meant for tests and `--validate-responses`-style debugging, not for
 * serving the lab.
 *
 * @example
 * registerResponseValidation(app, { onViolation: (v) => violations.push(v) });
 */
export function registerResponseValidation(app: FastifyInstance, options: ResponseValidationOptions = {}): void {
  const compiled = new WeakMap<object, TypeCheck<TSchema> | null>();

  const checkerFor = (request: FastifyRequest, statusCode: number): TypeCheck<TSchema> | null => {
    const responses = (request.routeOptions.schema as { response?: Record<string, TSchema> } | undefined)?.response;
    if (!responses) return null;
    const schema = responses[String(statusCode)] ?? responses[`${String(statusCode)[0]}xx`] ?? responses.default;
    if (!schema || typeof schema !== 'object') return null;
    if (!compiled.has(schema)) {
      let check: TypeCheck<TSchema> | null = null;
      try {
        // Shared schemas (a vertical's record, by $id) are the references a schema may point to.
        check = TypeCompiler.Compile(schema, options.references ?? []);
      } catch {
        // Not a TypeBox schema (a plain JSON schema from a plugin): nothing to check it with.
        check = null;
      }
      compiled.set(schema, check);
    }
    return compiled.get(schema) ?? null;
  };

  const violate = (request: FastifyRequest, reply: FastifyReply, stage: ResponseViolation['stage'], errors: string[]) => {
    const violation: ResponseViolation = { method: request.method, url: request.url, statusCode: reply.statusCode, stage, errors };
    request.log.error({ violation }, 'response does not match its schema');
    options.onViolation?.(violation);
    reply.code(500).type('application/json; charset=utf-8');
    return {
      error: 'internal_error',
      message: `The mock built a ${violation.statusCode} response that does not match its own schema (${errors[0] ?? 'unknown'}). This is a bug in the mock; the server log has the details.`,
    };
  };

  const problems = (check: TypeCheck<TSchema>, body: unknown) =>
    [...check.Errors(body)].slice(0, 10).map((e) => `${e.path || '/'}: ${e.message}`);

  app.addHook('preSerialization', async (request, reply, payload) => {
    const check = checkerFor(request, reply.statusCode);
    if (!check) return payload;
    options.onChecked?.({ method: request.method, url: request.url, statusCode: reply.statusCode, stage: 'handler-object' });
    if (check.Check(payload)) return payload;
    return violate(request, reply, 'handler-object', problems(check, payload));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    // Pre-serialized JSON arrives as a string, or as the page cache's ready bytes.
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    if (text === undefined || !/json/.test(String(reply.getHeader('content-type') ?? ''))) return payload;
    if (isDeliberatelyBroken(request)) return payload;
    const check = checkerFor(request, reply.statusCode);
    if (!check) return payload;
    options.onChecked?.({ method: request.method, url: request.url, statusCode: reply.statusCode, stage: 'serialized-json' });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return JSON.stringify(violate(request, reply, 'serialized-json', [`body is not JSON: ${(error as Error).message}`]));
    }
    if (check.Check(body)) return payload;
    return JSON.stringify(violate(request, reply, 'serialized-json', problems(check, body)));
  });
}

/**
 * A fault rule reshaped this body on purpose (drift, overlap, malformed...): checking it
 * would turn the fault into a 500. Injected statuses (429, 503) are still checked.
 */
function isDeliberatelyBroken(request: FastifyRequest): boolean {
  const kind = (request as { faultDecision?: { action?: { kind?: string } } | null }).faultDecision?.action?.kind;
  return kind !== undefined && kind !== 'status';
}
