import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppliedFault } from '../../api/faults.js';
import type { FaultDecision } from './decide.js';
import { createFaultEngine, type Clock, type FaultEngine } from './engine.js';
import { createJournal, type RequestJournal } from './journal.js';
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
  // The configured keys are redacted from every URL listed (app.acceptedKeys is made from them too, server/app.ts).
  app.decorate('journal', createJournal(options.journalCapacity, app.config.apiKeys));
  app.decorate('faultClock', clock);
  app.decorateRequest('faultDecision', null);
  app.decorateRequest('faultStartMs', 0);
  app.decorateRequest('journalPage', null);

  app.addHook('onRequest', async (request) => {
    request.faultStartMs = clock();
  });
  app.addHook('onResponse', async (request, reply) => recordRequest(app, request, reply.statusCode));
}

/** What a journal entry is made of: a Fastify request has it. */
export type JournalRequest = Pick<FastifyRequest, 'method' | 'url' | 'headers' | 'query' | 'faultStartMs' | 'faultDecision' | 'journalPage'>;

/** The faults of a request no rule touched: one array for all of them (the journal copies it when listed). */
const NO_FAULTS: readonly AppliedFault[] = Object.freeze([]);

/**
 * One journal entry; `status` is the HTTP status, or the socket fault (reset, empty,
 * hang, truncate) when no whole answer was sent. Only the raw entry is made here, a few
 * fields and references: the journal redacts and formats it when it is listed
 * (./journal.ts).
 */
export function recordRequest(app: FastifyInstance, request: JournalRequest, status: number | string): void {
  if (request.url.startsWith('/__admin')) return;
  app.journal.record({
    startMs: request.faultStartMs,
    method: request.method,
    url: request.url,
    status,
    faults: request.faultDecision?.applied ?? NO_FAULTS,
    durationMs: Math.max(0, app.faultClock() - request.faultStartMs),
    hasMore: status === 200 && request.journalPage !== null ? request.journalPage.hasMore : null,
    records: status === 200 && request.journalPage !== null ? request.journalPage.records : 0,
    headers: request.headers,
    query: request.query,
  });
}
