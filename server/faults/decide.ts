import type { Random } from '../../verticals/hed/random.js';
import type { AppliedFault, FaultRule } from '../../api/faults.js';
import { ruleAction } from './rules.js';
import { codeForStatus, errorBody, type ErrorCode } from '../../api/errors.js';

/** What the engine knows about a data request when it decides. */
export interface RequestFacts {
  /** The data path asked for (`/agr_data`); a rule with a `path` acts on that path only. */
  path?: string;
  /** first: no cursor; later: a cursor was sent. */
  page: 'first' | 'later';
  /** The cursor decodes (expire_cursor only answers cursors the server would accept). */
  cursorValid: boolean;
}

/** Per-rule state between requests. */
export interface RuleCounters {
  /** Requests that passed the rule's filter (page and the action's own needs). */
  matched: number;
  /** Times the rule's action was applied. */
  fired: number;
  /** rate_limit: arrival times (ms) of the requests admitted inside the window. */
  admitted: number[];
}
export type Counters = Readonly<Record<string, RuleCounters>>;

export const DEFAULT_TRUNCATE_FRACTION = 0.5;
export const DEFAULT_HTML_STATUS = 502;
export const DEFAULT_DRIBBLE = { chunkBytes: 256, intervalMs: 50 };
export const DEFAULT_OVERLAP_RECORDS = 10;
export const DEFAULT_DRIFT_FIELD = { add: 'retention_cohort', value: '2024-fall' };

/** An action with every default resolved: what the wire layer performs. */
export type ResolvedAction =
  | { kind: 'status'; rule: string; status: number; headers: Record<string, string>; contentType: string; body: string }
  | { kind: 'hang' | 'reset' | 'empty' | 'malformed' | 'expire_cursor' | 'auth_expiry'; rule: string }
  | { kind: 'truncate'; rule: string; fraction: number }
  | { kind: 'html'; rule: string; status: number }
  | { kind: 'dribble'; rule: string; chunkBytes: number; intervalMs: number }
  | { kind: 'overlap'; rule: string; records: number }
  | { kind: 'drift'; rule: string; add?: string; value?: unknown; remove?: string };

/** What happens to one request: an optional delay first, then at most one action. */
export interface FaultDecision {
  delayMs: number;
  action?: ResolvedAction;
  /** Every rule that acted on the request, delay rules included, in rule order. */
  applied: AppliedFault[];
}

/**
 * Decides the faults for one request. Pure: the same rules, facts, counters, random
 * streams and time give the same decision and counters. Rules are checked in order;
 * every rule whose filter passes counts the request (so `nth` means the nth request
 * that rule saw); the first rule that fires with an action answers it, delays add up.
 * A rule with `probability` draws once per matching request from its own stream.
 *
 * @example
 * const { decision } = decideFaults([{ id: 'r', status: 503, times: 3 }], { page: 'first', cursorValid: false }, {}, rng, 0);
 * decision.action // { kind: 'status', status: 503, ... }
 */
export function decideFaults(
  rules: readonly FaultRule[],
  facts: RequestFacts,
  counters: Counters,
  randomFor: (ruleId: string) => Random,
  nowMs: number,
): { decision: FaultDecision; counters: Record<string, RuleCounters> } {
  const next: Record<string, RuleCounters> = { ...counters };
  const decision: FaultDecision = { delayMs: 0, applied: [] };

  for (const rule of rules) {
    const kind = ruleAction(rule);
    if (!passesFilter(rule, kind, facts)) continue;
    const before = counters[rule.id] ?? { matched: 0, fired: 0, admitted: [] };
    const c: RuleCounters = { matched: before.matched + 1, fired: before.fired, admitted: before.admitted };
    next[rule.id] = c;

    if (kind === 'rate_limit') {
      if (decision.action) continue;
      const { requests, per_seconds } = rule.rate_limit!;
      const windowMs = per_seconds * 1000;
      const inWindow = c.admitted.filter((t) => t > nowMs - windowMs);
      if (inWindow.length >= requests) {
        // The oldest admitted request leaves the window first; that frees one slot.
        const retryAfter = Math.max(1, Math.ceil((inWindow[0]! + windowMs - nowMs) / 1000));
        decision.action = rateLimited(rule, requests, per_seconds, retryAfter);
        decision.applied.push({ rule: rule.id, action: 'rate_limit' });
        c.fired += 1;
        c.admitted = inWindow;
      } else {
        c.admitted = [...inWindow, nowMs];
      }
      continue;
    }

    const random = randomFor(rule.id);
    const drawn = rule.probability === undefined ? true : random.float() < rule.probability;
    const fires =
      drawn &&
      (rule.nth === undefined || c.matched === rule.nth) &&
      (rule.every === undefined || c.matched % rule.every === 0) &&
      (rule.after === undefined || c.matched > rule.after) &&
      (rule.times === undefined || c.fired < rule.times) &&
      (kind === 'delay' || decision.action === undefined);
    if (!fires) continue;

    c.fired += 1;
    if (rule.delay !== undefined) decision.delayMs += drawDelay(rule.delay, random);
    if (kind !== 'delay') decision.action = resolveAction(rule, kind);
    decision.applied.push({ rule: rule.id, action: kind });
  }
  return { decision, counters: next };
}

function passesFilter(rule: FaultRule, kind: string, facts: RequestFacts): boolean {
  if (rule.path !== undefined && rule.path !== facts.path) return false;
  if (rule.page !== undefined && rule.page !== 'any' && rule.page !== facts.page) return false;
  // These need a previous position: on a first page there is nothing to expire or repeat.
  if (kind === 'expire_cursor') return facts.page === 'later' && facts.cursorValid;
  if (kind === 'overlap') return facts.page === 'later';
  return true;
}

/**
 * A delay in ms: fixed, or lognormal around the median (`median * e^(sigma * z)`), capped
 * at ten times the median so one unlucky draw cannot stall a test run.
 */
export function drawDelay(delay: NonNullable<FaultRule['delay']>, random: Random): number {
  if (typeof delay === 'number') return delay;
  const u = 1 - random.float();
  const v = random.float();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.round(Math.min(delay.median_ms * 10, delay.median_ms * Math.exp(delay.sigma * z)));
}

function rateLimited(rule: FaultRule, requests: number, perSeconds: number, retryAfter: number): ResolvedAction {
  const message = `Rate limit exceeded: this key may make ${requests} request${requests === 1 ? '' : 's'} per ${perSeconds} s (fault rule ${rule.id}). Wait ${retryAfter} s, as Retry-After says, and try again.`;
  return { kind: 'status', rule: rule.id, status: 429, headers: { 'retry-after': String(retryAfter) }, contentType: JSON_TYPE, body: JSON.stringify(errorBody('rate_limited', message)) };
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** What an injected status says when the rule gives no body; the code comes from the catalog. */
const INJECTED_MESSAGES: Partial<Record<ErrorCode, string>> = {
  invalid_request: 'The request was refused',
  unauthorized: 'The API key was refused',
  forbidden: 'Access was refused',
  not_found: 'The resource was not found',
  rate_limited: 'Too many requests; wait for Retry-After, then retry',
  internal_error: 'The server failed; retry later',
  bad_gateway: 'The gateway got no valid answer upstream; retry later',
  service_unavailable: 'The service is temporarily unavailable; retry later',
  gateway_timeout: 'The gateway timed out upstream; retry later',
  server_error: 'The server failed; retry later',
};

function resolveAction(rule: FaultRule, kind: Exclude<ReturnType<typeof ruleAction>, 'delay' | 'rate_limit'>): ResolvedAction {
  const id = rule.id;
  switch (kind) {
    case 'status': {
      const status = rule.status!;
      const headers: Record<string, string> = {};
      if (rule.retry_after !== undefined) headers['retry-after'] = String(rule.retry_after);
      if (typeof rule.body === 'string') return { kind, rule: id, status, headers, contentType: 'text/plain; charset=utf-8', body: rule.body };
      if (rule.body !== undefined) return { kind, rule: id, status, headers, contentType: JSON_TYPE, body: JSON.stringify(rule.body) };
      if (status < 400) return { kind, rule: id, status, headers, contentType: JSON_TYPE, body: '{}' };
      const code = codeForStatus(status);
      const what = INJECTED_MESSAGES[code] ?? 'The request was refused';
      const body = JSON.stringify(errorBody(code, `${what} (HTTP ${status} injected by fault rule ${id}).`));
      return { kind, rule: id, status, headers, contentType: JSON_TYPE, body };
    }
    case 'truncate':
      return { kind, rule: id, fraction: typeof rule.truncate === 'object' ? rule.truncate.fraction : DEFAULT_TRUNCATE_FRACTION };
    case 'html':
      return { kind, rule: id, status: typeof rule.html === 'object' ? rule.html.status : DEFAULT_HTML_STATUS };
    case 'dribble': {
      const d = typeof rule.dribble === 'object' ? rule.dribble : {};
      return { kind, rule: id, chunkBytes: d.chunk_bytes ?? DEFAULT_DRIBBLE.chunkBytes, intervalMs: d.interval_ms ?? DEFAULT_DRIBBLE.intervalMs };
    }
    case 'overlap':
      return { kind, rule: id, records: typeof rule.overlap === 'object' ? rule.overlap.records : DEFAULT_OVERLAP_RECORDS };
    case 'drift': {
      const d = rule.drift;
      if (typeof d === 'object' && 'remove' in d) return { kind, rule: id, remove: d.remove };
      if (typeof d === 'object' && 'add' in d) return { kind, rule: id, add: d.add, value: d.value ?? DEFAULT_DRIFT_FIELD.value };
      return { kind, rule: id, ...DEFAULT_DRIFT_FIELD };
    }
    default:
      return { kind, rule: id };
  }
}
