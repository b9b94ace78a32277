import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppliedFault } from '../../api/faults.js';
import type { FaultDecision } from './decide.js';
import { createFaultEngine, type Clock, type FaultEngine } from './engine.js';
import { createJournal, redactUrl, type RequestJournal } from './journal.js';
import type { LoadedScenario } from './scenarios.js';

declare module 'fastify' {
  interface FastifyInstance {
    faults: FaultEngine;
    journal: RequestJournal;
    /** The clock of the fault engine and the journal. */
    faultClock: Clock;
  }
  interface FastifyRequest {
    faultDecision: FaultDecision | null;
    faultStartMs: number;
    /** The page a route answered (has_more, records), for the journal; null for anything else. */
    journalPage: { hasMore: boolean; records: number } | null;
  }
}

export interface FaultOptions {
  /** Scenario loaded by the process entry (server/main.ts) to start with. */
  scenario?: LoadedScenario;
  /** Time for rate-limit windows and the journal; `Date.now` unless a test injects one. */
  clock?: Clock;
  journalCapacity?: number;
}

/**
 * Adds the fault engine and the request journal to the app: decorates `app.faults`,
 * `app.journal` and `app.faultClock`, loads the start-up scenario, and journals every
 * request outside /__admin. Registered on the root instance so its hooks see all routes;
 * the faults themselves act only inside the data paths' scopes (see ./inject.ts and
 * ../routes/data.ts), each rule on every data path or on the one its `path` names.
 *
 * @example
 * registerFaults(app, { scenario: loadScenario('flaky') });
 */
export function registerFaults(app: FastifyInstance, options: FaultOptions = {}): void {
  const clock = options.clock ?? Date.now;
  const engine = createFaultEngine(app.config.seed, clock, app.config.verticals.map((p) => `/${p}_data`));
  if (options.scenario !== undefined) engine.load(options.scenario);
  app.decorate('faults', engine);
  app.decorate('journal', createJournal(options.journalCapacity));
  app.decorate('faultClock', clock);
  app.decorateRequest('faultDecision', null);
  app.decorateRequest('faultStartMs', 0);
  app.decorateRequest('journalPage', null);

  app.addHook('onRequest', async (request) => {
    request.faultStartMs = clock();
  });
  app.addHook('onResponse', async (request, reply) => recordRequest(app, request, reply.statusCode));
}

/** What a journal entry is made of: a Fastify request has it, and so has a page the fast path served (../routes/fast-data.ts). */
export type JournalRequest = Pick<FastifyRequest, 'method' | 'url' | 'headers' | 'query' | 'faultStartMs' | 'faultDecision' | 'journalPage'>;

/**
 * One journal entry; `status` is the HTTP status, or the socket fault (reset, empty,
 * hang, truncate) when no whole answer was sent.
 */
export function recordRequest(app: FastifyInstance, request: JournalRequest, status: number | string): void {
  if (request.url.startsWith('/__admin')) return;
  const applied: AppliedFault[] = request.faultDecision?.applied ?? [];
  app.journal.record({
    time: isoTime(request.faultStartMs),
    method: request.method,
    // app.acceptedKeys is made from these same keys (server/app.ts).
    url: redactUrl(request.url, app.config.apiKeys),
    status,
    faults: applied,
    duration_ms: Math.max(0, app.faultClock() - request.faultStartMs),
    ...(status === 200 && request.journalPage !== null ? { has_more: request.journalPage.hasMore, records: request.journalPage.records } : {}),
    ...credentialsOf(request),
  });
}

let lastMs = Number.NaN;
let lastIso = '';
/** `new Date(ms).toISOString()`, made once per millisecond: requests of the same millisecond share it. */
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/** Header and query names that look like a credential (a key, token, auth); the journal keeps names only. */
const CREDENTIAL_NAME = /key|token|secret|auth|password/i;

/**
 * Where a request carried something that looks like a key, as `header NAME` / `query NAME`:
 * the tester's diagnosis tells a key in the wrong header or parameter from a wrong key.
 *
 * @example
 * credentialsOf(request) // { credentials: ['header api-key'] } for a request with the header api-key
 */
export function credentialsOf(request: Pick<FastifyRequest, 'headers' | 'query'>): { credentials?: string[] } {
  const found = Object.keys(request.headers).filter((name) => CREDENTIAL_NAME.test(name)).map((name) => `header ${name}`);
  const query = request.query;
  if (query !== null && typeof query === 'object') found.push(...Object.keys(query).filter((name) => CREDENTIAL_NAME.test(name)).map((name) => `query ${name}`));
  return found.length === 0 ? {} : { credentials: found.sort() };
}
