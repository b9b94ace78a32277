// The `scenarios` and `check` subcommands of hed-tester; tester/cli.ts registers them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Output } from '../../output/progress.js';
import { listScenarios, loadScenario, ScenarioError } from '../../server/faults/scenarios.js';
import { CheckError, checkWarehouse, formatCheck } from '../check.js';
import { badConfigurationLine } from '../configuration-error.js';
import { chooseSyncRunner, loadConfiguration, MissingConnectorError, requireConnector, TesterConfigurationError } from '../debug.js';
import { SdkUnavailableError, startedLine } from '../sdk.js';
import type { SyncRunner as SdkRunner } from '../sync-runner.js';
import { allPassed, formatReport, reportJson, reportJunit } from './report.js';
import { errorReport, MATRIX_DEFAULTS, runMatrix } from './runner.js';
import { builtinRunner, pythonRunner } from './sync-runners.js';
import type { VerticalDefinition } from '../../verticals/index.js';
import { DEFAULT_VERTICAL, VerticalChoiceError, verticalByPrefix, verticalOfSource } from '../vertical.js';

/** What the subcommands need from the CLI. */
export interface CommandIo {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
}

const integer = (flag: string, min: number, max: number) => (text: string) => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}.`);
  return value;
};

const seconds = (text: string) => {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) throw new InvalidArgumentError('--timeout-s must be a number of seconds above 0, such as 120.');
  return value;
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Parses --vertical: one of the fifteen prefixes, any case.
 *
 * @example
 * parseVerticalFlag('agr').path // '/agr_data'
 */
export function parseVerticalFlag(text: string): VerticalDefinition {
  try {
    return verticalByPrefix(text);
  } catch (error) {
    if (error instanceof VerticalChoiceError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** The option every command that needs a lab path takes. */
const verticalOption = (what: string) => new Option('--vertical <prefix>', `the lab path (agr, cds, con, cpg, fpr, fts, hed, hpt, icp, met, mso, phr, rdp, spl, tlc) ${what}`).argParser(parseVerticalFlag);

/**
 * The vertical a scenario matrix runs against: --vertical, else the one table or path of
 * the fifteen that the project's connector.py names, else HED (the built-in connector is
 * HED's). Says where it came from, for the line the command prints.
 *
 * @example
 * scenarioVertical({ projectDir: 'fixtures/connectors/verticals/agr', builtin: false }) // { vertical: agr, from: 'connector.py names agr_records' }
 */
export function scenarioVertical(flags: { projectDir: string; builtin: boolean; vertical?: VerticalDefinition }): { vertical: VerticalDefinition; from: string } {
  if (flags.vertical !== undefined) return { vertical: flags.vertical, from: '--vertical' };
  if (flags.builtin) return { vertical: DEFAULT_VERTICAL, from: 'the built-in connector' };
  const source = join(flags.projectDir, 'connector.py');
  const named = existsSync(source) ? verticalOfSource(readFileSync(source, 'utf8')) : undefined;
  return named === undefined ? { vertical: DEFAULT_VERTICAL, from: 'the default' } : { vertical: named, from: `connector.py names ${named.table}` };
}

interface ScenariosFlags {
  projectDir: string;
  configuration?: string;
  scenario?: string[];
  reruns: number;
  timeoutS: number;
  json?: string;
  junit?: string;
  builtin: boolean;
  python?: string;
  pageSize?: number;
  students: number;
  vertical?: VerticalDefinition;
}

/**
 * Adds `hed-tester scenarios`: the connector against every named scenario, a verdict
 * each, a table on stdout, optional JSON and JUnit files; exit 0 only when all pass.
 */
export function addScenariosCommand(program: Command, io: CommandIo, result: { exitCode: number }, signal?: AbortSignal): void {
  program
    .command('scenarios')
    .description(
      'Run the project\'s connector (or the built-in one with --builtin) against each fault scenario, every one on a fresh mock on 127.0.0.1 with a fresh warehouse: ' +
        'a full sync (rerun after a failure), then an incremental sync after 5 updates and 3 creations. Each scenario gets pass, fail (lost, duplicated, unexpected, differing rows) ' +
        'or timeout, and warnings for what a naive connector does wrong. Exit 0 only when every scenario passes; 2 (every verdict error) when the SDK cannot be run.',
    )
    .addOption(new Option('--project-dir <dir>', 'the folder with connector.py').default('.'))
    .addOption(new Option('--configuration <file>', 'configuration.json (default: DIR/configuration.json when present); base_url is replaced by each scenario\'s mock'))
    .addOption(new Option('--scenario <name>', `a scenario to run (repeatable; default all: ${listScenarios().join(', ')})`).argParser(collect))
    .addOption(new Option('--reruns <n>', 'reruns after a failed sync, per round').default(MATRIX_DEFAULTS.reruns).argParser(integer('--reruns', 0, 20)))
    .addOption(new Option('--timeout-s <seconds>', 'stop a run after this long: the scenario\'s verdict is timeout').default(MATRIX_DEFAULTS.timeoutS).argParser(seconds))
    .addOption(new Option('--json <file>', 'write the results as JSON'))
    .addOption(new Option('--junit <file>', 'write the results as JUnit XML (one testcase per scenario) for CI'))
    .option('--builtin', 'run the kit\'s built-in TypeScript connector instead of connector.py', false)
    .addOption(new Option('--python <path>', 'the Python with fivetran-connector-sdk (default: $VIRTUAL_ENV/bin/python, else python3)'))
    .addOption(new Option('--page-size <n>', 'override the configuration\'s page_size').argParser(integer('--page-size', 1, 200)))
    .addOption(new Option('--students <n>', 'records in each scenario\'s dataset').default(MATRIX_DEFAULTS.students).argParser(integer('--students', 1, 100_000)))
    .addOption(verticalOption('whose endpoint the scenarios fault and whose records are the truth (default: the one whose table or path connector.py names, else hed)'))
    .action(async (flags: ScenariosFlags) => {
      const known = listScenarios();
      const unknown = (flags.scenario ?? []).filter((name) => !known.includes(name) && !/[\\/]|\.json$/.test(name));
      if (unknown.length > 0) {
        io.stderr.write(`hed-tester scenarios: unknown scenario ${unknown.join(', ')}; choose from ${known.join(', ')} (or give a scenario file's path).\n`);
        result.exitCode = 2;
        return;
      }
      try {
        for (const name of flags.scenario ?? []) loadScenario(name);
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        io.stderr.write(`hed-tester scenarios: ${error.message}\n`);
        result.exitCode = 2;
        return;
      }
      let configuration: Record<string, string>;
      try {
        configuration = loadConfiguration({ projectDir: flags.projectDir, ...(flags.configuration === undefined ? {} : { configurationPath: flags.configuration }) });
      } catch (error) {
        if (!(error instanceof TesterConfigurationError)) throw error;
        io.stderr.write(`hed-tester: ${badConfigurationLine(error)}\n`);
        result.exitCode = 2;
        return;
      }
      if (!flags.builtin) {
        try {
          requireConnector(flags.projectDir);
        } catch (error) {
          if (!(error instanceof MissingConnectorError)) throw error;
          io.stderr.write(`hed-tester scenarios: ${error.message}\n`);
          result.exitCode = 2;
          return;
        }
      }
      configuration = { api_key: 'hed-demo-key', ...configuration };
      const connector = flags.builtin ? 'the built-in connector' : resolve(flags.projectDir);
      const writeFiles = (report: Parameters<typeof reportJson>[0]) => {
        if (flags.json !== undefined) writeFileSync(flags.json, reportJson(report));
        if (flags.junit !== undefined) writeFileSync(flags.junit, reportJunit(report));
      };
      // The SDK and its runner are chosen once for every run of the matrix.
      let sdkRunner: SdkRunner | undefined;
      if (!flags.builtin) {
        try {
          sdkRunner = await chooseSyncRunner({ env: io.env, ...(flags.python === undefined ? {} : { python: flags.python }) });
        } catch (error) {
          if (!(error instanceof SdkUnavailableError)) throw error;
          const report = errorReport(connector, flags.scenario, error.message);
          io.stderr.write(`hed-tester: ${error.message}\n`);
          io.stdout.write(formatReport(report));
          writeFiles(report);
          result.exitCode = 2;
          return;
        }
        io.stdout.write(`${startedLine(sdkRunner.sdk)}\n`);
      }
      const { vertical, from } = scenarioVertical(flags);
      if (flags.builtin && vertical !== DEFAULT_VERTICAL) {
        io.stderr.write(`hed-tester scenarios: the built-in connector syncs HED only; leave out --vertical ${vertical.prefix}, or run a connector.py for ${vertical.path} without --builtin.\n`);
        result.exitCode = 2;
        return;
      }
      // HED's output stays as it was; another path says which and why.
      if (vertical !== DEFAULT_VERTICAL) io.stdout.write(`Vertical ${vertical.prefix} (${from}): faults on ${vertical.path}, tester.${vertical.table} compared with its records\n`);
      const run = flags.builtin || sdkRunner === undefined
        ? builtinRunner()
        : pythonRunner({ projectDir: flags.projectDir, env: io.env, runner: sdkRunner, ...(flags.python === undefined ? {} : { python: flags.python }) });
      const report = await runMatrix({
        connector,
        run,
        configuration,
        reruns: flags.reruns,
        timeoutS: flags.timeoutS,
        students: flags.students,
        vertical,
        ...(flags.scenario === undefined ? {} : { scenarios: flags.scenario }),
        ...(flags.pageSize === undefined ? {} : { pageSize: flags.pageSize }),
        ...(signal === undefined ? {} : { signal }),
        onScenario: ({ scenario, result: done }) => {
          if (done === undefined) io.stdout.write(`${scenario} ... `);
          else io.stdout.write(`${done.verdict}${done.warnings.length > 0 ? ` (${done.warnings.length} warning${done.warnings.length === 1 ? '' : 's'})` : ''} in ${(done.durationMs / 1000).toFixed(1)} s\n`);
        },
      });
      io.stdout.write(`\n${formatReport(report)}`);
      writeFiles(report);
      result.exitCode = allPassed(report) ? 0 : 1;
    });
}

interface CheckFlags {
  warehouse?: string;
  projectDir: string;
  baseUrl?: string;
  apiKey?: string;
  adminToken?: string;
  table?: string;
  vertical?: VerticalDefinition;
}

/** Adds `hed-tester check`: a warehouse against a running mock's ground truth; exit 0 when equal. */
export function addCheckCommand(program: Command, io: CommandIo, result: { exitCode: number }): void {
  program
    .command('check')
    .description(
      'Compare a warehouse (DuckDB, written by hed-tester, hed-connector or the Fivetran tester) with a running mock\'s records: lost, duplicated, unexpected and differing rows. ' +
        'Exit 0 when equal, 1 when not, 2 when the check cannot be made.',
    )
    .addOption(new Option('--project-dir <dir>', 'the project folder: its files/warehouse.db and the base_url and api_key of its configuration.json are the defaults').default('.'))
    .addOption(new Option('--warehouse <file>', 'the warehouse.db to check (default: DIR/files/warehouse.db)'))
    .addOption(new Option('--base-url <url>', 'the running hed-mock, e.g. http://127.0.0.1:8080 (default: base_url in DIR/configuration.json)'))
    .addOption(new Option('--api-key <key>', 'sent as x-api-key; when the admin API refuses (a mock on another machine), the records are read with it through the public API (default: api_key in DIR/configuration.json)'))
    .addOption(new Option('--admin-token <token>', 'sent as x-admin-token, when the mock runs with --admin-token'))
    .addOption(new Option('--table <name>', 'the table in schema tester (default: the vertical\'s {prefix}_records)'))
    .addOption(verticalOption('whose records are the truth (default: the one whose {prefix}_records table the warehouse holds, else hed)'))
    .action(async (flags: CheckFlags) => {
      try {
        const target = checkTarget(flags);
        const checked = await checkWarehouse({
          ...target,
          ...(flags.table === undefined ? {} : { table: flags.table }),
          ...(flags.vertical === undefined ? {} : { vertical: flags.vertical }),
          ...(flags.adminToken === undefined ? {} : { adminToken: flags.adminToken }),
        });
        io.stdout.write(formatCheck(checked, flags.warehouse ?? target.warehouse));
        result.exitCode = checked.equal ? 0 : 1;
      } catch (error) {
        if (!(error instanceof CheckError) && !(error instanceof TesterConfigurationError)) throw error;
        io.stderr.write(`hed-tester check: ${error.message}\n`);
        result.exitCode = 2;
      }
    });
}

/**
 * Where `hed-tester check` looks: the flags, else the project's files/warehouse.db and the
 * base_url and api_key its configuration.json names (as `hed-tester debug` reads them).
 */
export function checkTarget(flags: Pick<CheckFlags, 'projectDir' | 'warehouse' | 'baseUrl' | 'apiKey'>): { warehouse: string; baseUrl: string; apiKey?: string } {
  const needsConfiguration = flags.baseUrl === undefined || flags.apiKey === undefined;
  const configuration = needsConfiguration ? loadConfiguration({ projectDir: flags.projectDir }) : {};
  const baseUrl = flags.baseUrl ?? configuration.base_url;
  if (baseUrl === undefined || baseUrl === '') {
    throw new CheckError(`No mock to check against: pass --base-url (e.g. --base-url http://127.0.0.1:8080), or run the check in the project folder whose configuration.json names base_url (or pass --project-dir).`);
  }
  const apiKey = flags.apiKey ?? configuration.api_key;
  return { warehouse: flags.warehouse ?? join(flags.projectDir, 'files', 'warehouse.db'), baseUrl, ...(apiKey === undefined ? {} : { apiKey }) };
}
