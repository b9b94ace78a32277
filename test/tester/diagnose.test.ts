import t from 'tap';
import type { JournalEntry } from '../../api/faults.js';
import { cursorOf, diagnoseRun, diagnoseRuns, formatDiagnosis, isFailedRequest } from '../../tester/diagnose.js';

let seq = 0;
/** A journal entry of GET /hed_data as the mock writes it. */
function entry(fields: Partial<JournalEntry> & { cursor?: string }): JournalEntry {
  const { cursor, ...rest } = fields;
  seq += 1;
  return {
    seq,
    time: new Date(Date.UTC(2026, 11, 4, 12, 0, seq)).toISOString(),
    method: 'GET',
    url: `/hed_data?page_size=100${cursor === undefined ? '' : `&cursor=${cursor}`}`,
    status: 200,
    faults: [],
    duration_ms: 3,
    credentials: ['header x-api-key'],
    ...rest,
  };
}

/** A clean walk of `pages` pages, the last saying has_more: false. */
const walk = (pages: number) => Array.from({ length: pages }, (_, i) => entry({ ...(i === 0 ? {} : { cursor: `c${i}` }), has_more: i < pages - 1, records: i < pages - 1 ? 100 : 0 }));

t.test('a clean sync to has_more: false, into hed_records: nothing to say', async (t) => {
  t.same(diagnoseRun({ ok: true, requests: walk(7), tables: ['hed_records'], rowsWritten: 600 }), []);
});

t.test('stopped while has_more was true (the connector read hasMore): says so and names the flag', async (t) => {
  const found = diagnoseRun({ ok: true, requests: [entry({ has_more: true, records: 100 })], tables: ['hed_records'], rowsWritten: 100 });
  t.same(found.map((d) => d.kind), ['stopped-while-has-more']);
  t.match(found[0]!.message, /stopped after 1 page while the last page said has_more: true/);
  t.match(found[0]!.advice, /data\["has_more"\].*not "hasMore"/);
  t.same(diagnoseRun({ ok: false, requests: [entry({ has_more: true, records: 100 })] }), [], 'a run that failed did not stop on its own');
  const malformedLast = [entry({ has_more: true, records: 100 }), entry({ cursor: 'c1', has_more: true, records: 100, faults: [{ rule: 'm', action: 'malformed' }] })];
  t.same(diagnoseRun({ ok: true, requests: malformedLast }), [], 'a stop after a broken body is a silent partial sync, not this slip');
});

t.test('every request refused with 401: the key in the wrong header, no key, or a key refused in the right header', async (t) => {
  const wrongHeader = diagnoseRun({ ok: true, requests: [entry({ status: 401, credentials: ['header api-key'] }), entry({ status: 401, credentials: ['header api-key'] })], tables: ['hed_records'], rowsWritten: 0 });
  t.same(wrongHeader.map((d) => d.kind), ['api-key'], 'the key hides every other cause');
  t.match(wrongHeader[0]!.message, /401 to all 2 requests: the key went in header api-key, not in the x-api-key header/);
  t.match(wrongHeader[0]!.advice, /Send the key in the header x-api-key/);
  t.match(diagnoseRun({ ok: false, requests: [entry({ status: 401, credentials: ['query api_key'] })] })[0]!.message, /went in query api_key/);
  t.match(diagnoseRun({ ok: false, requests: [entry({ status: 401, credentials: [] })] })[0]!.message, /no key was sent at all/);
  const refused = diagnoseRun({ ok: false, requests: [entry({ status: 401 })] })[0]!;
  t.match(refused.message, /sent in the x-api-key header but refused/);
  t.match(refused.advice, /"api_key" of configuration\.json/);
  t.match(refused.advice, /the lab's fiveTRANmovesTHEworldsDATA/, 'a mock started without --api-key accepts the lab\'s published key too: name it');
  t.match(refused.advice, /hed-demo-key/);
  t.same(diagnoseRun({ ok: true, requests: [...walk(2), entry({ status: 401 })], tables: ['hed_records'], rowsWritten: 100 }), [], 'some 401s (an expired key mid-sync) are not a wrong key');
});

t.test('another table name: names the table it did write', async (t) => {
  const found = diagnoseRun({ ok: true, requests: walk(7), tables: ['hed_data'], rowsWritten: 600 });
  t.same(found.map((d) => d.kind), ['table-name']);
  t.match(found[0]!.message, /wrote the table "hed_data", not "hed_records"/);
  t.match(found[0]!.advice, /op\.upsert\(table="hed_records"/);
  t.same(diagnoseRun({ ok: true, requests: walk(7), tables: [], rowsWritten: 0 }).map((d) => d.kind), ['records-not-read'], 'no table at all, records served: read from the wrong key');
});

t.test('the cursor never sent back: the same first page again, until an iteration cap', async (t) => {
  const again = Array.from({ length: 200 }, () => entry({ has_more: true, records: 100 }));
  const found = diagnoseRun({ ok: true, requests: again, tables: ['hed_records'], rowsWritten: 100 });
  t.same(found.map((d) => d.kind), ['cursor-not-sent'], 'the cursor explains the stop; no second cause');
  t.match(found[0]!.message, /same page again 199 times \(without a cursor\)/);
  t.match(found[0]!.advice, /params\["cursor"\] = data\["next_cursor"\]/);
  const stuck = diagnoseRun({ ok: true, requests: [entry({ has_more: true }), entry({ cursor: 'c1', has_more: true }), entry({ cursor: 'c1', has_more: true })] });
  t.match(stuck[0]!.message, /1 time \(with the cursor it had just sent\)/);
  const retried = [entry({ has_more: true }), entry({ cursor: 'c1', status: 503 }), entry({ cursor: 'c1', has_more: false })];
  t.same(diagnoseRun({ ok: true, requests: retried, tables: ['hed_records'], rowsWritten: 100 }), [], 'asking again after a failed request is a retry, not a slip');
});

t.test('several runs: each cause once, in the order seen; formatted as one line', async (t) => {
  const runs = [
    { ok: true, requests: [entry({ has_more: true, records: 100 })], tables: ['hed_records'], rowsWritten: 100 },
    { ok: true, requests: [entry({ cursor: 'c1', has_more: true, records: 8 })], tables: ['hed_records'], rowsWritten: 8 },
  ];
  const found = diagnoseRuns(runs);
  t.same(found.map((d) => d.kind), ['stopped-while-has-more']);
  t.match(formatDiagnosis(found[0]!), /has_more: true, .* Fix: Read the flag/);
});

t.test('failed requests include a 200 whose body a fault broke', async (t) => {
  t.ok(isFailedRequest({ status: 200, faults: [{ rule: 'm', action: 'malformed' }] }));
  t.ok(isFailedRequest({ status: 'truncate', faults: [{ rule: 't', action: 'truncate' }] }));
  t.ok(isFailedRequest({ status: 429, faults: [] }));
  t.notOk(isFailedRequest({ status: 200, faults: [{ rule: 'd', action: 'delay' }] }));
  t.equal(cursorOf('/hed_data?page_size=5&cursor=abc'), 'abc');
  t.equal(cursorOf('/hed_data'), '');
});
