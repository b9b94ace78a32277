import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DIST_NODE, distArgs } from './dist-cli.js';

/** The built `hed-mock` bin (needs `npm run build`; `npm test` builds first). */
export const MOCK_BIN = fileURLToPath(new URL('../../bin/hed-mock.js', import.meta.url));

export interface MockProcess {
  child: ChildProcess;
  /** The address from the "listening on" line. */
  url: string;
  /** The first line the process printed. */
  line: string;
}

/**
 * Runs `hed-mock serve --port 0 ...args` as a child process and resolves once it prints
 * its "listening on" line. Kill the child in teardown.
 *
 * @example
 * const { child, url } = await startMockProcess(['--students', '25']); t.teardown(() => child.kill('SIGKILL'));
 */
export function startMockProcess(args: string[] = [], env: Record<string, string> = {}): Promise<MockProcess> {
  const child = spawn(DIST_NODE, distArgs([MOCK_BIN, 'serve', '--port', '0', ...args]), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no listening line within 60 s: ${out}`)), 60_000);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, line: out.split('\n')[0]! });
      }
    });
    child.stderr!.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before listening: ${out}`));
    });
  });
}
