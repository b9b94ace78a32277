import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMock, type RunningMock } from '../helpers/mock-server.js';
import { selected } from '../helpers/full.js';
import { configurationFor, sendJson, sourceRecords, startScriptedServer, warehouseRows, warehouseState, withoutSystemColumns } from './helpers.js';
import { DIST_NODE, distArgs } from '../helpers/dist-cli.js';

const bin = fileURLToPath(new URL('../../bin/hed-connector.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/connector/cli.js', import.meta.url)));
// Each kill point is two Node processes (the killed sync and its rerun): `npm test` kills at
// one or two points of each kind, `npm run test:full` (HED_FULL=1) at all of them.

let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: 600 });
});
t.teardown(() => mock.close());

interface Child {
  child: ChildProcess;
  checkpoints(): number;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `hed-connector debug` and counts the checkpoint lines it prints. */
function startSync(configurationPath: string, dir: string): Child {
  const child = spawn(DIST_NODE, distArgs([bin, 'debug', '--configuration', configurationPath, '--output', dir]), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out, checkpoints: () => out.match(/ INFO Checkpoint: /g)?.length ?? 0 };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000, output: () => string = () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** After a crash: rows, the db state and state.json are consistent with one another. */
async function inspect(dir: string): Promise<{ rows: Record<string, unknown>[]; dbState: unknown; fileState: unknown; duplicates: number }> {
  const rows = await warehouseRows(dir);
  const duplicates = rows.length - new Set(rows.map((row) => row.record_id)).size;
  const dbState = await warehouseState(dir);
  const statePath = join(dir, 'state.json');
  const fileState = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : undefined;
  return { rows, dbState, fileState, duplicates };
}

async function rerunAndCheck(t: Test, dir: string, label: string): Promise<void> {
  const crashed = await inspect(dir);
  t.comment(`${label}: ${crashed.rows.length} rows committed, state ${JSON.stringify(crashed.dbState)}`);
  // The rerun goes straight to the mock: the cursor is the mock's, whatever proxy served it.
  const configurationPath = join(dir, '..', 'direct.json');
  writeFileSync(configurationPath, JSON.stringify(configurationFor(mock.url, { page_size: '25' })));
  t.equal(crashed.duplicates, 0, `${label}: no row twice after the crash`);
  t.equal(crashed.rows.length % 25, 0, `${label}: only whole pages were committed (${crashed.rows.length} rows)`);
  const source = await sourceRecords(mock.url);
  const sourceById = new Map(source.map((r) => [r.record_id, r]));
  t.ok(withoutSystemColumns(crashed.rows).every((row) => JSON.stringify(row) === JSON.stringify(sourceById.get(row.record_id as string))), `${label}: committed rows are exact`);

  const rerun = startSync(configurationPath, dir);
  t.equal(await rerun.exited, 0, `${label}: the rerun succeeds\n${rerun.output()}`);
  const upserts = Number(/Upserts\s+\| (\d+)/.exec(rerun.output())?.[1]);
  t.equal(upserts, 600 - crashed.rows.length, `${label}: the rerun fetches exactly what was not committed`);
  const final = await inspect(dir);
  t.equal(final.duplicates, 0);
  t.same(withoutSystemColumns(final.rows), source, `${label}: warehouse equals the source`);
  t.same(final.dbState, final.fileState, `${label}: state.json mirrors the db`);
}

t.test('SIGKILL after k checkpoints (waiting for the next page) loses and duplicates nothing', { skip: built ? false : 'run `npm run build` first' }, async (t) => {
  // Every request is held 150 ms by a proxy so the kill lands between pages.
  const slow = await startScriptedServer(mock.url, async (_n, _req, res, forward) => {
    await new Promise((resolve) => setTimeout(resolve, 150));
    const { status, body } = await forward();
    sendJson(res, status, body);
  });
  t.teardown(slow.close);
  const root = mkdtempSync(join(tmpdir(), 'hed-crash-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const configurationPath = join(root, 'configuration.json');
  writeFileSync(configurationPath, JSON.stringify(configurationFor(slow.url, { page_size: '25' })));
  for (const k of selected([1, 4, 13], (k) => k === 4)) {
    const dir = join(root, `k${k}`);
    const run = startSync(configurationPath, dir);
    await waitFor(() => run.checkpoints() >= k, `${k} checkpoints`, 30_000, run.output);
    run.child.kill('SIGKILL');
    await run.exited;
    await rerunAndCheck(t, dir, `killed after ${k} checkpoints`);
  }
});

t.test('SIGKILL in the middle of a page body loses and duplicates nothing', { skip: built ? false : 'run `npm run build` first' }, async (t) => {
  let halfSent = 0;
  const dribble = await startScriptedServer(mock.url, async (_n, _req, res, forward) => {
    const { status, body } = await forward();
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    res.write(body.slice(0, body.length >> 1));
    halfSent++;
    await new Promise((resolve) => setTimeout(resolve, 150));
    res.end(body.slice(body.length >> 1));
  });
  t.teardown(dribble.close);
  const root = mkdtempSync(join(tmpdir(), 'hed-crash-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const configurationPath = join(root, 'configuration.json');
  writeFileSync(configurationPath, JSON.stringify(configurationFor(dribble.url, { page_size: '25' })));
  for (const k of selected([0, 2, 7], (k) => k === 2)) {
    const dir = join(root, `mid${k}`);
    const start = halfSent;
    const run = startSync(configurationPath, dir);
    await waitFor(() => halfSent - start >= k + 1, `half of page ${k + 1}`, 30_000, run.output);
    run.child.kill('SIGKILL');
    await run.exited;
    await rerunAndCheck(t, dir, `killed mid-page ${k + 1}`);
  }
});

t.test('SIGKILL while pages are being written, at varying moments, loses and duplicates nothing', { skip: built ? false : 'run `npm run build` first' }, async (t) => {
  // No delay at all: the kill lands wherever the child is, often inside a write.
  const root = mkdtempSync(join(tmpdir(), 'hed-crash-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const configurationPath = join(root, 'configuration.json');
  writeFileSync(configurationPath, JSON.stringify(configurationFor(mock.url, { page_size: '25' })));
  for (const k of selected([2, 9, 17, 23], (k) => k === 2 || k === 17)) {
    const dir = join(root, `fast${k}`);
    const run = startSync(configurationPath, dir);
    await waitFor(() => run.checkpoints() >= k || run.output().includes('Sync SUCCEEDED'), `${k} checkpoints`, 30_000, run.output);
    run.child.kill('SIGKILL');
    await run.exited;
    await rerunAndCheck(t, dir, `killed near checkpoint ${k}`);
  }
});
