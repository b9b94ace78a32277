import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { DATA_PATHS, FAULT_ACTIONS, FAULT_LIMITS, FAULT_TRIGGERS, FaultRule, FaultRuleFields, type FaultAction, type FaultRuleInput } from '../../api/faults.js';

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

/** A rule whose id is already taken (by a stored rule or an earlier rule of the same list). Answered as 409 conflict. */
export class FaultRuleIdTaken extends FaultRuleError {
  constructor(field: string, message: string) {
    super(field, message);
    this.name = 'FaultRuleIdTaken';
  }
}

const show = (v: unknown) => JSON.stringify(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What each nested action object takes, as the sentences show it. */
const NESTED_EXAMPLES: Record<string, string> = {
  delay: '{"median_ms": 0-120000, "sigma": 0-3} (lognormal)',
  truncate: '{"fraction": a number between 0 and 1, exclusive}',
  html: '{"status": 400-599}',
  dribble: '{"chunk_bytes": 1-1048576, "interval_ms": 0-10000}',
  overlap: `{"records": 1-${FAULT_LIMITS.overlapMaxRecords}}`,
  drift: '{"add": "field_name", "value": any} or {"remove": "field_name"}',
  rate_limit: '{"requests": 1-1000000, "per_seconds": more than 0, up to 86400}',
};

/** The sentence (after the field name) for a top-level field whose value the schema refused. */
const FIELD_SENTENCES: Record<string, (v: unknown) => string> = {
  id: (v) => `must be 1-64 letters, digits, ".", "_" or "-"; got ${show(v)}.`,
  description: () => 'must be a string of at most 500 characters.',
  path: (v) => `must be a data path such as "/agr_data" (one of ${DATA_PATHS.join(', ')}), or absent for every path; got ${show(v)}.`,
  page: (v) => `must be "first" (no cursor), "later" (with a cursor) or "any"; got ${show(v)}.`,
  nth: (v) => `must be a whole number from 1 up; got ${show(v)}.`,
  every: (v) => `must be a whole number from 1 up; got ${show(v)}.`,
  after: (v) => `must be a whole number from 0 up; got ${show(v)}.`,
  times: (v) => `must be a whole number from 1 up; got ${show(v)}.`,
  probability: (v) => `must be a number from 0 to 1; got ${show(v)}.`,
  delay: (v) => (typeof v === 'number' ? `must be a whole number from 0 to ${FAULT_LIMITS.delayMaxMs}; got ${show(v)}.` : 'must be milliseconds (0-120000) or {"median_ms": N, "sigma": S}.'),
  status: (v) => `must be a whole number from 200 to 599; got ${show(v)}.`,
  retry_after: (v) => `must be seconds (0-86400) or an HTTP-date such as "Wed, 21 Oct 2026 07:28:00 GMT"; got ${show(v)}.`,
  body: () => 'must be a string or a JSON object.',
  rate_limit: () => 'must be {"requests": N, "per_seconds": S}.',
};
const flagSentence = (options: string) => (v: unknown) => `must be true${options ? ` or ${options}` : ''}; got ${show(v)}.`;
for (const f of ['hang', 'reset', 'empty', 'malformed', 'expire_cursor', 'auth_expiry']) FIELD_SENTENCES[f] = flagSentence('');
FIELD_SENTENCES.truncate = flagSentence('{"fraction": 0-1}');
FIELD_SENTENCES.html = flagSentence('{"status": 400-599}');
FIELD_SENTENCES.dribble = flagSentence('{"chunk_bytes": N, "interval_ms": N}');
FIELD_SENTENCES.overlap = flagSentence('{"records": N}');
FIELD_SENTENCES.drift = flagSentence('{"add": "field", "value": any} or {"remove": "field"}');

/** The object shapes a field's schema allows (the object members of a union). */
function objectShapes(schema: TSchema): TSchema[] {
  if (schema.type === 'object') return [schema];
  return ((schema.anyOf as TSchema[] | undefined) ?? []).filter((s) => s.type === 'object');
}

/**
 * The schema's first complaint about a rule, as [field, sentence]: unknown fields, then
 * values out of range or of the wrong type, nested objects named down to their key.
 */
function schemaRefusal(rule: Record<string, unknown>): [string, string] | undefined {
  const first = Value.Errors(FaultRuleFields, rule).First();
  if (first === undefined) return undefined;
  const field = first.path.split('/')[1] ?? '';
  if (first.type === ValueErrorType.ObjectAdditionalProperties || !Object.hasOwn(FaultRuleFields.properties, field)) {
    return [field, `is not a rule field. Triggers: ${FAULT_TRIGGERS.join(', ')}; actions: ${FAULT_ACTIONS.join(', ')}, delay; also id, description, path, retry_after, body.`];
  }
  const value = rule[field];
  const example = NESTED_EXAMPLES[field];
  if (isObject(value) && example !== undefined) {
    if (field === 'drift' && ('add' in value) === ('remove' in value)) return [field, `takes exactly one of {"add": "field", "value": any} or {"remove": "field"}.`];
    const shapes = objectShapes((FaultRuleFields.properties as Record<string, TSchema>)[field]!);
    const shape = shapes.find((s) => Object.keys(value).some((k) => Object.hasOwn(s.properties as object, k))) ?? shapes[0];
    const nested = shape === undefined ? undefined : Value.Errors(shape, value).First();
    if (nested !== undefined) {
      const key = nested.path.split('/')[1] ?? '';
      const at = `${field}.${key}`;
      if (nested.type === ValueErrorType.ObjectAdditionalProperties) return [at, `is not allowed; ${field} takes ${example}.`];
      if (nested.type === ValueErrorType.ObjectRequiredProperty) return [at, `is required; ${field} takes ${example}.`];
      return [at, `is out of range or of the wrong type (${show(value[key])}); ${field} takes ${example}.`];
    }
  }
  return [field, FIELD_SENTENCES[field]!(value)];
}

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
  if (!isObject(input)) throw new FaultRuleError(where, `${where} must be a JSON object such as {"status": 503, "times": 3}.`);
  const rule = input;
  const at = (field: string) => (where === 'rule' ? field : `${where}.${field}`);
  const fail = (field: string, what: string): never => {
    throw new FaultRuleError(at(field), `${at(field)} ${what}`);
  };

  // The published schema first: every field's type, range and shape.
  const refused = schemaRefusal(rule);
  if (refused) fail(...refused);

  // Then what spans fields, with sentences a person can act on (the published FaultRule says the same in schema terms).
  const actions = FAULT_ACTIONS.filter((a) => rule[a] !== undefined);
  if (actions.length > 1) {
    throw new FaultRuleError(at(actions[1]!), `A rule has exactly one action, but ${where} has ${actions.join(' and ')}; split it into ${actions.length} rules (a delay may accompany any action).`);
  }
  if (actions.length === 0 && rule.delay === undefined) {
    throw new FaultRuleError(where, `${where} has no action. Give one of ${FAULT_ACTIONS.join(', ')}, or delay.`);
  }
  if (rule.retry_after !== undefined && rule.status === undefined) fail('retry_after', 'goes with status only, e.g. {"status": 503, "retry_after": 2}.');
  if (typeof rule.retry_after === 'string' && Number.isNaN(Date.parse(rule.retry_after))) fail('retry_after', FIELD_SENTENCES.retry_after!(rule.retry_after));
  if (rule.body !== undefined && rule.status === undefined) fail('body', 'goes with status only, e.g. {"status": 503, "body": {"error": "service_unavailable", "message": "..."}}.');
  if (rule.rate_limit !== undefined) {
    for (const t of ['nth', 'every', 'after', 'probability', 'times']) {
      if (rule[t] !== undefined) fail(t, 'does not apply to a rate_limit rule: the quota itself decides; only page may narrow it.');
    }
  }
  // The published schema and these sentences must agree (a test draws rules to prove it); a gap is a bug here.
  if (!Value.Check(FaultRule, rule)) throw new FaultRuleError(where, `${where} does not match the published FaultRule schema; see POST /__admin/faults in /docs for the shapes a rule may take.`);
  return rule as FaultRuleInput;
}
