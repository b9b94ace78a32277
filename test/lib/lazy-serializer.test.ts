import t from 'tap';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import Fastify from 'fastify';
import { lazySerializerFactory } from '../../lib/lazy-serializer.js';

const SCHEMA = { type: 'object', properties: { n: { type: 'integer' }, s: { type: 'string' } } };

t.test('a serializer is compiled on its first use, once, and writes what the eager one writes', async (t) => {
  const build = SerializerSelector();
  let compiled = 0;
  const counting: typeof build = (external, options) => {
    const compile = build(external, options);
    return (route) => {
      compiled += 1;
      return compile(route);
    };
  };
  const lazy = lazySerializerFactory(counting)(undefined, undefined)({ method: 'GET', url: '/x', httpStatus: '200', schema: SCHEMA });
  t.equal(compiled, 0, 'nothing compiled before the first answer');
  const eager = build(undefined, undefined)({ method: 'GET', url: '/x', httpStatus: '200', schema: SCHEMA });
  const doc = { n: 3, s: 'a "quoted" <tag>', extra: 'dropped' };
  t.equal(lazy(doc), eager(doc));
  t.equal(lazy({ n: 4 }), eager({ n: 4 }));
  t.equal(compiled, 1, 'compiled once, on the first answer');
});

t.test('a Fastify app with the lazy factory answers with the schema\'s serializer (unknown fields dropped)', async (t) => {
  const app = Fastify({ schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory() } } });
  app.get('/x', { schema: { response: { 200: SCHEMA } } }, async () => ({ n: 1, s: 'x', secret: 'not in the schema' }));
  t.teardown(() => app.close());
  const response = await app.inject({ url: '/x' });
  t.equal(response.body, '{"n":1,"s":"x"}');
});
