import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { ERROR_CATALOG, errorBody, type ErrorCode } from '../../api/errors.js';
import { CursorError } from '../paging/cursor.js';
import { MutationConflictError, StoreError } from '../store.js';
import { PAGE_SIZE_MAX, PAGE_SIZE_MIN } from '../../api/page.js';
import { isVerticalPrefix, type VerticalPrefix } from '../../verticals/index.js';

/**
 * One error shape for everything the mock answers: {error, message}. Validation errors
 * are named after the parameter at fault; unknown paths are 404, known paths with another
 * method 405 with Allow; a crash is 500 without a stack trace.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  // While the server shuts down, requests on kept-alive connections are refused in our shape
  // (Fastify's own return503OnClosing answers in its shape, so it is off).
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw new ApiError('service_unavailable', 'The mock is shutting down. Start it again, then retry the request.');
    }
    // The query parser skips a bad escape silently (an unknown parameter is ignored); refuse it instead.
    if (request.url.includes('%') && BAD_ESCAPE.test(request.url)) {
      throw new ApiError('invalid_request', `The URL has a malformed percent escape (${request.url.match(BAD_ESCAPE)?.[0] ?? '%'}); encode "%" as %25 and other bytes as %XX with two hex digits.`);
    }
  });

  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    if (url.includes('*')) return;
    const pattern = new RegExp(`^${url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+')}$`);
    let entry = routes.find((r) => r.pattern.source === pattern.source);
    if (!entry) routes.push((entry = { pattern, methods: new Set() }));
    for (const m of [route.method].flat()) entry.methods.add(m);
  });

  /** 405 with Allow for a known path, else 404. */
  const unrouted = (request: FastifyRequest): ApiError => {
    const path = request.url.split('?')[0] ?? '/';
    const known = routes.find((r) => r.pattern.test(path));
    if (known) {
      const allow = [...known.methods].sort().join(', ');
      return new ApiError('method_not_allowed', `${request.method} is not allowed on ${path}; use ${allow}.`, { allow });
    }
    const trimmed = path.replace(/\/+$/, '');
    const hint = trimmed !== path && routes.some((r) => r.pattern.test(trimmed)) ? ` Did you mean ${trimmed} (no trailing slash)?` : '';
    return new ApiError('not_found', `There is no ${path}.${hint} ${whereTheDataIs(path, app.config.verticals)}`);
  };
  // Before the body is read: a method Fastify expects a body for (POST, QUERY, ...) would
  // otherwise be refused for its missing Content-Type before the not-found handler runs.
  app.addHook('onRequest', async (request) => {
    if (request.is404) throw unrouted(request);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, unrouted(request)));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, request);
    if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(reply, apiError);
  });
}

/**
 * The end of a 404's message: where this server's data is. The data paths it serves (one
 * named in full, several as `/{prefix}_data` with the list), and first, for a lab path it
 * does not serve (`/agr_data` from a mock started with `--verticals tlc`), that it is not
 * served and how to serve it, so an attendee of one path is not sent to another's.
 *
 * @example
 * whereTheDataIs('/agr_data', ['tlc'])
 * // '/agr_data is not served by this mock, which serves tlc only (--verticals or HED_VERTICALS chose it; add agr there, or leave both out for every path). The data is at GET /tlc_data; the API is described at /tlc_api_spec and /docs.'
 */
export function whereTheDataIs(path: string, served: readonly VerticalPrefix[]): string {
  const asked = /^\/([a-z]{3})_(?:data|api_spec)\/*$/.exec(path)?.[1];
  const unserved = asked !== undefined && isVerticalPrefix(asked) && !served.includes(asked)
    ? `/${asked}_data is not served by this mock, which serves ${served.join(', ')} only (--verticals or HED_VERTICALS chose ${served.length === 1 ? 'it' : 'them'}; add ${asked} there, or leave both out for every path). `
    : '';
  const [only] = served;
  if (served.length === 1 && only !== undefined) return `${unserved}The data is at GET /${only}_data; the API is described at /${only}_api_spec and /docs.`;
  const example = served.includes('hed') ? "HED's at /hed_data" : `e.g. /${only ?? 'hed'}_data`;
  return `${unserved}The data is at GET /{prefix}_data for ${served.join(', ')} (${example}); each path's API is described at /{prefix}_api_spec, and all of them at /docs.`;
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(error.toBody());
}

function toApiError(error: FastifyError, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof CursorError) return new ApiError('invalid_cursor', error.message);
  if (error instanceof MutationConflictError) return new ApiError('conflict', error.message);
  if (error instanceof StoreError) return new ApiError('invalid_request', error.message);
  if (error.validation) {
    const where = error.validationContext ?? 'request';
    const first = error.validation[0];
    const field =
      (first?.instancePath ?? '').replace(/^\//, '').split('/')[0] ||
      String((first?.params as { missingProperty?: string; additionalProperty?: string })?.missingProperty ??
        (first?.params as { additionalProperty?: string })?.additionalProperty ?? '');
    if (where === 'querystring' && field === 'page_size') return invalidPageSize(request);
    if (where === 'querystring' && field === 'cursor') {
      return new ApiError('invalid_cursor', 'cursor must be a single next_cursor value exactly as a previous page returned it (letters, digits, - and _); omit it to start from the beginning.');
    }
    const extra = (first?.params as { additionalProperty?: string })?.additionalProperty;
    const allowed = (first?.params as { allowedValues?: unknown[] })?.allowedValues;
    const detail = extra
      ? `unknown field "${extra}"`
      : allowed
        ? `${field || where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
        : `${field || where} ${first?.message ?? 'is invalid'}`;
    return new ApiError('invalid_request', `The ${where} is invalid: ${detail}. See /docs for the expected shape.`);
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return new ApiError('payload_too_large', 'The request body is too large; admin payloads are small JSON objects.');
  if (status === 415) return new ApiError('unsupported_media_type', 'Send the body as JSON with content-type: application/json.');
  if (status >= 400 && status < 500) {
    return new ApiError('invalid_request', `The request could not be read (${error.message}). Check the URL, headers and JSON body.`);
  }
  return new ApiError('internal_error', 'The mock hit an unexpected error; it is still serving. The server log has the details.');
}

/** 400 invalid_page_size, quoting what was sent. */
export function invalidPageSize(request: FastifyRequest): ApiError {
  const sent = new URLSearchParams(request.url.split('?')[1] ?? '').getAll('page_size');
  const shown = sent.length === 0 ? 'nothing' : sent.map((s) => JSON.stringify(s)).join(' and ');
  return new ApiError('invalid_page_size', `page_size must be one whole number from ${PAGE_SIZE_MIN} to ${PAGE_SIZE_MAX}; got ${shown}. Omit it for the default of 100.`);
}

/** A "%" not followed by two hex digits. */
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2}).{0,2}/;

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route runs (a path
 * with a malformed escape), in our shape. maxParamLength is set above anything Node's
 * parser lets through, so an overlong URL is a 431 from `answerClientError` instead.
 *
 * @example
 * Fastify({ frameworkErrors: answerFrameworkError })
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const apiError =
    error.code === 'FST_ERR_BAD_URL'
      ? new ApiError('invalid_request', 'The URL path has a malformed percent escape; encode "%" as %25 and other bytes as %XX with two hex digits.')
      : new ApiError('invalid_request', `The request could not be routed (${error.message}). Check the method and the URL.`);
  void sendError(reply, apiError);
}

/**
 * The raw answer for what Node's HTTP parser refuses before Fastify sees a request
 * (Fastify's `clientErrorHandler`): 431 header_too_large for oversized headers or URL,
 * 408 request_timeout, else 400 invalid_request for a bad request line, header or body
 * framing. Then the connection closes.
 *
 * @example
 * Fastify({ clientErrorHandler: answerClientError })
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message] = clientErrorOf(error.code);
  const status = ERROR_CATALOG[code].status;
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** The catalog code and sentence for a Node HTTP parser error code. */
export function clientErrorOf(code: string | undefined): [ErrorCode, string] {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return ['header_too_large', 'The request headers or the URL are too large (16 KB in all). Send fewer or shorter headers and a shorter URL.'];
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return ['request_timeout', 'The request did not arrive in time. Send the whole request at once, then wait for the answer.'];
  }
  return ['invalid_request', 'The request could not be parsed as HTTP/1.1. Send a request line "METHOD /path HTTP/1.1", then valid headers.'];
}
