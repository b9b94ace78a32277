// Starting the project's connector.py in Python with the SDK's gRPC server (tester/python/launch.py),
// reading its output, and making sure it is gone afterwards whatever happened.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { processTreeStrategy, venvPython } from '../lib/platform.js';
import { testerAssetDir, type ProtocolVersion } from './protocol.js';

/**
 * The Python to run: `--python`, else `$VIRTUAL_ENV/bin/python`, else `python3`.
 *
 * @example
 * resolvePython(undefined, { VIRTUAL_ENV: '/work/.venv' }) // '/work/.venv/bin/python'
 */
export function resolvePython(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  // A path (not a bare command name) is taken from the current folder: the connector runs in its own.
  if (flag !== undefined && flag !== '') return flag.includes('/') ? resolve(flag) : flag;
  const venv = env.VIRTUAL_ENV;
  if (venv !== undefined && venv !== '') return venvPython(venv, process.platform);
  return 'python3';
}

/**
 * How to get the SDK into the Python in use, as a clause that fits one sentence. The lab
 * installs it in a virtual environment: a bare `python3` (no venv active, no --python) is
 * told to activate the venv first and install into it, never into the system Python; a
 * Python inside a venv is told to install into that one. It names no version but the lab's
 * pin, in brackets: 1.x, 2.x and 3.x all run.
 *
 * @example
 * installSdkClause('python3') // 'activate your virtual environment first (...), then install the SDK into it with `python -m pip install fivetran-connector-sdk` (the lab pins ==1.7.0)'
 */
export function installSdkClause(python: string): string {
  const install = '`python -m pip install fivetran-connector-sdk` (the lab pins ==1.7.0)';
  if (!inVirtualEnvironment(python)) {
    return (
      'activate your virtual environment first (`source .venv/bin/activate` in your project folder, `.venv\\Scripts\\activate` on Windows; ' +
      `\`python3 -m venv .venv\` makes one), then install the SDK into it with ${install}`
    );
  }
  return `install the SDK into that virtual environment with \`${python} -m pip install fivetran-connector-sdk\` (the lab pins ==1.7.0)`;
}

/**
 * The sentence that says how to (re)install the SDK into the Python in use: the version
 * installed there when one is (never another one), else installSdkClause.
 *
 * @example
 * installSdkSentence('/x/python', '3.0.0') // 'Reinstall it into that Python: /x/python -m pip install --force-reinstall fivetran-connector-sdk==3.0.0 (or pass --python with a Python that has it).'
 * installSdkSentence('python3') // 'python3 is not in a virtual environment (none is active): activate your virtual environment first ...'
 */
export function installSdkSentence(python: string, installed?: string): string {
  if (installed !== undefined) return `Reinstall it into that Python: ${python} -m pip install --force-reinstall fivetran-connector-sdk==${installed} (or pass --python with a Python that has it).`;
  const clause = installSdkClause(python);
  if (!inVirtualEnvironment(python)) return `${python} is not in a virtual environment (none is active): ${clause}, or pass --python with a Python that has it.`;
  return `${clause.charAt(0).toUpperCase()}${clause.slice(1)}, or pass --python with a Python that has it.`;
}

/** True when `python` is a path inside a virtual environment (its folder's parent holds pyvenv.cfg). */
export function inVirtualEnvironment(python: string): boolean {
  if (!python.includes('/') && !python.includes('\\')) return false;
  return existsSync(join(dirname(dirname(python)), 'pyvenv.cfg'));
}

/** Why a launch failed; `reason` is the text after `Sync FAILED: `. */
export class LaunchError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'LaunchError';
  }
}

/** A connector whose gRPC server is listening. */
export interface LaunchedConnector {
  port: number;
  protocol: ProtocolVersion;
  sdkVersion: string;
  /** Resolves with the exit code (or signal name) when the Python process has ended. */
  exited: Promise<string>;
  /** The last lines the connector wrote on stderr and stdout (newest last). */
  tail(): string[];
  /** Ends the Python process and its group (SIGTERM, then SIGKILL after graceMs). */
  stop(graceMs?: number): Promise<void>;
}

/** Where launch sends the connector's own lines. */
export interface LaunchOptions {
  python: string;
  projectDir: string;
  configuration: Record<string, string>;
  state: Record<string, unknown>;
  /** Every line the connector prints, as it comes. */
  onLine(line: string): void;
  startupTimeoutMs: number;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** The SDK version the probe read, for the reinstall sentence. */
  sdkVersion?: string;
}

const READY = /^HED_TESTER_READY port=(\d+) protocol=(v1|v2) sdk=(\S+)/;
const TAIL_LINES = 20;
const live = new Set<ChildProcess>();

/** Kills every Python process group this module started and has not seen end (for signal handlers). */
export function killLaunchedConnectors(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
}

/** How this platform keeps and ends a process tree (POSIX: a group; Windows: taskkill /T, no console window). */
const processTree = processTreeStrategy(process.platform);

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const killTree = processTree.killTree(child.pid);
  if (killTree !== undefined) {
    // Windows: signals do not reach a child's children, and there are no process groups.
    spawnSync(killTree.command, killTree.args, { stdio: 'ignore', windowsHide: true });
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Starts tester/python/launch.py for the project and resolves once the SDK's server
 * listens. Rejects with a LaunchError saying what to do: no such Python, no SDK in it,
 * connector.py failing at import, or no server within the startup timeout. The process
 * runs in its own group, with stdin held open: it ends by itself when the tester dies.
 */
/** A Python process of ours: its own group, stdin held open, ended by stop() whatever happens. */
export interface PythonProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended; 'spawn-error' when it never ran. */
  exited: Promise<string>;
  /** Why the spawn failed, once it has. */
  spawnError(): NodeJS.ErrnoException | undefined;
  /** Keeps a line for tail() (escape codes removed). */
  remember(line: string): void;
  tail(): string[];
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `python script args…` in its own process group with stdin held open (it ends by
 * itself when the tester dies) and the given extra pipes (fd 3 onward).
 *
 * @example
 * const p = startPython('.venv/bin/python', ['engine.py', dir], { cwd: dir, env: process.env, extraPipes: 1 });
 */
export function startPython(python: string, args: string[], options: { cwd: string; env: Readonly<Record<string, string | undefined>>; extraPipes?: number }): PythonProcess {
  const child = spawn(python, args, {
    cwd: options.cwd,
    detached: processTree.detached,
    windowsHide: processTree.windowsHide,
    stdio: ['pipe', 'pipe', 'pipe', ...Array.from({ length: options.extraPipes ?? 0 }, () => 'pipe' as const)],
    env: { ...options.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  live.add(child);
  child.stdin!.on('error', () => undefined);
  const tail: string[] = [];
  let spawnError: NodeJS.ErrnoException | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
      live.delete(child);
      resolve('spawn-error');
    });
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve(code === null ? String(signal) : String(code));
    });
  });
  const stop = async (graceMs = 2000) => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    // The group may hold children of the connector that outlive it.
    if (child.pid !== undefined && processTree.detached) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // No group left.
      }
    }
  };
  return {
    child,
    exited,
    spawnError: () => spawnError,
    remember(line) {
      // eslint-disable-next-line no-control-regex
      tail.push(line.replace(/\x1b\[[0-9;]*m/g, '').trimEnd());
      if (tail.length > TAIL_LINES) tail.shift();
    },
    tail: () => [...tail],
    stop,
  };
}

/**
 * Starts tester/python/launch.py for the project and resolves once the SDK's server
 * listens. Rejects with a LaunchError saying what to do: no such Python, no SDK in it,
 * connector.py failing at import, or no server within the startup timeout. The process
 * runs in its own group, with stdin held open: it ends by itself when the tester dies.
 */
export function launchConnector(options: LaunchOptions): Promise<LaunchedConnector> {
  const script = join(testerAssetDir(), 'python', 'launch.py');
  const started = startPython(options.python, [script, options.projectDir], {
    cwd: options.projectDir,
    env: { ...options.env, HED_TESTER_INPUT: JSON.stringify({ configuration: options.configuration, state: options.state }) },
  });
  const { child, exited, stop, remember } = started;
  const tail = started.tail;
  return new Promise<LaunchedConnector>((resolve, reject) => {
    let settled = false;
    let noSdk: string | undefined;
    let noConnector: string | undefined;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      void stop(500).then(() => reject(new LaunchError(reason)));
    };
    const timer = setTimeout(() => {
      const seconds = Math.round(options.startupTimeoutMs / 1000);
      fail(`the connector's gRPC server did not start within ${seconds} s (connector.py may loop or block at import time)${tailText(tail())}`);
    }, options.startupTimeoutMs);
    const onAbort = () => fail('interrupted before the connector started');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = READY.exec(line);
      if (ready !== null && !settled) {
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ port: Number(ready[1]), protocol: ready[2] as ProtocolVersion, sdkVersion: ready[3]!, exited, tail, stop });
        return;
      }
      if (line.startsWith('HED_TESTER_NO_SDK ')) {
        noSdk = line.slice('HED_TESTER_NO_SDK '.length);
        return;
      }
      if (line.startsWith('HED_TESTER_NO_CONNECTOR ')) {
        noConnector = line.slice('HED_TESTER_NO_CONNECTOR '.length);
        return;
      }
      remember(line);
      options.onLine(line);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      remember(line);
      options.onLine(line);
    });
    child.stdin!.on('error', () => undefined);

    void exited.then((code) => {
      if (settled) return;
      const spawnError = started.spawnError();
      if (spawnError !== undefined) {
        fail(
          spawnError.code === 'ENOENT'
            ? `cannot run Python at ${options.python} (not found). Install Python 3.9+ or pass --python with the path of one that has fivetran-connector-sdk.`
            : `cannot run Python at ${options.python} (${spawnError.message}). Pass --python with a working Python.`,
        );
      } else if (noSdk !== undefined) {
        fail(`fivetran_connector_sdk${options.sdkVersion === undefined ? '' : ` ${options.sdkVersion}`} does not import in ${options.python} (${noSdk}). ${installSdkSentence(options.python, options.sdkVersion)}`);
      } else if (noConnector !== undefined) {
        fail(noConnector);
      } else {
        fail(`the connector exited (code ${code}) before its gRPC server started${tailText(tail())}`);
      }
    });
  });
}

/** The last lines of output, for a failure reason; '' when there are none. */
export function tailText(lines: readonly string[], count = 6): string {
  const shown = lines.filter((line) => line.trim() !== '').slice(-count);
  return shown.length === 0 ? '' : `. Last lines from the connector:\n${shown.map((line) => `  ${line}`).join('\n')}`;
}
