import t from 'tap';
import { readFileSync } from 'node:fs';
import { codeForStatus, describeStatus, ERROR_CATALOG, ERROR_CODES, errorBody, errorBodyProblems } from '../../api/errors.js';

t.test("the mock API page's errors table lists every code of the catalog with its status, and no other", async (t) => {
  const readme = readFileSync(new URL('../../docs/mock-api.md', import.meta.url), 'utf8');
  const section = readme.split('\n## Errors\n')[1]?.split('\n## ')[0] ?? '';
  t.ok(section.length > 0, 'docs/mock-api.md has a "## Errors" section');
  const rows = [...section.matchAll(/^\| (\d{3}) \| `([a-z_]+)` \|/gm)].map((m) => [m[2], Number(m[1])]);
  t.same(Object.fromEntries(rows), Object.fromEntries(ERROR_CODES.map((c) => [c, ERROR_CATALOG[c].status])));
  t.equal(rows.length, ERROR_CODES.length, 'each code once');
});

t.test('an error body is exactly {error, message}', async (t) => {
  t.same(Object.keys(errorBody('not_found', 'There is no /x.')), ['error', 'message']);
  t.same(errorBodyProblems(404, JSON.stringify(errorBody('not_found', 'There is no /x.'))), []);
});

t.test('the catalog checker refuses other shapes, codes and statuses', async (t) => {
  t.match(errorBodyProblems(400, '{"error":"Bad Request","message":"x","statusCode":400}'), [/fields error, message, statusCode/, /"Bad Request" is not in the catalog/]);
  t.match(errorBodyProblems(400, '{"error":"not_found","message":"x"}'), [/not_found is answered with 404 by the catalog, not 400/]);
  t.match(errorBodyProblems(500, 'Internal'), [/not JSON/]);
  t.match(errorBodyProblems(500, '[1]'), [/not a JSON object/]);
  t.match(errorBodyProblems(401, '{"error":"unauthorized","message":""}'), [/message is not a sentence/]);
  t.same(errorBodyProblems(418, '{"error":"client_error","message":"injected"}'), [], 'an injected 4xx without a code of its own');
  t.same(errorBodyProblems(599, '{"error":"server_error","message":"injected"}'), []);
  t.match(errorBodyProblems(599, '{"error":"client_error","message":"injected"}'), [/client_error is answered with 400/]);
});

t.test('an injected status gets the catalog code for it', async (t) => {
  t.equal(codeForStatus(400), 'invalid_request', 'not invalid_page_size: the rule did not look at page_size');
  t.equal(codeForStatus(503), 'service_unavailable');
  t.equal(codeForStatus(431), 'header_too_large');
  t.equal(codeForStatus(418), 'client_error');
  t.equal(codeForStatus(599), 'server_error');
});

t.test('the OpenAPI description of a status names every code answered with it', async (t) => {
  const text = describeStatus(400);
  for (const code of ['invalid_page_size', 'invalid_cursor', 'invalid_request', 'client_error']) t.match(text, `${code}: `);
  t.equal(describeStatus(299), '');
});
