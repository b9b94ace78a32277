import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { API_KEY, buildTestApp, startMock, type RunningMock } from '../helpers/mock-server.js';

// Schemathesis (pinned in test/requirements-schemathesis.txt, installed into .venv-st by
// scripts/python-env.mjs) against the real mock on 127.0.0.1 port 0: every check, the
// stateful phase on, with and without the API key, a fixed seed plus one fresh seed per
// run. Zero failures is the bar. Bounded: few examples per operation and a time cap per run.
// A bigger run: npm run test:schemathesis (docs/contracts.md).

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ST = `${ROOT}.venv-st/bin/st`;
const FIX = 'node scripts/python-env.mjs (or: python3 -m venv .venv-st && .venv-st/bin/python -m pip install -r test/requirements-schemathesis.txt)';
const FIXED_SEED = 20261204;
const FRESH_SEED = Number(process.env.HED_ST_SEED ?? randomInt(1, 2 ** 31));
const EXAMPLES = Number(process.env.HED_ST_EXAMPLES ?? 6);
const RUN_CAP_MS = Number(process.env.HED_ST_RUN_CAP_MS ?? 120_000);
const ADMIN_TOKEN = 'schemathesis-admin-token';
/** The verticals whose paths a bounded run leaves out (HED, AGR and TLC stay in). */
const SAMPLED_OUT = ['cds', 'con', 'cpg', 'fpr', 'fts', 'hpt', 'icp', 'met', 'mso', 'phr', 'rdp', 'spl'];

function schemathesisReady(): boolean {
  const ok = existsSync(ST) && spawnSync(ST, ['--version'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env.CI === 'true') throw new Error(`Schemathesis is missing from .venv-st; run ${FIX}.`);
  return ok;
}

interface StRun {
  code: number | null;
  output: string;
}

/** `st run` from the repository root (so schemathesis.toml and its hooks apply), killed at the cap. */
function st(url: string, args: string[]): Promise<StRun> {
  return new Promise((resolve) => {
    const child = spawn(ST, ['--config-file', 'schemathesis.toml', 'run', `${url}/openapi.json`, '--checks', 'all', '--generation-database', 'none', '--no-color', ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[test] st run passed its cap of ${RUN_CAP_MS} ms and was stopped.\n`;
      child.kill('SIGKILL');
    }, RUN_CAP_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** "1 covered / 1 selected / 2 total" (progress and summary): the stateful phase followed a link of the document. */
const following = (t: Test, run: StRun, what: string) => {
  const covered = Math.max(0, ...[...run.output.matchAll(/(\d+) covered \/ \d+ selected/g)].map((m) => Number(m[1])));
  t.ok(covered >= 1, what, covered >= 1 ? {} : { output: run.output });
};

const clean = (t: Test, run: StRun, what: string) => {
  // On failure the whole output is shown: Schemathesis's own reproduction (curl and `st replay`).
  // Exit 0 and a summary without failures or errors (a run without the key ends on the warning that every answer was 401).
  const ok = run.code === 0 && /=+ (No issues found|\d+ warnings? in)/.test(run.output) && !/\d+ (failures?|errors?)[ ,]/.test(run.output);
  t.ok(ok, `${what}: Schemathesis finds no failure`, ok ? {} : { exitCode: run.code, output: run.output });
  if (!ok) console.error(run.output);
};

const ready = schemathesisReady();
const skip = ready ? false : `Schemathesis is not installed in .venv-st; run ${FIX}`;
// The coverage phase of the fault API walks every shape of FaultRule (thousands of cases):
// the named bigger run (npm run test:schemathesis) does it; npm test keeps to fuzzing and stateful there.
const FULL = process.env.HED_ST_FULL === '1';
t.setTimeout(FULL ? 3_600_000 : 480_000);

t.test('Schemathesis finds nothing the document and the server disagree on', { skip }, async (t) => {
  t.comment(`Schemathesis seeds: fixed ${FIXED_SEED}, fresh ${FRESH_SEED} (replay a failure: HED_ST_SEED=${FRESH_SEED} npx tap --disable-coverage test/contracts/schemathesis.test.ts)`);
  // The admin API without a token (loopback only) serves the data run; a second server with
  // a token serves the fault run, so both guards are checked. Fault rules change what
  // /hed_data answers, on purpose: faults and data are checked in separate runs.
  const open: RunningMock = await startMock({ students: 40 });
  const guarded: RunningMock = await startMock({ students: 10, adminToken: ADMIN_TOKEN });
  t.teardown(async () => {
    await open.close();
    await guarded.close();
  });
  const key = ['-H', `x-api-key: ${API_KEY}`];
  const token = ['-H', `x-admin-token: ${ADMIN_TOKEN}`];
  const runs = [
    { seed: FIXED_SEED, phases: 'examples,coverage,fuzzing,stateful', faultPhases: FULL ? 'examples,coverage,fuzzing,stateful' : 'examples,fuzzing,stateful' },
    { seed: FRESH_SEED, phases: 'fuzzing,stateful', faultPhases: 'fuzzing,stateful' },
  ];
  // One implementation serves every vertical's path (server/routes/data.ts): a bounded run
  // checks HED's and two others (AGR, TLC) and leaves the other twelve to the full run.
  const paths = FULL ? [] : ['--exclude-path-regex', `^/(${SAMPLED_OUT.join('|')})_(data|api_spec)$`];
  for (const { seed, phases, faultPhases } of runs) {
    const common = ['--seed', String(seed), '-n', String(EXAMPLES), ...paths];
    const data = await st(open.url, [...common, '--phases', phases, ...key, '--exclude-tag', 'faults']);
    clean(t, data, `data and admin API, with the key, seed ${seed}`);
    following(t, data, 'the stateful phase followed next_cursor into cursor');

    const faults = await st(guarded.url, [...common, '--phases', faultPhases, ...key, ...token, '--include-tag', 'faults']);
    clean(t, faults, `fault API with its admin token, seed ${seed}`);
    following(t, faults, 'the stateful phase fed an added rule id to DELETE /__admin/faults/{id}');
  }
  const keyless = await st(open.url, ['--seed', String(FIXED_SEED), '--phases', 'coverage,fuzzing', '-n', String(EXAMPLES), '--include-tag', 'data', ...paths]);
  clean(t, keyless, 'the data API without the key');
  const dataPaths = FULL ? 15 : 15 - SAMPLED_OUT.length;
  t.match(keyless.output, new RegExp(`Authentication failed: ${dataPaths} operations? returned only 401`), 'every keyless request was refused with 401, on every data path');
});

t.test('the harness fails on a disagreement and prints Schemathesis\'s reproduction', { skip }, async (t) => {
  // A route whose answer breaks its own schema: the run must fail and say how to replay it.
  const app = await buildTestApp({ students: 3 });
  app.get('/broken', { schema: { operationId: 'broken', response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send('{"ok":"yes"}'),
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(() => app.close());
  const run = await st(url, ['--seed', String(FIXED_SEED), '--phases', 'fuzzing', '-n', '2', '--include-path', '/broken']);
  t.not(run.code, 0, 'the run fails');
  t.match(run.output, /Response violates schema/, 'on the body that breaks its schema');
  t.match(run.output, /Reproduce with:[\s\S]*curl -X GET[\s\S]*st replay/, 'and prints the reproduction');
});
