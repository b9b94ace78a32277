import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { AUTH, buildTestApp } from '../helpers/mock-server.js';
import { createResponseChecker } from '../../contracts/conformance.js';
import { servedOpenApiDocument, formatOpenApiDocument } from '../../contracts/openapi-document.js';
import { committedPactFiles, PACT_FILE, readPact } from '../../contracts/pact-files.js';
import { CONTRACT_API_KEY, createStateHandlers, PROVIDER_STATES } from '../../contracts/provider-states.js';
import type { ResponseViolation } from '../../server/plugins/response-validation.js';

// The helpers behind the contract suite, without Pact: what they accept and refuse.

t.test('servedOpenApiDocument is what a server serves, and formats with a final newline', async (t) => {
  const app = await buildTestApp({ students: 2 });
  t.teardown(() => app.close());
  const doc = await servedOpenApiDocument();
  t.same(doc, (await app.inject({ url: '/openapi.json' })).json());
  const text = formatOpenApiDocument(doc);
  t.ok(text.endsWith('}\n'));
  t.same(JSON.parse(text), doc);
});

t.test('the response checker follows status ranges, default responses and bodiless responses', async (t) => {
  const doc = {
    openapi: '3.1.0',
    paths: {
      '/things/{id}': {
        get: {
          responses: {
            '200': { content: { 'application/json': { schema: { type: 'object', required: ['id'] } } } },
            '4XX': { content: { 'application/json': { schema: { type: 'object', required: ['error'] } } } },
            default: { description: 'anything else, no body' },
          },
        },
      },
    },
  };
  const checker = createResponseChecker(doc);
  const json = 'application/json';
  t.same(checker.check({ method: 'GET', url: '/things/7', status: 200, contentType: json, body: '{"id":7}' }), []);
  t.match(checker.check({ method: 'GET', url: '/things/7', status: 200, contentType: json, body: '{}' }), [/required property 'id'/]);
  t.same(checker.check({ method: 'GET', url: '/things/7?x=1', status: 404, contentType: json, body: '{"error":"x"}' }), [], '4XX covers 404');
  t.match(checker.check({ method: 'GET', url: '/things/7', status: 418, contentType: json, body: '[]' }), [/body must be object/]);
  t.same(checker.check({ method: 'GET', url: '/things/7', status: 503, contentType: undefined, body: '' }), [], 'default without content');
  t.match(checker.check({ method: 'GET', url: '/things/7', status: 200, contentType: undefined, body: '{}' }), [/content type ""/]);
  t.match(checker.check({ method: 'GET', url: '/other', status: 200, contentType: json, body: '{}' }), [/not in the document/]);
  t.same(checker.methodsOf('/other'), []);
  t.same(checker.checkErrorBody('{"anything":1}'), [], 'no documented 400 schema: any JSON passes');
  t.match(checker.checkErrorBody('<html>'), [/not JSON/]);
});

t.test('readPact names the command that creates a missing pact; committedPactFiles lists ours', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hed-no-pact-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await t.rejects(readPact(join(dir, 'missing.json')), /npm run test:consumer/);
  t.ok((await committedPactFiles()).includes(PACT_FILE));
});

t.test('provider states refuse bad parameters and set the contract key', async (t) => {
  const app = await buildTestApp({ students: 20 });
  t.teardown(() => app.close());
  const { handlers, setups } = createStateHandlers(app);
  await t.rejects(handlers[PROVIDER_STATES.readUpTo]!({ position: -1 }), /position must be a whole number/);
  await t.rejects(handlers[PROVIDER_STATES.changedSinceLastSync]!({ update: 'two' }), /update must be a whole number/);

  const { cursor } = await handlers[PROVIDER_STATES.readUpTo]!();
  t.equal(app.cursors.decode(cursor!), 0, 'position defaults to 0');
  t.same([...app.acceptedKeys], [CONTRACT_API_KEY]);
  const denied = await app.inject({ url: '/hed_data', headers: AUTH });
  t.equal(denied.statusCode, 401, 'the default key is no longer accepted');

  const changed = await handlers[PROVIDER_STATES.changedSinceLastSync]!();
  const page = await app.inject({ url: `/hed_data?cursor=${changed.cursor}`, headers: { 'x-api-key': CONTRACT_API_KEY } });
  t.equal(page.json<{ hed_records: unknown[] }>().hed_records.length, 3, 'defaults: 2 updated and 1 created after the cursor');
  t.equal(setups.get(PROVIDER_STATES.changedSinceLastSync), 2, 'every setup is counted, the refused one included');
});

t.test('response validation: plain JSON schemas are left alone, a pre-serialized body that is not JSON is caught', async (t) => {
  const violations: ResponseViolation[] = [];
  const app = await buildTestApp({ students: 2 }, { validateResponses: { onViolation: (v) => violations.push(v) } });
  t.teardown(() => app.close());
  app.get('/test/plain', { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } }, async () => ({ ok: true }));
  app.get('/test/broken', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send('{"ok": tru'),
  );
  t.equal((await app.inject({ url: '/test/plain' })).statusCode, 200);
  const broken = await app.inject({ url: '/test/broken' });
  t.equal(broken.statusCode, 500);
  t.match(violations, [{ url: '/test/broken', stage: 'serialized-json', errors: [/body is not JSON/] }]);
});
