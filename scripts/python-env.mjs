// Prepares .venv/ with test/requirements.txt (fivetran-connector-sdk 1.7.0 and requests) for
// the hed-tester tests. Idempotent: a stamp holds the requirements' hash, so a second run
// only compares it. When python3 or the package index is missing it prints the command that
// fixes it and exits 0 (the Python tests then skip), or 1 with CI=true.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const requirements = join(root, 'test', 'requirements.txt');
const venv = join(root, '.venv');
const python = join(venv, 'bin', 'python');
const stamp = join(venv, '.hed-requirements.sha256');
const ci = process.env.CI === 'true';
const fix = `python3 -m venv .venv && .venv/bin/python -m pip install -r test/requirements.txt`;

function giveUp(why) {
  console.log(`python-env: ${why}; the Python tests will skip. To fix it run in ${root}: ${fix}`);
  process.exit(ci ? 1 : 0);
}

const hash = createHash('sha256').update(readFileSync(requirements)).digest('hex');
if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) process.exit(0);

if (!existsSync(python)) {
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) giveUp('python3 is not installed (apt-get install python3 python3-venv)');
  const made = spawnSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  if (made.status !== 0) giveUp('python3 -m venv failed (apt-get install python3-venv)');
}
const installed = spawnSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements], { stdio: 'inherit' });
if (installed.status !== 0) giveUp('pip could not install test/requirements.txt (no access to the package index?)');
writeFileSync(stamp, `${hash}\n`);
console.log(`python-env: ${venv} is ready (${readFileSync(requirements, 'utf8').trim().split('\n').join(', ')}).`);
