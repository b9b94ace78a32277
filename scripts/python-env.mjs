// Prepares the Python environments of the hed-tester tests:
//   .venv/       test/requirements.txt       (fivetran-connector-sdk 1.7.0, the lab's pin, and requests)
//   .venv-sdk2/  test/requirements-sdk2.txt  (the newest 2.x SDK, pinned, for the protocol-v2 test)
//   .venv-sdk3/  test/requirements-sdk3.txt  (3.0.0, the SDK's in-process engine, pinned)
//   .venv-st/    test/requirements-schemathesis.txt  (Schemathesis, pinned, for the OpenAPI contract run)
// Idempotent: a stamp in each venv holds its requirements' hash, so a second run only
// compares it. When python3 or the package index is missing it prints the command that
// fixes it and exits 0 (the Python tests then skip), or 1 with CI=true.
import { spawnSync } from 'node:child_process';
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

for (const environment of environments) {
  const venv = join(root, environment.folder);
  const requirements = join(root, environment.requirements);
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.hed-requirements.sha256');
  const fix = `python3 -m venv ${environment.folder} && ${environment.folder}/bin/python -m pip install -r ${environment.requirements}`;

  const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) continue;

  if (!existsSync(python)) {
    const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
    if (probe.error !== undefined || probe.status !== 0) giveUp('python3 is not installed (apt-get install python3 python3-venv)', fix);
    const made = spawnSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    if (made.status !== 0) giveUp('python3 -m venv failed (apt-get install python3-venv)', fix);
  }
  const installed = spawnSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements], { stdio: 'inherit' });
  if (installed.status !== 0) giveUp(`pip could not install ${environment.requirements} (no access to the package index?)`, fix);
  writeFileSync(stamp, `${hash}\n`);
  console.log(`python-env: ${venv} is ready (${readFileSync(requirements, 'utf8').trim().split('\n').join(', ')}).`);
}
