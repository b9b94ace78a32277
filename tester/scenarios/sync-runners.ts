// The two kinds of connector the matrix runs: a Connector SDK project through hed-tester's
// gRPC tester, and the kit's built-in TypeScript connector in-process.
import { runDebug } from '../../connector/runner.js';
import type { Output } from '../../output/progress.js';
import { runTesterDebug } from '../debug.js';
import type { SyncRunner as SdkRunner } from '../sync-runner.js';
import type { SyncRunner } from './runner.js';

/** Output that keeps the last lines of a run (the matrix prints a table, not the log). */
export function tailOutput(keep = 40): Output & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    isTTY: false,
    write(text: string) {
      for (const line of text.split('\n')) if (line.trim() !== '') lines.push(line);
      if (lines.length > keep) lines.splice(0, lines.length - keep);
      return true;
    },
  };
}

/** Options of pythonRunner. */
export interface PythonRunnerOptions {
  projectDir: string;
  /** The SDK's runner, chosen once for the whole matrix (see chooseSyncRunner). */
  runner?: SdkRunner;
  python?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs a Connector SDK project (connector.py) the way `hed-tester debug` does, into the
 * scenario's warehouse; stopping kills its Python.
 *
 * @example
 * runMatrix({ connector: 'lab', run: pythonRunner({ projectDir: 'fixtures/connectors/lab' }), configuration })
 */
export function pythonRunner(options: PythonRunnerOptions): SyncRunner {
  return async ({ configuration, outputDir, signal, timeoutMs }) => {
    const result = await runTesterDebug({
      projectDir: options.projectDir,
      configuration,
      outputDir,
      out: tailOutput(),
      signal,
      silenceTimeoutMs: timeoutMs,
      ...(options.python === undefined ? {} : { python: options.python }),
      ...(options.runner === undefined ? {} : { runner: options.runner }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    return result.reason === undefined ? { ok: result.ok } : { ok: result.ok, reason: result.reason };
  };
}

/**
 * Runs the built-in TypeScript connector (hed-connector debug) in-process. Stopping it makes
 * every request and every backoff wait end at once, so the run fails promptly.
 */
export function builtinRunner(): SyncRunner {
  return async ({ configuration, outputDir, signal }) => {
    const stoppable: typeof fetch = (input, init) => {
      if (signal.aborted) return Promise.reject(new Error('The scenario run was stopped.'));
      const inner = init?.signal;
      return fetch(input, { ...init, signal: inner ? AbortSignal.any([inner, signal]) : signal });
    };
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
        signal.addEventListener('abort', done, { once: true });
      });
    const result = await runDebug({ configuration, outputDir, out: tailOutput(), fetch: stoppable, sleep });
    return result.reason === undefined ? { ok: result.ok } : { ok: result.ok, reason: result.reason };
  };
}
