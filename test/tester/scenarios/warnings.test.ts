import t from 'tap';
import { hangWarnings, isFailedStatus, unmetFaultWarnings, parseRetryAfter, partialSyncWarnings, retryWarnings, WARNING_ADVICE, WRONG_KEY_ADVICE } from '../../../tester/scenarios/warnings.js';

t.test('parseRetryAfter reads seconds and HTTP-dates', async (t) => {
  t.equal(parseRetryAfter('2', 0), 2);
  t.equal(parseRetryAfter(' 10 ', 0), 10);
  const now = Date.parse('2026-11-25T10:00:00Z');
  t.equal(parseRetryAfter('Wed, 25 Nov 2026 10:00:05 GMT', now), 5);
  t.equal(parseRetryAfter('Wed, 25 Nov 2026 09:00:00 GMT', now), 0, 'a date in the past is no wait');
  t.equal(parseRetryAfter('soon', now), undefined);
});

t.test('a request sooner than Retry-After is one warning naming the worst case', async (t) => {
  const given = [
    { answeredAtMs: 1000, seconds: 2 },
    { answeredAtMs: 10_000, seconds: 2 },
    { answeredAtMs: 20_000, seconds: 1 },
  ];
  const arrivals = [{ arrivedAtMs: 0 }, { arrivedAtMs: 1300 }, { arrivedAtMs: 12_100 }, { arrivedAtMs: 20_900 }];
  const warnings = retryWarnings([{ given, requests: arrivals }]);
  t.equal(warnings.length, 1);
  t.equal(warnings[0]!.kind, 'retry-too-soon');
  t.match(warnings[0]!.message, /^1 of 3 Retry-After answers was not waited out \(next request after 0\.3 s where Retry-After said 2 s\)\.$/);
  t.equal(warnings[0]!.advice, WARNING_ADVICE['retry-too-soon']);
  t.same(retryWarnings([{ given, requests: [{ arrivedAtMs: 3100 }, { arrivedAtMs: 12_000 }, { arrivedAtMs: 21_000 }] }]), [], 'all waited out (250 ms of slack)');
  t.same(retryWarnings([{ given, requests: [] }]), [], 'no request followed');
  const two = retryWarnings([{ given: [{ answeredAtMs: 0, seconds: 2 }, { answeredAtMs: 5000, seconds: 4 }], requests: [{ arrivedAtMs: 1000 }, { arrivedAtMs: 5100 }] }]);
  t.match(two[0]!.message, /^2 of 2 Retry-After answers were not waited out \(next request after 0\.1 s where Retry-After said 4 s\)/);
});

t.test('only the connector\'s own requests are judged: the harness starting the next run after a Retry-After is no retry', async (t) => {
  // A connector with no retry code: one request per round, answered 429 with Retry-After: 2;
  // the incremental round starts 0.5 s later. The journal is read across both rounds.
  const full = { given: [{ answeredAtMs: 1000, seconds: 2 }], requests: [{ arrivedAtMs: 990 }] };
  const incremental = { given: [{ answeredAtMs: 1510, seconds: 2 }], requests: [{ arrivedAtMs: 1500 }] };
  t.same(retryWarnings([full, incremental]), []);
  const retried = { given: [{ answeredAtMs: 1000, seconds: 2 }], requests: [{ arrivedAtMs: 990 }, { arrivedAtMs: 1200 }] };
  t.match(retryWarnings([retried, incremental])[0]!.message, /^1 of 2 Retry-After answers was not waited out/, 'a retry inside a run still counts');
});

t.test('a success right after a failed request, with rows missing, is a silent partial sync', async (t) => {
  const warnings = partialSyncWarnings([
    { round: 'full', ok: false, lostAfter: 300, endedOnFailedRequest: true },
    { round: 'full', ok: true, lostAfter: 0, endedOnFailedRequest: true },
    { round: 'full', ok: true, lostAfter: 5, endedOnFailedRequest: false },
    { round: 'incremental', ok: true, lostAfter: 1, endedOnFailedRequest: true },
  ]);
  t.equal(warnings.length, 1, 'rows lost by a run that went on to the end are the verdict\'s business, not this warning\'s');
  t.equal(warnings[0]!.kind, 'silent-partial-sync');
  t.equal(warnings[0]!.message, 'An incremental sync reported success right after a failed request, with 1 source record missing from the warehouse.');
  t.match(partialSyncWarnings([{ round: 'full', ok: true, lostAfter: 400, endedOnFailedRequest: true }])[0]!.message, /^A full sync .*400 source records missing/);
  const refused = partialSyncWarnings([{ round: 'full', ok: true, lostAfter: 600, endedOnFailedRequest: true, allUnauthorized: true }]);
  t.equal(refused[0]!.advice, WRONG_KEY_ADVICE, 'all-401 traffic: the advice is the key, not "let errors propagate"');
  t.notMatch(refused[0]!.advice, /propagate/);
  t.ok(isFailedStatus(503));
  t.ok(isFailedStatus('reset'));
  t.notOk(isFailedStatus(200));
});

t.test('a request still held when the run was stopped means no request timeout', async (t) => {
  t.same(hangWarnings(0, 30), []);
  const [warning] = hangWarnings(1, 30);
  t.equal(warning?.kind, 'no-request-timeout');
  t.match(warning?.message, /stopped after 30 s/);
});

t.test('a scenario whose faults never fired says its run tested nothing of them (fault-not-met)', async (t) => {
  const [w] = unmetFaultWarnings('rate-limited', 1, 0, 14);
  t.equal(w?.kind, 'fault-not-met');
  t.match(w!.message, /None of the rate-limited scenario's faults fired in the 14 page\(s\) the mock served/);
  t.equal(w!.advice, WARNING_ADVICE['fault-not-met']);
  t.same(unmetFaultWarnings('rate-limited', 1, 1, 15), [], 'a fault that fired once is met');
  t.same(unmetFaultWarnings('baseline', 0, 0, 14), [], 'a scenario without rules has nothing to meet');
  t.same(unmetFaultWarnings('hang', 1, 0, 0), [], 'no page served (every request refused, or none made): other warnings and causes say why');
});
