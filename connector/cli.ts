import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ConfigurationError } from './configuration.js';
import { CONNECTOR_DEFAULTS } from './defaults.js';
import { kitVersion } from '../lib/kit-version.js';
import { confirm, PIPED_ANSWER_WAIT_MS, RESET_CANCELLED } from '../lib/piped-answer.js';
import { planReset, describeReset } from '../warehouse/reset-plan.js';
import { runDebug, STATE_FILE, WAREHOUSE_FILE } from './runner.js';
import type { Output } from '../output/progress.js';

/** Exit codes of hed-connector. */
export const EXIT = { ok: 0, syncFailed: 1, badConfiguration: 2 } as const;

/** The streams the CLI talks to; process.* by default, replaceable in tests. */
export interface CliIo {
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/**
 * Reads and parses a configuration file; a missing or broken file is a ConfigurationError
 * (exit 2) like a bad key.
 */
export function readConfigurationFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigurationError('(file)', `Cannot read the configuration file ${path}${code === undefined ? '' : ` (${code})`}. Pass --configuration with the path of your configuration.json.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigurationError('(file)', `The configuration file ${path} is not valid JSON (${(error as Error).message}).`);
  }
}

/**
 * Deletes what a sync wrote in DIR (warehouse.db, state.json) and DIR itself once nothing
 * else is left; keeps the app's Insights History (DIR/insights.db) unless `includeInsights`.
 * Refuses when DIR holds other files (--output may point anywhere). Without --force it asks
 * on a terminal, naming what it deletes; off a terminal the first line piped in is the
 * answer (`yes | hed-connector reset`), and with none it refuses. Returns the exit code.
 */
export async function resetOutput(dir: string, force: boolean, io: CliIo, includeInsights = false, answerWaitMs = PIPED_ANSWER_WAIT_MS): Promise<number> {
  const path = resolve(dir);
  if (!existsSync(path)) {
    io.stdout.write(`Nothing to reset: ${dir} does not exist.\n`);
    return EXIT.ok;
  }
  if (!statSync(path).isDirectory()) {
    io.stderr.write(`hed-connector reset: ${dir} is not a directory; refusing to delete it.\n`);
    return EXIT.syncFailed;
  }
  const plan = planReset(readdirSync(path), { includeInsights, syncFilesOnly: true });
  if (plan.foreign.length > 0) {
    io.stderr.write(
      `hed-connector reset: ${dir} holds files hed-connector did not write (${plan.foreign.slice(0, 5).join(', ')}${plan.foreign.length > 5 ? ', ...' : ''}); ` +
        'refusing to delete it. Check --output, or delete the directory yourself.\n',
    );
    return EXIT.syncFailed;
  }
  if (plan.remove.length === 0 && plan.keep.length > 0) {
    io.stdout.write(`Nothing to reset: ${dir} holds only your Insights History (${plan.keep.join(', ')}), which reset keeps; pass --include-insights to delete it too.\n`);
    return EXIT.ok;
  }
  const what = plan.remove.length === 0 ? `delete the empty directory ${dir}` : describeReset(plan, dir);
  if (!force) {
    const question = `This will ${what}. The next sync starts from scratch. Continue? [y/N] `;
    const answer = await confirm(io, question, answerWaitMs);
    if (answer === undefined) {
      io.stderr.write(`hed-connector reset: not deleting ${dir} without confirmation; reset would ${what}. Run it in a terminal to be asked, pipe the answer in (yes | hed-connector reset), or pass --force.\n`);
      return EXIT.syncFailed;
    }
    if (!answer) {
      io.stdout.write(`${RESET_CANCELLED}\n`);
      return EXIT.ok;
    }
  }
  for (const name of plan.remove) rmSync(join(path, name), { recursive: true, force: true });
  if (plan.keep.length === 0) {
    rmSync(path, { recursive: true, force: true });
    io.stdout.write(`Deleted ${dir}. The next sync is a full sync.\n`);
  } else {
    io.stdout.write(`Deleted ${plan.remove.join(', ')} in ${dir}; kept your Insights History (${plan.keep.join(', ')}). The next sync is a full sync.\n`);
  }
  return EXIT.ok;
}

/** The hed-connector program: `debug` and `reset`. Actions store their exit code in `result`. */
export function createProgram(io: CliIo, result: { exitCode: number }): Command {
  const program = new Command('hed-connector')
    .description('The HED connector (Fivetran Connector SDK model) and a local runner that plays `fivetran debug` into DuckDB, the Fivetran tester warehouse layout.')
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
      `Sync into DIR/${WAREHOUSE_FILE} (DuckDB, table tester.hed_records) from the state in DIR/${STATE_FILE}, like \`fivetran debug\`. ` +
        'Exit 0 when the sync succeeds, 1 when it fails, 2 for a bad configuration.',
    )
    .addOption(new Option('--configuration <file>', 'configuration.json: api_key, base_url, page_size and optional tuning keys').default('configuration.json'))
    .addOption(new Option('--output <dir>', 'directory for warehouse.db and state.json').default(CONNECTOR_DEFAULTS.outputDir))
    .action(async (flags: { configuration: string; output: string }) => {
      try {
        const configuration = readConfigurationFile(flags.configuration);
        const run = await runDebug({ configuration, outputDir: flags.output, out: io.stdout });
        result.exitCode = run.ok ? EXIT.ok : EXIT.syncFailed;
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        io.stderr.write(`hed-connector: bad configuration${error.key === '(file)' ? '' : ` (${error.key})`}: ${error.message}\n`);
        result.exitCode = EXIT.badConfiguration;
      }
    });
  program
    .command('reset')
    .description(
      'Delete DIR/warehouse.db and DIR/state.json so the next sync starts from scratch; keeps the app\'s Insights History (DIR/insights.db) unless --include-insights. ' +
        'Asks first on a terminal, naming what it deletes; when stdin is not a terminal, the first line piped in is the answer (yes | hed-connector reset deletes), and with nothing piped in it deletes nothing and exits 1.',
    )
    .addOption(new Option('--output <dir>', 'directory to reset').default(CONNECTOR_DEFAULTS.outputDir))
    .option('--force', 'delete without asking (for scripts); still keeps the Insights History', false)
    .option('--include-insights', 'also delete the Insights History (insights.db, the app\'s saved reports)', false)
    .action(async (flags: { output: string; force: boolean; includeInsights: boolean }) => {
      result.exitCode = await resetOutput(flags.output, flags.force, io, flags.includeInsights);
    });
  return program;
}

/**
 * Runs one hed-connector command and resolves with its exit code (0 ok, 1 sync failed,
 * 2 bad configuration or usage). Touches no process state, so tests call it directly.
 *
 * @example
 * await runCli(['node', 'hed-connector', 'debug', '--configuration', 'fixtures/configuration.json']) // 0
 */
export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  const result = { exitCode: EXIT.ok as number };
  try {
    await createProgram(io, result).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help ends here with code 0; usage errors were already printed with the help hint.
      result.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.badConfiguration;
    } else {
      io.stderr.write(`hed-connector: ${error instanceof Error ? error.message : String(error)}\n`);
      result.exitCode = EXIT.syncFailed;
    }
  }
  return result.exitCode;
}

/** Entry point of bin/hed-connector.js: runCli, then the exit code on process.exitCode. */
export async function main(argv: string[]): Promise<void> {
  // `hed-connector debug | head`: the reader left. Stop quietly; every committed page is safe.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  // Ctrl-C mid-sync: say what is kept. Committed pages are safe, the open one is dropped.
  process.once('SIGINT', () => {
    process.stdout.write(`\n${new Date().toISOString()} WARNING Interrupted. Every checkpointed page is kept; run the same command to resume.\n`);
    process.exit(130);
  });
  process.exitCode = await runCli(argv);
}
