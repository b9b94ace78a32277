import t from 'tap';
import type { Journal, JournalEntry } from '../../api/faults.js';
import { isLoopbackUrl, watchMockJournal } from '../../tester/mock-journal.js';
import { VERTICALS } from '../../verticals/index.js';

const page = (seq: number, fields: Partial<JournalEntry> = {}): JournalEntry => ({
  seq,
  time: '2026-12-04T12:00:00.000Z',
  method: 'GET',
  url: '/hed_data?page_size=100',
  status: 200,
  faults: [],
  duration_ms: 1,
  has_more: false,
  records: 0,
  credentials: ['header x-api-key'],
  ...fields,
});
const journal = (requests: JournalEntry[]): Journal => ({ count: requests.length, capacity: 1000, dropped: 0, requests });

/** A fetch that answers GET /__admin/requests with the given bodies in turn, and records the URLs asked. */
function scripted(bodies: unknown[], status = 200): typeof fetch & { asked: string[] } {
  const asked: string[] = [];
  const fake = async (input: string | URL | Request) => {
    asked.push(String(input));
    return new Response(JSON.stringify(bodies.shift() ?? {}), { status, headers: { 'content-type': 'application/json' } });
  };
  return Object.assign(fake as typeof fetch, { asked });
}

t.test('only a base_url on this machine is watched', async (t) => {
  t.ok(isLoopbackUrl('http://127.0.0.1:8080'));
  t.ok(isLoopbackUrl('http://localhost:3000/'));
  t.ok(isLoopbackUrl('http://[::1]:8080'));
  t.notOk(isLoopbackUrl('https://sdk-demo-api-dot-internal-sales.uc.r.appspot.com'));
  t.notOk(isLoopbackUrl('not a url'));
  t.notOk(isLoopbackUrl(undefined));
  t.equal(watchMockJournal('https://example.com', scripted([])), undefined);
});

t.test('the advice covers only the requests made during the sync', async (t) => {
  const before = [page(1, { has_more: true, records: 100 }), page(2, { url: '/hed_data?page_size=100&cursor=a', has_more: false })];
  const during = [page(3, { has_more: true, records: 100 })];
  const fetchJournal = scripted([journal(before), journal([...before, page(4, { url: '/healthz' }), ...during])]);
  const watch = watchMockJournal('http://127.0.0.1:8080', fetchJournal);
  const lines = await watch!.advice({ ok: true, tables: ['hed_records'], rowsWritten: 100 });
  t.equal(lines.length, 1);
  t.match(lines[0], /^The connector stopped after 1 page while the last page said has_more: true.* Fix: Read the flag as data\["has_more"\]/);
  t.same(fetchJournal.asked, ['http://127.0.0.1:8080/__admin/requests', 'http://127.0.0.1:8080/__admin/requests']);
});

t.test('a journal cleared during the sync is read whole', async (t) => {
  const watch = watchMockJournal('http://127.0.0.1:8080', scripted([journal([page(7), page(8)]), journal([page(1, { status: 401, credentials: ['query api_key'] })])]));
  const lines = await watch!.advice({ ok: true });
  t.match(lines[0], /the key went in query api_key/);
});

t.test('a server that is not a hed-mock, or refuses the admin call, gives no advice and no error', async (t) => {
  t.same(await watchMockJournal('http://127.0.0.1:1', scripted([{ hello: 'world' }, { hello: 'world' }]))!.advice({ ok: true }), []);
  t.same(await watchMockJournal('http://127.0.0.1:1', scripted([{}, {}], 401))!.advice({ ok: true }), []);
  const failing = (async () => {
    throw new Error('ECONNREFUSED');
  }) as unknown as typeof fetch;
  t.same(await watchMockJournal('http://127.0.0.1:1', failing)!.advice({ ok: true }), []);
});

t.test('the expected table is that of the path the connector asked for; --vertical overrides it; other paths are not its requests', async (t) => {
  const agrPages = [page(1, { url: '/agr_data?page_size=100', has_more: true, records: 100 }), page(2, { url: '/agr_data?page_size=100&cursor=a', has_more: false })];
  let lines = await watchMockJournal('http://127.0.0.1:8080', scripted([journal([]), journal(agrPages)]))!.advice({ ok: true, tables: ['agr_records'], rowsWritten: 100 });
  t.same(lines, [], 'an AGR connector writing agr_records did nothing wrong');
  lines = await watchMockJournal('http://127.0.0.1:8080', scripted([journal([]), journal(agrPages)]))!.advice({ ok: true, tables: ['hed_records'], rowsWritten: 100 });
  t.match(lines, [/^The connector wrote the table "hed_records", not "agr_records"\. Fix: Name the table "agr_records" in schema\(\)/]);
  // Another attendee's HED requests on the same mock are not this sync's.
  const mixed = [page(1, { url: '/hed_data?page_size=100', has_more: true, records: 100 }), ...agrPages.map((p) => ({ ...p, seq: p.seq + 1 }))];
  lines = await watchMockJournal('http://127.0.0.1:8080', scripted([journal([]), journal(mixed)]), VERTICALS.agr)!.advice({ ok: true, tables: ['agr_records'], rowsWritten: 100 });
  t.same(lines, [], 'with --vertical agr only /agr_data counts: the HED page that said has_more is not a stop');
  lines = await watchMockJournal('http://127.0.0.1:8080', scripted([journal([]), journal(mixed)]), VERTICALS.tlc)!.advice({ ok: true, tables: ['agr_records'], rowsWritten: 100 });
  t.match(lines, [/wrote the table "agr_records", not "tlc_records"/], '--vertical tlc expects tlc_records');
});
