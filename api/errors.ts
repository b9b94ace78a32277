import { Type, type Static } from '@sinclair/typebox';

/** One entry of the error catalog: the HTTP status a code is answered with, and when. */
export interface ErrorEntry {
  status: number;
  /** When the mock answers it, as one sentence for the spec page, the OpenAPI text and the README. */
  when: string;
}

/**
 * The one catalog of error codes the mock answers with. Every error body is built from
 * it (`errorBody`), and it feeds the spec page's error table, the OpenAPI descriptions and
 * a test that the README's "### Errors" table lists every code. A fault rule may inject
 * any status; `client_error` and `server_error` name injected statuses without a code of
 * their own.
 */
export const ERROR_CATALOG = {
  invalid_page_size: { status: 400, when: 'page_size is not one whole number from 1 to 200.' },
  invalid_cursor: { status: 400, when: 'The cursor was edited, truncated or issued by a server with another seed, or an expire_cursor fault expired it.' },
  invalid_request: { status: 400, when: 'The request cannot be read (a malformed URL escape, a bad request line, a body or parameter that does not match its schema).' },
  unauthorized: { status: 401, when: 'x-api-key (or api_key) is missing or not one of the configured keys, an auth_expiry fault fired, or an admin call lacks its x-admin-token.' },
  forbidden: { status: 403, when: 'An admin call came from another machine while no --admin-token is set.' },
  host_not_allowed: { status: 403, when: 'The Host header names a host this server does not serve (a guard against DNS rebinding); use 127.0.0.1, localhost, the bound address or a name given with --allow-host.' },
  cross_site_request: { status: 403, when: 'A browser page on another site sent a request that changes state (its Origin or Sec-Fetch-Site says cross-site); curl, connectors and the SDK send no Origin.' },
  not_found: { status: 404, when: 'No such path, or no such fault rule.' },
  method_not_allowed: { status: 405, when: 'The path exists with other methods; the Allow header lists them.' },
  conflict: { status: 409, when: 'A fault rule with the id sent already exists (pick another id or delete that rule first), or a mutation asks to update more records than the dataset holds (ask for fewer, or create some first).' },
  request_timeout: { status: 408, when: 'The request did not arrive completely in time.' },
  payload_too_large: { status: 413, when: 'A request body is larger than the admin API accepts.' },
  unsupported_media_type: { status: 415, when: 'A request body is not sent as application/json.' },
  rate_limited: { status: 429, when: 'A rate_limit or 429 fault rule fired; wait the Retry-After seconds, then retry.' },
  header_too_large: { status: 431, when: 'The request headers or the URL are larger than the server reads.' },
  internal_error: { status: 500, when: 'An unexpected failure in the mock (no stack trace is sent), or an injected 500.' },
  bad_gateway: { status: 502, when: 'An injected 502, as a proxy answers when the API behind it fails.' },
  service_unavailable: { status: 503, when: 'The server is shutting down, or an injected 503 (maintenance).' },
  gateway_timeout: { status: 504, when: 'An injected 504, as a proxy answers when the API behind it is too slow.' },
  client_error: { status: 400, when: 'An injected 4xx status that has no code of its own (the status is the rule\'s).' },
  server_error: { status: 500, when: 'An injected 5xx status that has no code of its own (the status is the rule\'s).' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Every error code, in catalog order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** The one error shape of the mock: a stable code and a sentence a person can act on. */
export const ApiErrorBody = Type.Object(
  {
    error: Type.String({ description: `A stable code: ${ERROR_CODES.join(', ')}.` }),
    message: Type.String({ description: 'What went wrong and what to do about it.' }),
  },
  { description: 'Error answered by the mock.' },
);
export type ApiErrorBody = Static<typeof ApiErrorBody>;

/**
 * The error body for a code: exactly `{error, message}`, nothing else.
 *
 * @example
 * errorBody('not_found', 'There is no /x.') // { error: 'not_found', message: 'There is no /x.' }
 */
export function errorBody(code: ErrorCode, message: string): ApiErrorBody {
  return { error: code, message };
}

/**
 * The catalog's code for an injected HTTP status: invalid_request for 400, else the first
 * code answered with it, else client_error or server_error.
 *
 * @example
 * codeForStatus(503) // 'service_unavailable'
 * codeForStatus(400) // 'invalid_request'
 * codeForStatus(418) // 'client_error'
 */
export function codeForStatus(status: number): ErrorCode {
  if (status === 400) return 'invalid_request';
  const found = ERROR_CODES.find((code) => ERROR_CATALOG[code].status === status && code !== 'client_error' && code !== 'server_error');
  return found ?? (status >= 500 ? 'server_error' : 'client_error');
}

/**
 * The OpenAPI description of a status: the catalog's codes answered with it and when.
 *
 * @example
 * describeStatus(401) // 'unauthorized: x-api-key (or api_key) is missing ...'
 */
export function describeStatus(status: number): string {
  return ERROR_CODES.filter((code) => ERROR_CATALOG[code].status === status)
    .map((code) => `${code}: ${ERROR_CATALOG[code].when}`)
    .join(' ');
}

/**
 * What is wrong with an error answer by the catalog: a body that is not exactly
 * `{error, message}`, a code the catalog does not have, or a status other than the
 * code's (injected client_error/server_error take any 4xx/5xx). Empty when it is right.
 *
 * @example
 * errorBodyProblems(404, '{"error":"not_found","message":"There is no /x."}') // []
 * errorBodyProblems(400, '{"error":"Bad Request","statusCode":400}') // ['... not in the catalog', ...]
 */
export function errorBodyProblems(status: number, body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [`the ${status} body is not JSON: ${body.slice(0, 80)}`];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [`the ${status} body is not a JSON object`];
  const fields = Object.keys(parsed).sort();
  const problems: string[] = [];
  if (fields.join(',') !== 'error,message') problems.push(`the ${status} body has fields ${fields.join(', ')}; the error shape is exactly error and message`);
  const { error, message } = parsed as Record<string, unknown>;
  if (typeof message !== 'string' || message === '') problems.push(`the ${status} body's message is not a sentence`);
  if (typeof error !== 'string' || !Object.hasOwn(ERROR_CATALOG, error)) return [...problems, `the ${status} body's error ${JSON.stringify(error)} is not in the catalog`];
  const code = error as ErrorCode;
  const generic = (code === 'client_error' && status >= 400 && status < 500) || (code === 'server_error' && status >= 500);
  if (!generic && ERROR_CATALOG[code].status !== status) problems.push(`${code} is answered with ${ERROR_CATALOG[code].status} by the catalog, not ${status}`);
  return problems;
}

/**
 * The response schema of an error status for a route: the error shape, described by the
 * catalog's codes for that status (what the OpenAPI document shows).
 *
 * @example
 * response: { 200: HedPage, 401: errorResponse(401) }
 */
export function errorResponse(status: number): typeof ApiErrorBody {
  return { ...ApiErrorBody, description: describeStatus(status) };
}
