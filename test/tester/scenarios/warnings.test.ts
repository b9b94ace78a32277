import t from 'tap';
import { hangWarnings, isFailedStatus, parseRetryAfter, partialSyncWarnings, retryWarnings, WARNING_ADVICE } from '../../../tester/scenarios/warnings.js';

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
  const warnings = retryWarnings(given, arrivals);
  t.equal(warnings.length, 1);
  t.equal(warnings[0]!.kind, 'retry-too-soon');
  t.match(warnings[0]!.message, /^1 of 3 Retry-After answers was not waited out \(next request after 0\.3 s where Retry-After said 2 s\)\.$/);
  t.equal(warnings[0]!.advice, WARNING_ADVICE['retry-too-soon']);
  t.same(retryWarnings(given, [{ arrivedAtMs: 3100 }, { arrivedAtMs: 12_000 }, { arrivedAtMs: 21_000 }]), [], 'all waited out (250 ms of slack)');
  t.same(retryWarnings(given, []), [], 'no request followed');
  const two = retryWarnings([{ answeredAtMs: 0, seconds: 2 }, { answeredAtMs: 5000, seconds: 4 }], [{ arrivedAtMs: 1000 }, { arrivedAtMs: 5100 }]);
  t.match(two[0]!.message, /^2 of 2 Retry-After answers were not waited out \(next request after 0\.1 s where Retry-After said 4 s\)/);
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
