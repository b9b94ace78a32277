import t, { type Test } from 'tap';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { API_KEY, buildTestApp } from '../helpers/mock-server.js';
import { createResponseChecker, type ResponseChecker } from '../../contracts/conformance.js';
import type { ResponseViolation } from '../../server/plugins/response-validation.js';
import { PAGE_SIZE_MAX, PAGE_SIZE_MIN, type HedPage } from '../../api/page.js';
import { MUTATION_MAX } from '../../api/admin.js';
import { errorBodyProblems } from '../../api/errors.js';

// The Schemathesis checks, as fast-check properties over inject(). Seeded and bounded:
// a failure prints the seed and the counterexample path; replay one with
//   HED_FUZZ_SEED=<seed> HED_FUZZ_PATH=<path> npx tap --disable-coverage test/server/fuzz.test.ts
const SEED = Number(process.env.HED_FUZZ_SEED ?? 20_251_124);
const REPLAY_PATH = process.env.HED_FUZZ_PATH;
const RUNS = 250;
const STUDENTS = 40;

/** Runs a property; on failure the test fails with the seed, the path and the counterexample. */
async function holds<Ts>(t: Test, name: string, property: fc.IAsyncProperty<Ts>, numRuns = RUNS): Promise<void> {
  const details = await fc.check(property, { seed: SEED, numRuns, path: REPLAY_PATH, endOnFailure: false });
  if (details.failed) {
    t.fail(
      `${name}: failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}"). ` +
        `Replay: HED_FUZZ_SEED=${details.seed} HED_FUZZ_PATH="${details.counterexamplePath}". ` +
        `Counterexample: ${fc.stringify(details.counterexample)}. ${String((details.errorInstance as Error)?.message ?? details.errorInstance)}`,
    );
  } else {
    t.pass(`${name}: ${details.numRuns} runs, seed ${details.seed}`);
  }
}

// ---- inputs -------------------------------------------------------------------------

type Param = { kind: 'absent' } | { kind: 'one'; value: string } | { kind: 'many'; values: string[] };
type KeyHeaders = { 'x-api-key'?: string; api_key?: string };

const validPageSize = fc.integer({ min: PAGE_SIZE_MIN, max: PAGE_SIZE_MAX }).map(String);
const pageSizeParam: fc.Arbitrary<Param> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Param>({ kind: 'absent' }) },
  { weight: 5, arbitrary: validPageSize.map((value): Param => ({ kind: 'one', value })) },
  {
    weight: 5,
    arbitrary: fc
      .oneof(
        fc.constantFrom('0', '201', '-1', '1.5', '1e2', ' 5', '5 ', '0x10', '', '+5', 'NaN', 'null', '1000000000', '0000000001'),
        fc.integer({ min: PAGE_SIZE_MAX + 1, max: 2 ** 31 }).map(String),
        fc.integer({ min: -(2 ** 31), max: 0 }).map(String),
        fc.string({ maxLength: 12 }),
        fc.string({ unit: 'binary', maxLength: 8 }),
      )
      .map((value): Param => ({ kind: 'one', value })),
  },
  { weight: 1, arbitrary: fc.array(validPageSize, { minLength: 2, maxLength: 3 }).map((values): Param => ({ kind: 'many', values })) },
);

/** A cursor made from real positions, so valid ones exist; the rest are broken on purpose. */
type CursorInput =
  | { kind: 'absent' }
  | { kind: 'empty' }
  | { kind: 'real'; position: number }
  | { kind: 'tampered'; position: number; index: number; replacement: string }
  | { kind: 'truncated'; position: number; keep: number }
  | { kind: 'random'; value: string }
  | { kind: 'many'; positions: number[] };
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const position = fc.integer({ min: 0, max: STUDENTS + 5 });
const cursorInput: fc.Arbitrary<CursorInput> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<CursorInput>({ kind: 'absent' }) },
  { weight: 1, arbitrary: fc.constant<CursorInput>({ kind: 'empty' }) },
  { weight: 5, arbitrary: position.map((p): CursorInput => ({ kind: 'real', position: p })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ position, index: fc.nat(), replacement: fc.constantFrom(...URL_SAFE) })
      .map((r): CursorInput => ({ kind: 'tampered', ...r })),
  },
  { weight: 1, arbitrary: fc.record({ position, keep: fc.nat() }).map((r): CursorInput => ({ kind: 'truncated', ...r })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.string({ unit: fc.constantFrom(...URL_SAFE), minLength: 1, maxLength: 140 }), fc.string({ minLength: 1, maxLength: 30 }))
      .map((value): CursorInput => ({ kind: 'random', value })),
  },
  { weight: 1, arbitrary: fc.array(position, { minLength: 2, maxLength: 3 }).map((positions): CursorInput => ({ kind: 'many', positions })) },
);

const wrongKey = fc.stringMatching(/^[\x21-\x7e]{1,40}$/).filter((k) => k !== API_KEY);
const keyHeaders: fc.Arbitrary<KeyHeaders> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<KeyHeaders>({ 'x-api-key': API_KEY }) },
  { weight: 2, arbitrary: fc.constant<KeyHeaders>({ api_key: API_KEY }) },
  { weight: 1, arbitrary: fc.constant<KeyHeaders>({}) },
  { weight: 1, arbitrary: fc.constant<KeyHeaders>({ 'x-api-key': '' }) },
  { weight: 2, arbitrary: wrongKey.map((k): KeyHeaders => ({ 'x-api-key': k })) },
  { weight: 1, arbitrary: wrongKey.map((k): KeyHeaders => ({ 'x-api-key': k, api_key: API_KEY })) },
);

// ---- the oracle: what the API contract says each input must get ------------------------

function cursorValue(app: FastifyInstance, input: CursorInput): string[] {
  switch (input.kind) {
    case 'absent':
      return [];
    case 'empty':
      return [''];
    case 'real':
      return [app.cursors.encode(input.position)];
    case 'tampered': {
      const real = app.cursors.encode(input.position);
      const i = input.index % real.length;
      const replacement = real[i] === input.replacement ? (input.replacement === 'A' ? 'B' : 'A') : input.replacement;
      return [real.slice(0, i) + replacement + real.slice(i + 1)];
    }
    case 'truncated': {
      const real = app.cursors.encode(input.position);
      return [real.slice(0, 1 + (input.keep % (real.length - 1)))];
    }
    case 'random':
      return [input.value];
    case 'many':
      return input.positions.map((p) => app.cursors.encode(p));
  }
}

const keyIsValid = (h: KeyHeaders) => (h['x-api-key'] !== undefined ? h['x-api-key'] === API_KEY : h.api_key === API_KEY);
const pageSizeIsValid = (p: Param) =>
  p.kind === 'absent' || (p.kind === 'one' && /^[0-9]{1,9}$/.test(p.value) && Number(p.value) >= PAGE_SIZE_MIN && Number(p.value) <= PAGE_SIZE_MAX);
const cursorIsValid = (c: CursorInput) => c.kind === 'absent' || c.kind === 'empty' || c.kind === 'real';

/** Status and error code the contract requires: auth first, then page_size, then cursor. */
function expected(keys: KeyHeaders, pageSize: Param, cursor: CursorInput): { status: number; error?: string } {
  if (!keyIsValid(keys)) return { status: 401, error: 'unauthorized' };
  if (!pageSizeIsValid(pageSize)) return { status: 400, error: 'invalid_page_size' };
  if (!cursorIsValid(cursor)) return { status: 400, error: 'invalid_cursor' };
  return { status: 200 };
}

function hedDataUrl(pageSize: Param, cursors: string[]): string {
  const query = new URLSearchParams();
  if (pageSize.kind === 'one') query.append('page_size', pageSize.value);
  if (pageSize.kind === 'many') for (const v of pageSize.values) query.append('page_size', v);
  for (const c of cursors) query.append('cursor', c);
  const qs = query.toString();
  return qs ? `/hed_data?${qs}` : '/hed_data';
}

/** The response-level checks: no 5xx, documented status, content type and schema. */
function conformanceProblems(checker: ResponseChecker, method: string, url: string, res: LightMyRequestResponse): string[] {
  const problems = res.statusCode >= 500 ? [`server error ${res.statusCode}: ${res.body.slice(0, 200)}`] : [];
  // Every error body has the catalog's shape, code and status (api/errors.ts).
  if (res.statusCode >= 400) problems.push(...errorBodyProblems(res.statusCode, res.body));
  return problems.concat(
    checker.check({ method, url, status: res.statusCode, contentType: res.headers['content-type'] as string | undefined, body: res.body }),
  );
}

async function fuzzApp(t: Test) {
  const violations: ResponseViolation[] = [];
  const app = await buildTestApp({ students: STUDENTS }, { validateResponses: { onViolation: (v) => violations.push(v) } });
  t.teardown(() => app.close());
  const checker = createResponseChecker((await app.inject({ url: '/openapi.json' })).json());
  return { app, checker, violations };
}

// ---- properties ---------------------------------------------------------------------

t.test('GET /hed_data: no server error, documented status, type and schema, negative data rejected, positive data accepted, auth not ignored', async (t) => {
  const { app, checker, violations } = await fuzzApp(t);
  const seen = new Map<number, number>();

  await holds(
    t,
    'GET /hed_data',
    fc.asyncProperty(keyHeaders, pageSizeParam, cursorInput, async (keys, pageSize, cursor) => {
      const url = hedDataUrl(pageSize, cursorValue(app, cursor));
      const res = await app.inject({ method: 'GET', url, headers: keys });
      seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
      const problems = conformanceProblems(checker, 'GET', url, res);
      const want = expected(keys, pageSize, cursor);
      if (res.statusCode !== want.status) problems.push(`expected ${want.status}${want.error ? ` ${want.error}` : ''}, got ${res.statusCode}: ${res.body.slice(0, 200)}`);
      else if (want.error && res.json<{ error: string }>().error !== want.error) problems.push(`expected error ${want.error}, got ${res.body.slice(0, 200)}`);

      if (res.statusCode === 200) {
        const page = res.json<HedPage>();
        const size = pageSize.kind === 'one' ? Number(pageSize.value) : 100;
        if (page.hed_records.length > size) problems.push(`a page of ${page.hed_records.length} records for page_size ${size}`);
        // Auth not ignored: the same accepted request without a key, or with a wrong one, is refused.
        for (const headers of [{}, { 'x-api-key': `${API_KEY}-wrong` }]) {
          const denied = await app.inject({ method: 'GET', url, headers });
          if (denied.statusCode !== 401) problems.push(`the request was accepted with headers ${JSON.stringify(headers)}: ${denied.statusCode}`);
          problems.push(...conformanceProblems(checker, 'GET', url, denied));
        }
      }
      if (problems.length > 0) throw new Error(`GET ${url} with ${JSON.stringify(keys)}:\n  ${problems.join('\n  ')}`);
    }),
  );
  t.same(violations, [], 'no handler output broke its route schema');
  // The generator must reach every branch, or the property proves less than it claims.
  for (const status of [200, 400, 401]) t.ok((seen.get(status) ?? 0) >= 10, `status ${status} was exercised (${seen.get(status) ?? 0} times)`);
});

t.test('POST /__admin/mutations: valid bodies accepted, invalid ones refused with 400, every answer documented', async (t) => {
  const { app, checker, violations } = await fuzzApp(t);
  const count = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, MUTATION_MAX + 1, -MUTATION_MAX) },
  );
  const body = fc.oneof(
    { weight: 5, arbitrary: fc.record({ update: count, create: count }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.record({ update: count, surprise: fc.integer() }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>([], 'text', 3) },
  );
  const seen = new Set<number>();
  await holds(
    t,
    'POST /__admin/mutations',
    fc.asyncProperty(body, async (payload) => {
      const res = await app.inject({ method: 'POST', url: '/__admin/mutations', payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
      seen.add(res.statusCode);
      const problems = conformanceProblems(checker, 'POST', '/__admin/mutations', res);
      const b = payload as Record<string, unknown>;
      const isCount = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MUTATION_MAX);
      const valid = typeof b === 'object' && b !== null && !Array.isArray(b) && Object.keys(b).every((k) => k === 'update' || k === 'create') && isCount(b.update) && isCount(b.create);
      if (valid !== (res.statusCode === 200)) problems.push(`body ${JSON.stringify(payload)} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      if (problems.length > 0) throw new Error(problems.join('\n  '));
    }),
    120,
  );
  t.same(violations, [], 'no handler output broke its route schema');
  t.ok(seen.has(200) && seen.has(400), `both accepted and refused bodies were exercised (${[...seen].join(', ')})`);

  // Query strings are coerced ("100" -> 100); JSON bodies are not (server/plugins/validation.ts).
  for (const update of ['2', true, null]) {
    const res = await app.inject({ method: 'POST', url: '/__admin/mutations', payload: { update } });
    t.equal(res.statusCode, 400, `{"update": ${JSON.stringify(update)}} is refused`);
  }
});

t.test('every documented path answers an undocumented method with 405, Allow and the error shape', async (t) => {
  const { app, checker } = await fuzzApp(t);
  const doc = (await app.inject({ url: '/openapi.json' })).json<{ paths: Record<string, object> }>();
  const methods: InjectOptions['method'][] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  let checked = 0;
  for (const path of Object.keys(doc.paths)) {
    const documented = checker.methodsOf(path);
    for (const method of methods) {
      if (documented.includes(String(method))) continue;
      const res = await app.inject({ method, url: path, headers: { 'x-api-key': API_KEY } });
      checked += 1;
      t.equal(res.statusCode, 405, `${method} ${path} is 405`);
      const allow = String(res.headers.allow ?? '').split(/,\s*/);
      t.ok(documented.every((m) => allow.includes(m)), `${method} ${path}: Allow "${res.headers.allow}" lists ${documented.join(', ')}`);
      t.match(res.headers['content-type'], /^application\/json/);
      t.same(checker.checkErrorBody(res.body), [], `${method} ${path}: the body has the error shape`);
      t.same(errorBodyProblems(res.statusCode, res.body), [], `${method} ${path}: the body is the catalog's`);
      t.equal(res.json<{ error: string }>().error, 'method_not_allowed');
    }
  }
  t.ok(checked >= Object.keys(doc.paths).length * 4, `${checked} method/path pairs checked`);

  // A trailing slash is another path: 404 with a hint, never a 405 that names GET as allowed.
  const slash = await app.inject({ method: 'GET', url: '/hed_data/', headers: { 'x-api-key': API_KEY } });
  t.equal(slash.statusCode, 404, `GET /hed_data/ is 404 (${slash.body})`);
  t.match(slash.json<{ message: string }>().message, /Did you mean \/hed_data/);
});
