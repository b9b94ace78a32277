import t from 'tap';
import type { AppliedFault, JournalEntry } from '../../../api/faults.js';
import { createJournal, redactUrl, type RawJournalEntry } from '../../../server/faults/journal.js';

const START = Date.UTC(2026, 0, 1);
const entry = (url: string, fields: Partial<RawJournalEntry> = {}): RawJournalEntry => ({
  startMs: START,
  method: 'GET',
  url,
  status: 200,
  faults: [],
  durationMs: 1,
  hasMore: null,
  records: 0,
  headers: { host: 'localhost' },
  query: null,
  ...fields,
});

/**
 * The entry as the journal made it eagerly, on every request, before it became lazy:
 * written out again here, so the listed form can be held to it field by field.
 */
function eager(seq: number, raw: RawJournalEntry, secrets: readonly string[]): JournalEntry {
  const CREDENTIAL = /key|token|secret|auth|password/i;
  const found = Object.keys(raw.headers).filter((n) => CREDENTIAL.test(n)).map((n) => `header ${n}`);
  if (raw.query !== null && typeof raw.query === 'object') found.push(...Object.keys(raw.query).filter((n) => CREDENTIAL.test(n)).map((n) => `query ${n}`));
  const listed: Omit<JournalEntry, 'seq'> = {
    time: new Date(raw.startMs).toISOString(),
    method: raw.method,
    url: redactUrl(raw.url, secrets),
    status: raw.status,
    faults: [...raw.faults],
    duration_ms: raw.durationMs,
    ...(raw.hasMore !== null ? { has_more: raw.hasMore, records: raw.records } : {}),
    ...(found.length === 0 ? {} : { credentials: found.sort() }),
  };
  return { seq, ...listed };
}

t.test('the journal is a bounded ring: the oldest entries drop, seq keeps counting', async (t) => {
  const journal = createJournal(3);
  for (let i = 1; i <= 5; i++) journal.record(entry(`/${i}`));
  t.same(journal.list().map((e) => `${e.seq}${e.url}`), ['3/3', '4/4', '5/5']);
  t.equal(journal.dropped, 2);
  t.equal(journal.count, 3);
  journal.clear();
  t.same(journal.list(), []);
  t.equal(journal.count, 0);
  journal.record(entry('/again'));
  t.same(journal.list().map((e) => e.seq), [1]);
  t.equal(journal.dropped, 0);
  t.equal(journal.count, 1);
});

t.test('API keys are redacted from the URL: credential-like parameters and configured keys anywhere', async (t) => {
  t.equal(redactUrl('/hed_data?page_size=5&api_key=abc', []), '/hed_data?page_size=5&api_key=REDACTED');
  t.equal(redactUrl('/hed_data?x-api-key=abc&cursor=AbC', []), '/hed_data?x-api-key=REDACTED&cursor=AbC');
  t.equal(redactUrl('/hed_data?token=t1&Access_Token=t2', []), '/hed_data?token=REDACTED&Access_Token=REDACTED');
  t.equal(redactUrl('/hed_data?q=hed-demo-key', ['hed-demo-key']), '/hed_data?q=REDACTED');
  t.equal(redactUrl('/hed_data/k%2By?z=1', ['k+y']), '/hed_data/REDACTED?z=1');
  t.equal(redactUrl('/hed_data?cursor=abc', ['nothing']), '/hed_data?cursor=abc', 'other parameters are kept');
});

const SECRETS = ['hed-demo-key', 'k+y'];
const FAULT: AppliedFault = { rule: 'r1', action: 'status 503' };
/** Requests of every kind the journal sees: pages, refusals, faults, keys in the URL, headers and query. */
const REQUESTS: RawJournalEntry[] = [
  entry('/hed_data?page_size=5', { hasMore: true, records: 5, headers: { host: 'h', 'x-api-key': 'hed-demo-key' }, query: { page_size: 5 } }),
  entry('/agr_data?page_size=5&cursor=AbC', { startMs: START + 1, hasMore: false, records: 2, headers: { 'x-api-key': 'hed-demo-key' }, query: { page_size: 5, cursor: 'AbC' } }),
  entry('/hed_data?page_size=5&api_key=wrong', { status: 401, headers: { 'api-key': 'x' }, query: { page_size: 5, api_key: 'wrong' } }),
  entry('/hed_data?apiKey=hed-demo-key&token=t', { status: 401, headers: { authorization: 'Bearer hed-demo-key', Cookie: 'a' }, query: { apiKey: 'hed-demo-key', token: 't' } }),
  entry('/hed_data/k%2By?z=1', { status: 404, query: { z: '1' } }),
  entry('/hed_data?page_size=5', { status: 'reset', faults: [FAULT], durationMs: 0 }),
  entry('/hed_data?q=hed-demo-key', { status: 503, faults: [FAULT], durationMs: 12.5, query: 'not an object' }),
  entry('/healthz', { startMs: START + 86_400_000, headers: {} }),
];

t.test('a listed entry is the one the eager journal made: same fields, same order, same redaction', async (t) => {
  const journal = createJournal(100, SECRETS);
  for (const r of REQUESTS) journal.record(r);
  const listed = journal.list();
  const expected = REQUESTS.map((r, i) => eager(i + 1, r, SECRETS));
  t.same(listed, expected);
  t.equal(JSON.stringify(listed), JSON.stringify(expected), 'byte for byte, key order included');
  t.same(listed[0]!.credentials, ['header x-api-key']);
  t.same(listed[3]!.credentials, ['header authorization', 'query apiKey', 'query token'], 'sorted, names only');
  t.notOk('credentials' in listed[4]!, 'no credential, no field');
  t.notOk('has_more' in listed[2]!, 'a refused request has no page');
  t.equal(listed[1]!.time, '2026-01-01T00:00:00.001Z');
  t.equal(listed[6]!.url, '/hed_data?q=REDACTED');
  t.equal(listed[4]!.url, '/hed_data/REDACTED?z=1', 'a configured key escaped in the path');
});

t.test('no reader sees a key: nothing the journal lists holds a secret value', async (t) => {
  const journal = createJournal(100, SECRETS);
  for (const r of REQUESTS) journal.record(r);
  const text = JSON.stringify(journal.list());
  t.notMatch(text, /hed-demo-key/);
  t.notMatch(text, /wrong|Bearer/);
  t.notMatch(text, /k%2By/);
  t.match(text, /api_key=REDACTED/);
});

t.test('each entry is made once: a second list gives the same objects, and a later record makes only its own', async (t) => {
  const journal = createJournal(100, SECRETS);
  journal.record(REQUESTS[0]!);
  journal.record(REQUESTS[1]!);
  const first = journal.list();
  journal.record(REQUESTS[2]!);
  const second = journal.list();
  t.equal(second[0], first[0], 'the same object');
  t.equal(second[1], first[1]);
  t.equal(second.length, 3);
  t.equal(second[2]!.seq, 3);
  t.same(second[2], eager(3, REQUESTS[2]!, SECRETS));
});

t.test('credentials name every header and query parameter as it is, newlines and look-alikes included', async (t) => {
  const journal = createJournal(100, SECRETS);
  const requests = [
    entry('/a', { headers: { 'x-api-key': 'k' }, query: { a: '1', key: '2' } }),
    entry('/b', { headers: { 'x-api-key': 'k' }, query: { 'a\nqkey': '1' } }),
    entry('/c', { headers: { 'x-api-key': 'k' }, query: { a: '1', key: '2' } }),
    entry('/d', { headers: { 'x-api-key': 'k', 'q-token': 't' }, query: {} }),
    entry('/e', { headers: { 'x-api-key': 'k' }, query: { token: 't' } }),
  ];
  for (const r of requests) journal.record(r);
  const listed = journal.list();
  t.same(listed, requests.map((r, i) => eager(i + 1, r, SECRETS)));
  t.same(listed[1]!.credentials, ['header x-api-key', 'query a\nqkey']);
  t.same(listed[2]!.credentials, ['header x-api-key', 'query key']);
});

t.test('a slot written again shows its new entry, not the one listed before (wrap-around and clear)', async (t) => {
  const journal = createJournal(2, SECRETS);
  journal.record(entry('/a'));
  journal.record(entry('/b'));
  t.same(journal.list().map((e) => `${e.seq}${e.url}`), ['1/a', '2/b']);
  journal.record(entry('/c'));
  t.same(journal.list().map((e) => `${e.seq}${e.url}`), ['2/b', '3/c'], 'slot 0 now holds /c');
  t.equal(journal.dropped, 1);
  journal.clear();
  journal.record(entry('/d'));
  t.same(journal.list().map((e) => `${e.seq}${e.url}`), ['1/d'], 'after a clear, slot 0 holds /d');
  t.equal(journal.dropped, 0);
});

t.test('dropped counts every entry pushed out since the last clear, listed or not', async (t) => {
  const journal = createJournal(10);
  for (let i = 0; i < 25; i++) journal.record(entry(`/${i}`));
  t.equal(journal.dropped, 15);
  t.equal(journal.count, 10);
  const listed = journal.list();
  t.same(listed.map((e) => e.seq), [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  t.equal(listed[0]!.url, '/15');
});
