// hed-tester: the Fivetran connector tester for Connector SDK projects, offline.
// The program is one readable list of commander subcommands; each action only translates.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Output } from '../output/progress.js';
import type { VerticalDefinition } from '../verticals/index.js';
import { describeReset, planReset } from '../warehouse/reset-plan.js';
import { badConfigurationLine } from './configuration-error.js';
import { MissingConnectorError, runTesterDebug, TESTER_DEFAULTS, TesterConfigurationError } from './debug.js';
import { kitVersion } from '../lib/kit-version.js';
import { confirm, PIPED_ANSWER_WAIT_MS, RESET_CANCELLED } from '../lib/piped-answer.js';
import { killLaunchedConnectors } from './python.js';
import { SdkUnavailableError } from './sdk.js';
import { addCheckCommand, addScenariosCommand, parseVerticalFlag } from './scenarios/commands.js';

/** Exit codes of hed-tester: 2 is bad usage, bad configuration, or an SDK it cannot run. */
export const EXIT = { ok: 0, syncFailed: 1, usage: 2 } as const;

/** The streams the CLI talks to; process.* by default, replaceable in tests. */
export interface TesterIo {
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

/** Parses --state: a JSON object given inline, or the path of a JSON file holding one. */
export function parseStateFlag(text: string): Record<string, unknown> {
  let source = text;
  if (!text.trim().startsWith('{') && existsSync(text)) source = readFileSync(text, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new InvalidArgumentError(`--state must be a JSON object such as '{"next_cursor": "..."}' or a file holding one (${(error as Error).message}).`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidArgumentError(`--state must be a JSON object such as '{"next_cursor": "..."}'.`);
  return value as Record<string, unknown>;
}

function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0)) throw new InvalidArgumentError('--timeout-s must be a number of seconds above 0, such as 300.');
  return seconds;
}

/**
 * Deletes what a sync wrote in DIR/files (warehouse.db, state.json and anything else the
 * tester or the SDK left there) as `fivetran reset` does, but keeps the app's Insights
 * History (files/insights.db) unless `includeInsights`. Without --force it asks on a
 * terminal, naming every file it deletes and the history it keeps; when stdin is not a
 * terminal it takes the first line piped in as the answer (`yes | hed-tester reset`), and
 * refuses when none comes. Returns the exit code.
 */
export async function resetProject(projectDir: string, force: boolean, io: TesterIo, includeInsights = false, answerWaitMs = PIPED_ANSWER_WAIT_MS): Promise<number> {
  const files = join(resolve(projectDir), TESTER_DEFAULTS.outputDirName);
  if (!existsSync(files)) {
    io.stdout.write(`Nothing to reset: ${files} does not exist.\n`);
    return EXIT.ok;
  }
  const plan = planReset(readdirSync(files), { includeInsights, syncFilesOnly: false });
  if (plan.remove.length === 0 && plan.keep.length > 0) {
    io.stdout.write(`Nothing to reset: ${files} holds only your Insights History (${plan.keep.join(', ')}), which reset keeps; pass --include-insights to delete it too.\n`);
    return EXIT.ok;
  }
  const what = plan.remove.length === 0 ? `delete the empty folder ${files}` : describeReset(plan, files);
  if (!force) {
    const question = `This will ${what}. Do you want to continue? (Y/N): `;
    const answer = await confirm(io, question, answerWaitMs);
    if (answer === undefined) {
      io.stderr.write(`hed-tester reset: not deleting anything in ${files} without confirmation; reset would ${what}. Run it in a terminal to be asked, pipe the answer in (yes | hed-tester reset), or pass --force.\n`);
      return EXIT.syncFailed;
    }
    if (!answer) {
      io.stdout.write(`${RESET_CANCELLED}\n`);
      return EXIT.ok;
    }
  }
  for (const name of plan.remove) rmSync(join(files, name), { recursive: true, force: true });
  if (plan.keep.length === 0) rmSync(files, { recursive: true, force: true });
  const kept = plan.keep.length === 0 ? '' : ` Kept your Insights History (${plan.keep.join(', ')}).`;
  const deleted = plan.remove.length === 0 ? 'the empty folder' : plan.remove.join(', ');
  io.stdout.write(`Reset successful: deleted ${deleted} in ${files}.${kept} The next debug run is a full sync.\n`);
  return EXIT.ok;
}

interface DebugFlags {
  projectDir: string;
  configuration?: string;
  state?: Record<string, unknown>;
  python?: string;
  timeoutS: number;
  vertical?: VerticalDefinition;
}

/** The hed-tester program. Actions store their exit code in `result`. */
export function createProgram(io: TesterIo, result: { exitCode: number }, signal?: AbortSignal): Command {
  const program = new Command('hed-tester')
    .description('Plays the Fivetran connector tester (`fivetran debug` / `fivetran reset`) for a Connector SDK project, offline: the real SDK runs your connector.py, hed-tester writes files/warehouse.db.')
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .version(kitVersion(), '-V, --version', 'print the kit\'s version')
    .showHelpAfterError()
    .exitOverride();
  program
    .command('debug')
    .description(
      'Run the project\'s connector.py with the Connector SDK installed in Python (1.x and 2.x over their gRPC protocol, 3.x with its own in-process engine) and write DIR/files/warehouse.db (schema tester) and DIR/files/state.json. ' +
        'Exit 0 when the sync succeeds, 1 when it fails, 2 for bad usage or configuration, or an SDK it cannot run.',
    )
    .addOption(new Option('--project-dir <dir>', 'the folder with connector.py').default('.'))
    .addOption(new Option('--configuration <file>', 'configuration.json with string values (default: DIR/configuration.json when present)'))
    .addOption(new Option('--state <json>', 'start from this state (JSON object, or a file holding one) instead of the saved one').argParser(parseStateFlag))
    .addOption(new Option('--python <path>', 'the Python with fivetran-connector-sdk (default: $VIRTUAL_ENV/bin/python, else python3)'))
    .addOption(new Option('--timeout-s <seconds>', 'fail when the connector sends nothing for this long').default(TESTER_DEFAULTS.silenceTimeoutMs / 1000).argParser(parseSeconds))
    .addOption(new Option('--vertical <prefix>', 'the lab path the connector is on (agr, ..., tlc), for what to fix (default: the data path it asks a local hed-mock for)').argParser(parseVerticalFlag))
    .action(async (flags: DebugFlags) => {
      try {
        const run = await runTesterDebug({
          projectDir: flags.projectDir,
          ...(flags.configuration === undefined ? {} : { configurationPath: flags.configuration }),
          ...(flags.state === undefined ? {} : { state: flags.state }),
          ...(flags.python === undefined ? {} : { python: flags.python }),
          ...(flags.vertical === undefined ? {} : { vertical: flags.vertical }),
          ...(signal === undefined ? {} : { signal }),
          silenceTimeoutMs: flags.timeoutS * 1000,
          out: io.stdout,
          env: io.env,
        });
        result.exitCode = run.ok ? EXIT.ok : EXIT.syncFailed;
      } catch (error) {
        if (error instanceof SdkUnavailableError || error instanceof MissingConnectorError) {
          io.stderr.write(`hed-tester: ${error.message}\n`);
          result.exitCode = EXIT.usage;
          return;
        }
        if (!(error instanceof TesterConfigurationError)) throw error;
        io.stderr.write(`hed-tester: ${badConfigurationLine(error)}\n`);
        result.exitCode = EXIT.usage;
      }
    });
  program
    .command('reset')
    .description(
      'Delete what the last sync wrote in DIR/files (warehouse.db, state.json) like `fivetran reset`, so the next debug run is a full sync. ' +
        'Keeps the app\'s Insights History (DIR/files/insights.db) unless --include-insights. Asks first on a terminal, naming what it deletes; ' +
        'when stdin is not a terminal, the first line piped in is the answer (yes | hed-tester reset deletes, echo n | hed-tester reset cancels), and with nothing piped in it deletes nothing and exits 1.',
    )
    .addOption(new Option('--project-dir <dir>', 'the folder with connector.py').default('.'))
    .option('--force', 'delete without asking (for scripts); still keeps the Insights History', false)
    .option('--include-insights', 'also delete the Insights History (files/insights.db, the app\'s saved reports)', false)
    .action(async (flags: { projectDir: string; force: boolean; includeInsights: boolean }) => {
      result.exitCode = await resetProject(flags.projectDir, flags.force, io, flags.includeInsights);
    });
  addScenariosCommand(program, io, result, signal);
  addCheckCommand(program, io, result);
  return program;
}

/**
 * Runs one hed-tester command and resolves with its exit code (0 ok, 1 sync failed,
 * 2 bad usage or configuration). Touches no process state, so tests call it directly.
 *
 * @example
 * await runTesterCli(['node', 'hed-tester', 'debug', '--project-dir', 'fixtures/connectors/lab']) // 0
 */
export async function runTesterCli(
  argv: string[],
  io: TesterIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
  signal?: AbortSignal,
): Promise<number> {
  const result = { exitCode: EXIT.ok as number };
  try {
    await createProgram(io, result, signal).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help ends here with code 0; usage errors were already printed with the help hint.
      result.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else {
      io.stderr.write(`hed-tester: ${error instanceof Error ? error.message : String(error)}\n`);
      result.exitCode = EXIT.syncFailed;
    }
  }
  return result.exitCode;
}

/** Entry point of bin/hed-tester.js: runTesterCli, then the exit code on process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      killLaunchedConnectors();
      process.exit(process.exitCode ?? 0);
    }
    throw error;
  });
  // Ctrl-C / SIGTERM: stop the connector's Python; committed checkpoints are kept.
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      killLaunchedConnectors();
      process.exit(130);
    }
    process.stderr.write(`\n${new Date().toISOString()} WARNING ${name}: stopping the connector. Every checkpoint committed so far is kept; run the same command to resume.\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.once('exit', killLaunchedConnectors);
  process.exitCode = await runTesterCli(argv, undefined, controller.signal);
  if (signals > 0) process.exitCode = 130;
}
