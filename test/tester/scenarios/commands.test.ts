import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runTesterCli, type TesterIo } from '../../../tester/cli.js';
import { captureOutput } from '../helpers.js';
import { junitSchemaProblems } from './junit-schema.js';

function io(): TesterIo & { out(): string; err(): string } {
  const stdout = captureOutput();
  const stderr = captureOutput();
  return { stdout, stderr, stdin: new PassThrough(), env: {}, out: stdout.text, err: stderr.text };
}
const argv = (...args: string[]) => ['node', 'hed-tester', ...args];

t.test('scenarios --help lists every flag and the scenario names', async (t) => {
  const streams = io();
  t.equal(await runTesterCli(argv('scenarios', '--help'), streams), 0);
  for (const flag of ['--project-dir', '--configuration', '--scenario', '--reruns', '--timeout-s', '--json', '--junit', '--builtin', '--python', '--page-size']) t.match(streams.out(), flag);
  t.match(streams.out(), /flaky,\s+hang,\s+maintenance/);
  const top = io();
  t.equal(await runTesterCli(argv('--help'), top), 0);
  t.match(top.out(), /scenarios[\s\S]*check/);
});

t.test('bad usage exits 2 and says what to pass', async (t) => {
  let streams = io();
  t.equal(await runTesterCli(argv('scenarios', '--builtin', '--scenario', 'no-such'), streams), 2);
  t.match(streams.err(), /unknown scenario no-such; choose from auth-expiry, /);
  streams = io();
  const broken = join(t.testdir({ 'broken.json': '{"description": "x", "rules": [{"status": 99}]}' }), 'broken.json');
  t.equal(await runTesterCli(argv('scenarios', '--builtin', '--scenario', broken), streams), 2);
  t.match(streams.err(), /^hed-tester scenarios: .*status/);
  streams = io();
  t.equal(await runTesterCli(argv('scenarios', '--reruns', 'many'), streams), 2);
  t.match(streams.err(), /--reruns must be a whole number from 0 to 20/);
  streams = io();
  t.equal(await runTesterCli(argv('scenarios', '--timeout-s', '0'), streams), 2);
  t.match(streams.err(), /--timeout-s must be a number of seconds above 0/);
  streams = io();
  const dir = t.testdir({ 'configuration.json': '{"page_size": 50}' });
  t.equal(await runTesterCli(argv('scenarios', '--project-dir', dir), streams), 2);
  t.match(streams.err(), /bad configuration \(page_size\)/);
  streams = io();
  t.equal(await runTesterCli(argv('check'), streams), 2);
  t.match(streams.err(), /--base-url/);
});

t.test('scenarios --builtin writes the table, JSON and valid JUnit, and exits 0 when all pass', async (t) => {
  const dir = t.testdir({ 'configuration.json': JSON.stringify({ api_key: 'my-own-key', base_url: 'http://example.invalid', page_size: '100', base_delay_ms: '20' }) });
  const streams = io();
  const code = await runTesterCli(
    argv('scenarios', '--builtin', '--project-dir', dir, '--scenario', 'page-overlap', '--scenario', 'malformed', '--students', '50', '--page-size', '20', '--json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml')),
    streams,
  );
  t.equal(code, 0, streams.out() + streams.err());
  t.match(streams.out(), /^page-overlap \.\.\. pass in \d+\.\d s\nmalformed \.\.\. pass in /);
  t.match(streams.out(), /Scenario matrix for the built-in connector/);
  t.match(streams.out(), /page-overlap +\| PASS +\| 53\/53 /);
  t.match(streams.out(), /2 of 2 scenarios passed, 0 warnings/);
  const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { passed: boolean; results: { scenario: string }[] };
  t.equal(json.passed, true);
  t.same(json.results.map((r) => r.scenario), ['page-overlap', 'malformed']);
  const xml = readFileSync(join(dir, 'r.xml'), 'utf8');
  t.same(junitSchemaProblems(xml), []);
  t.match(xml, /tests="2" failures="0" errors="0"/);
});

t.test('scenarios exits 1 when a scenario fails', async (t) => {
  const dir = t.testdir();
  writeFileSync(join(dir, 'configuration.json'), JSON.stringify({ api_key: 'hed-demo-key', max_attempts: '1' }));
  const streams = io();
  t.equal(await runTesterCli(argv('scenarios', '--builtin', '--project-dir', dir, '--scenario', 'auth-expiry', '--students', '100', '--page-size', '20', '--reruns', '0'), streams), 1);
  t.match(streams.out(), /auth-expiry +\| FAIL/);
  t.match(streams.out(), /auth-expiry: FAIL: Every full sync failed \(1 run\)/);
});
