import { CONNECTOR_DEFAULTS } from './defaults.js';
import { HedRequestError } from './client.js';

/** The knobs of decideRetry. Defaults: DEFAULT_RETRY_POLICY (from CONNECTOR_DEFAULTS). */
export interface RetryPolicy {
  /** Attempts per page, the first one included. */
  maxAttempts: number;
  /** Wait before the 2nd attempt; doubled for each further one. */
  baseDelayMs: number;
  /** Cap of the exponential backoff (before jitter). */
  maxDelayMs: number;
  /** Cap of a Retry-After the server asks for. */
  maxRetryAfterMs: number;
  /** Share of the backoff that jitter may take away, 0 (none) to 1 (full jitter). */
  jitterRatio: number;
}

/** The policy the connector uses unless the configuration overrides a value. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: CONNECTOR_DEFAULTS.maxAttempts,
  baseDelayMs: CONNECTOR_DEFAULTS.baseDelayMs,
  maxDelayMs: CONNECTOR_DEFAULTS.maxDelayMs,
  maxRetryAfterMs: CONNECTOR_DEFAULTS.maxRetryAfterMs,
  jitterRatio: CONNECTOR_DEFAULTS.jitterRatio,
});

/** What the decision may look at besides the error: a random draw in [0, 1) and "now". */
export interface RetryContext {
  /** Uniform in [0, 1); jitter comes from here. Default: no jitter taken (always 0). */
  random?: () => number;
  /** Epoch milliseconds, to turn a Retry-After HTTP-date into a wait. */
  nowMs?: number;
}

/** Wait and try again, or stop the sync with a reason a person can act on. */
export type RetryDecision =
  | { retry: true; waitMs: number; reason: string }
  | { retry: false; reason: string };

/**
 * Decides what to do after attempt number `attempt` (1 for the first) failed with `error`.
 * Pure: the same inputs give the same answer.
 *
 * - 429, 408, 5xx, network errors, timeouts and unusable bodies: retried with capped
 *   exponential backoff and jitter, or after Retry-After (seconds or HTTP-date, capped at
 *   maxRetryAfterMs) when the server sent one.
 * - 400, 401, 403 and every other status: no retry, they will not get better by waiting.
 * - After maxAttempts attempts: no retry.
 *
 * @example
 * decideRetry(1, new HedRequestError('http_status', 'x', { status: 503 }), DEFAULT_RETRY_POLICY, { random: () => 0 })
 * // { retry: true, waitMs: 500, reason: 'HTTP 503' }
 */
export function decideRetry(attempt: number, error: unknown, policy: RetryPolicy, context: RetryContext = {}): RetryDecision {
  if (!(error instanceof HedRequestError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { retry: false, reason: `The connector hit an unexpected error: ${message}` };
  }
  const permanent = permanentFailure(error);
  if (permanent !== undefined) return { retry: false, reason: permanent };
  const what = describeRetryable(error);
  if (attempt >= policy.maxAttempts) {
    return { retry: false, reason: `Gave up after ${attempt} attempts; the last one failed with ${what}: ${error.message}` };
  }
  const retryAfterMs = error.retryAfter === undefined ? undefined : parseRetryAfterMs(error.retryAfter, context.nowMs);
  if (retryAfterMs !== undefined) {
    const waitMs = Math.min(retryAfterMs, policy.maxRetryAfterMs);
    const capped = waitMs < retryAfterMs ? ` (capped from ${retryAfterMs} ms)` : '';
    return { retry: true, waitMs, reason: `${what}, Retry-After ${error.retryAfter}${capped}` };
  }
  return { retry: true, waitMs: jitteredDelayMs(attempt, policy, context.random), reason: what };
}

/**
 * The backoff before attempt `attempt + 1`, without jitter: baseDelayMs * 2^(attempt-1),
 * never above maxDelayMs.
 *
 * @example
 * backoffDelayMs(3, { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100 }) // 400
 */
export function backoffDelayMs(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  const exponent = Math.max(0, attempt - 1);
  // 2 ** 1100 is Infinity, which Math.min handles; no overflow trick needed.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/**
 * The backoff with jitter taken off: a wait in [delay * (1 - jitterRatio), delay], from
 * one draw of `random` (default: 0, no jitter). Rounded to whole milliseconds.
 */
export function jitteredDelayMs(attempt: number, policy: RetryPolicy, random: () => number = () => 0): number {
  const delay = backoffDelayMs(attempt, policy);
  const draw = Math.min(Math.max(random(), 0), 1);
  const ratio = Math.min(Math.max(policy.jitterRatio, 0), 1);
  return Math.round(delay * (1 - ratio * draw));
}

/**
 * A Retry-After header as milliseconds to wait: delta-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2015 07:28:00 GMT") relative to `nowMs`. A date in the past means 0.
 * Undefined when the header is neither (or a date is given without nowMs).
 *
 * @example
 * parseRetryAfterMs('2') // 2000
 * parseRetryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000) // 6000
 */
export function parseRetryAfterMs(header: string, nowMs?: number): number | undefined {
  const value = header.trim();
  if (/^[0-9]+$/.test(value)) return Number(value) * 1000;
  // Date.parse accepts much more than HTTP-dates ("1", "2020"); insist on a weekday name or
  // a month name so a garbled number is not taken for a year.
  if (nowMs === undefined || !/[A-Za-z]{3}/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function permanentFailure(error: HedRequestError): string | undefined {
  if (error.code !== 'http_status' || error.status === undefined) return undefined;
  const status = error.status;
  if (status === 429 || status === 408 || status >= 500) return undefined;
  const detail = error.apiMessage === undefined ? '' : ` The API said: ${error.apiMessage}`;
  const label = error.apiCode === undefined ? `HTTP ${status}` : `HTTP ${status} ${error.apiCode}`;
  if (status === 401) return `The API rejected the api_key (${label}). Check api_key in the configuration.${detail}`;
  if (status === 403) return `The API refused access with this api_key (${label}). Check api_key and its permissions.${detail}`;
  if (status === 400 && error.apiCode === 'invalid_cursor') {
    return `The API rejected the saved cursor (${label}). Run \`hed-connector reset\` to start a full sync again.${detail}`;
  }
  if (status === 400 && error.apiCode === 'invalid_page_size') {
    return `The API rejected page_size (${label}). Set page_size in the configuration to a number the API accepts.${detail}`;
  }
  return `The API answered ${label}, which retrying will not fix.${detail}`;
}

function describeRetryable(error: HedRequestError): string {
  switch (error.code) {
    case 'http_status':
      return error.apiCode === undefined ? `HTTP ${error.status}` : `HTTP ${error.status} ${error.apiCode}`;
    case 'timeout':
      return 'a timeout';
    case 'network':
      return 'a network error';
    case 'bad_body':
      return 'an unusable response body';
  }
}
