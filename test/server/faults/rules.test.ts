import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { FaultRuleError, ruleAction, validateRule } from '../../../server/faults/rules.js';
import { listScenarios, loadScenario } from '../../../server/faults/scenarios.js';
import fc from 'fast-check';
import { FAULT_ACTIONS, FAULT_LIMITS, FaultRule } from '../../../api/faults.js';

const SPEC_SCENARIOS = [
  'rate-limited', 'flaky', 'slow', 'connection-reset', 'truncated', 'malformed',
  'auth-expiry', 'cursor-expired', 'page-overlap', 'schema-drift', 'maintenance', 'chaos', 'hang', 'retry-after',
];

/** The field a rule is refused for, and the message. */
function refusal(input: unknown): { field: string; message: string } {
  try {
    validateRule(input);
  } catch (err) {
    if (err instanceof FaultRuleError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

t.test('one example of every action is accepted and matches the published schema', async (t) => {
  const examples: Record<string, unknown> = {
    status: { status: 503, retry_after: 2, body: { error: 'x', message: 'y' } },
    hang: { hang: true },
    reset: { reset: true, every: 3 },
    empty: { empty: true, nth: 1 },
    truncate: { truncate: { fraction: 0.25 } },
    malformed: { malformed: true },
    html: { html: { status: 504 } },
    dribble: { dribble: { chunk_bytes: 64, interval_ms: 20 } },
    expire_cursor: { expire_cursor: true, page: 'later' },
    auth_expiry: { auth_expiry: true, after: 3, times: 2 },
    overlap: { overlap: { records: 5 } },
    drift: { drift: { remove: 'advisor_id' } },
    rate_limit: { rate_limit: { requests: 10, per_seconds: 1 } },
  };
  t.same(Object.keys(examples).sort(), [...FAULT_ACTIONS].sort(), 'one example per action');
  for (const [action, rule] of Object.entries(examples)) {
    t.equal(ruleAction(validateRule(rule)), action);
    t.ok(Value.Check(FaultRule, rule), `${action} example matches the TypeBox schema`);
  }
  t.equal(ruleAction(validateRule({ delay: { median_ms: 100, sigma: 0.5 }, probability: 0.1 })), 'delay');
  t.ok(validateRule({ status: 503, retry_after: 'Wed, 21 Oct 2026 07:28:00 GMT' }));
});

t.test('invalid rules are refused naming the field and what is allowed', async (t) => {
  const cases: [unknown, string, RegExp][] = [
    [{ status: 700 }, 'status', /200 to 599/],
    [{ status: '503' }, 'status', /whole number/],
    [{ staus: 503 }, 'staus', /not a rule field.*status/],
    [{ status: 503, reset: true }, 'reset', /exactly one action/],
    [{ times: 3 }, 'rule', /no action/],
    [{ status: 503, nth: 0 }, 'nth', /from 1/],
    [{ status: 503, probability: 1.5 }, 'probability', /0 to 1/],
    [{ status: 503, page: 'second' }, 'page', /"first".*"later"/],
    [{ reset: 'yes' }, 'reset', /must be true/],
    [{ status: 503, retry_after: 'soon' }, 'retry_after', /HTTP-date/],
    [{ reset: true, retry_after: 1 }, 'retry_after', /goes with status/],
    [{ delay: 500_000 }, 'delay', /120000/],
    [{ delay: { median_ms: 100 } }, 'delay.sigma', /required/],
    [{ truncate: { fraction: 1 } }, 'truncate.fraction', /between 0 and 1/],
    [{ drift: { add: 'a', remove: 'b' } }, 'drift', /exactly one/],
    [{ rate_limit: { requests: 5 } }, 'rate_limit.per_seconds', /required/],
    [{ rate_limit: { requests: 5, per_seconds: 1 }, times: 2 }, 'times', /does not apply/],
    [{ id: 'has space', status: 503 }, 'id', /letters, digits/],
    [[{ status: 503 }], 'rule', /JSON object/],
    [{ truncate: { fraction: 0.5, extra: 1 } }, 'truncate.extra', /is not allowed; truncate takes/],
    [{ html: { status: 300 } }, 'html.status', /out of range or of the wrong type \(300\)/],
    [{ dribble: 'slow' }, 'dribble', /must be true or \{"chunk_bytes"/],
    [{ drift: { add: 'has space' } }, 'drift.add', /drift takes/],
    [{ drift: {} }, 'drift', /exactly one/],
    [{ delay: 'long' }, 'delay', /milliseconds \(0-120000\) or/],
    [{ rate_limit: 5 }, 'rate_limit', /must be \{"requests": N/],
    [{ status: 503, body: 5 }, 'body', /string or a JSON object/],
    [{ status: 503, description: 'x'.repeat(501) }, 'description', /at most 500/],
    [{ status: 503, retry_after: 'Abc, 99 Xyz 2026 07:28:00 GMT' }, 'retry_after', /HTTP-date/],
    [{ malformed: true, body: 'x' }, 'body', /goes with status/],
  ];
  for (const [input, field, message] of cases) {
    const r = refusal(input);
    t.equal(r.field, field, `${JSON.stringify(input)} names ${field}`);
    t.match(r.message, message);
  }
});

t.test('rules that span fields are refused by the published schema too, not only by hand', async (t) => {
  const crossField = [{ status: 503, reset: true }, { times: 3 }, {}, { reset: true, retry_after: 1 }, { malformed: true, body: 'x' }, { rate_limit: { requests: 5, per_seconds: 1 }, times: 2 }];
  for (const input of crossField) {
    t.notOk(Value.Check(FaultRule, input), `${JSON.stringify(input)} is refused by the schema`);
    t.throws(() => validateRule(input), FaultRuleError, 'and by the engine, with a sentence');
  }
  for (const input of [{ status: 700 }, { staus: 503 }, { truncate: { fraction: 1 } }, { drift: { add: 'a', remove: 'b' } }, { status: 503, retry_after: 'soon' }]) {
    t.notOk(Value.Check(FaultRule, input), `${JSON.stringify(input)} is refused by the schema itself`);
  }
});

// Values per field: some the field takes, some it refuses, so drawn rules land on both sides.
const FIELD_VALUES: Record<string, unknown[]> = {
  id: ['a', 'rule.1', '', 'no spaces'],
  description: ['why', 7],
  page: ['any', 'first', 'later', 'last'],
  nth: [1, 4, 0], every: [2, -1], after: [0, 3, 1.5], probability: [0, 0.5, 1, 2], times: [1, 3, 0],
  delay: [0, 250, 120_001, { median_ms: 10, sigma: 0.5 }, { median_ms: 10 }],
  status: [200, 503, 429, 199, 600],
  retry_after: [0, 2, 86_401, 'Wed, 21 Oct 2026 07:28:00 GMT', 'Xyz, 99 Abc 2026 07:28:00 GMT', 'soon'],
  body: ['down', { error: 'x' }, 3],
  hang: [true, false], reset: [true], empty: [true, 1], malformed: [true], expire_cursor: [true], auth_expiry: [true],
  truncate: [true, { fraction: 0.5 }, { fraction: 1 }],
  html: [true, { status: 502 }, { status: 302 }],
  dribble: [true, { chunk_bytes: 8 }, { interval_ms: 10_001 }],
  overlap: [true, { records: 3 }, { records: 0 }],
  drift: [true, { add: 'x', value: 1 }, { remove: 'gpa' }, { add: 'a', remove: 'b' }],
  rate_limit: [{ requests: 2, per_seconds: 1 }, { requests: 0, per_seconds: 1 }],
  unknown_field: [1],
};

t.test('the published schema and the engine agree on every drawn rule (Schemathesis sends both kinds)', async (t) => {
  const rule = fc.dictionary(fc.constantFrom(...Object.keys(FIELD_VALUES)), fc.constant(null), { maxKeys: 4 }).chain((keys) =>
    fc.record(Object.fromEntries(Object.keys(keys).map((k) => [k, fc.constantFrom(...FIELD_VALUES[k]!)]))),
  );
  let accepted = 0;
  let refused = 0;
  const details = fc.check(
    fc.property(rule, (input) => {
      const bySchema = Value.Check(FaultRule, input);
      let byEngine = true;
      try {
        validateRule(input);
      } catch (err) {
        if (!(err instanceof FaultRuleError)) throw err;
        byEngine = false;
      }
      if (byEngine) accepted++;
      else refused++;
      return bySchema === byEngine;
    }),
    { seed: 17, numRuns: 3000 },
  );
  t.notOk(details.failed, details.failed ? `schema and engine disagree on ${fc.stringify(details.counterexample)}` : 'they agree');
  t.ok(accepted > 200 && refused > 200, `both sides were drawn (${accepted} accepted, ${refused} refused)`);
});

t.test('every string the HTTP-date pattern allows is a date the server reads', async (t) => {
  const pattern = new RegExp(FAULT_LIMITS.httpDatePattern);
  fc.assert(fc.property(fc.stringMatching(pattern), (date) => !Number.isNaN(Date.parse(date)) && validateRule({ status: 503, retry_after: date }) !== undefined), { seed: 17, numRuns: 500 });
  t.notMatch('Mon, 00 Jan 2026 00:00:00 GMT', pattern, 'day 00 is outside the pattern');
  t.notMatch('Mon, 01 Jan 2026 23:60:00 GMT', pattern, 'minute 60 is outside the pattern');
});

t.test('the twelve named scenarios exist, each with a one-line description and valid rules', async (t) => {
  const names = listScenarios();
  for (const name of SPEC_SCENARIOS) t.ok(names.includes(name), `${name} exists`);
  for (const name of names) {
    const s = loadScenario(name);
    t.ok(s.description.length > 20 && !s.description.includes('\n'), `${name} has a one-line description`);
    t.ok(s.rules.length > 0, `${name} has rules`);
  }
});

t.test('an unknown scenario name lists the valid names; a bad file names the rule at fault', async (t) => {
  t.throws(() => loadScenario('nope'), { message: /There is no scenario "nope". Valid names: auth-expiry, chaos, .*truncated/ });
  const dir = mkdtempSync(join(tmpdir(), 'hed-scenario-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ description: 'bad', rules: [{ status: 503 }, { hang: 1 }] }));
  t.throws(() => loadScenario(bad), { message: /rules\[1\]\.hang must be true/ });
  const ok = join(dir, 'mine.json');
  writeFileSync(ok, JSON.stringify({ description: 'mine', rules: [{ status: 500, nth: 2 }] }));
  t.match(loadScenario(ok), { name: 'mine', rules: [{ status: 500, nth: 2 }] });
  t.throws(() => loadScenario(join(dir, 'missing.json')), { message: /does not exist/ });
  const file = (name: string, body: unknown) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(body));
    return path;
  };
  t.throws(() => loadScenario(file('list', [])), { message: /must be an object \{"description"/ });
  t.throws(() => loadScenario(file('no-rules', { description: 'x' })), { message: /must be an object \{"description"/ });
  t.throws(() => loadScenario(file('no-description', { rules: [] })), { message: /needs a one-line "description"/ });
  t.throws(() => loadScenario(file('blank', { description: '  ', rules: [] })), { message: /needs a one-line "description"/ });
  t.throws(() => loadScenario(file('extra', { description: 'x', rules: [], owner: 'me' })), { message: /"owner" is not a scenario field/ });
  t.throws(() => loadScenario(file('named', { name: 5, description: 'x', rules: [] })), { message: /name expected string/ });
});
