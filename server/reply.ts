import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { pageCacheFor } from './core/page-cache.js';

/**
 * Sends JSON that is already serialized (a cached page, a stream of stored records):
 * fastify passes strings and streams through without running the serializer again. A
 * page the page cache holds goes out as its ready bytes (see server/core/page-cache.ts).
 */
export function sendSerializedJson(reply: FastifyReply, body: string | Readable): FastifyReply {
  const bytes = typeof body === 'string' ? pageCacheFor(reply.server).bytesOf(body) : undefined;
  return reply.type('application/json; charset=utf-8').send(bytes ?? body);
}
