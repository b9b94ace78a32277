import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { runCli } from '../../app/cli.js';

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
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--warehouse', join(dir, 'w.db'), '--insights-db', join(dir, 'i.db')], { stdio: ['ignore', 'pipe', 'pipe'] });
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
