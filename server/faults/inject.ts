import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../../api/errors.js';
import type { ResolvedAction } from './decide.js';
import { driftPage, htmlErrorPage, malformedBody, overlapStart, truncatedLength } from './page-shape.js';
import { recordRequest } from './wire.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** A data path: the position the page starts after (the decoded cursor; an overlap fault moves it back). */
    position: number;
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Faults around the routes of the scope it is registered in (one data path's: see
 * ../routes/data.ts; a rule with `path` acts on that path only): decide
 * early (a preHandler, after the cursor is decoded), answer early (statuses, socket
 * faults, a truncated page), move the page start (overlap), and reshape the page on the
 * way out (drift, malformed, dribble, in onSend). The route's handler knows nothing of
 * faults. Registered without encapsulation of its own (`skip-override`), so its hooks
 * land in the caller's scope and no other route sees them.
 *
 * @example
 * app.register(async (scope) => { scope.addHook('preHandler', decodeCursor); await scope.register(faultInjection); scope.get('/hed_data', ...) });
 */
export async function faultInjection(scope: FastifyInstance): Promise<void> {
  scope.addHook('preHandler', async (request, reply) => {
    const engine = scope.faults;
    if (engine.rules().length === 0) return;
    const later = Boolean((request.query as { cursor?: string }).cursor);
    // Only a cursor the server issued reaches here: a bad one was refused while decoding it.
    const decision = engine.decide({ page: later ? 'later' : 'first', cursorValid: later, path: scope.dataPath?.source.definition.path });
    request.faultDecision = decision;
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.action) return answerEarly(scope, request, reply, decision.action);
  });

  scope.addHook('onSend', async (request, reply, payload) => {
    const action = request.faultDecision?.action;
    if (action === undefined || reply.statusCode !== 200 || !Buffer.isBuffer(payload)) return payload;
    switch (action.kind) {
      case 'drift':
        return driftPage(payload.toString('utf8'), action, scope.dataPath?.source.definition.table);
      case 'malformed':
        return malformedBody(payload.toString('utf8'));
      case 'dribble': {
        const { chunkBytes, intervalMs } = action;
        async function* chunks(body: Buffer) {
          for (let at = 0; at < body.length; at += chunkBytes) {
            if (at > 0) await sleep(intervalMs);
            yield body.subarray(at, at + chunkBytes);
          }
        }
        reply.header('content-length', payload.length);
        return Readable.from(chunks(payload), { objectMode: false });
      }
      default:
        return payload;
    }
  });
}
// Like fastify-plugin: the hooks belong to the scope that registers this, not to a child.
Object.assign(faultInjection, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'fault-injection' });

/** The answer for actions that replace the page; undefined for those that only shape it. */
function answerEarly(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, action: ResolvedAction): FastifyReply | undefined {
  const socket = request.raw.socket;
  switch (action.kind) {
    case 'status':
      return reply.code(action.status).headers(action.headers).type(action.contentType).send(action.body);
    case 'html':
      return reply.code(action.status).type('text/html; charset=utf-8').send(htmlErrorPage(action.status));
    case 'expire_cursor':
      return reply.code(400).type(JSON_TYPE).send(errorBody('invalid_cursor', `The cursor has expired (fault rule ${action.rule}). Cursors are kept for a limited time: start again without a cursor (a full sync).`));
    case 'auth_expiry':
      return reply.code(401).type(JSON_TYPE).send(errorBody('unauthorized', `The API key has expired (fault rule ${action.rule}). Get a new key and put it in the configuration.`));
    case 'reset':
      reply.hijack();
      recordRequest(app, request, 'reset');
      // RST instead of FIN: the client sees ECONNRESET, as when a load balancer drops it.
      socket.resetAndDestroy();
      return reply;
    case 'empty':
      reply.hijack();
      recordRequest(app, request, 'empty');
      socket.destroy();
      return reply;
    case 'hang':
      reply.hijack();
      // Never answered: the journal entry is written when the client (or shutdown) closes it.
      socket.once('close', () => recordRequest(app, request, 'hang'));
      return reply;
    case 'truncate': {
      const body = pagesOf(app).pageAfter(request.position, pageSizeOf(request)).body;
      reply.hijack();
      const raw = reply.raw;
      // The full length is promised, part is sent, then the connection closes.
      raw.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': body.length });
      raw.write(body.subarray(0, truncatedLength(body.length, action.fraction)), () => raw.destroy());
      recordRequest(app, request, 'truncate');
      return reply;
    }
    case 'overlap': {
      // At most page_size - 1 records: every page must still end past the cursor, or a
      // client following next_cursor would walk backwards or stall.
      const records = Math.min(action.records, pageSizeOf(request) - 1);
      const rows = app.dataPath?.source ?? app.store;
      if (records > 0) request.position = overlapStart((p, n) => rows.rowsAfter(p, n), request.position, records);
      return undefined;
    }
    default:
      return undefined;
  }
}

const pageSizeOf = (request: FastifyRequest) => (request.query as { page_size: number }).page_size;
/** The pages of the data path whose scope this is (HED's outside any). */
const pagesOf = (app: FastifyInstance) => app.dataPath?.pages ?? app.pages;
