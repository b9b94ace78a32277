// Prepares the Python environments of the hed-tester tests:
//   .venv/       test/requirements.txt       (fivetran-connector-sdk 1.7.0, the lab's pin, and requests)
//   .venv-sdk2/  test/requirements-sdk2.txt  (the newest 2.x SDK, pinned, for the protocol-v2 test)
//   .venv-sdk3/  test/requirements-sdk3.txt  (3.0.0, the SDK's in-process engine, pinned)
//   .venv-st/    test/requirements-schemathesis.txt  (Schemathesis, pinned, for the OpenAPI contract run)
// Idempotent: a stamp in each venv holds its requirements' hash, so a second run only
// compares it. Venvs that need work are made side by side. When python3 or the package index is missing it prints the command that
// fixes it and exits 0 (the Python tests then skip), or 1 with CI=true.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const ci = process.env.CI === 'true';

const environments = [
  { folder: '.venv', requirements: 'test/requirements.txt' },
  { folder: '.venv-sdk2', requirements: 'test/requirements-sdk2.txt' },
  { folder: '.venv-sdk3', requirements: 'test/requirements-sdk3.txt' },
  { folder: '.venv-st', requirements: 'test/requirements-schemathesis.txt' },
];

function giveUp(why, fix) {
  console.log(`python-env: ${why}; the Python tests will skip. To fix it run in ${root}: ${fix}`);
  process.exit(ci ? 1 : 0);
}

/** Runs a command to its end; resolves with its exit status (null when it could not start). */
function run(command, args) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.once('error', () => resolvePromise(null));
    child.once('close', (status) => resolvePromise(status));
  });
}

/** Makes (or updates) one venv; resolves with undefined, or [why, fix] when it could not. */
async function prepare(environment) {
  const venv = join(root, environment.folder);
  const requirements = join(root, environment.requirements);
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.hed-requirements.sha256');
  const fix = `python3 -m venv ${environment.folder} && ${environment.folder}/bin/python -m pip install -r ${environment.requirements}`;

  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) return undefined;

  if (!existsSync(python)) {
    if ((await run('python3', ['-m', 'venv', venv])) !== 0) return ['python3 -m venv failed (apt-get install python3-venv)', fix];
  }
  const installed = await run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements]);
  if (installed !== 0) return [`pip could not install ${environment.requirements} (no access to the package index?)`, fix];
  writeFileSync(stamp, `${hash}\n`);
  console.log(`python-env: ${venv} is ready (${readFileSync(requirements, 'utf8').trim().split('\n').join(', ')}).`);
  return undefined;
}

const python3 = spawnSync('python3', ['--version'], { encoding: 'utf8' });
if (python3.error !== undefined || python3.status !== 0) {
  giveUp('python3 is not installed (apt-get install python3 python3-venv)', environments.map((e) => `python3 -m venv ${e.folder} && ${e.folder}/bin/python -m pip install -r ${e.requirements}`).join('; '));
}
// The venvs are independent: made side by side (pip spends most of its time downloading and
// unpacking). Each writes its stamp only when its own install succeeded.
const problems = (await Promise.all(environments.map(prepare))).filter((problem) => problem !== undefined);
if (problems.length > 0) giveUp(problems.map(([why]) => why).join('; '), problems.map(([, fix]) => fix).join('; '));
