import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { dbPathProblem, keptClause, serve, shownUrls, startErrorLine } from '../../server/main.js';
import { MOCK_BIN } from '../helpers/mock-process.js';
import { rawRequest } from '../helpers/raw-request.js';
import { DIST_NODE, distArgs } from '../helpers/dist-cli.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'hed-main-'));
const sink = () => {
  let text = '';
  const out = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  return { out, text: () => text };
};

t.test('--db: a folder or a path in a missing folder is refused before anything opens it', async (t) => {
  const dir = scratch();
  t.match(dbPathProblem(dir), /--db \/ HED_DB: .* is a folder; give a file path in it/);
  t.match(dbPathProblem(join(dir, 'missing', 'hed.db')), /the folder .*missing does not exist; create it/);
  t.equal(dbPathProblem(join(dir, 'hed.db')), undefined, 'a new file in an existing folder is fine');
  t.equal(dbPathProblem(undefined), undefined);
  t.equal(dbPathProblem(':memory:'), undefined);
});

t.test('start errors become one line naming the flag; others are left alone', async (t) => {
  const config = { host: 'nohost', db: '/tmp/x.db' };
  t.match(startErrorLine({ code: 'ENOTFOUND' }, config), /^--host \/ HED_HOST: "nohost" cannot be resolved/);
  t.match(startErrorLine({ code: 'EAI_AGAIN' }, config), /cannot be resolved/);
  t.match(startErrorLine({ code: 'EADDRNOTAVAIL' }, config), /is not an address of this machine/);
  t.match(startErrorLine({ code: 'EACCES' }, config), /^--port \/ HED_PORT: .* above 1023/);
  t.match(startErrorLine({ code: 'SQLITE_NOTADB' }, config), /^--db \/ HED_DB: \/tmp\/x\.db is not a SQLite database/);
  t.match(startErrorLine({ code: 'SQLITE_CANTOPEN' }, config), /cannot be opened for writing/);
  t.equal(startErrorLine({ code: 'EADDRINUSE' }, config), undefined, 'a port in use keeps its own message');
  t.equal(startErrorLine(new Error('boom'), config), undefined);
});

t.test('the start line shows a reachable address for every interface', async (t) => {
  const eth = { address: '10.0.0.5', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: null } as const;
  const lo = { ...eth, address: '127.0.0.1', internal: true };
  t.same(shownUrls('http://0.0.0.0:8080', { lo: [lo], eth0: [eth] }), ['http://10.0.0.5:8080', 'http://127.0.0.1:8080']);
  t.same(shownUrls('http://0.0.0.0:8080', { lo: [lo] }), ['http://127.0.0.1:8080'], 'no network: loopback only');
  t.same(shownUrls('http://127.0.0.1:9000'), ['http://127.0.0.1:9000'], 'a specific address as is');
});

t.test('serve: --host 0.0.0.0 prints a URL that answers; bad settings are ConfigErrors', async (t) => {
  const { out, text } = sink();
  const app = await serve({ host: '0.0.0.0', port: '0', students: '3', logLevel: 'silent' }, {}, out);
  t.teardown(() => app.close());
  const url = /listening on (http:\/\/\S+)/.exec(text())?.[1];
  t.match(text(), /listening on http:\/\/[\d.]+:\d+ \(every interface/);
  t.notMatch(url, /0\.0\.0\.0/, 'not 0.0.0.0, where no client can go');
  t.equal((await fetch(`${url}/healthz`)).status, 200, 'the printed URL answers');
  t.equal(text().trim().split('\n').length, 2, 'the start line and one warning line');
  t.match(text(), /\nWarning: the mock is bound to 0\.0\.0\.0, so every machine that can reach this one can now use GET \/\{prefix\}_data of the 15 verticals served \(with an API key\), their spec pages and \/docs while the admin API stays loopback-only( at http:\/\/[\d.]+:\d+)?; bind --host 127\.0\.0\.1/);
  const hedOnly = sink();
  const hedApp = await serve({ host: '0.0.0.0', port: '0', students: '3', logLevel: 'silent', verticals: 'hed' }, {}, hedOnly.out);
  t.teardown(() => hedApp.close());
  t.match(hedOnly.text(), /can now use GET \/hed_data \(with an API key\), \/hed_api_spec and \/docs while the admin API stays loopback-only/, 'HED alone: its own paths');
  t.match(hedOnly.text(), /Serving 1 of 15 verticals: hed at \/\{prefix\}_data\./, 'the start line says what is served');
  const foreign = await rawRequest(`${url}/hed_data`, { host: 'rebound.example', headers: { 'x-api-key': 'hed-demo-key' } });
  t.equal(foreign.status, 403, 'bound to every interface, a foreign Host name is still refused');
  t.equal(JSON.parse(foreign.body).error, 'host_not_allowed');
  t.equal(Object.isFrozen(app.config), true, 'config is read-only after start');

  const dir = scratch();
  const notADb = join(dir, 'notes.txt');
  writeFileSync(notADb, 'these are not the records you are looking for\n'.repeat(200));
  await t.rejects(serve({ db: notADb, port: '0', students: '3', logLevel: 'silent' }, {}, sink().out), { name: 'ConfigError', message: /is not a SQLite database/ });
  await t.rejects(serve({ db: dir, port: '0', logLevel: 'silent' }, {}, sink().out), { name: 'ConfigError', message: /is a folder/ });
  await t.rejects(serve({ host: '192.0.2.1', port: '0', students: '3', logLevel: 'silent' }, {}, sink().out), { name: 'ConfigError', message: /is not an address of this machine/ });
  await t.rejects(serve({ scenario: 'nope', port: '0', students: '3', logLevel: 'silent' }, {}, sink().out), { name: 'ConfigError', message: /--scenario/ });
});

t.test('--db: the start line names the file and the mutation batches it replayed, by vertical', async (t) => {
  const db = join(scratch(), 'hed.db');
  const flags = { host: '127.0.0.1', port: '0', students: '3', logLevel: 'silent', verticals: 'hed,tlc', db };
  const first = sink();
  let app = await serve(flags, {}, first.out);
  t.match(first.text(), /^HED mock listening on http:\/\/127\.0\.0\.1:\d+ \(seed 42, 3 records, /, 'the fixed parts as before');
  t.equal(first.text().trim().split('\n').length, 1, 'one line');
  t.match(first.text(), `Serving 2 of 15 verticals: hed, tlc at /{prefix}_data. Data kept in ${db} (no stored mutation batches to replay).\n`);
  for (const body of [{ update: 1 }, { vertical: 'tlc', update: 2 }, { vertical: 'tlc', create: 1 }]) {
    t.equal((await app.inject({ method: 'POST', url: '/__admin/mutations', payload: body })).statusCode, 200, JSON.stringify(body));
  }
  await app.close();
  const again = sink();
  app = await serve(flags, {}, again.out);
  t.teardown(() => app.close());
  t.match(again.text(), `Data kept in ${db} (replayed 3 mutation batches: hed 1, tlc 2).\n`);
  const plain = sink();
  const inMemory = await serve({ host: '127.0.0.1', port: '0', students: '3', logLevel: 'silent', verticals: 'hed' }, {}, plain.out);
  t.teardown(() => inMemory.close());
  t.notMatch(plain.text(), /kept in|replayed/, 'without --db: nothing about a file');
  t.equal(keptClause('/lab/hed.db', { tlc: 1 }), ' Data kept in /lab/hed.db (replayed 1 mutation batch: tlc 1).');
  t.equal(keptClause('/lab/hed.db', { hed: 0 }), ' Data kept in /lab/hed.db (no stored mutation batches to replay).');
});

t.test('hed-mock serve: a start error is one line on stderr and exit 2', async (t) => {
  const dir = scratch();
  const run = spawnSync(DIST_NODE, distArgs([MOCK_BIN, 'serve', '--port', '0', '--db', join(dir, 'no', 'hed.db')]), { encoding: 'utf8', timeout: 60_000 });
  t.equal(run.status, 2);
  t.equal(run.stderr.trim().split('\n').length, 1, 'one line');
  t.match(run.stderr, /^hed-mock: --db \/ HED_DB: the folder .* does not exist/);
});
