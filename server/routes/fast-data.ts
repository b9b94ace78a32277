import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { guardedRequestOf, guardRequest, SECURITY_HEADERS, type HostAllowList } from '../../api/serving.js';
import { CURSOR_PARAM_PATTERN, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, PAGE_SIZE_MIN } from '../../api/page.js';
import type { RawJournalEntry } from '../faults/journal.js';
import type { DataPath } from './data.js';

const JSON_TYPE = 'application/json; charset=utf-8';
/** The route's headers in Fastify's order, before the length: its type, then the guard's security headers. */
const PAGE_HEADERS: Readonly<Record<string, string>> = { 'content-type': JSON_TYPE, ...SECURITY_HEADERS };
/** Header objects kept, one per body length (pages of a path are of few lengths), before the lot is dropped. */
const HEADER_SETS_MAX = 1024;
/** Host headers the guard let through, remembered (a GET is judged on its host alone). */
const KNOWN_HOSTS_MAX = 64;
const PAGE_SIZE_TEXT = /^[0-9]{1,9}$/;
const CURSOR_TEXT = new RegExp(CURSOR_PARAM_PATTERN);

/** The fast path of a server, as `app.fastPages` shows it. */
export interface FastPages {
  /** Requests it answered (Fastify answered the others). */
  readonly answered: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The data paths' fast path, or null when Fastify answers every request (tests, request logs). */
    fastPages: FastPages | null;
  }
}

/** A request the fast path answers: the page's path, its size and the position it starts after. */
interface FastPage {
  path: DataPath;
  pageSize: number;
  position: number;
}

/** No fault rule is loaded when the fast path answers. */
const NO_FAULTS: readonly never[] = Object.freeze([]);
/** Where a response keeps its journal entry until it is handed to the socket. */
const ENTRY = Symbol('journal entry');
type JournaledResponse = ServerResponse & { [ENTRY]?: RawJournalEntry };

/**
 * The data paths' common answer without Fastify: `GET /{prefix}_data` with a valid key, at
 * most `page_size` and `cursor` as plain text, no fault rule, served from the path's page
 * cache with the very headers and journal entry the route (./data.ts) gives. Fastify's
 * request and reply objects and its dozen hooks cost more than the page itself (a 44 KiB
 * page from the cache answered at 0.4–0.5 of a bare node:http server, on every path
 * alike), so the mock's HTTP server asks this first and hands everything else to Fastify
 * unchanged: another method or path, a bad or missing key, a refused host, a percent
 * escape, any other parameter, a repeated one, a page size out of range, a cursor that is
 * not ours, a body, fault rules, a request log (info or debug), shutdown. Each check is
 * the route's own, or stricter; what passes them the route answers 200 with these bytes
 * (test/server/fast-data.test.ts holds the two answers equal, byte for byte).
 *
 * Only the server's `request` listener changes: `inject()` (the tests') and any second
 * binding Fastify makes for a host name with several addresses go through Fastify.
 *
 * @example
 * serveDataPagesFast(app, served, allowed) // after the routes are registered
 */
export function serveDataPagesFast(app: FastifyInstance, served: ReadonlyMap<string, DataPath>, allowed: HostAllowList): FastPages | null {
  const server = app.server;
  const listeners = server.listeners('request');
  if (listeners.length !== 1) return null;
  const stats = { answered: 0 };
  const slow = listeners[0] as (request: IncomingMessage, response: ServerResponse) => void;
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  const knownHosts = new Set<string>();
  // writeHead only reads its headers object: answers of one length share one.
  const headerSets = new Map<number, Readonly<Record<string, string>>>();
  const headersFor = (length: number): Readonly<Record<string, string>> => {
    let headers = headerSets.get(length);
    if (headers === undefined) {
      if (headerSets.size >= HEADER_SETS_MAX) headerSets.clear();
      headers = { ...PAGE_HEADERS, 'content-length': String(length) };
      headerSets.set(length, headers);
    }
    return headers;
  };

  const hostAllowed = (request: IncomingMessage): boolean => {
    const host = request.headers.host;
    if (host !== undefined && knownHosts.has(host)) return true;
    // For a GET the guard decides on the Host header alone (api/serving.ts).
    if (guardRequest(guardedRequestOf({ method: 'GET', url: request.url ?? '', headers: request.headers }), allowed, 'mock') !== undefined) return false;
    if (host !== undefined && knownHosts.size < KNOWN_HOSTS_MAX) knownHosts.add(host);
    return true;
  };

  /** The page a request asks for, or undefined when Fastify is to answer it. */
  const fastPage = (request: IncomingMessage): FastPage | undefined => {
    if (closing || request.method !== 'GET') return undefined;
    const url = request.url ?? '';
    const q = url.indexOf('?');
    const path = served.get(q < 0 ? url : url.slice(0, q));
    if (path === undefined || url.includes('%')) return undefined;
    const headers = request.headers;
    if (headers['content-length'] !== undefined || headers['transfer-encoding'] !== undefined) return undefined;
    if (!hostAllowed(request)) return undefined;
    // checkApiKey (./data.ts), without the refusal.
    const key = headers['x-api-key'] ?? headers['api_key'];
    if (typeof key !== 'string' || key === '' || !app.acceptedKeys.has(key)) return undefined;
    if (app.faults.rules().length > 0) return undefined;

    let pageSize: number | undefined;
    let cursor: string | undefined;
    // The query's pairs, scanned in place (no array of them).
    for (let from = q + 1; q >= 0 && from <= url.length; ) {
      let to = url.indexOf('&', from);
      if (to < 0) to = url.length;
      const eq = url.indexOf('=', from);
      if (eq < 0 || eq > to) return undefined;
      const name = url.slice(from, eq);
      const value = url.slice(eq + 1, to);
      from = to + 1;
      if (name === 'page_size' && pageSize === undefined && PAGE_SIZE_TEXT.test(value)) {
        pageSize = Number(value);
        if (pageSize < PAGE_SIZE_MIN || pageSize > PAGE_SIZE_MAX) return undefined;
      } else if (name === 'cursor' && cursor === undefined && CURSOR_TEXT.test(value)) {
        cursor = value;
      } else {
        return undefined;
      }
    }
    let position = 0;
    if (cursor) {
      try {
        position = path.cursors.decode(cursor);
      } catch {
        return undefined;
      }
    }
    return { path, pageSize: pageSize ?? PAGE_SIZE_DEFAULT, position };
  };

  /**
   * The journal entry, as Fastify's onResponse makes it (../faults/wire.ts): once, when
   * the answer is handed to the socket (or fails). One listener for every response; the
   * entry waits on the response.
   */
  function journalAnswer(this: JournaledResponse): void {
    this.removeListener('finish', journalAnswer);
    this.removeListener('error', journalAnswer);
    const entry = this[ENTRY]!;
    this[ENTRY] = undefined;
    entry.status = this.statusCode;
    entry.durationMs = Math.max(0, app.faultClock() - entry.startMs);
    if (entry.status !== 200) entry.hasMore = null;
    app.journal.record(entry);
  }

  const answer = (request: IncomingMessage, response: JournaledResponse, asked: FastPage): void => {
    const startMs = app.faultClock();
    const page = asked.path.pages.pageAfter(asked.position, asked.pageSize);
    // The query the route would journal is page_size and cursor, names that are never
    // credentials: none is kept. The headers are the request's own object, read when listed.
    response[ENTRY] = { startMs, method: 'GET', url: request.url!, status: 200, faults: NO_FAULTS, durationMs: 0, hasMore: page.hasMore, records: page.records, headers: request.headers, query: null };
    response.on('finish', journalAnswer);
    response.on('error', journalAnswer);
    response.writeHead(200, headersFor(page.body.length));
    response.end(page.body);
  };

  server.removeListener('request', slow);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const asked = fastPage(request);
    if (asked === undefined) slow(request, response);
    else {
      stats.answered += 1;
      answer(request, response, asked);
    }
  });
  return {
    get answered() {
      return stats.answered;
    },
  };
}
