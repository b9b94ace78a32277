import t from 'tap';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { MOCK_BIN as bin, startMockProcess as startProcess } from '../helpers/mock-process.js';
import { fileURLToPath } from 'node:url';
import type { HedPage } from '../../api/page.js';
import { DIST_NODE, distArgs } from '../helpers/dist-cli.js';

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

t.test('hed-mock serve prints the real address, serves, and shuts down on SIGTERM', async (t) => {
  const { child, url, line } = await startProcess(['--students', '25', '--seed', '3'], { HED_PAGING: 'exact' });
  t.teardown(() => child.kill('SIGKILL'));
  t.match(line, /^HED mock listening on http:\/\/127\.0\.0\.1:\d+ /);
  t.notMatch(url, /:0$/, 'the real port, not 0');
  const page = (await (await fetch(`${url}/hed_data?page_size=30`, { headers: { 'x-api-key': 'hed-demo-key' } })).json()) as HedPage;
  t.equal(page.hed_records.length, 25);
  t.equal(page.has_more, false, 'HED_PAGING=exact from the environment');
  const health = (await (await fetch(`${url}/healthz`)).json()) as { seed: number };
  t.equal(health.seed, 3);
  const done = exited(child);
  child.kill('SIGTERM');
  t.equal(await done, 0, 'graceful exit');
});

t.test('bad flags exit 2 with the flag named; --help lists every flag', async (t) => {
  const bad = spawnSync(DIST_NODE, distArgs([bin, 'serve', '--paging', 'fast']), { encoding: 'utf8', timeout: 60_000 });
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--paging \/ HED_PAGING must be one of lab, exact/);
  const help = spawnSync(DIST_NODE, distArgs([bin, 'serve', '--help']), { encoding: 'utf8', timeout: 60_000 });
  t.equal(help.status, 0);
  for (const flag of ['--port', '--host', '--allow-host', '--seed', '--students', '--api-key', '--scenario', '--db', '--paging', '--admin-token']) t.match(help.stdout, flag);
  t.match(help.stdout.replace(/\s+/g, ' '), /--api-key <key> .*\(default: hed-demo-key and fiveTRANmovesTHEworldsDATA/, 'the help names every key a default mock accepts, the lab\'s among them');
  const version = spawnSync(DIST_NODE, distArgs([bin, '--version']), { encoding: 'utf8', timeout: 60_000 });
  t.equal(version.status, 0);
  t.equal(version.stdout, `${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`, '--version prints the kit\'s version');
  const top = spawnSync(DIST_NODE, distArgs([bin, '--help']), { encoding: 'utf8', timeout: 60_000 });
  t.match(top.stdout, /serve/);
});

t.test('a port in use is reported in a sentence, not a stack trace', async (t) => {
  const { child, url } = await startProcess(['--students', '1']);
  t.teardown(() => child.kill('SIGKILL'));
  const port = new URL(url).port;
  const second = spawnSync(DIST_NODE, distArgs([bin, 'serve', '--port', port, '--students', '1']), { encoding: 'utf8', timeout: 60_000 });
  t.equal(second.status, 1);
  t.match(second.stderr, /already in use/);
  t.notMatch(second.stderr, /\n\s+at /);
});

const python = spawnSync('python3', ['-c', 'import requests'], { encoding: 'utf8' });
t.test('the lab\'s Python client reads 600 in 6 full pages and an empty one, then nothing, then the 8 changes', { skip: python.status !== 0 ? 'python3 with requests is not installed' : false }, async (t) => {
  const { child, url } = await startProcess([]);
  t.teardown(() => child.kill('SIGKILL'));
  const script = fileURLToPath(new URL('../python/lab_client.py', import.meta.url));
  const run = (...args: string[]) => {
    const r = spawnSync('python3', [script, url, ...args], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as { pages: number[]; records: number; ids: string[]; next_cursor: string };
  };
  const full = run();
  t.same(full.pages, [100, 100, 100, 100, 100, 100, 0]);
  t.equal(full.records, 600);
  t.type(full.next_cursor, 'string');
  t.equal(run(full.next_cursor).records, 0);
  const res = await fetch(`${url}/__admin/mutations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"update":5,"create":3}' });
  const changed = (await res.json()) as { record_ids: string[] };
  const incremental = run(full.next_cursor);
  t.same(incremental.ids, changed.record_ids);
  t.equal(incremental.records, 8);
});
