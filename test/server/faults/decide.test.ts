import t from 'tap';
import { createRandom, type Random } from '../../../verticals/hed/random.js';
import { decideFaults, drawDelay, type Counters, type RequestFacts } from '../../../server/faults/decide.js';
import { createFaultEngine } from '../../../server/faults/engine.js';
import type { FaultRule } from '../../../api/faults.js';

const FIRST: RequestFacts = { page: 'first', cursorValid: false };
const LATER: RequestFacts = { page: 'later', cursorValid: true };

/** Runs `n` requests through decideFaults and returns the action kind (or '-') of each. */
function schedule(rules: FaultRule[], n: number, facts: (i: number) => RequestFacts = () => FIRST, seed = 42, now: (i: number) => number = () => 0): string[] {
  const streams = new Map<string, Random>();
  const randomFor = (id: string) => streams.get(id) ?? streams.set(id, createRandom(seed, 'faults', id)).get(id)!;
  let counters: Counters = {};
  const out: string[] = [];
  for (let i = 1; i <= n; i++) {
    const result = decideFaults(rules, facts(i), counters, randomFor, now(i));
    counters = result.counters;
    out.push(result.decision.action ? `${result.decision.action.rule}:${result.decision.action.kind}` : '-');
  }
  return out;
}

t.test('"fail 3 times, then succeed" is one rule: {status: 503, times: 3}', async (t) => {
  t.same(schedule([{ id: 'r', status: 503, times: 3 }], 5), ['r:status', 'r:status', 'r:status', '-', '-']);
});

t.test('nth fires on the nth matching request only', async (t) => {
  t.same(schedule([{ id: 'r', reset: true, nth: 3 }], 5), ['-', '-', 'r:reset', '-', '-']);
});

t.test('every fires on each k-th matching request, capped by times', async (t) => {
  t.same(schedule([{ id: 'r', empty: true, every: 2 }], 6), ['-', 'r:empty', '-', 'r:empty', '-', 'r:empty']);
  t.same(schedule([{ id: 'r', empty: true, every: 2, times: 2 }], 8), ['-', 'r:empty', '-', 'r:empty', '-', '-', '-', '-']);
});

t.test('after fires on every matching request after the first n', async (t) => {
  t.same(schedule([{ id: 'r', auth_expiry: true, after: 2 }], 5), ['-', '-', 'r:auth_expiry', 'r:auth_expiry', 'r:auth_expiry']);
  t.same(schedule([{ id: 'r', auth_expiry: true, after: 2, times: 1 }], 5), ['-', '-', 'r:auth_expiry', '-', '-']);
});

t.test('page narrows a rule to first pages (no cursor) or later pages', async (t) => {
  const facts = (i: number) => (i % 2 === 1 ? FIRST : LATER);
  t.same(schedule([{ id: 'r', status: 500, page: 'first' }], 4, facts), ['r:status', '-', 'r:status', '-']);
  t.same(schedule([{ id: 'r', status: 500, page: 'later' }], 4, facts), ['-', 'r:status', '-', 'r:status']);
  // nth counts only the requests the rule matched: the 2nd later page is request 4.
  t.same(schedule([{ id: 'r', status: 500, page: 'later', nth: 2 }], 4, facts), ['-', '-', '-', 'r:status']);
});

t.test('expire_cursor and overlap never fire on a first page; expire_cursor needs a valid cursor', async (t) => {
  t.same(schedule([{ id: 'r', expire_cursor: true }], 2, () => FIRST), ['-', '-']);
  t.same(schedule([{ id: 'r', expire_cursor: true }], 2, () => ({ page: 'later', cursorValid: false })), ['-', '-']);
  t.same(schedule([{ id: 'r', expire_cursor: true, nth: 1 }], 2, () => LATER), ['r:expire_cursor', '-']);
  t.same(schedule([{ id: 'r', overlap: true }], 3, (i) => (i === 1 ? FIRST : LATER)), ['-', 'r:overlap', 'r:overlap']);
});

t.test('probability is seeded: same seed, same schedule; another seed, another one; rate near p', async (t) => {
  const rules: FaultRule[] = [{ id: 'p', status: 503, probability: 0.3 }];
  const a = schedule(rules, 400);
  t.same(schedule(rules, 400), a, 'replays exactly');
  t.not(schedule(rules, 400, () => FIRST, 7).join(), a.join(), 'another seed differs');
  const fired = a.filter((s) => s !== '-').length;
  t.ok(fired > 80 && fired < 160, `about 30% of 400 fire (got ${fired})`);
  t.same(schedule([{ id: 'p', status: 503, probability: 0 }], 50).filter((s) => s !== '-'), []);
  t.equal(schedule([{ id: 'p', status: 503, probability: 1 }], 50).filter((s) => s !== '-').length, 50);
});

t.test('a rule draws from its own stream: adding another rule does not change its schedule', async (t) => {
  const alone = schedule([{ id: 'p', reset: true, probability: 0.2 }], 200).map((s) => s === 'p:reset');
  const withOther = schedule([{ id: 'p', reset: true, probability: 0.2 }, { id: 'q', delay: 5, probability: 0.5 }], 200).map((s) => s === 'p:reset');
  t.same(withOther, alone);
});

t.test('rules are checked in order: the first that fires answers, later ones keep counting', async (t) => {
  const rules: FaultRule[] = [
    { id: 'a', status: 503, times: 2 },
    { id: 'b', status: 500, nth: 3 },
  ];
  t.same(schedule(rules, 4), ['a:status', 'a:status', 'b:status', '-']);
  const shadowed: FaultRule[] = [
    { id: 'a', status: 503, times: 3 },
    { id: 'b', status: 500, nth: 2 },
  ];
  t.same(schedule(shadowed, 4), ['a:status', 'a:status', 'a:status', '-'], 'b matched its 2nd request while a answered it');
});

t.test('delays add up and accompany an action', async (t) => {
  const random = (id: string) => createRandom(1, id);
  const { decision } = decideFaults(
    [
      { id: 'd1', delay: 100 },
      { id: 'd2', delay: 50, every: 1 },
      { id: 's', status: 502, delay: 25 },
    ],
    FIRST,
    {},
    random,
    0,
  );
  t.equal(decision.delayMs, 175);
  t.equal(decision.action?.kind, 'status');
  t.same(decision.applied.map((a) => `${a.rule}:${a.action}`), ['d1:delay', 'd2:delay', 's:status']);
});

t.test('a lognormal delay is seeded, centred near its median and capped', async (t) => {
  const draw = (seed: number) => {
    const r = createRandom(seed, 'faults', 'x');
    return Array.from({ length: 301 }, () => drawDelay({ median_ms: 100, sigma: 0.5 }, r));
  };
  const a = draw(3);
  t.same(draw(3), a, 'same seed, same delays');
  const median = [...a].sort((x, y) => x - y)[150]!;
  t.ok(median > 70 && median < 140, `median near 100 ms (got ${median})`);
  t.ok(a.every((d) => d >= 0 && d <= 1000), 'never above ten times the median');
  t.equal(drawDelay(250, createRandom(1)), 250, 'a fixed delay is the number itself');
});

t.test('rate_limit: N requests per window, then 429 with Retry-After = seconds until the oldest leaves', async (t) => {
  const rules: FaultRule[] = [{ id: 'q', rate_limit: { requests: 2, per_seconds: 10 } }];
  let counters: Counters = {};
  const at = (now: number) => {
    const result = decideFaults(rules, FIRST, counters, () => createRandom(1), now);
    counters = result.counters;
    const a = result.decision.action;
    return a?.kind === 'status' ? `${a.status} retry-after ${a.headers['retry-after']}` : 'ok';
  };
  t.equal(at(0), 'ok');
  t.equal(at(1_000), 'ok');
  t.equal(at(2_000), '429 retry-after 8', 'the request at 0 leaves the window at 10 s');
  t.equal(at(9_500), '429 retry-after 1', 'rounded up: 0.5 s left is 1 s');
  t.equal(at(10_000), 'ok', 'the request at 0 has left; rejected ones never counted');
  t.equal(at(10_500), '429 retry-after 1', 'the request at 1 s leaves at 11 s');
  t.equal(at(11_000), 'ok');
  t.equal(counters.q!.fired, 3);
  const body = decideFaults(rules, FIRST, { q: { matched: 2, fired: 0, admitted: [0, 1] } }, () => createRandom(1), 2);
  const action = body.decision.action;
  t.equal(action?.kind === 'status' && JSON.parse(action.body).error, 'rate_limited');
});

t.test('status resolves its body: default error JSON by code, a given object, or text', async (t) => {
  const one = (rule: FaultRule) => {
    const a = decideFaults([rule], FIRST, {}, () => createRandom(1), 0).decision.action;
    if (a?.kind !== 'status') throw new Error('expected a status action');
    return a;
  };
  t.match(JSON.parse(one({ id: 's', status: 503 }).body), { error: 'service_unavailable', message: /fault rule s/ });
  t.match(JSON.parse(one({ id: 's', status: 502 }).body), { error: 'bad_gateway' });
  t.match(JSON.parse(one({ id: 's', status: 418 }).body), { error: 'client_error' });
  t.same(JSON.parse(one({ id: 's', status: 500, body: { error: 'x', message: 'y' } }).body), { error: 'x', message: 'y' });
  const text = one({ id: 's', status: 500, body: 'oops' });
  t.equal(text.body, 'oops');
  t.match(text.contentType, /^text\/plain/);
  t.equal(one({ id: 's', status: 503, retry_after: 'Wed, 21 Oct 2026 07:28:00 GMT' }).headers['retry-after'], 'Wed, 21 Oct 2026 07:28:00 GMT');
});

t.test('the engine: ids, counters, remove, scenario load and clear replay the same schedule', async (t) => {
  const engine = createFaultEngine(42, () => 0);
  const [a, b] = engine.add([{ status: 503, probability: 0.5 }, { id: 'mine', reset: true, nth: 2 }]);
  t.equal(a!.id, 'rule-1');
  t.equal(b!.id, 'mine');
  t.throws(() => engine.add([{ id: 'mine', empty: true }]), /already in use/);
  const run = () => Array.from({ length: 20 }, () => engine.decide(FIRST).action?.kind ?? '-').join(',');
  const first = run();
  t.match(engine.list().rules[0], { matched: 20 });
  t.ok(engine.remove('mine'));
  t.notOk(engine.remove('mine'));
  engine.load({ name: 'x', description: 'd', rules: [{ status: 503, probability: 0.5 }, { id: 'mine', reset: true, nth: 2 }] });
  t.same(engine.list().scenario, 'x');
  t.same(engine.rules().map((r) => r.id), ['x-1', 'mine']);
  engine.clear();
  engine.add([{ status: 503, probability: 0.5 }, { id: 'mine', reset: true, nth: 2 }]);
  t.equal(run(), first, 'after clear the same rules replay the same schedule');
});
