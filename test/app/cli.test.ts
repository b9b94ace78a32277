import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { runCli } from '../../app/cli.js';
import { rawRequest } from '../helpers/raw-request.js';
import { DIST_NODE, distArgs } from '../helpers/dist-cli.js';

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) } } };
}

t.test('serve listens, prints one "listening on" line and serves the API', async (t) => {
  const dir = t.testdir();
  const { out, io: streams } = io();
  let app: FastifyInstance | undefined;
  const code = await runCli(['node', 'hed-app', 'serve', '--port', '0', '--warehouse', join(dir, 'none.db'), '--insights-db', join(dir, 'insights.db')], streams, (a) => (app = a));
  t.equal(code, undefined, 'still serving');
  t.teardown(() => app?.close());
  const match = /^StudentSuccess app listening on (http:\/\/127\.0\.0\.1:\d+) \(no data yet in .*none\.db: the page says how to make it; offline insights; history in .*insights\.db\)\. /.exec(out.stdout);
  t.ok(match, out.stdout);
  t.equal(out.stdout.split('\n').length, 2, 'one line');
  const status = (await (await fetch(`${match![1]}/api/status`)).json()) as { ready: boolean };
  t.equal(status.ready, false);
});

t.test('--help exits 0; a bad or unknown flag exits 2 naming it', async (t) => {
  const help = io();
  t.equal(await runCli(['node', 'hed-app', 'serve', '--help'], help.io, () => undefined), 0);
  t.match(help.out.stdout, /--llm-base-url <url>/);
  const unknown = io();
  t.equal(await runCli(['node', 'hed-app', 'serve', '--bogus'], unknown.io, () => undefined), 2);
  t.match(unknown.out.stderr, /unknown option '--bogus'/);
  const bad = io();
  t.equal(await runCli(['node', 'hed-app', 'serve', '--llm-provider', 'cortex'], bad.io, () => undefined), 2);
  t.match(bad.out.stderr, /^hed-app: bad --llm-provider: /);
});

t.test("--version and -V print the kit's version from package.json, as the other three CLIs", async (t) => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const streams = io();
    t.equal(await runCli(['node', 'hed-app', flag], streams.io, () => undefined), 0, flag);
    t.equal(streams.out.stdout, `${version}\n`, flag);
  }
});

t.test('a port in use exits 1 with a sentence', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.teardown(() => blocker.close());
  const { out, io: streams } = io();
  const dir = t.testdir();
  const code = await runCli(['node', 'hed-app', 'serve', '--port', String((blocker.address() as AddressInfo).port), '--insights-db', join(dir, 'i.db')], streams, () => undefined);
  t.equal(code, 1);
  t.match(out.stderr, /the port is already in use .* pass --port with another port/);
});

const bin = fileURLToPath(new URL('../../bin/hed-app.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/app/cli.js', import.meta.url)));

t.test('the built bin stops cleanly on SIGTERM', { skip: built ? false : 'run `npm run build` first' }, async (t) => {
  const dir = t.testdir();
  const child = spawn(DIST_NODE, distArgs([bin, 'serve', '--port', '0', '--warehouse', join(dir, 'w.db'), '--insights-db', join(dir, 'i.db')]), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      stdout += c;
      if (stdout.includes('\n')) resolve();
    });
    child.on('exit', () => reject(new Error(`exited early: ${stdout}`)));
  });
  t.match(stdout, /listening on http:\/\/127\.0\.0\.1:\d+/);
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  child.kill('SIGTERM');
  t.equal(await exit, 0);
});

t.test('listening lines: the real addresses for 0.0.0.0, and one warning line for any bind beyond loopback', async (t) => {
  const { listeningLines } = await import('../../app/cli.js');
  const eth = { address: '10.0.0.5', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: null } as const;
  const lo = { ...eth, address: '127.0.0.1', internal: true };
  const open = listeningLines('http://0.0.0.0:8501', '0.0.0.0', '600 rows', { lo: [lo], eth0: [eth] });
  const lines = open.trimEnd().split('\n');
  t.equal(lines.length, 2);
  t.match(lines[0], /^StudentSuccess app listening on http:\/\/10\.0\.0\.5:8501 \(every interface; on this machine also http:\/\/127\.0\.0\.1:8501\) \(600 rows\)/);
  t.notMatch(lines[0], /0\.0\.0\.0/);
  t.match(lines[1], /^Warning: the app is bound to 0\.0\.0\.0, so every machine that can reach this one can now use the student records, their CSV download and report generation at http:\/\/10\.0\.0\.5:8501; bind --host 127\.0\.0\.1 to keep it on this machine/);
  const local = listeningLines('http://127.0.0.1:8501', '127.0.0.1', '600 rows');
  t.equal(local.trimEnd().split('\n').length, 1, 'no warning on loopback');
});

t.test('serve --host 0.0.0.0: the printed address answers, a foreign Host does not', async (t) => {
  const { out, io: streams } = io();
  let app: FastifyInstance | undefined;
  const code = await runCli(['node', 'hed-app', 'serve', '--host', '0.0.0.0', '--port', '0', '--warehouse', '/nonexistent/none.db', '--insights-db', ':memory:'], streams, (a) => (app = a));
  t.equal(code, undefined, out.stderr);
  t.teardown(() => app?.close());
  const url = /listening on (http:\/\/\S+)/.exec(out.stdout)?.[1] ?? '';
  t.notMatch(url, /0\.0\.0\.0/);
  t.match(out.stdout, /\nWarning: the app is bound to 0\.0\.0\.0/);
  t.equal((await fetch(`${url}/api/status`)).status, 200, 'the printed URL answers');
  t.equal((await rawRequest(`${url}/api/status`, { host: 'rebound.example' })).status, 403, 'a foreign Host name is refused');
});
