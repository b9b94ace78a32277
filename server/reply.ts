import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/**
 * Sends JSON that is already serialized (a cached page, a stream of stored records):
 * fastify passes strings and streams through without running the serializer again.
 */
export function sendSerializedJson(reply: FastifyReply, body: string | Readable): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(body);
}
