import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError } from '../config.js';
import { sendSerializedJson } from '../reply.js';
import type { AppliedFault } from '../../api/faults.js';
import type { FaultDecision, ResolvedAction } from './decide.js';
import { createFaultEngine, type Clock, type FaultEngine } from './engine.js';
import { createJournal, redactUrl, type RequestJournal } from './journal.js';
import { driftPage, htmlErrorPage, malformedBody, overlapStart, truncatedLength } from './page-shape.js';
import { loadScenario, ScenarioError } from './scenarios.js';

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
  /** Scenario to load at start: a name from fixtures/scenarios or a file path. */
  scenario?: string;
  /** Time for rate-limit windows and the journal; `Date.now` unless a test injects one. */
  clock?: Clock;
  journalCapacity?: number;
}

/** The route faults apply to; the admin API and the docs are never faulted. */
export const FAULTED_ROUTE = '/hed_data';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Adds the fault engine and the request journal to the app: decorates `app.faults` and
 * `app.journal`, loads the start-up scenario (an unknown name fails here, listing the
 * valid ones), decides faults for GET /hed_data in a preHandler and journals every
 * request outside /__admin. Registered on the root instance so its hooks see all routes.
 *
 * @example
 * registerFaults(app, { scenario: 'flaky' });
 */
export function registerFaults(app: FastifyInstance, options: FaultOptions = {}): void {
  const clock = options.clock ?? Date.now;
  const engine = createFaultEngine(app.config.seed, clock);
  const journal = createJournal(options.journalCapacity);
  if (options.scenario !== undefined) {
    try {
      engine.load(loadScenario(options.scenario));
    } catch (err) {
      if (err instanceof ScenarioError) throw new ConfigError(`--scenario / HED_SCENARIO: ${err.message}`);
      throw err;
    }
  }
  app.decorate('faults', engine);
  app.decorate('journal', journal);
  app.decorate('faultClock', clock);
  app.decorateRequest('faultDecision', null);
  app.decorateRequest('faultStartMs', 0);

  app.addHook('onRequest', async (request) => {
    request.faultStartMs = clock();
  });
  app.addHook('onResponse', async (request, reply) => recordRequest(app, request, reply.statusCode));

  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url !== FAULTED_ROUTE || engine.rules().length === 0) return;
    const cursor = (request.query as { cursor?: string }).cursor;
    let cursorValid = false;
    if (cursor) {
      try {
        app.cursors.decode(cursor);
        cursorValid = true;
      } catch {
        // The handler answers invalid_cursor; only expire_cursor cares here.
      }
    }
    const decision = engine.decide({ page: cursor ? 'later' : 'first', cursorValid });
    request.faultDecision = decision;
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.action) return answerEarly(request, reply, decision.action, (status) => recordRequest(app, request, status));
  });
}

/** Actions that replace the answer before the page is read; page-shaping ones return undefined. */
function answerEarly(request: FastifyRequest, reply: FastifyReply, action: ResolvedAction, journalSocketFault: (what: string) => void): FastifyReply | undefined {
  const socket = request.raw.socket;
  switch (action.kind) {
    case 'status':
      return reply.code(action.status).headers(action.headers).type(action.contentType).send(action.body);
    case 'html':
      return reply.code(action.status).type('text/html; charset=utf-8').send(htmlErrorPage(action.status));
    case 'expire_cursor':
      return reply.code(400).type(JSON_TYPE).send(
        JSON.stringify({
          error: 'invalid_cursor',
          message: `The cursor has expired (fault rule ${action.rule}). Cursors are kept for a limited time: start again without a cursor (a full sync).`,
        }),
      );
    case 'auth_expiry':
      return reply.code(401).type(JSON_TYPE).send(
        JSON.stringify({ error: 'unauthorized', message: `The API key has expired (fault rule ${action.rule}). Get a new key and put it in the configuration.` }),
      );
    case 'reset':
      reply.hijack();
      journalSocketFault('reset');
      // RST instead of FIN: the client sees ECONNRESET, as when a load balancer drops it.
      socket.resetAndDestroy();
      return reply;
    case 'empty':
      reply.hijack();
      journalSocketFault('empty');
      socket.destroy();
      return reply;
    case 'hang':
      reply.hijack();
      // Never answered: the journal entry is written when the client (or shutdown) closes it.
      socket.once('close', () => journalSocketFault('hang'));
      return reply;
    default:
      return undefined;
  }
}

/**
 * Sends the /hed_data page, shaped by the request's fault if it has a page-shaping one
 * (overlap, drift, malformed, truncate, dribble). `render(from)` is the page after a
 * position, serialized.
 *
 * @example
 * return sendFaultedPage(app, request, reply, position, pageSize, (from) => renderPage(app, from, pageSize));
 */
export function sendFaultedPage(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  position: number,
  pageSize: number,
  render: (from: number) => string,
): FastifyReply {
  const action = request.faultDecision?.action;
  switch (action?.kind) {
    case 'overlap': {
      // At most page_size - 1 records: every page must still end past the cursor, or a
      // client following next_cursor would walk backwards or stall.
      const records = Math.min(action.records, pageSize - 1);
      return sendSerializedJson(reply, render(records > 0 ? overlapStart((p, n) => app.store.rowsAfter(p, n), position, records) : position));
    }
    case 'drift':
      return sendSerializedJson(reply, driftPage(render(position), action));
    case 'malformed':
      return sendSerializedJson(reply, malformedBody(render(position)));
    case 'truncate': {
      const body = Buffer.from(render(position));
      reply.hijack();
      const raw = reply.raw;
      // The full length is promised, part is sent, then the connection closes.
      raw.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': body.length });
      raw.write(body.subarray(0, truncatedLength(body.length, action.fraction)), () => raw.destroy());
      recordRequest(app, request, 'truncate');
      return reply;
    }
    case 'dribble': {
      const body = Buffer.from(render(position));
      const { chunkBytes, intervalMs } = action;
      async function* chunks() {
        for (let at = 0; at < body.length; at += chunkBytes) {
          if (at > 0) await sleep(intervalMs);
          yield body.subarray(at, at + chunkBytes);
        }
      }
      reply.header('content-length', body.length);
      return sendSerializedJson(reply, Readable.from(chunks(), { objectMode: false }));
    }
    default:
      return sendSerializedJson(reply, render(position));
  }
}

/** One journal entry; `status` is the HTTP status, or the socket fault when none was answered. */
function recordRequest(app: FastifyInstance, request: FastifyRequest, status: number | string): void {
  if (request.url.startsWith('/__admin')) return;
  const applied: AppliedFault[] = request.faultDecision?.applied ?? [];
  app.journal.record({
    time: new Date(request.faultStartMs).toISOString(),
    method: request.method,
    url: redactUrl(request.url, app.config.apiKeys),
    status,
    faults: applied,
    duration_ms: Math.max(0, app.faultClock() - request.faultStartMs),
  });
}
