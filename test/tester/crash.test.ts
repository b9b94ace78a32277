import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTesterDebug } from '../../tester/debug.js';
import { fullOnly } from '../helpers/full.js';
import { startMock, type RunningMock } from '../helpers/mock-server.js';
import { sdkPython } from '../helpers/python.js';
import { captureOutput, compareWithSource, labConfiguration, projectFrom, sourceRecords, warehouseContents } from './helpers.js';
import { DIST_NODE, distArgs } from '../helpers/dist-cli.js';

const bin = fileURLToPath(new URL('../../bin/hed-tester.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/tester/cli.js', import.meta.url)));
const python = sdkPython();
const skip = !built ? 'run `npm run build` first' : python === false ? 'no Python venv with fivetran-connector-sdk; run node scripts/python-env.mjs' : false;

let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: 600 });
});
t.teardown(() => mock.close());

/** True while something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Runs `hed-tester debug` as a process and SIGKILLs it once `checkpoints` Checkpoint lines are out. */
async function killAfter(project: string, checkpoints: number): Promise<{ port: number; output: string }> {
  const child = spawn(DIST_NODE, distArgs([bin, 'debug', '--project-dir', project, '--python', python as string]), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      const seen = output.match(/ INFO Checkpoint: /g)?.length ?? 0;
      const started = / on 127\.0\.0\.1:\d+;/.test(output);
      if (started && seen >= checkpoints) {
        child.kill('SIGKILL');
        resolve();
      }
    };
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      check();
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    void exited.then(() => reject(new Error(`hed-tester ended before it was killed:\n${output}`)));
  });
  await exited;
  return { port: Number(/ on 127\.0\.0\.1:(\d+);/.exec(output)?.[1]), output };
}

// npm test: none committed and some; the full set adds one and all but the last page.
for (const checkpoints of [0, 1, 9, 20]) {
  const only = checkpoints === 0 || checkpoints === 9 ? false : fullOnly().skip;
  t.test(`SIGKILL of hed-tester after ${checkpoints} checkpoints: the connector goes too, the rerun resumes and loses and duplicates nothing`, { skip: skip || only }, async (t) => {
    const project = projectFrom('lab', labConfiguration(mock.url, '25'));
    t.teardown(() => rmSync(project, { recursive: true, force: true }));
    const killed = await killAfter(project, checkpoints);
    t.ok(killed.port > 0, 'the connector had started');
    let stillThere = true;
    for (let i = 0; i < 100 && stillThere; i++) {
      stillThere = await listening(killed.port);
      if (stillThere) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    t.notOk(stillThere, "the connector's Python process ended with the tester (its stdin closed)");

    const files = join(project, 'files');
    const crashed = await warehouseContents(files, 'hed_records');
    const source = await sourceRecords(mock.url);
    const afterCrash = compareWithSource(crashed.rows, source);
    t.equal(afterCrash.duplicates, 0, 'no row twice after the crash');
    t.equal(afterCrash.extra, 0);
    t.same(afterCrash.differing, [], 'committed rows are exact');
    t.ok(crashed.rows.length >= checkpoints * 25, `at least the ${checkpoints} checkpoints seen are committed (${crashed.rows.length} rows)`);
    t.equal(crashed.rows.length % 25, 0, 'only whole pages are committed');

    const rerun = await runTesterDebug({ projectDir: project, python: python as string, out: captureOutput() });
    t.ok(rerun.ok, rerun.reason ?? 'ok');
    t.equal(rerun.counts.upserts, 600 - crashed.rows.length, 'the rerun fetches exactly what was not committed');
    const final = await warehouseContents(files, 'hed_records');
    t.same(compareWithSource(final.rows, source), { missing: 0, extra: 0, duplicates: 0, differing: [] });
  });
}

// npm test: Ctrl-C; the full set adds SIGTERM (the same handler).
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`${signal} to hed-tester: the connector is stopped, Sync FAILED, exit 130, the checkpoint is kept`, { skip: skip || (signal === 'SIGINT' ? false : fullOnly().skip) }, async (t) => {
    const project = projectFrom('hangs');
    t.teardown(() => rmSync(project, { recursive: true, force: true }));
    const child = spawn(DIST_NODE, distArgs([bin, 'debug', '--project-dir', project, '--python', python as string]), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!output.includes('Checkpoint:') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill(signal);
    t.equal(await exited, 130, output);
    t.match(output, /Sync FAILED: interrupted/);
    const port = Number(/ on 127\.0\.0\.1:(\d+);/.exec(output)?.[1]);
    t.notOk(await listening(port), 'the connector is gone');
    t.same((await warehouseContents(join(project, 'files'), 'items')).state, { page: 1 });
  });
}

t.test('a warehouse another process holds: Sync FAILED with the warehouse module\'s sentence naming that process', { skip }, async (t) => {
  const project = projectFrom('value-types');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const warehouse = fileURLToPath(new URL('../../dist/warehouse/index.js', import.meta.url));
  const holder = spawn(DIST_NODE, distArgs(['-e', `import(${JSON.stringify(warehouse)}).then(async (w) => { await w.openDestination(${JSON.stringify(join(project, 'files'))}); console.log('holding'); setInterval(() => {}, 1000); })`]), { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => holder.kill('SIGKILL'));
  await new Promise<void>((resolve) => holder.stdout!.on('data', (chunk) => String(chunk).includes('holding') && resolve()));
  const result = await runTesterDebug({ projectDir: project, python: python as string, out: captureOutput() });
  t.notOk(result.ok);
  t.match(result.reason, new RegExp(`open in another program .*PID ${holder.pid} holds it; close it and run again`));
});
