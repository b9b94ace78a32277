import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Verifier } from '@pact-foundation/pact';
import { buildApp } from '../../server/app.js';
import { serverConfig } from '../../server/config.js';
import { createStateHandlers, STATE_SETUP_HEADER } from '../../contracts/provider-states.js';
import { committedPactFiles, PACT_FILE, PROVIDER, readPact } from '../../contracts/pact-files.js';
import { createResponseChecker } from '../../contracts/conformance.js';
import type { ResponseViolation } from '../../server/plugins/response-validation.js';

// The API's side of the contract: the committed pact replayed against the real Fastify
// server on 127.0.0.1 port 0, with state handlers that drive the server's own store,
// cursor codec and key list. Every request the verifier makes is also checked against
// the OpenAPI document, and every handler output against its route schema.

interface Seen {
  url: string;
  status: number;
  problems: string[];
}

/** The real server with the contract hooks, listening on 127.0.0.1 port 0. */
async function startProvider() {
  const violations: ResponseViolation[] = [];
  const app = await buildApp(serverConfig({ logLevel: 'silent', port: 0 }), { validateResponses: { onViolation: (v) => violations.push(v) } });
  const seen: Seen[] = [];
  // eslint-disable-next-line prefer-const -- assigned below, once the app serves /openapi.json; the hook registered first reads it
  let checker: ReturnType<typeof createResponseChecker> | undefined;
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/hed_data') && checker && request.headers[STATE_SETUP_HEADER] === undefined) {
      // Pages may go out as the page cache's ready bytes.
      const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
      const problems = checker.check({ method: request.method, url: request.url, status: reply.statusCode, contentType: String(reply.getHeader('content-type') ?? ''), body });
      seen.push({ url: request.url, status: reply.statusCode, problems });
    }
    return payload;
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  checker = createResponseChecker((await app.inject({ url: '/openapi.json' })).json());
  return { app, url, seen, violations, states: createStateHandlers(app) };
}

async function verify(pactUrls: string[]) {
  const provider = await startProvider();
  try {
    const output = await new Verifier({
      provider: PROVIDER,
      providerBaseUrl: provider.url,
      pactUrls,
      stateHandlers: provider.states.handlers,
      proxyHost: '127.0.0.1',
      logLevel: 'error',
    }).verifyProvider();
    return { ...provider, output, error: undefined as Error | undefined };
  } catch (error) {
    return { ...provider, output: '', error: error as Error };
  } finally {
    await provider.app.close();
  }
}

t.test('the committed pacts verify against the real server, every interaction of them', async (t) => {
  const files = await committedPactFiles();
  t.ok(files.includes(PACT_FILE), `the connector's pact is among the ${files.length} committed pact file(s)`);
  const pact = { interactions: (await Promise.all(files.map(readPact))).flatMap((p) => p.interactions) };
  const interactions = pact.interactions.length;
  t.ok(interactions >= 9, `the pacts hold ${interactions} interactions`);

  const result = await verify(files);
  t.error(result.error, 'the verifier reports no mismatch');
  t.equal(result.seen.length, interactions, `the provider answered exactly one request per interaction (${result.seen.length} of ${interactions}): verifying nothing fails`);
  const statesWanted = pact.interactions.reduce((n, i) => n + (i.providerStates?.length ?? 0), 0);
  const statesSetUp = [...result.states.setups.values()].reduce((a, b) => a + b, 0);
  t.ok(statesSetUp >= statesWanted, `every provider state was set up (${statesSetUp} setups for ${statesWanted} states)`);
  t.same(
    result.seen.map((s) => s.status).sort(),
    pact.interactions.map((i) => i.response.status).sort(),
    'the server answered the statuses the pact expects',
  );
  for (const s of result.seen) t.same(s.problems, [], `${s.url} -> ${s.status} conforms to the OpenAPI document`);
  // Cursors marked fromProviderState carry a foreign example in the pact: the server must
  // have seen the cursor the state handler computed instead.
  const injected = pact.interactions.filter((i) => (i.request as { generators?: { query?: { cursor?: unknown } } }).generators?.query?.cursor);
  t.ok(injected.length >= 3, `${injected.length} interactions take their cursor from a provider state`);
  for (const i of injected) {
    const example = i.request.query?.cursor?.[0] ?? '';
    t.notOk(result.seen.some((s) => s.url.includes(example)), `"${i.description}" was replayed with the state's cursor, not the example`);
  }
  t.same(result.violations, [], 'no handler output broke its route schema');
});

t.test('a pact the server does not honour fails verification', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hed-broken-pact-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const pact = await readPact(PACT_FILE);
  const target = pact.interactions.find((i) => i.description === 'a request for the first page');
  t.ok(target, 'the pact has the first-page interaction');
  if (!target) return;
  target.response.status = 201; // the server answers 200: this must not verify
  const broken = join(dir, 'broken-pact.json');
  await writeFile(broken, JSON.stringify(pact, null, 2));

  const result = await verify([broken]);
  t.ok(result.error, 'verification fails');
  t.match(String(result.error?.message ?? ''), /fail/i, `the error says it failed: ${result.error?.message}`);
  t.equal(result.seen.length, pact.interactions.length, 'the other interactions were still replayed');
});
