import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { runCli, type CliIo } from '../../connector/cli.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMock, type RunningMock } from '../helpers/mock-server.js';
import { configurationFor } from './helpers.js';
import { DIST_NODE, distArgs } from '../helpers/dist-cli.js';

const bin = fileURLToPath(new URL('../../bin/hed-connector.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/connector/cli.js', import.meta.url)));
const skip = built ? false : 'run `npm run build` first';

/** Runs the CLI without blocking: the mock it talks to lives in this process. */
function run(args: string[], cwd?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(DIST_NODE, distArgs([bin, ...args]), { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, ...(cwd ? { cwd } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/** In-process streams for runCli; `tty` makes stdin and stdout claim to be a terminal. */
function memoryIo(tty: boolean, input = ''): { io: CliIo; stdout(): string; stderr(): string } {
  const stdout = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  Object.assign(stdout, { isTTY: tty });
  Object.assign(stdin, { isTTY: tty });
  stdin.end(input);
  return { io: { stdout, stderr: { write: (text: string) => (err += text) }, stdin }, stdout: () => out, stderr: () => err };
}

/**
 * Runs the CLI in this process (runCli, what bin/hed-connector.js calls), off a terminal: the
 * same exit codes and output as a child process without a Node start each time. The tests
 * that need a real process (the bin wrapper, the working folder, a real non-terminal stdin)
 * use run().
 */
async function runHere(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const io = memoryIo(false);
  const status = await runCli(['node', 'hed-connector', ...args], io.io);
  return { status, stdout: io.stdout(), stderr: io.stderr() };
}

let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: 120 });
});
t.teardown(() => mock.close());

t.test('a bad configuration exits 2 and names the key at fault', { skip }, async (t) => {
  const dir = t.testdir();
  const good = configurationFor(mock.url);
  const cases: [string, unknown, RegExp][] = [
    ['missing api_key', { base_url: good.base_url, page_size: '100' }, /\(api_key\).*"api_key" is missing/],
    ['empty api_key', { ...good, api_key: '' }, /\(api_key\)/],
    ['non-numeric page_size', { ...good, page_size: 'lots' }, /\(page_size\).*whole number.*"lots"/],
    ['page_size too big', { ...good, page_size: '5000' }, /\(page_size\).*between 1 and 200/],
    ['page_size as a number', { ...good, page_size: 100 }, /\(page_size\).*must be a string/],
    ['bad base_url', { ...good, base_url: 'not a url' }, /\(base_url\).*not a valid URL/],
    ['ftp base_url', { ...good, base_url: 'ftp://127.0.0.1' }, /\(base_url\).*http:\/\/ or https:\/\//],
    ['missing base_url', { api_key: 'k' }, /\(base_url\).*missing/],
    ['bad timeout_ms', { ...good, timeout_ms: '-1' }, /\(timeout_ms\)/],
    ['bad jitter_ratio', { ...good, jitter_ratio: '2' }, /\(jitter_ratio\)/],
    ['not an object', ['api_key'], /bad configuration: The configuration must be a JSON object/],
  ];
  for (const [index, [label, configuration, message]] of cases.entries()) {
    const path = join(dir, `${label.replaceAll(' ', '-')}.json`);
    writeFileSync(path, JSON.stringify(configuration));
    const out = join(dir, `out-${label.replaceAll(' ', '-')}`);
    // The first case through the installed command, the rest in this process (the same runCli).
    const result = await (index === 0 ? run : runHere)(['debug', '--configuration', path, '--output', out]);
    t.equal(result.status, 2, label);
    t.match(result.stderr, message, label);
    t.notOk(existsSync(out), `${label}: nothing written`);
  }
  const missing = await runHere(['debug', '--configuration', join(dir, 'nope.json')]);
  t.equal(missing.status, 2);
  t.match(missing.stderr, /Cannot read the configuration file .*nope\.json \(ENOENT\)/);
  writeFileSync(join(dir, 'broken.json'), '{"api_key": ');
  const broken = await runHere(['debug', '--configuration', join(dir, 'broken.json')]);
  t.equal(broken.status, 2);
  t.match(broken.stderr, /not valid JSON/);
});

t.test('debug prints the tester log, exits 0, and warns about unknown keys', { skip }, async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'configuration.json');
  writeFileSync(path, JSON.stringify(configurationFor(mock.url, { colour: 'blue' })));
  const first = await run(['debug', '--configuration', path, '--output', join(dir, 'out')]);
  t.equal(first.status, 0, first.stderr);
  t.match(first.stdout, /WARNING Configuration key "colour" is not used by this connector/);
  t.match(first.stdout, /Upserts {9}\| 120\n/);
  t.match(first.stdout, /INFO Sync SUCCEEDED\n$/);
  t.notOk(first.stdout.includes('\x1b['), 'no escape codes when stdout is not a terminal');
  const second = await runHere(['debug', '--configuration', path, '--output', join(dir, 'out')]);
  t.match(second.stdout, /Upserts {9}\| 0\n/);
});

t.test('a failed sync exits 1 with Sync FAILED and the reason', { skip }, async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'configuration.json');
  writeFileSync(path, JSON.stringify({ ...configurationFor(mock.url), api_key: 'nope' }));
  const result = await runHere(['debug', '--configuration', path, '--output', join(dir, 'out')]);
  t.equal(result.status, 1);
  t.match(result.stdout, /SEVERE Sync FAILED: The API rejected the api_key \(HTTP 401 unauthorized\)/);
});

t.test('--configuration defaults to ./configuration.json and --output to files/', { skip }, async (t) => {
  const dir = t.testdir({ 'configuration.json': JSON.stringify(configurationFor(mock.url)) });
  const result = await run(['debug'], dir);
  t.equal(result.status, 0, result.stderr);
  t.ok(existsSync(join(dir, 'files', 'warehouse.db')));
  t.ok(existsSync(join(dir, 'files', 'state.json')));
});

t.test('reset deletes the output with --force, refuses without it off a terminal', { skip }, async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'configuration.json');
  writeFileSync(path, JSON.stringify(configurationFor(mock.url)));
  const out = join(dir, 'out');
  t.equal((await runHere(['debug', '--configuration', path, '--output', out])).status, 0);
  const refused = await runHere(['reset', '--output', out]);
  t.equal(refused.status, 1);
  t.match(refused.stderr, /not deleting .* without confirmation; reset would delete .*state\.json, .*warehouse\.db \(the synced data and the saved state\)\. Run it in a terminal to be asked, pipe the answer in \(yes \| hed-connector reset\), or pass --force\./);
  t.ok(existsSync(join(out, 'warehouse.db')), 'still there');
  const forced = await runHere(['reset', '--output', out, '--force']);
  t.equal(forced.status, 0);
  t.match(forced.stdout, /Deleted .*out\. The next sync is a full sync\./);
  t.notOk(existsSync(out));
  const again = await runHere(['reset', '--output', out, '--force']);
  t.equal(again.status, 0);
  t.match(again.stdout, /Nothing to reset/);
});

t.test('reset refuses a directory holding files it did not write', { skip }, async (t) => {
  const dir = t.testdir({ project: { 'package.json': '{}', 'state.json': '{}' } });
  const result = await runHere(['reset', '--output', join(dir, 'project'), '--force']);
  t.equal(result.status, 1);
  t.match(result.stderr, /holds files hed-connector did not write \(package\.json\); refusing/);
  t.ok(existsSync(join(dir, 'project', 'package.json')));
  mkdirSync(join(dir, 'empty'));
  t.equal((await runHere(['reset', '--output', join(dir, 'empty'), '--force'])).status, 0, 'an empty directory is fine');
});

t.test('reset keeps the Insights History (insights.db) and names what it deletes', async (t) => {
  const dir = t.testdir({ out: { 'warehouse.db': 'x', 'state.json': '{}', 'insights.db': 'x' } });
  const out = join(dir, 'out');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let printed = '';
  let complaint = '';
  stdout.on('data', (chunk) => (printed += chunk));
  stderr.on('data', (chunk) => (complaint += chunk));
  const stdin = new PassThrough();
  stdin.end();
  const io: CliIo = { stdout, stderr, stdin };
  t.equal(await runCli(['node', 'hed-connector', 'reset', '--output', out], io), 1, 'off a terminal with nothing piped in it asks for --force');
  t.match(complaint, /reset would delete .*out\/state\.json, .*out\/warehouse\.db \(the synced data and the saved state\) and keep .*out\/insights\.db \(your Insights History\)/);
  t.equal(await runCli(['node', 'hed-connector', 'reset', '--output', out, '--force'], io), 0);
  t.match(printed, /kept your Insights History \(insights\.db\)/);
  t.ok(existsSync(join(out, 'insights.db')), 'the history survives');
  t.notOk(existsSync(join(out, 'warehouse.db')));
  t.equal(await runCli(['node', 'hed-connector', 'reset', '--output', out, '--force', '--include-insights'], io), 0);
  t.notOk(existsSync(out), 'deleted by name, the history goes and so does the folder');
});

t.test('--help works on every command; an unknown command or flag exits 2', { skip }, async (t) => {
  const top = await run(['--help']);
  t.equal(top.status, 0);
  t.match(top.stdout, /debug/);
  t.match(top.stdout, /reset/);
  const debug = await runHere(['debug', '--help']);
  t.equal(debug.status, 0);
  t.match(debug.stdout, /--configuration <file>/);
  t.match(debug.stdout, /--output <dir>/);
  const reset = await runHere(['reset', '--help']);
  t.equal(reset.status, 0);
  t.match(reset.stdout, /--force/);
  const unknown = await runHere(['debgu']);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /unknown command/);
  const flag = await runHere(['debug', '--outptu', 'x']);
  t.equal(flag.status, 2);
  t.match(flag.stderr, /unknown option/);
});

t.test('runCli in process: exit codes for a sync, a bad configuration and --help', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'configuration.json');
  writeFileSync(path, JSON.stringify(configurationFor(mock.url)));
  const ok = memoryIo(false);
  t.equal(await runCli(['node', 'hed-connector', 'debug', '--configuration', path, '--output', join(dir, 'out')], ok.io), 0);
  t.match(ok.stdout(), /Upserts {9}\| 120\n/);
  writeFileSync(path, JSON.stringify({ ...configurationFor(mock.url), page_size: 'x' }));
  const bad = memoryIo(false);
  t.equal(await runCli(['node', 'hed-connector', 'debug', '--configuration', path, '--output', join(dir, 'out')], bad.io), 2);
  t.match(bad.stderr(), /bad configuration \(page_size\)/);
  writeFileSync(path, '{"api_key": "k",}');
  const notJson = memoryIo(false);
  t.equal(await runCli(['node', 'hed-connector', 'debug', '--configuration', path, '--output', join(dir, 'out')], notJson.io), 2);
  t.match(notJson.stderr(), /^hed-connector: bad configuration: The configuration file .* is not valid JSON/, 'the file at fault is named in the sentence, not as "((file))"');
  const help = memoryIo(false);
  t.equal(await runCli(['node', 'hed-connector', 'debug', '--help'], help.io), 0);
  t.match(help.stdout(), /--configuration <file>/);
  const version = memoryIo(false);
  t.equal(await runCli(['node', 'hed-connector', '--version'], version.io), 0);
  t.equal(version.stdout(), `${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`);
  const usage = memoryIo(false);
  t.equal(await runCli(['node', 'hed-connector', 'debug', '--nope'], usage.io), 2);
  t.match(usage.stderr(), /unknown option '--nope'/);
});

t.test('reset on a terminal asks first and deletes only on yes', async (t) => {
  const dir = t.testdir();
  const out = join(dir, 'out');
  mkdirSync(out);
  writeFileSync(join(out, 'state.json'), '{}');
  const no = memoryIo(true, 'n\n');
  t.equal(await runCli(['node', 'hed-connector', 'reset', '--output', out], no.io), 0);
  t.match(no.stdout(), /This will delete .*out\/state\.json \(the synced data and the saved state\)\. The next sync starts from scratch\. Continue\? \[y\/N\] /);
  t.match(no.stdout(), /Reset cancelled; nothing deleted\./);
  t.ok(existsSync(join(out, 'state.json')));
  const yes = memoryIo(true, 'y\n');
  t.equal(await runCli(['node', 'hed-connector', 'reset', '--output', out], yes.io), 0);
  t.notOk(existsSync(out));
  const refused = memoryIo(false);
  mkdirSync(out);
  t.equal(await runCli(['node', 'hed-connector', 'reset', '--output', out], refused.io), 1);
  t.match(refused.stderr(), /without confirmation/);
  writeFileSync(join(out, 'state.json'), '{}');
  const pipedNo = memoryIo(false, 'n\n');
  t.equal(await runCli(['node', 'hed-connector', 'reset', '--output', out], pipedNo.io), 0, 'echo n | hed-connector reset');
  t.match(pipedNo.stdout(), /Continue\? \[y\/N\] n \(read from stdin\)\nReset cancelled; nothing deleted\./);
  t.ok(existsSync(join(out, 'state.json')));
  const pipedYes = memoryIo(false, 'y\ny\ny\n');
  t.equal(await runCli(['node', 'hed-connector', 'reset', '--output', out], pipedYes.io), 0, 'yes | hed-connector reset');
  t.notOk(existsSync(out));
  mkdirSync(out);
  writeFileSync(join(dir, 'file.txt'), 'x');
  const notDir = memoryIo(false);
  t.equal(await runCli(['node', 'hed-connector', 'reset', '--output', join(dir, 'file.txt'), '--force'], notDir.io), 1);
  t.match(notDir.stderr(), /is not a directory/);
});

t.test('reset deletes a directory holding DuckDB files, a WAL left by a crash included', async (t) => {
  const out = join(t.testdir(), 'out');
  mkdirSync(out);
  for (const name of ['warehouse.db', 'warehouse.db.wal', 'state.json', 'state.json.tmp-123']) writeFileSync(join(out, name), 'x');
  const io = memoryIo(false);
  t.equal(await runCli(['node', 'hed-connector', 'reset', '--output', out, '--force'], io.io), 0, io.stderr());
  t.notOk(existsSync(out));
});
