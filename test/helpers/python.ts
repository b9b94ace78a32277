import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The venv's python (made by scripts/python-env.mjs, which `npm test` runs first). */
export const VENV_PYTHON = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url));

/** The command that prepares the venv, for skip messages. */
export const PYTHON_ENV_FIX = 'node scripts/python-env.mjs (or: python3 -m venv .venv && .venv/bin/python -m pip install -r test/requirements.txt)';

let checked: string | false | undefined;

/**
 * The venv's python when fivetran_connector_sdk imports in it, else false. With CI=true a
 * missing venv is an error instead of a skip.
 *
 * @example
 * const python = sdkPython(); if (!python) { t.skip(...); return; }
 */
export function sdkPython(): string | false {
  if (checked !== undefined) return checked;
  const ok = existsSync(VENV_PYTHON) && spawnSync(VENV_PYTHON, ['-c', 'import fivetran_connector_sdk, requests'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env.CI === 'true') throw new Error(`The Python venv with fivetran-connector-sdk is missing; run ${PYTHON_ENV_FIX}.`);
  checked = ok ? VENV_PYTHON : false;
  return checked;
}

/** Options for a tap test that needs the SDK: skipped, with the fixing command, when it is missing. */
export function needsPython(): { skip: string | false } {
  return { skip: sdkPython() === false ? `no Python venv with fivetran-connector-sdk; run ${PYTHON_ENV_FIX}` : false };
}

/** The second venv's python: the newest 2.x SDK (test/requirements-sdk2.txt), for protocol v2. */
export const VENV_SDK2_PYTHON = fileURLToPath(new URL('../../.venv-sdk2/bin/python', import.meta.url));

/**
 * A python with a 2.x SDK: `HED_SDK2_PYTHON` when set, else `.venv-sdk2` when its SDK
 * imports, else false. With CI=true a missing one is an error instead of a skip.
 */
export function sdk2Python(): string | false {
  const given = process.env.HED_SDK2_PYTHON;
  if (given !== undefined && given !== '') return given;
  const ok = existsSync(VENV_SDK2_PYTHON) && spawnSync(VENV_SDK2_PYTHON, ['-c', 'import fivetran_connector_sdk, requests'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env.CI === 'true') throw new Error(`The Python venv with the 2.x SDK is missing; run node scripts/python-env.mjs.`);
  return ok ? VENV_SDK2_PYTHON : false;
}

/** The third venv's python: SDK 3.0.0, the in-process engine (test/requirements-sdk3.txt). */
export const VENV_SDK3_PYTHON = fileURLToPath(new URL('../../.venv-sdk3/bin/python', import.meta.url));

/**
 * A python with a 3.x SDK: `HED_SDK3_PYTHON` when set, else `.venv-sdk3` when its SDK
 * imports, else false. With CI=true a missing one is an error instead of a skip.
 */
export function sdk3Python(): string | false {
  const given = process.env.HED_SDK3_PYTHON;
  if (given !== undefined && given !== '') return given;
  const ok = existsSync(VENV_SDK3_PYTHON) && spawnSync(VENV_SDK3_PYTHON, ['-c', 'import fivetran_connector_sdk, requests'], { stdio: 'ignore' }).status === 0;
  if (!ok && process.env.CI === 'true') throw new Error('The Python venv with the 3.x SDK is missing; run node scripts/python-env.mjs.');
  return ok ? VENV_SDK3_PYTHON : false;
}

/** Skip options for a test that needs the 3.x SDK. */
export function needsSdk3(): { skip: string | false } {
  return { skip: sdk3Python() === false ? 'no Python with fivetran-connector-sdk 3.x; run node scripts/python-env.mjs (or set HED_SDK3_PYTHON)' : false };
}

/**
 * A python3 that sees only the packages in `site` (no site-packages of its own): with a
 * fake `fivetran_connector_sdk-X.dist-info` there, the probe reads version X. False when
 * there is no python3.
 */
export function fakePython(dir: string, site?: string): string | false {
  const system = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (system === '') return false;
  const fake = `${dir}/python`;
  writeFileSync(fake, `#!/bin/sh\n${site === undefined ? '' : `PYTHONPATH='${site}'; export PYTHONPATH\n`}exec ${system} -S "$@"\n`);
  chmodSync(fake, 0o755);
  return fake;
}

/** Writes a dist-info for a fake distribution (name, version, the files its RECORD lists). */
export function fakeDistribution(site: string, name: string, version: string, files: readonly string[] = []): void {
  const info = `${site}/${name.replace(/-/g, '_')}-${version}.dist-info`;
  mkdirSync(info, { recursive: true });
  writeFileSync(`${info}/METADATA`, `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
  writeFileSync(`${info}/RECORD`, files.map((file) => `${file},,\n`).join(''));
}
