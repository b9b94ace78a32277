/**
 * The answer to a yes/no question read from a stdin that is not a terminal: what
 * `yes Y | hed-tester reset` (or a script's `echo y |`) sends, as `fivetran reset` takes it.
 */
import { createInterface } from 'node:readline';
import { createInterface as createPrompt } from 'node:readline/promises';
import { Writable } from 'node:stream';

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

/** What hed-tester and hed-connector say when reset's question is answered no (British spelling, as the kit's prose). */
export const RESET_CANCELLED = 'Reset cancelled; nothing deleted.';

/** Where a yes/no question is asked: a stdin and a stdout, each a terminal or not. */
export interface ConfirmIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(text: string): unknown; isTTY?: boolean };
}

/**
 * Asks a yes/no question (reset's): at a terminal as a prompt; with stdin piped, the first
 * line piped in, echoed after the question with `(read from stdin)`. True for y or yes (any
 * case), false for any other answer, undefined when there was none to be had (stdout a
 * terminal but stdin not one and silent, or nothing piped in within `waitMs`).
 * @example await confirm(io, 'Delete files/? (Y/N): ') // true for `yes Y | hed-tester reset`
 */
export async function confirm(io: ConfirmIo, question: string, waitMs = PIPED_ANSWER_WAIT_MS): Promise<boolean | undefined> {
  let answer: string | undefined;
  if (io.stdin.isTTY === true && io.stdout.isTTY === true) {
    const output = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        io.stdout.write(String(chunk));
        done();
      },
    });
    const prompt = createPrompt({ input: io.stdin, output });
    answer = await prompt.question(question);
    prompt.close();
  } else if (io.stdin.isTTY !== true) {
    answer = await pipedAnswer(io.stdin, waitMs);
    if (answer !== undefined) io.stdout.write(`${question}${answer.trim()} (read from stdin)\n`);
  }
  return answer === undefined ? undefined : /^y(es)?$/i.test(answer.trim());
}
