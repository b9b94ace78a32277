import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { AUTH, buildTestApp, startMock } from '../helpers/mock-server.js';
import { createStore } from '../../server/store.js';
import { fingerprintChange, openVerticalLog } from '../../server/vertical-log.js';
import { fetchGroundTruth } from '../../tester/check.js';
import { generateRecordJson, VERTICALS, type VerticalDefinition, type VerticalPrefix } from '../../verticals/index.js';

function tempDb(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'hed-vlog-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'hed.db');
}

const mutate = (app: FastifyInstance, payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/__admin/mutations', payload });
const records = async (app: FastifyInstance, vertical: string) => {
  const res = await app.inject({ url: `/__admin/records?vertical=${vertical}` });
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
  return res.body;
};
const initialDump = (prefix: VerticalPrefix) => {
  const list = [...generateRecordJson(VERTICALS[prefix], 42, 600)];
  return `{"count":${list.length},"${VERTICALS[prefix].table}":[${list.join(',')}]}`;
};

/** Pages of 100 from `cursor` (none: the start) until has_more is false: the bodies and the last cursor. */
async function sync(app: FastifyInstance, v: VerticalDefinition, cursor?: string) {
  const bodies: string[] = [];
  for (let guard = 0; guard < 100; guard++) {
    const res = await app.inject({ url: `${v.path}?page_size=100${cursor ? `&cursor=${cursor}` : ''}`, headers: AUTH });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
    bodies.push(res.body);
    const page = res.json<{ next_cursor: string; has_more: boolean }>();
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  return { bodies, cursor: cursor! };
}

/** The stored batches per prefix, read from the file itself. */
function storedBatches(path: string): Record<string, number[]> {
  const db = new Database(path, { readonly: true });
  try {
    const out: Record<string, number[]> = {};
    for (const row of db.prepare<[], { prefix: string; batch: number }>('SELECT prefix, batch FROM vertical_mutations ORDER BY prefix, batch').all()) {
      (out[row.prefix] ??= []).push(row.batch);
    }
    return out;
  } finally {
    db.close();
  }
}

t.test('with --db, the mutations of TLC and AGR survive a restart: same records, same seqs, a stored cursor reads the same changes', async (t) => {
  const db = tempDb(t);
  const first = await buildTestApp({ db, students: 20 });
  const synced = await sync(first, VERTICALS.tlc);
  t.equal(synced.bodies.length, 7, 'a full first sync of TLC');
  t.equal((await mutate(first, { vertical: 'tlc', update: 5, create: 3 })).statusCode, 200);
  t.equal((await mutate(first, { vertical: 'agr', update: 2, create: 1 })).statusCode, 200);
  t.equal((await mutate(first, { vertical: 'tlc', update: 40 })).json().batch, 2);
  const before = { tlc: await records(first, 'tlc'), agr: await records(first, 'agr'), changes: await sync(first, VERTICALS.tlc, synced.cursor) };
  t.not(before.tlc, initialDump('tlc'), 'TLC changed');
  t.match(before.tlc, /^\{"count":603,/);
  t.match(before.changes.bodies[0], /"has_more":false/, 'the 48 changes fit in one page');
  await first.close();
  t.same(storedBatches(db), { agr: [1], tlc: [1, 2] }, 'the file holds each applied batch');

  const second = await startMock({ db, students: 20 });
  t.teardown(second.close);
  t.equal(await records(second.app, 'tlc'), before.tlc, 'TLC\'s records are those before the restart');
  t.equal(await records(second.app, 'agr'), before.agr, 'and AGR\'s');
  t.equal(await records(second.app, 'cds'), initialDump('cds'), 'a vertical never changed is its initial records');
  t.same(await sync(second.app, VERTICALS.tlc, synced.cursor), before.changes, 'the cursor stored before the restart reads exactly the same page');
  const truth = await fetchGroundTruth(second.url, VERTICALS.tlc);
  t.same(truth, JSON.parse(before.tlc).tlc_records, 'hed-tester check reads the same ground truth');

  // The restarted server goes on as one that never stopped.
  const next = await mutate(second.app, { vertical: 'tlc', update: 7, create: 2 });
  const never = await buildTestApp({ students: 20 });
  t.teardown(() => never.close());
  for (const payload of [{ update: 5, create: 3 }, { update: 40 }, { update: 7, create: 2 }]) await mutate(never, { vertical: 'tlc', ...payload });
  t.equal(next.json().batch, 3, 'the batch counter goes on');
  t.equal(await records(second.app, 'tlc'), await records(never, 'tlc'), 'the same records as a server that applied the same batches without a restart');
});

t.test('reset clears the stored batches; a restart after it starts from the initial records', async (t) => {
  const db = tempDb(t);
  const first = await buildTestApp({ db, students: 20 });
  await mutate(first, { vertical: 'tlc', update: 3 });
  await mutate(first, { vertical: 'agr', create: 2 });
  t.same(Object.keys(storedBatches(db)), ['agr', 'tlc']);
  t.equal((await first.inject({ method: 'POST', url: '/__admin/reset' })).statusCode, 200);
  t.same(storedBatches(db), {}, 'reset resets every vertical served, and clears their lists');
  t.equal(await records(first, 'tlc'), initialDump('tlc'));
  await mutate(first, { vertical: 'tlc', create: 1 });
  await first.close();
  t.same(storedBatches(db), { tlc: [1] }, 'batches start over at 1 after a reset');

  const second = await buildTestApp({ db, students: 20 });
  t.teardown(() => second.close());
  t.equal(await records(second, 'agr'), initialDump('agr'));
  t.match(await records(second, 'tlc'), /^\{"count":601,/, 'the one batch after the reset is replayed');
});

t.test('a refused batch (409) is not stored', async (t) => {
  const db = tempDb(t);
  const first = await buildTestApp({ db, students: 20, verticals: ['tlc'] });
  t.equal((await mutate(first, { vertical: 'tlc', create: 2 })).statusCode, 200);
  const refused = await mutate(first, { vertical: 'tlc', update: 603 });
  t.equal(refused.statusCode, 409);
  const dump = await records(first, 'tlc');
  await first.close();
  t.same(storedBatches(db), { tlc: [1] });

  const second = await buildTestApp({ db, students: 20, verticals: ['tlc'] });
  t.teardown(() => second.close());
  t.equal(await records(second, 'tlc'), dump);
  t.equal((await mutate(second, { vertical: 'tlc', update: 602 })).json().batch, 2, 'the refused one took no batch number');
});

t.test('a server narrowed by --verticals replays and resets its own, and leaves the other verticals\' lists alone', async (t) => {
  const db = tempDb(t);
  const first = await buildTestApp({ db, students: 20 });
  await mutate(first, { vertical: 'tlc', update: 4, create: 1 });
  await mutate(first, { vertical: 'agr', update: 2 });
  const tlc = await records(first, 'tlc');
  const agr = await records(first, 'agr');
  await first.close();

  const narrow = await buildTestApp({ db, students: 20, verticals: ['hed', 'agr'] });
  t.equal(await records(narrow, 'agr'), agr, 'AGR replayed');
  t.equal((await narrow.inject({ method: 'POST', url: '/__admin/reset' })).statusCode, 200);
  await narrow.close();
  t.same(storedBatches(db), { tlc: [1] }, 'the reset cleared AGR\'s list, not TLC\'s');

  const all = await buildTestApp({ db, students: 20 });
  t.teardown(() => all.close());
  t.equal(await records(all, 'tlc'), tlc, 'TLC still has its mutations');
  t.equal(await records(all, 'agr'), initialDump('agr'));
});

t.test('another seed drops the stored batches with a notice; so does a batch that no longer gives what it gave', async (t) => {
  const db = tempDb(t);
  const lines: string[] = [];
  const open = (seed: number) => {
    const store = createStore({ seed, students: 5, path: db });
    return { store, log: openVerticalLog(store.database, { seed, path: db, log: (line) => lines.push(line) }) };
  };

  const a = open(42);
  const tlc = a.log.rows(VERTICALS.tlc);
  tlc.mutate(3, 2);
  a.log.rows(VERTICALS.agr).mutate(1, 0);
  a.log.rows(VERTICALS.agr).mutate(1, 0);
  const changed = [...tlc.iterateJson()];
  a.store.close();

  const b = open(42);
  t.same([...b.log.rows(VERTICALS.tlc).iterateJson()], changed, 'same seed: replayed');
  t.same(lines, [], 'without a notice');
  b.store.database.prepare("UPDATE vertical_mutations SET digest = 'x' WHERE prefix = 'agr' AND batch = 2").run();
  const agr = b.log.rows(VERTICALS.agr);
  t.equal(agr.count(), 600);
  t.same([...agr.iterateJson()], [...generateRecordJson(VERTICALS.agr, 42, 600)], 'a batch that gives other records: the initial records');
  t.same(lines, ["Dropping the 2 stored mutation batches of agr in " + db + ": batch 2 no longer gives the records it gave (the vertical's generator changed). agr starts from its initial 600 records."]);
  t.same(b.log.batches('agr'), []);
  b.store.close();

  lines.length = 0;
  const c = open(9);
  t.teardown(() => c.store.close());
  const other = c.log.rows(VERTICALS.tlc);
  t.same([...other.iterateJson()], [...generateRecordJson(VERTICALS.tlc, 9, 600)], 'seed 9\'s initial records');
  t.same(lines, [`Dropping the stored mutation batch of tlc in ${db}: they were made on seed 42, 600 records; this server has seed 9, 600 records. tlc starts from its initial 600 records.`]);
  t.same(c.log.batches('tlc'), [], 'the list is gone from the file');
  t.equal(other.mutate(1, 0).batch, 1, 'and batches start over');
});

t.test('fingerprintChange says what differs', async (t) => {
  const fp = (seed: number, checksum: string) => JSON.stringify({ seed, records: 600, checksum });
  t.equal(fingerprintChange(fp(7, 'a'), fp(42, 'a')), 'they were made on seed 7, 600 records; this server has seed 42, 600 records');
  t.match(fingerprintChange(fp(42, 'a'), fp(42, 'b')), /other initial records \(checksum a, now b: the vertical's generator or definition changed\)/);
  t.equal(fingerprintChange(undefined, fp(42, 'a')), 'they were stored without what they were made on');
  t.equal(fingerprintChange('not json', fp(42, 'a')), 'they were stored without what they were made on');
});

t.test('a batch the file cannot store is not applied either', async (t) => {
  const db = tempDb(t);
  const store = createStore({ seed: 42, students: 5, path: db });
  t.teardown(() => store.close());
  const log = openVerticalLog(store.database, { seed: 42, path: db });
  const rows = log.rows(VERTICALS.tlc);
  rows.mutate(2, 1);
  const kept = [...rows.iterateJson()];
  store.database.exec("CREATE TRIGGER full BEFORE INSERT ON vertical_mutations BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
  t.throws(() => rows.mutate(5, 5), /disk full/);
  t.same([...rows.iterateJson()], kept, 'the records are those the file holds');
  store.database.exec('DROP TRIGGER full');
  t.equal(rows.mutate(5, 5).batch, 2, 'the next batch takes the number the failed one did not keep');
});

t.test('without --db nothing is stored', async (t) => {
  const app = await buildTestApp({ students: 20, verticals: ['tlc'] });
  t.teardown(() => app.close());
  await mutate(app, { vertical: 'tlc', update: 1 });
  t.equal(app.store.database.prepare("SELECT name FROM sqlite_master WHERE name = 'vertical_mutations'").get(), undefined);
});
