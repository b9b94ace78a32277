/**
 * Fastify's own response serializer (fast-json-stringify through
 * `@fastify/fast-json-stringify-compiler`), compiled when a route first answers with a
 * status instead of when the server starts. Fastify compiles one serializer per route and
 * status at `ready()`: with fifteen data paths that was about three fifths of the mock's
 * start (0.7 s of CPU of 1.2 s), paid by every `hed-mock serve`, every test that builds a
 * server and every attendee's start, for serializers most runs never call (a page is sent
 * from the page cache as text). The serializer is the same function, built from the same
 * schema and options, so every answer is the same bytes.
 *
 * @example
 * Fastify({ schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory() } } })
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

export function lazySerializerFactory(build: SerializerFactory = SerializerSelector()): SerializerFactory {
  return (externalSchemas, options) => {
    const compile = build(externalSchemas, options);
    return (route) => {
      let serialize: ((doc: unknown) => string) | undefined;
      return (doc) => (serialize ??= compile(route))(doc);
    };
  };
}
