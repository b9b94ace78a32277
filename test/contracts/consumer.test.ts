import t from 'tap';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchersV3, PactV3, type V3MockServer } from '@pact-foundation/pact';
import { HedClient } from '../../connector/client.js';
import { requestError } from '../helpers/request-error.js';
import { CONTRACT_API_KEY, PROVIDER_STATES } from '../../contracts/provider-states.js';
import { recordMatcher } from '../../contracts/pact-matchers.js';
import { CONSUMER, PACT_FILE, PROVIDER, readPact } from '../../contracts/pact-files.js';
import { CURSOR_PATTERN } from '../../api/page.js';
import { createCursorCodec } from '../../server/paging/cursor.js';
import { Value } from '@sinclair/typebox/value';
import { HedRecord } from '../../api/record.js';

// The connector's side of the contract: the REAL HedClient against Pact's mock. The pact is
// written from scratch into a scratch directory, then compared with the committed
// contracts/pacts file: a difference rewrites the committed file (review `git diff`) and
// fails, so `npm run test:contracts` and `npm test` fail until the new pact is committed.

const { regex, eachLike, fromProviderState, string, like } = MatchersV3;
const scratch = await mkdtemp(join(tmpdir(), 'hed-pacts-'));
t.teardown(() => rm(scratch, { recursive: true, force: true }));
const pact = new PactV3({ consumer: CONSUMER, provider: PROVIDER, dir: scratch, logLevel: 'error' });

// Example values only (what the mock answers): cursors of seed 42 and a record of the
// seed-42 dataset, written out so a change of the generator does not rewrite the pact.
const codec = createCursorCodec(42);
const example: HedRecord = {
  record_id: '12e901a0-28ba-43b3-a5ba-da91543f6eac',
  student_id: 'STU_202412345',
  enrollment_date: '2024-08-09 0:00:00',
  academic_standing: "Dean's List",
  current_gpa: 3.78,
  credit_hours_attempted: 27,
  credit_hours_earned: 21,
  major_code: 'BUSN',
  advisor_id: 'ADV_1171',
  financial_aid_amount: 22914.18,
  last_login_date: '2025-07-28 04:36:53',
  total_course_views: 409,
  assignment_submissions: 25,
  discussion_posts: 26,
  avg_assignment_score: 87.1,
  course_completion_rate: 0.79,
  plagiarism_incidents: 0,
  writing_quality_score: 89.3,
  engagement_score: 61.8,
  at_risk_flag: false,
  intervention_count: 0,
  last_updated: '2025-07-31 23:00:02',
  last_updated_epoch: 1754002802,
};
const record = recordMatcher(example);

t.test('the example record is a valid HedRecord', async (t) => {
  t.ok(Value.Check(HedRecord, example), [...Value.Errors(HedRecord, example)].map((e) => `${e.path}: ${e.message}`).join('; ') || 'valid');
});
const cursorAt = (position: number) => codec.encode(position);
// Examples of cursors a provider state supplies are deliberately from ANOTHER seed: the
// provider refuses them, so verification passes only if Pact injects the state's cursor.
const foreignCodec = createCursorCodec(7);
const stateCursor = (position: number) => fromProviderState('${cursor}', foreignCodec.encode(position));
const nextCursor = (position: number) => regex(CURSOR_PATTERN, cursorAt(position));
// Pact compares Content-Type by media type and parameters; a matcher is not allowed there.
const JSON_TYPE = { 'Content-Type': 'application/json; charset=utf-8' };
const AUTH = { 'x-api-key': CONTRACT_API_KEY };
const errorBody = (code: string, message: string) => ({ error: code, message: string(message) });

const client = (mock: V3MockServer, apiKey = CONTRACT_API_KEY) => new HedClient({ baseUrl: mock.url, apiKey, timeoutMs: 10_000 });

let interactions = 0;
const verified = () => {
  interactions += 1;
};

t.test('first page: 100 records of every field type, has_more true, a cursor to go on', async (t) => {
  pact
    .given(PROVIDER_STATES.seeded)
    .uponReceiving('a request for the first page')
    .withRequest({ method: 'GET', path: '/hed_data', query: { page_size: '100' }, headers: AUTH })
    .willRespondWith({ status: 200, headers: JSON_TYPE, body: { hed_records: eachLike(record), next_cursor: nextCursor(100), has_more: true } });
  await pact.executeTest(async (mock) => {
    const page = await client(mock).fetchPage({ pageSize: 100 });
    t.equal(page.has_more, true);
    t.equal(page.next_cursor, cursorAt(100));
    t.equal(page.hed_records[0]?.record_id, example.record_id);
    t.same(Object.keys(page.hed_records[0]!).sort(), Object.keys(example).sort(), 'all 23 fields');
  });
  verified();
});

t.test('next page: the cursor comes from the provider state', async (t) => {
  pact
    .given(PROVIDER_STATES.readUpTo, { position: 100 })
    .uponReceiving('a request for the page after a stored cursor')
    .withRequest({ method: 'GET', path: '/hed_data', query: { page_size: '100', cursor: stateCursor(100) }, headers: AUTH })
    .willRespondWith({ status: 200, headers: JSON_TYPE, body: { hed_records: eachLike(record), next_cursor: nextCursor(200), has_more: true } });
  await pact.executeTest(async (mock) => {
    const page = await client(mock).fetchPage({ pageSize: 100, cursor: foreignCodec.encode(100) });
    t.equal(page.has_more, true);
    t.equal(page.next_cursor, cursorAt(200));
    t.ok(page.hed_records.length >= 1);
  });
  verified();
});

t.test('terminal page: no records, has_more false, the request position as next_cursor', async (t) => {
  pact
    .given(PROVIDER_STATES.readToTheEnd)
    .uponReceiving('a request for the page after the last record')
    .withRequest({ method: 'GET', path: '/hed_data', query: { page_size: '100', cursor: stateCursor(600) }, headers: AUTH })
    .willRespondWith({ status: 200, headers: JSON_TYPE, body: { hed_records: [], next_cursor: stateCursor(600), has_more: false } });
  await pact.executeTest(async (mock) => {
    const page = await client(mock).fetchPage({ pageSize: 100, cursor: foreignCodec.encode(600) });
    t.same(page.hed_records, []);
    t.equal(page.has_more, false);
    t.equal(page.next_cursor, foreignCodec.encode(600), 'the cursor to store stays where it was');
  });
  verified();
});

t.test('incremental page: records changed since the stored cursor, has_more false', async (t) => {
  pact
    .given(PROVIDER_STATES.changedSinceLastSync, { update: 2, create: 1 })
    .uponReceiving('a request for the changes since the last sync')
    .withRequest({ method: 'GET', path: '/hed_data', query: { page_size: '100', cursor: stateCursor(600) }, headers: AUTH })
    .willRespondWith({ status: 200, headers: JSON_TYPE, body: { hed_records: eachLike(record), next_cursor: nextCursor(603), has_more: false } });
  await pact.executeTest(async (mock) => {
    const page = await client(mock).fetchPage({ pageSize: 100, cursor: foreignCodec.encode(600) });
    t.equal(page.has_more, false);
    t.equal(page.next_cursor, cursorAt(603));
    t.ok(page.hed_records.length >= 1);
  });
  verified();
});

t.test('missing API key: 401 unauthorized, surfaced as http_status with the API code', async (t) => {
  pact
    .given(PROVIDER_STATES.seeded)
    .uponReceiving('a request without an API key')
    .withRequest({ method: 'GET', path: '/hed_data', query: { page_size: '100' } })
    .willRespondWith({ status: 401, headers: JSON_TYPE, body: errorBody('unauthorized', 'No API key was sent.') });
  await pact.executeTest(async (mock) => {
    const error = await requestError(client(mock, '').fetchPage({ pageSize: 100 }));
    t.match(error, { code: 'http_status', status: 401, apiCode: 'unauthorized' });
  });
  verified();
});

t.test('bad page_size: 400 invalid_page_size', async (t) => {
  pact
    .given(PROVIDER_STATES.seeded)
    .uponReceiving('a request with page_size 0')
    .withRequest({ method: 'GET', path: '/hed_data', query: { page_size: '0' }, headers: AUTH })
    .willRespondWith({ status: 400, headers: JSON_TYPE, body: errorBody('invalid_page_size', 'page_size must be one whole number from 1 to 200.') });
  await pact.executeTest(async (mock) => {
    const error = await requestError(client(mock).fetchPage({ pageSize: 0 }));
    t.match(error, { code: 'http_status', status: 400, apiCode: 'invalid_page_size' });
  });
  verified();
});

t.test('tampered cursor: 400 invalid_cursor', async (t) => {
  const real = cursorAt(100);
  const tampered = `${real.slice(0, 3)}${real[3] === 'A' ? 'B' : 'A'}${real.slice(4)}`;
  pact
    .given(PROVIDER_STATES.seeded)
    .uponReceiving('a request with a tampered cursor')
    .withRequest({ method: 'GET', path: '/hed_data', query: { page_size: '100', cursor: tampered }, headers: AUTH })
    .willRespondWith({ status: 400, headers: JSON_TYPE, body: errorBody('invalid_cursor', 'The cursor was not issued by this server.') });
  await pact.executeTest(async (mock) => {
    const error = await requestError(client(mock).fetchPage({ pageSize: 100, cursor: tampered }));
    t.match(error, { code: 'http_status', status: 400, apiCode: 'invalid_cursor' });
  });
  verified();
});

t.test('rate limited: 429 with Retry-After in seconds, handed to the retry policy', async (t) => {
  pact
    .given(PROVIDER_STATES.rateLimited, { retry_after_seconds: 30 })
    .uponReceiving('a request over the rate limit')
    .withRequest({ method: 'GET', path: '/hed_data', query: { page_size: '100' }, headers: AUTH })
    .willRespondWith({
      status: 429,
      headers: { ...JSON_TYPE, 'retry-after': regex('^[0-9]+$', '30') },
      body: errorBody('rate_limited', 'Too many requests. Wait and try again.'),
    });
  await pact.executeTest(async (mock) => {
    const error = await requestError(client(mock).fetchPage({ pageSize: 100 }));
    t.match(error, { code: 'http_status', status: 429, apiCode: 'rate_limited', retryAfter: '30' });
  });
  verified();
});

t.test('unavailable: 503, surfaced as http_status so the sync retries it', async (t) => {
  pact
    .given(PROVIDER_STATES.unavailable)
    .uponReceiving('a request while the API is unavailable')
    .withRequest({ method: 'GET', path: '/hed_data', query: { page_size: '100' }, headers: AUTH })
    .willRespondWith({ status: 503, headers: JSON_TYPE, body: { error: like('service_unavailable'), message: string('The API is down for maintenance.') } });
  await pact.executeTest(async (mock) => {
    const error = await requestError(client(mock).fetchPage({ pageSize: 100 }));
    t.match(error, { code: 'http_status', status: 503 });
  });
  verified();
});

t.test('the regenerated pact equals the committed contracts/pacts file', async (t) => {
  const generated = join(scratch, `${CONSUMER}-${PROVIDER}.json`);
  const fresh = await readPact(generated);
  t.equal(fresh.interactions.length, interactions, 'every interaction above was written');
  t.equal(interactions, 9, 'all nine interactions passed');
  if (interactions !== 9) return; // an incomplete pact must not replace the committed one
  const freshText = await readFile(generated, 'utf8');
  const committedText = await readFile(PACT_FILE, 'utf8').catch(() => '');
  if (committedText !== freshText) {
    await copyFile(generated, PACT_FILE);
    t.fail(`The regenerated pact differs from the committed ${PACT_FILE}. It has been rewritten: review git diff contracts/pacts and commit it.`);
  } else {
    t.pass('no drift');
  }
});
