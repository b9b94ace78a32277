/**
 * The answer to a yes/no question read from a stdin that is not a terminal: what
 * `yes Y | hed-tester reset` (or a script's `echo y |`) sends, as `fivetran reset` takes it.
 */
import { createInterface } from 'node:readline';

/** How long a reset waits for a piped answer before it refuses (a stdin left open with nothing written). */
export const PIPED_ANSWER_WAIT_MS = 10_000;

/**
 * The first line of `stdin`, or undefined when it ends (or stays silent for `waitMs`)
 * with none. Stops reading after that line, and lets the process exit with the pipe open.
 * @example await pipedAnswer(process.stdin) // 'Y' for `yes Y | hed-tester reset`
 */
export async function pipedAnswer(stdin: NodeJS.ReadableStream, waitMs = PIPED_ANSWER_WAIT_MS): Promise<string | undefined> {
  const lines = createInterface({ input: stdin, crlfDelay: Infinity });
  try {
    return await new Promise<string | undefined>((resolveAnswer) => {
      const timer = setTimeout(() => resolveAnswer(undefined), waitMs);
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolveAnswer(line);
      });
      lines.once('close', () => {
        clearTimeout(timer);
        resolveAnswer(undefined);
      });
    });
  } finally {
    lines.close();
    // A pipe still open (`yes` writes forever) must not keep the process alive.
    (stdin as Partial<NodeJS.ReadStream>).unref?.();
  }
}
