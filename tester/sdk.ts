// Which Connector SDK the connector's Python has, read from the installed package's metadata
// (tester/python/probe.py), whether what its runner imports does import (the connector is not
// run), and which runner speaks it: the choice is made here, once; nothing after it asks for a
// version again.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { testerAssetDir } from './protocol.js';
import { installSdkClause } from './python.js';

/** The runners hed-tester has, one per SDK generation. */
export type RunnerKind = 'grpc-v1' | 'grpc-v2' | 'engine';

/** How each runner is named on the `Connector started with …` line. */
export const RUNNER_LABEL: Readonly<Record<RunnerKind, string>> = {
  'grpc-v1': 'gRPC v1',
  'grpc-v2': 'gRPC v2',
  engine: 'in-process engine',
};

/** The SDK generations hed-tester runs, in words, for error sentences and docs. */
export const SUPPORTED_SDKS = '1.x (gRPC v1), 2.x (gRPC v2) and 3.x (the in-process engine)';

/** What the probe read from the Python's installed packages. */
export interface SdkProbe {
  python: string;
  /** fivetran-connector-sdk's version, null when it is not installed. */
  sdk: string | null;
  /** The package holds fivetran_connector_sdk/protos (its gRPC server: 1.x and 2.x). */
  protos: boolean;
  /** fivetran-connector-sdk-core's version (3.x's engine), null when absent. */
  core: string | null;
  /**
   * For each layout the metadata shows, whether what its runner imports (tester/python/
   * hed_tester_common.py) imports: null when it does, else the error in a few words. An
   * absent entry was not checked.
   */
  imports: Readonly<Partial<Record<ImportSet, string | null>>>;
}

/** The import sets of tester/python/hed_tester_common.py: gRPC (1.x, 2.x) and the engine (3.x). */
export type ImportSet = 'grpc' | 'engine';

/** An SDK the runner can run, and which runner. */
export interface InstalledSdk {
  /** The Python that has it. */
  python: string;
  version: string;
  kind: RunnerKind;
}

/** Why an SDK cannot be run at all: exit 2 in `debug`, verdict `error` in `scenarios`. */
export class SdkUnavailableError extends Error {
  constructor(
    readonly code: 'no_python' | 'no_sdk' | 'unsupported_version' | 'unknown_layout' | 'does_not_import',
    message: string,
  ) {
    super(message);
    this.name = 'SdkUnavailableError';
  }
}

/**
 * The runner for what the probe found, or an SdkUnavailableError whose message is one
 * sentence naming the installed version and what is supported. Pure.
 *
 * @example
 * chooseRunner({ python: 'python3', sdk: '3.0.0', protos: false, core: '0.1.0', imports: { engine: null } }) // { python: 'python3', version: '3.0.0', kind: 'engine' }
 */
export function chooseRunner(probe: SdkProbe): InstalledSdk {
  const { python, sdk } = probe;
  if (sdk === null) {
    throw new SdkUnavailableError(
      'no_sdk',
      `fivetran-connector-sdk is not installed in ${python}, and hed-tester runs ${SUPPORTED_SDKS}: ${installSdkClause(python)}, or pass --python with a Python that has it.`,
    );
  }
  const major = Number(/^(\d+)\./.exec(sdk)?.[1] ?? NaN);
  const kind: RunnerKind | undefined = major === 1 ? 'grpc-v1' : major === 2 ? 'grpc-v2' : major === 3 ? 'engine' : undefined;
  if (kind === undefined) {
    throw new SdkUnavailableError(
      'unsupported_version',
      `fivetran-connector-sdk ${sdk} is installed in ${python}, and hed-tester runs ${SUPPORTED_SDKS} only: install one of those (for example ${python} -m pip install "fivetran-connector-sdk<4") or pass --python with a Python that has one.`,
    );
  }
  const expected = kind === 'engine' ? probe.core !== null && !probe.protos : probe.protos;
  if (!expected) {
    const what = kind === 'engine' ? 'fivetran-connector-sdk-core (its in-process engine)' : 'fivetran_connector_sdk/protos (its gRPC server)';
    throw new SdkUnavailableError(
      'unknown_layout',
      `fivetran-connector-sdk ${sdk} is installed in ${python} without ${what}, a layout hed-tester does not recognise (it runs ${SUPPORTED_SDKS}): reinstall it with ${python} -m pip install --force-reinstall fivetran-connector-sdk==${sdk}.`,
    );
  }
  const importError = probe.imports[kind === 'engine' ? 'engine' : 'grpc'];
  if (typeof importError === 'string') {
    throw new SdkUnavailableError(
      'does_not_import',
      `fivetran-connector-sdk ${sdk} is installed in ${python} but does not import for hed-tester's ${RUNNER_LABEL[kind]} runner (${importError}), and hed-tester runs ${SUPPORTED_SDKS}: reinstall it with ${python} -m pip install --force-reinstall fivetran-connector-sdk==${sdk}.`,
    );
  }
  return { python, version: sdk, kind };
}

/** How long the probe may take (it imports the SDK) before hed-tester gives up on the Python. */
export const PROBE_TIMEOUT_MS = 60_000;

/** Runs tester/python/probe.py in the Python; rejects with SdkUnavailableError when it cannot run. */
export function probeSdk(python: string, env: Readonly<Record<string, string | undefined>>, timeoutMs = PROBE_TIMEOUT_MS): Promise<SdkProbe> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, [join(testerAssetDir(), 'python', 'probe.py')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, PYTHONDONTWRITEBYTECODE: '1' } });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new SdkUnavailableError(
          'no_python',
          error.code === 'ENOENT'
            ? `cannot run Python at ${python} (not found): install Python 3.9+ with fivetran-connector-sdk, or pass --python with the path of one that has it.`
            : `cannot run Python at ${python} (${error.message}): pass --python with a working Python that has fivetran-connector-sdk.`,
        ),
      );
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new SdkUnavailableError('no_python', `importing fivetran-connector-sdk in ${python} did not finish within ${Math.round(timeoutMs / 1000)} s (an SDK or a package it imports hangs at import time): pass --python with a Python whose SDK imports.`));
        return;
      }
      try {
        const parsed = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Partial<Omit<SdkProbe, 'python'>>;
        resolvePromise({ python, sdk: parsed.sdk ?? null, protos: parsed.protos === true, core: parsed.core ?? null, imports: parsed.imports ?? {} });
      } catch {
        const last = stderr.trim().split('\n').at(-1) ?? '';
        reject(new SdkUnavailableError('no_python', `cannot read which fivetran-connector-sdk ${python} has (exit code ${code}${last === '' ? '' : `: ${last}`}): pass --python with a Python 3.9+ that has fivetran-connector-sdk.`));
      }
    });
  });
}

/**
 * The SDK in the Python and its runner, chosen once.
 *
 * @example
 * const sdk = await detectSdk('.venv/bin/python', process.env); // { version: '1.7.0', kind: 'grpc-v1', ... }
 */
export async function detectSdk(python: string, env: Readonly<Record<string, string | undefined>>): Promise<InstalledSdk> {
  return chooseRunner(await probeSdk(python, env));
}

/**
 * The line printed after `Previous state`.
 *
 * @example
 * startedLine({ python: 'python3', version: '3.0.0', kind: 'engine' }) // 'Connector started with fivetran_connector_sdk 3.0.0 (in-process engine)'
 */
export function startedLine(sdk: InstalledSdk): string {
  return `Connector started with fivetran_connector_sdk ${sdk.version} (${RUNNER_LABEL[sdk.kind]})`;
}
