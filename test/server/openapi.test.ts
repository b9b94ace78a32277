import t from 'tap';
import { readFile } from 'node:fs/promises';
import { validate, compileErrors } from '@readme/openapi-parser';
import { Type } from '@sinclair/typebox';
import type { LightMyRequestResponse } from 'fastify';
import { AUTH, buildTestApp } from '../helpers/mock-server.js';
import { createResponseChecker, type SeenResponse } from '../../contracts/conformance.js';
import { formatOpenApiDocument, OPENAPI_PATH } from '../../contracts/openapi-document.js';
import type { ResponseViolation } from '../../server/plugins/response-validation.js';
import { HedPage } from '../../api/page.js';
import { listScenarios } from '../../server/faults/scenarios.js';

const seen = (method: string, url: string, res: LightMyRequestResponse): SeenResponse => ({
  method,
  url,
  status: res.statusCode,
  contentType: res.headers['content-type'] as string | undefined,
  body: res.body,
});

t.test('the committed contracts/openapi.json equals the served /openapi.json', async (t) => {
  const app = await buildTestApp({ students: 3 });
  t.teardown(() => app.close());
  const served = (await app.inject({ url: '/openapi.json' })).json();
  const committed = await readFile(new URL(`../../${OPENAPI_PATH}`, import.meta.url), 'utf8');
  t.same(JSON.parse(committed), served, `${OPENAPI_PATH} equals the served document (when not: run npx tsx contracts/write-openapi.ts and commit the diff)`);
  t.equal(committed, formatOpenApiDocument(served), 'and is written in the canonical format');
});

t.test('the served document is a valid OpenAPI 3 document', async (t) => {
  const app = await buildTestApp({ students: 3 });
  t.teardown(() => app.close());
  const doc = (await app.inject({ url: '/openapi.json' })).json();
  const result = await validate(structuredClone(doc));
  t.ok(result.valid, result.valid ? 'valid' : compileErrors(result));
  t.equal(result.specification, 'OpenAPI');
  t.match(doc, { openapi: /^3\.1\./, paths: { '/hed_data': { get: { security: [{ ApiKeyHeader: [] }] } } } });
  const pageSize = doc.paths['/hed_data'].get.parameters.find((p: { name: string }) => p.name === 'page_size');
  t.equal(pageSize.required, false, 'page_size is optional (default 100)');
});

t.test('the validator rejects a broken document', async (t) => {
  const doc = JSON.parse(await readFile(new URL(`../../${OPENAPI_PATH}`, import.meta.url), 'utf8'));
  doc.paths['/hed_data'].get.parameters[0].in = 'body'; // OpenAPI 3 has no body parameters
  const result = await validate(doc);
  t.equal(result.valid, false);
});

t.test('every response of a tour of the API conforms to the document, errors included', async (t) => {
  const violations: ResponseViolation[] = [];
  const checked: string[] = [];
  const app = await buildTestApp(
    { students: 30 },
    { validateResponses: { onViolation: (v) => violations.push(v), onChecked: (c) => checked.push(`${c.statusCode} ${c.url}`) } },
  );
  t.teardown(() => app.close());
  const checker = createResponseChecker((await app.inject({ url: '/openapi.json' })).json());

  const first = await app.inject({ url: '/hed_data?page_size=25', headers: AUTH });
  const cursor = first.json<HedPage>().next_cursor;
  const tour: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: object; status: number }[] = [
    { method: 'GET', url: '/hed_data', headers: AUTH, status: 200 },
    { method: 'GET', url: `/hed_data?page_size=25&cursor=${cursor}`, headers: AUTH, status: 200 },
    { method: 'GET', url: `/hed_data?page_size=200&cursor=${cursor}`, headers: { api_key: 'hed-demo-key' }, status: 200 },
    { method: 'GET', url: '/hed_data?page_size=0', headers: AUTH, status: 400 },
    { method: 'GET', url: '/hed_data?page_size=abc', headers: AUTH, status: 400 },
    { method: 'GET', url: `/hed_data?cursor=${cursor.slice(0, -2)}xy`, headers: AUTH, status: 400 },
    { method: 'GET', url: '/hed_data?cursor=not%20a%20cursor', headers: AUTH, status: 400 },
    { method: 'GET', url: '/hed_data', status: 401 },
    { method: 'GET', url: '/hed_data', headers: { 'x-api-key': 'wrong' }, status: 401 },
    { method: 'GET', url: '/healthz', status: 200 },
    { method: 'GET', url: '/openapi.json', status: 200 },
    { method: 'GET', url: '/hed_api_spec', status: 200 },
    { method: 'POST', url: '/__admin/mutations', payload: { update: 2, create: 1 }, status: 200 },
    { method: 'POST', url: '/__admin/mutations', payload: { update: -1 }, status: 400 },
    { method: 'POST', url: '/__admin/mutations', payload: { grow: 1 }, status: 400 },
    { method: 'GET', url: '/__admin/records', status: 200 },
    { method: 'POST', url: '/__admin/reset', status: 200 },
  ];
  for (const step of tour) {
    const res = await app.inject({ method: step.method, url: step.url, headers: step.headers, payload: step.payload });
    t.equal(res.statusCode, step.status, `${step.method} ${step.url} answers ${step.status}`);
    t.same(checker.check(seen(step.method, step.url, res)), [], `${step.method} ${step.url} conforms`);
  }
  const notFound = await app.inject({ url: '/nope' });
  t.equal(notFound.statusCode, 404);
  t.same(checker.checkErrorBody(notFound.body), [], '404 body has the documented error shape');
  t.same(violations, [], 'no handler produced a body that breaks its route schema');
  // Pages go out pre-serialized (often as cached bytes): they must still have been checked.
  const again = await app.inject({ url: '/hed_data?page_size=25', headers: AUTH });
  t.equal(again.statusCode, 200);
  t.equal(checked.filter((c) => c === '200 /hed_data?page_size=25').length, 2, 'both reads of the same (cached) page were checked');
  t.ok(checked.some((c) => c.startsWith('400 /hed_data')), 'error bodies were checked');
});

t.test('the response checker fails on undocumented status, content type and wrong bodies', async (t) => {
  const doc = JSON.parse(await readFile(new URL(`../../${OPENAPI_PATH}`, import.meta.url), 'utf8'));
  const checker = createResponseChecker(doc);
  const json = 'application/json; charset=utf-8';
  const page = { hed_records: [], next_cursor: 'AQAAAAAAAAAAAAAAAAAAAAAAAA', has_more: false };
  t.same(checker.check({ method: 'GET', url: '/hed_data', status: 200, contentType: json, body: JSON.stringify(page) }), []);
  t.match(checker.check({ method: 'GET', url: '/hed_data', status: 418, contentType: json, body: '{}' }), [/status 418 is not documented/]);
  t.match(checker.check({ method: 'GET', url: '/hed_data', status: 200, contentType: 'text/html', body: '<p>' }), [/content type "text\/html"/]);
  t.match(checker.check({ method: 'GET', url: '/hed_data', status: 200, contentType: json, body: '{"hed_records":' }), [/not JSON/]);
  t.match(checker.check({ method: 'GET', url: '/hed_data', status: 200, contentType: json, body: JSON.stringify({ ...page, has_more: 'no' }) }), [/has_more must be boolean/]);
  t.match(checker.check({ method: 'GET', url: '/hed_data', status: 200, contentType: json, body: JSON.stringify({ ...page, extra: 1 }) }), [/additional properties/]);
  t.match(checker.check({ method: 'DELETE', url: '/hed_data', status: 405, contentType: json, body: '{}' }), [/no DELETE operation/]);
  t.match(checker.checkErrorBody('{"error":"x"}'), [/message/]);
  t.same(checker.methodsOf('/hed_data?page_size=1'), ['GET']);
});

t.test('a handler object of the wrong type is caught before the serializer can hide it', async (t) => {
  const violations: ResponseViolation[] = [];
  const app = await buildTestApp({ students: 3 }, { validateResponses: { onViolation: (v) => violations.push(v) } });
  t.teardown(() => app.close());
  // fast-json-stringify would write has_more "yes" as true and drop the unknown field.
  app.get('/test/object', { schema: { response: { 200: HedPage } } }, async () => ({ hed_records: [], next_cursor: 'abc', has_more: 'yes', extra: 1 }) as never);
  app.get('/test/serialized', { schema: { response: { 200: HedPage } } }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(JSON.stringify({ hed_records: [{ record_id: 'x' }], next_cursor: 'abc', has_more: false })),
  );
  app.get('/test/fine', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => ({ ok: true }));

  const object = await app.inject({ url: '/test/object' });
  t.equal(object.statusCode, 500);
  t.match(object.json(), { error: 'internal_error', message: /does not match its own schema/ });
  const serialized = await app.inject({ url: '/test/serialized' });
  t.equal(serialized.statusCode, 500);
  const fine = await app.inject({ url: '/test/fine' });
  t.equal(fine.statusCode, 200);
  t.equal(violations.length, 2, 'two violations, none for the fine route');
  t.match(violations[0], { url: '/test/object', statusCode: 200, stage: 'handler-object' });
  t.ok(violations[0]!.errors.includes('/has_more: Expected boolean'), 'names the wrong type the serializer would coerce');
  t.ok(violations[0]!.errors.includes('/extra: Unexpected property'), 'names the field the serializer would drop');
  t.match(violations[1], { url: '/test/serialized', statusCode: 200, stage: 'serialized-json' });
  t.match(violations[1]!.errors[0], /^\/hed_records\/0\//);
});

t.test('bodies a fault rule breaks on purpose pass through; injected statuses are still checked', async (t) => {
  const violations: ResponseViolation[] = [];
  const app = await buildTestApp({ students: 5 }, { validateResponses: { onViolation: (v) => violations.push(v) } });
  t.teardown(() => app.close());
  const checker = createResponseChecker((await app.inject({ url: '/openapi.json' })).json());

  app.faults.add([{ id: 'drifting', drift: true, times: 1 }]);
  const drifted = await app.inject({ url: '/hed_data', headers: AUTH });
  t.equal(drifted.statusCode, 200, 'the drifted page is answered, not turned into a 500');
  t.ok(checker.check(seen('GET', '/hed_data', drifted)).length > 0, 'and it does break the document, as the fault intends');

  app.faults.add([{ id: 'down', status: 503, times: 1 }]);
  const down = await app.inject({ url: '/hed_data', headers: AUTH });
  t.equal(down.statusCode, 503);
  t.same(checker.check(seen('GET', '/hed_data', down)), [], 'an injected 503 conforms to the document');
  t.same(violations, []);
});

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { links?: Record<string, { operationId: string; parameters: Record<string, string> }> }>;
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, { enum?: string[] }> } }> };
}
type Doc = { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown>; schemas?: Record<string, unknown> } };
const adminOperations = (doc: Doc) => Object.entries(doc.paths).filter(([path]) => path.startsWith('/__admin')).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })));

t.test('the admin token scheme is in the document exactly when the server has a token, as the server checks it', async (t) => {
  const open = await buildTestApp({ students: 3 });
  const guarded = await buildTestApp({ students: 3, adminToken: 'secret-token' });
  t.teardown(async () => {
    await open.close();
    await guarded.close();
  });
  const openDoc = (await open.inject({ url: '/openapi.json' })).json<Doc>();
  t.notOk('AdminToken' in openDoc.components.securitySchemes, 'no token: no admin scheme');
  t.equal(adminOperations(openDoc).length, 10);
  for (const { name, op } of adminOperations(openDoc)) {
    t.equal(op.security, undefined, `${name} asks for no credentials`);
    t.ok(op.responses['403'] && !op.responses['401'], `${name} documents 403 (off loopback), not 401`);
  }
  const guardedDoc = (await guarded.inject({ url: '/openapi.json' })).json<Doc>();
  t.match(guardedDoc.components.securitySchemes.AdminToken, { type: 'apiKey', in: 'header', name: 'x-admin-token' });
  for (const { name, op } of adminOperations(guardedDoc)) {
    t.same(op.security, [{ AdminToken: [] }], `${name} needs the token`);
    t.ok(op.responses['401'] && !op.responses['403'], `${name} documents 401, not 403`);
  }
  // What the documents say is what the servers do.
  t.equal((await open.inject({ url: '/__admin/faults' })).statusCode, 200, 'no token: loopback needs nothing');
  t.equal((await guarded.inject({ url: '/__admin/faults' })).statusCode, 401);
  const page = await open.inject({ url: '/hed_api_spec' });
  t.match(page.body, /loopback clients only/, 'the spec page says it too');
  t.match((await guarded.inject({ url: '/hed_api_spec' })).body, /needs the header <code>x-admin-token<\/code>|needs the header x-admin-token/);
});

t.test('links let a tool walk a whole sync and a fault rule\'s life', async (t) => {
  const doc = JSON.parse(await readFile(new URL(`../../${OPENAPI_PATH}`, import.meta.url), 'utf8')) as Doc;
  const byId = new Map(Object.values(doc.paths).flatMap((ops) => Object.values(ops)).map((op) => [op.operationId, op]));
  const next0 = doc.paths['/hed_data']!.get!.responses['200']!.links!.NextPage! as { description?: string };
  const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops));
  t.equal(operations.length, 14 + 2 * 14, "HED's 14 operations, and each other vertical's data path and spec page");
  t.equal(byId.size, operations.length, 'every operation has its own operationId');
  for (const op of operations.filter((o) => /^get[A-Z][a-z]{2}Data$/.test(o.operationId ?? ''))) {
    t.same(op.responses['200']!.links!.NextPage, { operationId: op.operationId, parameters: { cursor: '$response.body#/next_cursor' }, description: next0.description }, `${op.operationId} links a page to the next`);
  }
  const next = doc.paths['/hed_data']!.get!.responses['200']!.links!.NextPage!;
  t.equal(next.operationId, 'getHedData');
  t.same(next.parameters, { cursor: '$response.body#/next_cursor' });
  const remove = doc.paths['/__admin/faults']!.post!.responses['201']!.links!.DeleteAddedFault!;
  t.equal(remove.operationId, 'deleteFault');
  t.same(remove.parameters, { id: '$response.body#/added/0/id' });
  t.ok(byId.get('deleteFault'), 'the linked operation exists');

  // And they work: a fault rule's id deletes it; next_cursor reads the next page.
  const app = await buildTestApp({ students: 5 });
  t.teardown(() => app.close());
  const created = await app.inject({ method: 'POST', url: '/__admin/faults', payload: { status: 503, page: 'later' } });
  const id = created.json().added[0].id as string;
  t.equal((await app.inject({ method: 'DELETE', url: `/__admin/faults/${id}` })).statusCode, 200);
  const first = await app.inject({ url: '/hed_data?page_size=2', headers: AUTH });
  const second = await app.inject({ url: `/hed_data?page_size=2&cursor=${first.json<HedPage>().next_cursor}`, headers: AUTH });
  t.equal(second.statusCode, 200);
});

t.test('a scenario name is one of the scenario set, in the document and at the server', async (t) => {
  const doc = JSON.parse(await readFile(new URL(`../../${OPENAPI_PATH}`, import.meta.url), 'utf8')) as Doc;
  const name = doc.paths['/__admin/scenario']!.put!.requestBody!.content['application/json']!.schema.properties!.name!;
  t.same(name.enum, listScenarios());
  const app = await buildTestApp({ students: 3 });
  t.teardown(() => app.close());
  for (const scenario of listScenarios()) {
    t.equal((await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: scenario } })).statusCode, 200, `${scenario} loads`);
  }
  t.equal((await app.inject({ method: 'PUT', url: '/__admin/scenario', payload: { name: 'nope' } })).statusCode, 400);
});
