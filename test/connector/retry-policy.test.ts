import t from 'tap';
import { HedRequestError } from '../../connector/client.js';
import {
  backoffDelayMs, decideRetry, DEFAULT_RETRY_POLICY, jitteredDelayMs, parseRetryAfterMs, type RetryPolicy,
} from '../../connector/retry-policy.js';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 10_000, jitterRatio: 0.5 };
const status = (code: number, extra: { apiCode?: string; retryAfter?: string; apiMessage?: string } = {}) =>
  new HedRequestError('http_status', `HTTP ${code}`, { status: code, ...extra });
const NOW = Date.parse('2026-01-01T00:00:00Z');

t.test('the defaults live in one block with units in the names', async (t) => {
  t.same(Object.keys(DEFAULT_RETRY_POLICY).sort(), ['baseDelayMs', 'jitterRatio', 'maxAttempts', 'maxDelayMs', 'maxRetryAfterMs']);
  t.ok(Object.isFrozen(DEFAULT_RETRY_POLICY));
  t.ok(DEFAULT_RETRY_POLICY.maxDelayMs >= DEFAULT_RETRY_POLICY.baseDelayMs);
});

t.test('backoff doubles from baseDelayMs and stops at maxDelayMs', async (t) => {
  t.same([1, 2, 3, 4, 5, 6, 60, 2000].map((a) => backoffDelayMs(a, policy)), [100, 200, 400, 800, 1000, 1000, 1000, 1000]);
  t.equal(backoffDelayMs(0, policy), 100, 'an attempt number below 1 is treated as the first');
});

t.test('jitter stays within [delay * (1 - jitterRatio), delay] for every draw', async (t) => {
  for (let attempt = 1; attempt <= 8; attempt++) {
    const delay = backoffDelayMs(attempt, policy);
    for (const draw of [0, 0.1, 0.25, 0.5, 0.75, 0.999999]) {
      const wait = jitteredDelayMs(attempt, policy, () => draw);
      t.ok(wait >= delay * 0.5 && wait <= delay, `attempt ${attempt} draw ${draw}: ${wait} in [${delay / 2}, ${delay}]`);
    }
  }
  t.equal(jitteredDelayMs(3, policy, () => 0), 400, 'draw 0 takes nothing off');
  t.equal(jitteredDelayMs(3, policy, () => 0.5), 300, 'draw 0.5 takes a quarter off at ratio 0.5');
  t.equal(jitteredDelayMs(3, { ...policy, jitterRatio: 0 }, () => 0.9), 400, 'ratio 0: no jitter');
  t.equal(jitteredDelayMs(3, { ...policy, jitterRatio: 1 }, () => 0.75), 100, 'ratio 1: full jitter');
  t.equal(jitteredDelayMs(3, policy, () => 7), 200, 'an out-of-range draw is clamped, never a negative wait');
});

t.test('Retry-After parses delta-seconds and HTTP-dates relative to the injected now', async (t) => {
  t.equal(parseRetryAfterMs('0'), 0);
  t.equal(parseRetryAfterMs(' 12 '), 12_000);
  t.equal(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', NOW), 30_000);
  t.equal(parseRetryAfterMs(new Date(NOW + 90_000).toUTCString(), NOW), 90_000);
  t.equal(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', NOW), 0, 'a date in the past: no wait');
  t.equal(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT'), undefined, 'a date needs a clock');
  t.equal(parseRetryAfterMs('-5', NOW), undefined);
  t.equal(parseRetryAfterMs('1.5', NOW), undefined);
  t.equal(parseRetryAfterMs('2026', NOW), 2_026_000, 'digits are always delta-seconds');
  t.equal(parseRetryAfterMs('2026-01-02', NOW), undefined, 'an ISO date is not an HTTP-date');
  t.equal(parseRetryAfterMs('soon', NOW), undefined);
});

t.test('429, 408 and 5xx are retried with jittered backoff', async (t) => {
  for (const code of [429, 408, 500, 502, 503, 504, 599]) {
    const decision = decideRetry(2, status(code), policy, { random: () => 0.5, nowMs: NOW });
    t.same(decision, { retry: true, waitMs: 150, reason: `HTTP ${code}` }, `HTTP ${code}`);
  }
  const named = decideRetry(1, status(503, { apiCode: 'service_unavailable' }), policy, { random: () => 0 });
  t.same(named, { retry: true, waitMs: 100, reason: 'HTTP 503 service_unavailable' });
});

t.test('network errors, timeouts and unusable bodies are retried', async (t) => {
  const cases = [
    [new HedRequestError('network', 'ECONNRESET'), 'a network error'],
    [new HedRequestError('timeout', 'slow'), 'a timeout'],
    [new HedRequestError('bad_body', 'not JSON', { status: 200 }), 'an unusable response body'],
  ] as const;
  for (const [error, reason] of cases) {
    t.same(decideRetry(4, error, policy, { random: () => 0 }), { retry: true, waitMs: 800, reason }, error.code);
  }
});

t.test('Retry-After wins over backoff and is capped at maxRetryAfterMs', async (t) => {
  t.same(decideRetry(1, status(429, { retryAfter: '3' }), policy, { random: () => 0.9 }), { retry: true, waitMs: 3_000, reason: 'HTTP 429, Retry-After 3' });
  const capped = decideRetry(1, status(503, { retryAfter: '3600' }), policy, {});
  t.equal(capped.retry && capped.waitMs, 10_000);
  t.match(capped, { reason: /capped from 3600000 ms/ });
  const dated = decideRetry(1, status(429, { retryAfter: new Date(NOW + 4_000).toUTCString() }), policy, { nowMs: NOW });
  t.equal(dated.retry && dated.waitMs, 4_000, 'HTTP-date relative to nowMs');
  const garbled = decideRetry(2, status(429, { retryAfter: 'later' }), policy, { random: () => 0, nowMs: NOW });
  t.equal(garbled.retry && garbled.waitMs, 200, 'an unreadable Retry-After falls back to backoff');
});

t.test('400, 401, 403 and other 4xx fail at once with a reason a person can act on', async (t) => {
  const cases: [HedRequestError, RegExp][] = [
    [status(401, { apiCode: 'unauthorized', apiMessage: 'The API key is not valid.' }), /rejected the api_key \(HTTP 401 unauthorized\)\. Check api_key.*The API key is not valid\./],
    [status(403), /refused access.*HTTP 403/],
    [status(400, { apiCode: 'invalid_cursor' }), /rejected the saved cursor.*hed-connector reset/],
    [status(400, { apiCode: 'invalid_page_size' }), /rejected page_size/],
    [status(404, { apiCode: 'not_found' }), /HTTP 404 not_found, which retrying will not fix/],
  ];
  for (const [error, reason] of cases) {
    const decision = decideRetry(1, error, policy, { random: () => 0 });
    t.equal(decision.retry, false, `HTTP ${error.status}`);
    t.match(decision.reason, reason);
  }
});

t.test('gives up after maxAttempts with the last error in the reason', async (t) => {
  const error = new HedRequestError('timeout', 'GET /hed_data took longer than 50 ms.');
  t.equal(decideRetry(4, error, policy).retry, true);
  const last = decideRetry(5, error, policy);
  t.equal(last.retry, false);
  t.match(last.reason, /^Gave up after 5 attempts; the last one failed with a timeout: GET \/hed_data took longer than 50 ms\./);
  t.equal(decideRetry(1, error, { ...policy, maxAttempts: 1 }).retry, false, 'maxAttempts 1: never retried');
});

t.test('an error that is not a request failure is not retried', async (t) => {
  const decision = decideRetry(1, new TypeError('boom'), policy);
  t.same(decision, { retry: false, reason: 'The connector hit an unexpected error: boom' });
});

t.test('the decision is pure: same inputs, same answer', async (t) => {
  const error = status(502);
  const draws = [0.3, 0.3];
  const a = decideRetry(3, error, policy, { random: () => draws[0]!, nowMs: NOW });
  const b = decideRetry(3, error, policy, { random: () => draws[1]!, nowMs: NOW });
  t.same(a, b);
});
