import type { FastifyInstance } from 'fastify';
import { allowedHosts, BODY_DEPTH_MAX, guardedRequestOf, guardRequest, jsonDepth, SECURITY_HEADERS, tooDeepMessage, type HostAllowList } from '../../api/serving.js';
import { ApiError } from '../errors.js';
import { sendError } from './errors.js';

/**
 * Who may talk to the mock, before anything else runs (faults included): the Host header
 * must name loopback, the bound address (every address of this machine for 0.0.0.0) or a
 * `--allow-host` name; a state-changing request from a browser page on another site is
 * refused; a JSON body may nest at most BODY_DEPTH_MAX levels; every answer carries the
 * security headers. The rules are api/serving.ts's, shared with the app.
 *
 * Answers the host allow list it guards with.
 *
 * @example
 * registerRequestGuard(app) // first, right after the decorations
 */
export function registerRequestGuard(app: FastifyInstance, allowed: HostAllowList = allowedHosts(app.config.host, app.config.allowHosts)): HostAllowList {
  app.addHook('onRequest', async (request, reply) => {
    const refusal = guardRequest(guardedRequestOf(request), allowed, 'mock');
    if (refusal) return sendError(reply, new ApiError(refusal.code, refusal.message));
  });
  app.addHook('preValidation', async (request) => {
    if (request.body === null || typeof request.body !== 'object') return;
    const depth = jsonDepth(request.body);
    if (depth > BODY_DEPTH_MAX) throw new ApiError('invalid_request', tooDeepMessage(depth));
  });
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
  });
  return allowed;
}
