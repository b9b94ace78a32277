import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { HedPage, HedRecord } from '../api/index.js';
import { CONNECTOR_DEFAULTS } from './defaults.js';

export type { HedPage, HedRecord } from '../api/index.js';

/** What a HedClient needs: where the API is, the key, and optionally a timeout and a fetch. */
export interface HedClientOptions {
  /** e.g. http://127.0.0.1:8080 (a trailing slash is tolerated). */
  baseUrl: string;
  /** Sent as header x-api-key. */
  apiKey: string;
  /** Per request, connect to last body byte. Default CONNECTOR_DEFAULTS.timeoutMs. */
  timeoutMs?: number;
  /** Injectable; default the global fetch. */
  fetch?: typeof fetch;
  /**
   * How records are checked. 'tolerate' (default): the envelope must match HedPage exactly,
   * every record needs a valid record_id, the known fields present must have the types of
   * HedRecord, and fields may be added or missing (schema drift is the warehouse's job,
   * like Fivetran's). 'reject': records must match HedRecord exactly.
   */
  schemaDrift?: 'tolerate' | 'reject';
}

/** The stable codes of HedRequestError. */
export type HedRequestErrorCode = 'http_status' | 'network' | 'timeout' | 'bad_body';

/** Every failure of fetchPage, with a stable `code` and a sentence a person can act on. */
export class HedRequestError extends Error {
  readonly code: HedRequestErrorCode;
  /** HTTP status for http_status (and for bad_body, the status of the unusable 200). */
  readonly status?: number;
  /** The mock's {"error": code} when the body had one. */
  readonly apiCode?: string;
  /** The mock's {"message": ...} when the body had one. */
  readonly apiMessage?: string;
  /** Raw Retry-After header when present. */
  readonly retryAfter?: string;

  constructor(
    code: HedRequestErrorCode,
    message: string,
    details: { status?: number; apiCode?: string; apiMessage?: string; retryAfter?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'HedRequestError';
    this.code = code;
    if (details.status !== undefined) this.status = details.status;
    if (details.apiCode !== undefined) this.apiCode = details.apiCode;
    if (details.apiMessage !== undefined) this.apiMessage = details.apiMessage;
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
  }
}

// Drift-tolerant view of the same schemas: HedRecord's own property schemas, all optional
// but record_id, extra fields allowed. Built from the server's schemas, never redeclared.
const TolerantRecord = Type.Object(
  { ...Type.Partial(HedRecord).properties, record_id: HedRecord.properties.record_id },
  { additionalProperties: true },
);
// A cursor is opaque to a client: the mock promises its own shape (api/page.ts), but the
// connector sends back whatever string the server gave, so it checks only that it is one.
const OpaqueCursor = Type.String();
const TolerantPage = Type.Object(
  { ...HedPage.properties, next_cursor: OpaqueCursor, hed_records: Type.Array(TolerantRecord) },
  { additionalProperties: false },
);
type TolerantPage = Static<typeof TolerantPage>;
const StrictPage = Type.Object({ ...HedPage.properties, next_cursor: OpaqueCursor }, { additionalProperties: false });

const strictPageCheck = TypeCompiler.Compile(StrictPage);
const tolerantPageCheck = TypeCompiler.Compile(TolerantPage);

/**
 * A typed client of `GET /hed_data`. It makes one request per call and never retries:
 * retrying is the sync loop's decision (connector/retry-policy.ts).
 *
 * @example
 * const client = new HedClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'hed-demo-key' });
 * const page = await client.fetchPage({ pageSize: 100 });
 * const next = await client.fetchPage({ pageSize: 100, cursor: page.next_cursor });
 */
export class HedClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;
  readonly #schemaDrift: 'tolerate' | 'reject';

  constructor(options: HedClientOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    let parsed: URL;
    try {
      parsed = new URL(base);
    } catch {
      throw new TypeError(`The base URL "${options.baseUrl}" is not a URL. Use an absolute http(s) URL such as http://127.0.0.1:8080.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TypeError(`The base URL "${options.baseUrl}" must start with http:// or https://.`);
    }
    this.baseUrl = base;
    this.#apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? CONNECTOR_DEFAULTS.timeoutMs;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#schemaDrift = options.schemaDrift ?? 'tolerate';
  }

  /** The URL fetchPage requests, e.g. http://127.0.0.1:8080/hed_data?page_size=100&cursor=abc. */
  pageUrl(request: { pageSize: number; cursor?: string }): string {
    const url = new URL(`${this.baseUrl}/hed_data`);
    url.searchParams.set('page_size', String(request.pageSize));
    if (request.cursor !== undefined) url.searchParams.set('cursor', request.cursor);
    return url.href;
  }

  /** GET {baseUrl}/hed_data?page_size=N[&cursor=C]; resolves with the validated envelope. */
  async fetchPage(request: { pageSize: number; cursor?: string }): Promise<HedPage> {
    const url = this.pageUrl(request);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      let response: Response;
      try {
        response = await this.#fetch(url, {
          method: 'GET',
          headers: { 'x-api-key': this.#apiKey, accept: 'application/json' },
          signal: controller.signal,
        });
      } catch (error) {
        throw this.#transportError(error, timedOut, 'waiting for the response');
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw this.#transportError(error, timedOut, `reading the body of a ${response.status} response`);
      }
      if (!response.ok) throw httpStatusError(response, text);
      return this.#parsePage(response.status, text);
    } finally {
      clearTimeout(timer);
    }
  }

  #transportError(error: unknown, timedOut: boolean, stage: string): HedRequestError {
    if (timedOut) {
      return new HedRequestError(
        'timeout',
        `GET /hed_data took longer than ${this.timeoutMs} ms (${stage}). The server may be slow or hanging; raise timeout_ms if it is just slow.`,
        { cause: error },
      );
    }
    return new HedRequestError(
      'network',
      `GET /hed_data failed while ${stage}: ${describeCause(error)}. Check that the API is running at ${this.baseUrl}.`,
      { cause: error },
    );
  }

  #parsePage(status: number, text: string): HedPage {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      const start = text.slice(0, 60).replace(/\s+/g, ' ');
      throw new HedRequestError(
        'bad_body',
        `GET /hed_data answered ${status} with a body that is not JSON (${text.length} bytes, starting "${start}").`,
        { status, cause: error },
      );
    }
    const check = this.#schemaDrift === 'reject' ? strictPageCheck : tolerantPageCheck;
    if (!check.Check(body)) {
      const first = check.Errors(body).First();
      const where = first ? `${first.path || '/'}: ${first.message}` : 'unknown position';
      throw new HedRequestError(
        'bad_body',
        `GET /hed_data answered ${status} with JSON that is not a HED page (${where}).`,
        { status },
      );
    }
    // In 'tolerate' mode records may carry added or missing fields; the sync loop maps
    // whatever fields arrive to columns, so the page is handed on as it came.
    return body as TolerantPage as HedPage;
  }
}

function httpStatusError(response: Response, text: string): HedRequestError {
  let apiCode: string | undefined;
  let apiMessage: string | undefined;
  try {
    const body = JSON.parse(text) as unknown;
    if (body !== null && typeof body === 'object') {
      const { error, message } = body as Record<string, unknown>;
      if (typeof error === 'string') apiCode = error;
      if (typeof message === 'string') apiMessage = message;
    }
  } catch {
    // Not JSON (an HTML error page from a proxy, say): the status alone has to do.
  }
  const retryAfter = response.headers.get('retry-after') ?? undefined;
  const what = apiCode === undefined ? `HTTP ${response.status}` : `HTTP ${response.status} ${apiCode}`;
  const message = `GET /hed_data answered ${what}${apiMessage === undefined ? '.' : `: ${apiMessage}`}`;
  return new HedRequestError('http_status', message, { status: response.status, apiCode, apiMessage, retryAfter });
}

function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      return typeof code === 'string' ? `${code} (${cause.message})` : cause.message;
    }
    return error.message;
  }
  return String(error);
}
