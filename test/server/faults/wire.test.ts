import t from 'tap';
import { buildTestApp, startMock, AUTH, type RunningMock } from '../../helpers/mock-server.js';
import type { FaultList, JournalEntry } from '../../../api/faults.js';
import { rawGet } from './raw-client.js';
import { startScenario } from '../../../server/main.js';

const PAGE = '/hed_data?page_size=5';

async function addRule(mock: RunningMock, rule: unknown): Promise<Response> {
  return fetch(`${mock.url}/__admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
}

async function journal(mock: RunningMock): Promise<JournalEntry[]> {
  return ((await (await fetch(`${mock.url}/__admin/requests`)).json()) as { requests: JournalEntry[] }).requests;
}

/** A fresh rule set for each test: the server is shared, the faults are not. */
async function only(mock: RunningMock, rule: unknown): Promise<void> {
  await fetch(`${mock.url}/__admin/reset`, { method: 'POST' });
  const res = await addRule(mock, rule);
  if (res.status !== 201) throw new Error(`rule refused: ${await res.text()}`);
}

t.test('each action as a raw client sees it on the wire', async (t) => {
  const mock = await startMock({ students: 40 });
  t.teardown(mock.close);
  const clean = await rawGet(mock.url, PAGE, AUTH);
  t.equal(clean.status, 200, 'without rules the page is served');
  const cleanBody = clean.body.toString();

  t.test('reset: a real TCP RST, the client sees ECONNRESET and no bytes', async (t) => {
    await only(mock, { reset: true });
    const seen = await rawGet(mock.url, PAGE, AUTH);
    t.equal(seen.error, 'ECONNRESET');
    t.equal(seen.status, undefined);
    t.equal(seen.body.length, 0);
    const entries = await journal(mock);
    t.equal(entries.length, 1, 'journaled once, although no response hook ran');
    t.match(entries, [{ status: 'reset', faults: [{ action: 'reset' }] }]);
  });

  t.test('empty: the connection closes cleanly without a response', async (t) => {
    await only(mock, { empty: true });
    const seen = await rawGet(mock.url, PAGE, AUTH);
    t.equal(seen.error, undefined, 'a FIN, not an RST');
    t.equal(seen.status, undefined, 'no status line');
    t.match(await journal(mock), [{ status: 'empty' }]);
  });

  t.test('truncate: the full Content-Length is promised, part of the body arrives, then close', async (t) => {
    await only(mock, { truncate: { fraction: 0.3 } });
    const seen = await rawGet(mock.url, PAGE, AUTH);
    t.equal(seen.status, 200);
    const promised = Number(seen.headers['content-length']);
    t.equal(promised, Buffer.byteLength(cleanBody), 'the length of the whole page');
    t.equal(seen.body.length, Math.floor(promised * 0.3), 'only 30% of it');
    t.equal(seen.body.toString(), cleanBody.slice(0, seen.body.length), 'a prefix of the real page');
    const entries = await journal(mock);
    t.equal(entries.length, 1, 'journaled once');
    t.match(entries, [{ status: 'truncate', faults: [{ action: 'truncate' }] }]);
  });

  t.test('malformed: 200 with a consistent length and a body that is not JSON', async (t) => {
    await only(mock, { malformed: true });
    const seen = await rawGet(mock.url, PAGE, AUTH);
    t.equal(seen.status, 200);
    t.match(seen.headers['content-type'], /application\/json/);
    t.equal(Number(seen.headers['content-length']), seen.body.length, 'nothing missing on the wire');
    t.throws(() => JSON.parse(seen.body.toString()));
    t.match(await journal(mock), [{ status: 200, faults: [{ action: 'malformed' }] }]);
  });

  t.test('html: a 502 HTML page of the kind a proxy answers', async (t) => {
    await only(mock, { html: true });
    const seen = await rawGet(mock.url, PAGE, AUTH);
    t.equal(seen.status, 502);
    t.match(seen.headers['content-type'], /^text\/html/);
    t.match(seen.body.toString(), /<html>.*502 Bad Gateway/s);
  });

  t.test('dribble: the body arrives in separate small chunks and is the real page', async (t) => {
    await only(mock, { dribble: { chunk_bytes: 300, interval_ms: 40 } });
    const seen = await rawGet(mock.url, '/hed_data?page_size=3', AUTH);
    t.equal(seen.status, 200);
    const expected = (await rawGet(mock.url, '/hed_data?page_size=3', AUTH)).body.toString();
    t.equal(seen.body.toString(), expected, 'nothing lost or changed');
    const planned = Math.ceil(Buffer.byteLength(expected) / 300);
    t.ok(planned >= 4, `the page needs ${planned} chunks`);
    t.ok(seen.bodyChunks >= planned - 1, `the client saw ${seen.bodyChunks} separate reads for ${planned} chunks`);
  });

  t.test('hang: no answer at all until the client gives up; the journal notes it on close', async (t) => {
    await only(mock, { hang: true });
    const seen = await rawGet(mock.url, PAGE, AUTH, 400);
    t.ok(seen.timedOut, 'the client timed out');
    t.equal(seen.body.length + (seen.status ?? 0), 0, 'not one byte came back');
    let entries: JournalEntry[] = [];
    for (let i = 0; i < 40 && entries.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      entries = await journal(mock);
    }
    t.match(entries, [{ status: 'hang', faults: [{ action: 'hang' }] }]);
  });

  t.test('status: any code, Retry-After and the body; "fail 3 times then succeed"', async (t) => {
    await only(mock, { status: 503, retry_after: 7, times: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const seen = await rawGet(mock.url, PAGE, AUTH);
      statuses.push(seen.status!);
      if (i === 0) {
        t.equal(seen.headers['retry-after'], '7');
        t.match(JSON.parse(seen.body.toString()), { error: 'service_unavailable', message: /fault rule rule-1/ });
      }
    }
    t.same(statuses, [503, 503, 503, 200]);
  });

  t.test('expire_cursor: a cursor the server issued is refused as expired', async (t) => {
    await only(mock, { expire_cursor: true, times: 1 });
    const first = JSON.parse((await rawGet(mock.url, PAGE, AUTH)).body.toString()) as { next_cursor: string };
    const seen = await rawGet(mock.url, `${PAGE}&cursor=${first.next_cursor}`, AUTH);
    t.equal(seen.status, 400);
    t.match(JSON.parse(seen.body.toString()), { error: 'invalid_cursor', message: /expired/ });
    t.equal((await rawGet(mock.url, `${PAGE}&cursor=${first.next_cursor}`, AUTH)).status, 200, 'times: 1, then it works');
  });

  t.test('auth_expiry: the key stops working after n requests, for `times` requests', async (t) => {
    await only(mock, { auth_expiry: true, after: 1, times: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await rawGet(mock.url, PAGE, AUTH)).status);
    t.same(statuses, [200, 401, 401, 200]);
  });

  t.test('overlap: a later page starts records before the cursor, repeating the previous page', async (t) => {
    await only(mock, { overlap: { records: 2 } });
    const p1 = JSON.parse((await rawGet(mock.url, PAGE, AUTH)).body.toString()) as { hed_records: { record_id: string }[]; next_cursor: string };
    const p2 = JSON.parse((await rawGet(mock.url, `${PAGE}&cursor=${p1.next_cursor}`, AUTH)).body.toString()) as typeof p1;
    t.same(p2.hed_records.slice(0, 2).map((r) => r.record_id), p1.hed_records.slice(3).map((r) => r.record_id));
    t.equal(p2.hed_records.length, 5);
    t.match(await journal(mock), [{ faults: [] }, { faults: [{ action: 'overlap' }] }], 'the first page had nothing to overlap');
    await only(mock, { overlap: { records: 50 } });
    const p3 = JSON.parse((await rawGet(mock.url, `${PAGE}&cursor=${p1.next_cursor}`, AUTH)).body.toString()) as typeof p1;
    t.same(p3.hed_records.slice(0, 4).map((r) => r.record_id), p1.hed_records.slice(1).map((r) => r.record_id), 'at most page_size - 1 records repeat');
    t.not(p3.next_cursor, p1.next_cursor, 'so the page still moves past the cursor');
  });

  t.test('drift: a field added to, or missing from, every record', async (t) => {
    await only(mock, { drift: { add: 'campus', value: 'north' } });
    const added = JSON.parse((await rawGet(mock.url, PAGE, AUTH)).body.toString()) as { hed_records: Record<string, unknown>[] };
    t.ok(added.hed_records.every((r) => r.campus === 'north' && Object.keys(r).length === 24));
    await only(mock, { drift: { remove: 'advisor_id' } });
    const removed = JSON.parse((await rawGet(mock.url, PAGE, AUTH)).body.toString()) as { hed_records: Record<string, unknown>[] };
    t.ok(removed.hed_records.every((r) => !('advisor_id' in r) && Object.keys(r).length === 22));
  });

  t.test('delay and page: a rule on first pages only, slowed, leaves later pages alone', async (t) => {
    await only(mock, { status: 500, page: 'first', delay: 20 });
    t.equal((await rawGet(mock.url, PAGE, AUTH)).status, 500);
    await fetch(`${mock.url}/__admin/faults`, { method: 'DELETE' });
    const first = JSON.parse((await rawGet(mock.url, PAGE, AUTH)).body.toString()) as { next_cursor: string };
    await addRule(mock, { status: 500, page: 'first' });
    t.equal((await rawGet(mock.url, `${PAGE}&cursor=${first.next_cursor}`, AUTH)).status, 200);
  });
});

t.test('the quota answers 429 with Retry-After computed from the window (injected clock)', async (t) => {
  let now = Date.UTC(2026, 0, 1);
  const mock = await startMock({ students: 20 }, { faultClock: () => now });
  t.teardown(mock.close);
  await addRule(mock, { rate_limit: { requests: 2, per_seconds: 30 } });
  const at = async (ms: number) => {
    now = Date.UTC(2026, 0, 1) + ms;
    const seen = await rawGet(mock.url, PAGE, AUTH);
    return `${seen.status}${seen.headers['retry-after'] ? ` ${seen.headers['retry-after']}` : ''}`;
  };
  t.equal(await at(0), '200');
  t.equal(await at(4_000), '200');
  t.equal(await at(10_000), '429 20', 'the request at 0 s frees its slot at 30 s');
  t.equal(await at(29_999), '429 1');
  t.equal(await at(30_000), '200');
  t.equal(await at(31_000), '429 3', 'the request at 4 s frees its slot at 34 s');
  const entries = await journal(mock);
  t.same(entries.map((e) => e.status), [200, 200, 429, 429, 200, 429]);
  t.equal(entries[2]!.time, '2026-01-01T00:00:10.000Z', 'the journal uses the same clock');
  const body = JSON.parse((await rawGet(mock.url, PAGE, AUTH)).body.toString());
  t.match(body, { error: 'rate_limited', message: /2 requests per 30 s/ });
});

t.test('the admin API: rules in and out, 400 naming the field, journal redaction, reset clears all', async (t) => {
  const mock = await startMock({ students: 20 });
  t.teardown(mock.close);
  const bad = await addRule(mock, { status: 503, probability: 2 });
  t.equal(bad.status, 400);
  t.match(await bad.json(), { error: 'invalid_request', message: /^probability must be a number from 0 to 1/ });
  const badList = await addRule(mock, [{ status: 503 }, { hang: 'forever' }]);
  t.match(await badList.json(), { error: 'invalid_request', message: /^rules\[1\]\.hang must be true/ });
  t.same(((await (await fetch(`${mock.url}/__admin/faults`)).json()) as FaultList).rules, [], 'a list is added all or nothing');

  const added = await addRule(mock, [{ id: 'a', status: 503, nth: 1 }, { reset: true, nth: 5 }]);
  t.equal(added.status, 201);
  t.match(await added.json(), { added: [{ id: 'a' }, { id: 'rule-1' }] });
  t.equal((await fetch(`${mock.url}/__admin/faults/nope`, { method: 'DELETE' })).status, 404);
  const left = (await (await fetch(`${mock.url}/__admin/faults/rule-1`, { method: 'DELETE' })).json()) as FaultList;
  t.same(left.rules.map((r) => r.rule.id), ['a']);

  await rawGet(mock.url, `${PAGE}&api_key=hed-demo-key`, AUTH);
  await fetch(`${mock.url}/healthz`);
  const entries = await journal(mock);
  t.same(entries.map((e) => [e.url, e.status]), [[`${PAGE}&api_key=REDACTED`, 503], ['/healthz', 200]], 'admin calls are not journaled');
  t.match(await (await fetch(`${mock.url}/__admin/faults`)).json(), { rules: [{ rule: { id: 'a' }, matched: 1, fired: 1 }] });

  const scenario = await fetch(`${mock.url}/__admin/scenario`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'nope' }) });
  t.equal(scenario.status, 400);
  t.match(await scenario.json(), { error: "invalid_request", message: /name must be one of "auth-expiry", "chaos"/ });
  const path = await fetch(`${mock.url}/__admin/scenario`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '../../etc/x' }) });
  t.equal(path.status, 400, 'the admin API loads names, not paths');
  const flaky = await fetch(`${mock.url}/__admin/scenario`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'flaky' }) });
  t.match(await flaky.json(), { scenario: 'flaky', rules: [{ rule: { id: 'warm-up' } }] });

  await fetch(`${mock.url}/__admin/reset`, { method: 'POST' });
  t.match(await (await fetch(`${mock.url}/__admin/faults`)).json(), { scenario: null, rules: [] });
  t.same(await journal(mock), []);
  t.equal((await rawGet(mock.url, PAGE, AUTH)).status, 200);
  t.equal(((await (await fetch(`${mock.url}/__admin/requests`, { method: 'DELETE' })).json()) as { cleared: number }).cleared, 1);
});

t.test('--scenario: a name loads at start; an unknown name fails the start listing the valid names', async (t) => {
  const app = await buildTestApp({ students: 5 }, { scenario: startScenario('maintenance') });
  t.teardown(() => app.close());
  t.match((await app.inject({ url: '/__admin/faults' })).json(), { scenario: 'maintenance', rules: [{ rule: { id: 'maintenance', status: 503 } }] });
  t.throws(() => startScenario('nope'), { name: 'ConfigError', message: /--scenario.*Valid names: auth-expiry, chaos, connection-reset/ });
  t.equal(startScenario(undefined), undefined, 'no --scenario, no rules');
});

t.test('the journal notes what a diagnosis needs: has_more and records of each page, and where a key was sent (names only)', async (t) => {
  const app = await buildTestApp({ students: 7 });
  t.teardown(() => app.close());
  const first = await app.inject({ url: '/hed_data?page_size=5', headers: { 'x-api-key': 'hed-demo-key' } });
  const cursor = first.json<{ next_cursor: string }>().next_cursor;
  await app.inject({ url: `/hed_data?page_size=5&cursor=${cursor}`, headers: { 'x-api-key': 'hed-demo-key' } });
  await app.inject({ url: '/hed_data?page_size=5', headers: { 'api-key': 'hed-demo-key' } });
  await app.inject({ url: '/hed_data?page_size=5&apiKey=hed-demo-key', headers: { authorization: 'Bearer hed-demo-key' } });
  const entries = (await app.inject({ url: '/__admin/requests' })).json<{ requests: JournalEntry[] }>().requests;
  t.match(entries[0], { status: 200, has_more: true, records: 5, credentials: ['header x-api-key'] });
  t.match(entries[1], { status: 200, has_more: false, records: 2 });
  t.match(entries[2], { status: 401, credentials: ['header api-key'] });
  t.notOk('has_more' in entries[2]!, 'a refused request has no page');
  t.same(entries[3]!.credentials, ['header authorization', 'query apiKey']);
  t.notMatch(JSON.stringify(entries), /hed-demo-key/, 'never a key value');
});
