// Warnings: what a connector did wrong even when the rows came out right. Pure functions
// over the request journal and the run results; the runner only collects the inputs.

/** The kinds of warning, each with one line of advice. */
export const WARNING_ADVICE = {
  'silent-partial-sync':
    'Let errors propagate out of update() (log, then raise): Fivetran then marks the sync failed and retries from the last checkpoint; returning normally records the missing rows as synced.',
  'retry-too-soon': 'On 429 and 503 read Retry-After (seconds or an HTTP-date) and wait at least that long before the next request.',
  'no-request-timeout':
    'Give every request a timeout (requests.get(url, timeout=(5, 30))) and retry when it expires: a request the server never answers otherwise blocks the sync forever.',
  'fault-not-met':
    'Read this verdict as untested, not as passed or failed for this fault: run the scenario again with a smaller page_size in the configuration (more, quicker requests), or test the handling directly with a fault rule (docs/faults-and-scenarios.md).',
} as const;

/** A warning kind. */
export type WarningKind = keyof typeof WARNING_ADVICE;

/** One warning in a scenario's result. */
export interface ScenarioWarning {
  kind: WarningKind;
  /** What happened, as a sentence. */
  message: string;
  /** What to change in the connector (WARNING_ADVICE). */
  advice: string;
}

/** A Retry-After the mock answered: when the answer was sent and how long it asked for. */
export interface RetryAfterGiven {
  answeredAtMs: number;
  seconds: number;
}

/** A request as the warnings need it: when it arrived (epoch ms). */
export interface RequestArrival {
  arrivedAtMs: number;
}

/** Makes a warning of a kind with its advice (or advice that fits the case better). */
export function warning(kind: WarningKind, message: string, advice: string = WARNING_ADVICE[kind]): ScenarioWarning {
  return { kind, message, advice };
}

/**
 * The Retry-After header's seconds: a number of seconds or an HTTP-date (relative to
 * `nowMs`); undefined when it is neither.
 *
 * @example
 * parseRetryAfter('2', 0) // 2
 */
export function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - nowMs) / 1000);
}

/** One connector run's Retry-After answers and requests: a retry is judged only within its run. */
export interface RunRetries {
  given: readonly RetryAfterGiven[];
  requests: readonly RequestArrival[];
}

/**
 * One `retry-too-soon` warning when, within one run, a request followed a Retry-After
 * answer sooner than it asked (with `toleranceMs` of slack for clocks and scheduling),
 * naming the worst case. The first request of the next run is the harness starting a
 * sync (a rerun, the incremental round), not the connector retrying: it is never judged.
 *
 * @example
 * retryWarnings([{ given: [{ answeredAtMs: 0, seconds: 2 }], requests: [{ arrivedAtMs: 300 }] }]) // [{ kind: 'retry-too-soon', ... }]
 */
export function retryWarnings(runs: readonly RunRetries[], toleranceMs = 250): ScenarioWarning[] {
  let early = 0;
  let total = 0;
  let worst: { waitedMs: number; seconds: number } | undefined;
  for (const run of runs) {
    const arrivals = run.requests.map((r) => r.arrivedAtMs).sort((a, b) => a - b);
    for (const answer of run.given) {
      total += 1;
      const next = arrivals.find((t) => t > answer.answeredAtMs);
      if (next === undefined) continue;
      const waitedMs = next - answer.answeredAtMs;
      if (waitedMs + toleranceMs >= answer.seconds * 1000) continue;
      early += 1;
      if (worst === undefined || waitedMs / (answer.seconds * 1000) < worst.waitedMs / (worst.seconds * 1000)) worst = { waitedMs, seconds: answer.seconds };
    }
  }
  if (worst === undefined) return [];
  return [
    warning(
      'retry-too-soon',
      `${early} of ${total} Retry-After answer${total === 1 ? '' : 's'} ${early === 1 ? 'was' : 'were'} not waited out (next request after ${(worst.waitedMs / 1000).toFixed(1)} s where Retry-After said ${worst.seconds} s).`,
    ),
  ];
}

/** A run as the partial-sync warning needs it: how it ended, what was then missing, how its requests went. */
export interface RunOutcome {
  round: 'full' | 'incremental';
  ok: boolean;
  /** Source records with no row in the warehouse right after the run. */
  lostAfter: number;
  /** The run's last request failed (an error status, a socket fault, or a body a fault broke): it stopped on an error. */
  endedOnFailedRequest: boolean;
  /** Every request of the run was refused with 401: the key is wrong, and the advice says so. */
  allUnauthorized?: boolean;
}

/** The advice for a run whose every request was refused with 401 (see tester/diagnose.ts). */
export const WRONG_KEY_ADVICE = 'Send a key the API accepts in the header x-api-key (the mock refused every request with 401); a sync that logs the 401 and returns also hides the failure from Fivetran.';

/** Whether a journal status is a failure: 4xx/5xx, or a socket fault (reset, empty, truncate, hang). */
export function isFailedStatus(status: number | string): boolean {
  return typeof status === 'string' || status >= 400;
}

/**
 * `silent-partial-sync` warnings: runs that stopped right after a failed request and
 * still reported success, with rows missing. (Rows lost while the run went on, e.g. to a
 * paging bug, make the verdict fail without this warning.)
 *
 * @example
 * partialSyncWarnings([{ round: 'full', ok: true, lostAfter: 200, endedOnFailedRequest: true }]) // one warning
 */
export function partialSyncWarnings(runs: readonly RunOutcome[]): ScenarioWarning[] {
  return runs
    .filter((run) => run.ok && run.lostAfter > 0 && run.endedOnFailedRequest)
    .map((run) =>
      warning(
        'silent-partial-sync',
        `${run.round === 'incremental' ? 'An incremental' : 'A full'} sync reported success right after a failed request, with ${run.lostAfter} source record${run.lostAfter === 1 ? '' : 's'} missing from the warehouse.`,
        run.allUnauthorized === true ? WRONG_KEY_ADVICE : WARNING_ADVICE['silent-partial-sync'],
      ),
    );
}

/**
 * A `no-request-timeout` warning when a run had to be stopped while the mock still held
 * a request it never answered: the connector was waiting on it with no timeout.
 *
 * @example
 * hangWarnings(1, 60) // one warning
 */
export function hangWarnings(pendingHangs: number, stoppedAfterS: number): ScenarioWarning[] {
  if (pendingHangs <= 0) return [];
  return [warning('no-request-timeout', `A request the server never answered was still waiting when the run was stopped after ${stoppedAfterS} s; only the scenario's end released it.`)];
}

/**
 * A `fault-not-met` warning when a scenario with fault rules ran and none of its faults
 * ever fired: a quota (rate-limited) depends on the connector's pace, and a connector
 * slower than the quota never meets a 429, so its verdict says nothing about the fault.
 *
 * @example
 * unmetFaultWarnings('rate-limited', 1, 0, 14) // one warning
 * unmetFaultWarnings('rate-limited', 1, 3, 15) // []
 */
export function unmetFaultWarnings(scenario: string, rules: number, faultsMet: number, pagesServed: number): ScenarioWarning[] {
  // No page served at all (every request refused, or none made): other warnings and causes say why.
  if (rules === 0 || faultsMet > 0 || pagesServed === 0) return [];
  return [warning('fault-not-met', `None of the ${scenario} scenario's faults fired in the ${pagesServed} page(s) the mock served: this run did not test how the connector handles them.`)];
}
