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
 * the faults themselves act only inside the /hed_data scope (see ./inject.ts).
 *
 * @example
 * registerFaults(app, { scenario: loadScenario('flaky') });
 */
export function registerFaults(app: FastifyInstance, options: FaultOptions = {}): void {
  const clock = options.clock ?? Date.now;
  const engine = createFaultEngine(app.config.seed, clock);
  if (options.scenario !== undefined) engine.load(options.scenario);
  app.decorate('faults', engine);
  app.decorate('journal', createJournal(options.journalCapacity));
  app.decorate('faultClock', clock);
  app.decorateRequest('faultDecision', null);
  app.decorateRequest('faultStartMs', 0);

  app.addHook('onRequest', async (request) => {
    request.faultStartMs = clock();
  });
  app.addHook('onResponse', async (request, reply) => recordRequest(app, request, reply.statusCode));
}

/**
 * One journal entry; `status` is the HTTP status, or the socket fault (reset, empty,
 * hang, truncate) when no whole answer was sent.
 */
export function recordRequest(app: FastifyInstance, request: FastifyRequest, status: number | string): void {
  if (request.url.startsWith('/__admin')) return;
  const applied: AppliedFault[] = request.faultDecision?.applied ?? [];
  app.journal.record({
    time: new Date(request.faultStartMs).toISOString(),
    method: request.method,
    url: redactUrl(request.url, [...app.config.apiKeys, ...app.acceptedKeys]),
    status,
    faults: applied,
    duration_ms: Math.max(0, app.faultClock() - request.faultStartMs),
  });
}
