import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { EXIT, parseStateFlag, resetProject, runTesterCli, type TesterIo } from '../../tester/cli.js';
import { needsPython, sdkPython } from '../helpers/python.js';
import { captureOutput, projectFrom } from './helpers.js';

function io(options: { tty?: boolean; answer?: string } = {}): TesterIo & { out(): string; err(): string } {
  const stdout = captureOutput();
  const stderr = captureOutput();
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (options.tty === true) stdin.isTTY = true;
  if (options.answer !== undefined) setTimeout(() => stdin.write(`${options.answer}\n`), 20);
  // Not a terminal and nothing to say: stdin ends at once, as </dev/null or a CI job's.
  else if (options.tty !== true) stdin.end();
  return {
    stdout: Object.assign(stdout, { isTTY: options.tty === true }),
    stderr,
    stdin,
    env: {},
    out: stdout.text,
    err: stderr.text,
  };
}

const argv = (...args: string[]) => ['node', 'hed-tester', ...args];

t.test('--help of the program and of each command', async (t) => {
  let streams = io();
  t.equal(await runTesterCli(argv('--help'), streams), EXIT.ok);
  t.match(streams.out(), /debug[\s\S]*reset/);
  streams = io();
  t.equal(await runTesterCli(argv('debug', '--help'), streams), EXIT.ok);
  for (const flag of ['--project-dir', '--configuration', '--state', '--python', '--timeout-s']) t.match(streams.out(), flag);
  streams = io();
  t.equal(await runTesterCli(argv('reset', '--help'), streams), EXIT.ok);
  t.match(streams.out(), /--force/);
});

t.test('--version prints the kit\'s version from package.json', async (t) => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const streams = io();
    t.equal(await runTesterCli(argv(flag), streams), EXIT.ok);
    t.equal(streams.out(), `${version}\n`);
  }
});

t.test('bad usage exits 2 naming the flag', async (t) => {
  let streams = io();
  t.equal(await runTesterCli(argv('debug', '--no-such-flag'), streams), EXIT.usage);
  t.match(streams.err(), /--no-such-flag/);
  streams = io();
  t.equal(await runTesterCli(argv('debug', '--timeout-s', 'soon'), streams), EXIT.usage);
  t.match(streams.err(), /--timeout-s must be a number of seconds/);
  streams = io();
  t.equal(await runTesterCli(argv('debug', '--state', '{oops'), streams), EXIT.usage);
  t.match(streams.err(), /--state must be a JSON object/);
  streams = io();
  t.equal(await runTesterCli(argv('debug', '--state', '[1]'), streams), EXIT.usage);
  t.match(streams.err(), /--state must be a JSON object/);
  streams = io();
  t.equal(await runTesterCli(argv('frobnicate'), streams), EXIT.usage);
});

t.test('--state takes inline JSON or a file', async (t) => {
  t.same(parseStateFlag('{"next_cursor":"c"}'), { next_cursor: 'c' });
  const project = projectFrom('lab');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const file = join(project, 'state.json');
  writeFileSync(file, '{"next_cursor":"from-file"}');
  t.same(parseStateFlag(file), { next_cursor: 'from-file' });
});

t.test('a configuration value that is not a string exits 2 naming the key', async (t) => {
  const project = projectFrom('lab', { page_size: 100 } as unknown as Record<string, string>);
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const streams = io();
  t.equal(await runTesterCli(argv('debug', '--project-dir', project), streams), EXIT.usage);
  t.match(streams.err(), /bad configuration \(page_size\)/);
});

t.test('a configuration file that is not JSON exits 2 with one plain sentence, no "((file))"', async (t) => {
  const project = projectFrom('lab');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  writeFileSync(join(project, 'configuration.json'), '{"api_key": "k", "base_url": "http://127.0.0.1:8080",}');
  const streams = io();
  t.equal(await runTesterCli(argv('debug', '--project-dir', project), streams), EXIT.usage);
  t.match(streams.err(), /^hed-tester: bad configuration: The configuration file .*configuration\.json is not valid JSON/);
  t.notMatch(streams.err(), /\(\(file\)\)/);
});

t.test('debug through the CLI: exit 0 on success, 1 on failure', needsPython(), async (t) => {
  const python = sdkPython() as string;
  const project = projectFrom('value-types');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  let streams = io();
  t.equal(await runTesterCli(argv('debug', '--project-dir', project, '--python', python, '--state', '{}', '--timeout-s', '30'), streams), EXIT.ok);
  t.match(streams.out(), /Sync SUCCEEDED/);
  const failing = projectFrom('raises');
  t.teardown(() => rmSync(failing, { recursive: true, force: true }));
  streams = io();
  t.equal(await runTesterCli(argv('debug', '--project-dir', failing, '--python', python, '--configuration', join(failing, 'configuration.json')), streams), EXIT.syncFailed);
  t.match(streams.out(), /Sync FAILED: update\(\) failed/);
});

t.test('an abort signal stops the sync: Sync FAILED, interrupted', needsPython(), async (t) => {
  const project = projectFrom('hangs');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const controller = new AbortController();
  const streams = io();
  const running = runTesterCli(argv('debug', '--project-dir', project, '--python', sdkPython() as string), streams, controller.signal);
  const deadline = Date.now() + 20_000;
  while (!streams.out().includes('Checkpoint:') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort();
  t.equal(await running, EXIT.syncFailed);
  t.match(streams.out(), /Sync FAILED: interrupted; every checkpoint before this point is kept/);
});

t.test('reset deletes DIR/files with --force, asks on a terminal, refuses elsewhere', async (t) => {
  const project = projectFrom('lab');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const files = join(project, 'files');
  let streams = io();
  t.equal(await runTesterCli(argv('reset', '--project-dir', project), streams), EXIT.ok);
  t.match(streams.out(), /Nothing to reset/);

  mkdirSync(files);
  writeFileSync(join(files, 'state.json'), '{}');
  streams = io();
  t.equal(await runTesterCli(argv('reset', '--project-dir', project), streams), EXIT.syncFailed);
  t.match(streams.err(), /not deleting .*files without confirmation.*--force/);
  t.ok(existsSync(files));

  streams = io({ tty: true, answer: 'n' });
  t.equal(await runTesterCli(argv('reset', '--project-dir', project), streams), EXIT.ok);
  t.match(streams.out(), /Reset cancelled; nothing deleted\./);
  t.ok(existsSync(files));

  streams = io({ tty: true, answer: 'y' });
  t.equal(await runTesterCli(argv('reset', '--project-dir', project), streams), EXIT.ok);
  t.notOk(existsSync(files));

  mkdirSync(files);
  streams = io();
  t.equal(await runTesterCli(argv('reset', '--project-dir', project, '--force'), streams), EXIT.ok);
  t.match(streams.out(), /Reset successful/);
  t.notOk(existsSync(files));
});

t.test('reset takes a piped answer: `yes | hed-tester reset` deletes, `echo n |` cancels, an open stdin with nothing refuses', async (t) => {
  const project = projectFrom('lab');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const files = join(project, 'files');
  const fill = () => {
    mkdirSync(files, { recursive: true });
    writeFileSync(join(files, 'state.json'), '{}');
  };
  fill();
  let streams = io({ answer: 'n' });
  t.equal(await runTesterCli(argv('reset', '--project-dir', project), streams), EXIT.ok);
  t.match(streams.out(), /Do you want to continue\? \(Y\/N\): n \(read from stdin\)\nReset cancelled; nothing deleted\./);
  t.ok(existsSync(files));

  for (const answer of ['Y', 'yes']) {
    fill();
    streams = io({ answer });
    t.equal(await runTesterCli(argv('reset', '--project-dir', project), streams), EXIT.ok, answer);
    t.match(streams.out(), /Reset successful/, answer);
    t.notOk(existsSync(files), answer);
  }

  fill();
  const silent = new PassThrough();
  const open = { ...io(), stdin: silent };
  t.equal(await resetProject(project, false, open, false, 0), EXIT.syncFailed, 'a stdin that stays open with nothing written');
  t.match(open.err(), /pipe the answer in \(yes \| hed-tester reset\), or pass --force/);
  t.ok(existsSync(files));
  silent.destroy();

  streams = io();
  t.equal(await runTesterCli(argv('reset', '--help'), streams), EXIT.ok);
  t.match(streams.out().replace(/\s+/g, ' '), /the first line piped in is the answer \(yes \| hed-tester reset deletes/);
});

t.test('debug and scenarios in a folder without connector.py exit 2 with one sentence naming it', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'hed-tester-empty-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  for (const command of ['debug', 'scenarios']) {
    const streams = io();
    t.equal(await runTesterCli(argv(command, '--project-dir', empty), streams), EXIT.usage, command);
    t.match(streams.err(), new RegExp(`^hed-tester(?: scenarios)?: There is no connector\\.py in ${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: run hed-tester in your project's folder \\(the one holding connector\\.py\\) or pass --project-dir with it\\.\n$`), command);
    t.equal(streams.out(), '', `${command}: no sync table, no report`);
  }
});

t.test('reset keeps the Insights History (files/insights.db), names what it deletes, and deletes the history only by name', async (t) => {
  const project = projectFrom('lab');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const files = join(project, 'files');
  const fill = () => {
    mkdirSync(files, { recursive: true });
    for (const name of ['warehouse.db', 'state.json', 'insights.db', 'insights.db-wal']) writeFileSync(join(files, name), 'x');
  };
  fill();
  let streams = io({ tty: true, answer: 'y' });
  t.equal(await runTesterCli(argv('reset', '--project-dir', project), streams), EXIT.ok);
  t.match(streams.out(), /This will delete .*files\/state\.json, .*files\/warehouse\.db \(the synced data and the saved state\) and keep .*files\/insights\.db, .*insights\.db-wal \(your Insights History\)/);
  t.match(streams.out(), /Kept your Insights History/);
  t.ok(existsSync(join(files, 'insights.db')), 'the history survives a confirmed reset');
  t.ok(existsSync(join(files, 'insights.db-wal')));
  t.notOk(existsSync(join(files, 'warehouse.db')));
  t.notOk(existsSync(join(files, 'state.json')));

  streams = io();
  t.equal(await runTesterCli(argv('reset', '--project-dir', project, '--force'), streams), EXIT.ok);
  t.match(streams.out(), /Nothing to reset: .*only your Insights History.*--include-insights/);
  t.ok(existsSync(join(files, 'insights.db')), '--force keeps the history too');

  fill();
  streams = io();
  t.equal(await runTesterCli(argv('reset', '--project-dir', project), streams), EXIT.syncFailed);
  t.match(streams.err(), /reset would delete .*warehouse\.db.* and keep .*insights\.db/);

  streams = io({ tty: true, answer: 'y' });
  t.equal(await runTesterCli(argv('reset', '--project-dir', project, '--include-insights'), streams), EXIT.ok);
  t.match(streams.out(), /This will delete .*insights\.db.*\(the synced data, the saved state and your Insights History\)/);
  t.notOk(existsSync(files), 'with --include-insights the whole folder goes');
});
