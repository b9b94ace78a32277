import { Value } from '@sinclair/typebox/value';
import { FAULT_ACTIONS, FAULT_LIMITS, FAULT_TRIGGERS, FaultRule, type FaultAction, type FaultRuleInput } from '../../api/faults.js';

/** A rule that cannot be used: names the field at fault and what is allowed. Answered as 400 invalid_request. */
export class FaultRuleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FaultRuleError';
  }
}

const OTHER_FIELDS = ['id', 'description', 'delay', 'retry_after', 'body'] as const;
const ALLOWED_FIELDS = new Set<string>([...OTHER_FIELDS, ...FAULT_TRIGGERS, ...FAULT_ACTIONS]);
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * The action a valid rule performs: its one action key, or `delay` when it only slows.
 *
 * @example
 * ruleAction({ id: 'r', status: 503 }) // 'status'
 */
export function ruleAction(rule: FaultRuleInput): FaultAction | 'delay' {
  return FAULT_ACTIONS.find((a) => rule[a] !== undefined) ?? 'delay';
}

/**
 * Checks a rule from a client or a scenario file and answers it typed, or throws
 * FaultRuleError naming the field (`where` prefixes it, e.g. "rules[2]").
 *
 * @example
 * validateRule({ status: 503, times: 3 })      // ok
 * validateRule({ status: 503, hang: true })    // throws: "a rule has exactly one action ..."
 */
export function validateRule(input: unknown, where = 'rule'): FaultRuleInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultRuleError(where, `${where} must be a JSON object such as {"status": 503, "times": 3}.`);
  }
  const rule = input as Record<string, unknown>;
  const at = (field: string) => (where === 'rule' ? field : `${where}.${field}`);
  const fail = (field: string, what: string): never => {
    throw new FaultRuleError(at(field), `${at(field)} ${what}`);
  };

  for (const key of Object.keys(rule)) {
    if (!ALLOWED_FIELDS.has(key)) {
      fail(key, `is not a rule field. Triggers: ${FAULT_TRIGGERS.join(', ')}; actions: ${FAULT_ACTIONS.join(', ')}, delay; also id, description, retry_after, body.`);
    }
  }
  const actions = FAULT_ACTIONS.filter((a) => rule[a] !== undefined);
  if (actions.length > 1) {
    throw new FaultRuleError(at(actions[1]!), `A rule has exactly one action, but ${where} has ${actions.join(' and ')}; split it into ${actions.length} rules (a delay may accompany any action).`);
  }
  if (actions.length === 0 && rule.delay === undefined) {
    throw new FaultRuleError(where, `${where} has no action. Give one of ${FAULT_ACTIONS.join(', ')}, or delay.`);
  }

  const int = (field: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const v = rule[field];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > max)) {
      fail(field, `must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}; got ${JSON.stringify(v)}.`);
    }
  };
  const flag = (field: string, options = '') => {
    const v = rule[field];
    if (v !== undefined && v !== true && (options === '' || typeof v !== 'object' || v === null || Array.isArray(v))) {
      fail(field, `must be true${options ? ` or ${options}` : ''}; got ${JSON.stringify(v)}.`);
    }
  };
  const object = (field: string, shape: Record<string, (v: unknown) => boolean>, example: string, required: string[] = []) => {
    const v = rule[field];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
    for (const [k, value] of Object.entries(v)) {
      const check = shape[k];
      if (!check) fail(`${field}.${k}`, `is not allowed; ${field} takes ${example}.`);
      else if (!check(value)) fail(`${field}.${k}`, `is out of range or of the wrong type (${JSON.stringify(value)}); ${field} takes ${example}.`);
    }
    for (const k of required) if ((v as Record<string, unknown>)[k] === undefined) fail(`${field}.${k}`, `is required; ${field} takes ${example}.`);
  };
  const num = (min: number, max: number, integer = false, exclusive = false) => (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) && (!integer || Number.isInteger(v)) && (exclusive ? v > min && v < max : v >= min && v <= max);

  if (rule.id !== undefined && (typeof rule.id !== 'string' || !new RegExp(FAULT_LIMITS.idPattern).test(rule.id))) {
    fail('id', `must be 1-64 letters, digits, ".", "_" or "-"; got ${JSON.stringify(rule.id)}.`);
  }
  if (rule.description !== undefined && (typeof rule.description !== 'string' || rule.description.length > 500)) {
    fail('description', 'must be a string of at most 500 characters.');
  }
  if (rule.page !== undefined && !['any', 'first', 'later'].includes(rule.page as string)) {
    fail('page', `must be "first" (no cursor), "later" (with a cursor) or "any"; got ${JSON.stringify(rule.page)}.`);
  }
  int('nth', 1);
  int('every', 1);
  int('after', 0);
  int('times', 1);
  if (rule.probability !== undefined && !num(0, 1)(rule.probability)) fail('probability', `must be a number from 0 to 1; got ${JSON.stringify(rule.probability)}.`);

  if (rule.delay !== undefined) {
    if (typeof rule.delay === 'object' && rule.delay !== null && !Array.isArray(rule.delay)) {
      object('delay', { median_ms: num(0, FAULT_LIMITS.delayMaxMs), sigma: num(0, 3) }, '{"median_ms": 0-120000, "sigma": 0-3} (lognormal)', ['median_ms', 'sigma']);
    } else {
      int('delay', 0, FAULT_LIMITS.delayMaxMs);
      if (!Number.isInteger(rule.delay)) fail('delay', 'must be milliseconds (0-120000) or {"median_ms": N, "sigma": S}.');
    }
  }
  int('status', 200, 599);
  if (rule.retry_after !== undefined) {
    if (rule.status === undefined) fail('retry_after', 'goes with status only, e.g. {"status": 503, "retry_after": 2}.');
    const ra = rule.retry_after;
    if (typeof ra === 'string') {
      if (!HTTP_DATE.test(ra) || Number.isNaN(Date.parse(ra))) fail('retry_after', `must be seconds (0-86400) or an HTTP-date such as "Wed, 21 Oct 2026 07:28:00 GMT"; got ${JSON.stringify(ra)}.`);
    } else int('retry_after', 0, FAULT_LIMITS.retryAfterMaxSeconds);
  }
  if (rule.body !== undefined) {
    if (rule.status === undefined) fail('body', 'goes with status only, e.g. {"status": 503, "body": {"error": "service_unavailable", "message": "..."}}.');
    if (typeof rule.body !== 'string' && (typeof rule.body !== 'object' || rule.body === null || Array.isArray(rule.body))) {
      fail('body', 'must be a string or a JSON object.');
    }
  }
  for (const f of ['hang', 'reset', 'empty', 'malformed', 'expire_cursor', 'auth_expiry']) flag(f);
  flag('truncate', '{"fraction": 0-1}');
  object('truncate', { fraction: num(0, 1, false, true) }, '{"fraction": a number between 0 and 1, exclusive}');
  flag('html', '{"status": 400-599}');
  object('html', { status: num(400, 599, true) }, '{"status": 400-599}');
  flag('dribble', '{"chunk_bytes": N, "interval_ms": N}');
  object('dribble', { chunk_bytes: num(1, 1_048_576, true), interval_ms: num(0, FAULT_LIMITS.dribbleIntervalMaxMs, true) }, '{"chunk_bytes": 1-1048576, "interval_ms": 0-10000}');
  flag('overlap', '{"records": N}');
  object('overlap', { records: num(1, FAULT_LIMITS.overlapMaxRecords, true) }, `{"records": 1-${FAULT_LIMITS.overlapMaxRecords}}`);
  flag('drift', '{"add": "field", "value": any} or {"remove": "field"}');
  if (typeof rule.drift === 'object' && rule.drift !== null) {
    const d = rule.drift as Record<string, unknown>;
    const isName = (v: unknown) => typeof v === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(v);
    if ((d.add === undefined) === (d.remove === undefined)) fail('drift', 'takes exactly one of {"add": "field", "value": any} or {"remove": "field"}.');
    object('drift', d.add !== undefined ? { add: isName, value: () => true } : { remove: isName }, '{"add": "field_name", "value": any} or {"remove": "field_name"}');
  }
  if (rule.rate_limit !== undefined) {
    if (typeof rule.rate_limit !== 'object' || rule.rate_limit === null || Array.isArray(rule.rate_limit)) {
      fail('rate_limit', 'must be {"requests": N, "per_seconds": S}.');
    }
    object('rate_limit', { requests: num(1, 1_000_000, true), per_seconds: (v) => num(0, FAULT_LIMITS.rateLimitMaxSeconds, false, true)(v) || v === FAULT_LIMITS.rateLimitMaxSeconds }, '{"requests": 1-1000000, "per_seconds": more than 0, up to 86400}', ['requests', 'per_seconds']);
    for (const t of ['nth', 'every', 'after', 'probability', 'times']) {
      if (rule[t] !== undefined) fail(t, 'does not apply to a rate_limit rule: the quota itself decides; only page may narrow it.');
    }
  }

  // The schema is the published contract; the checks above only make its errors readable.
  if (!Value.Check(FaultRule, rule)) {
    const first = Value.Errors(FaultRule, rule).First();
    const field = first?.path.replace(/^\//, '').split('/')[0] || where;
    throw new FaultRuleError(at(field), `${at(field)} is invalid: ${first?.message ?? 'it does not match the rule schema'}.`);
  }
  return rule as FaultRuleInput;
}
