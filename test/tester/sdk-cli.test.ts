// An SDK hed-tester cannot run is exit 2 with one sentence, never a sync failure; in
// `scenarios` every verdict is `error` (JUnit <error>), never `fail`.
import t, { type Test } from 'tap';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { EXIT, runTesterCli, type TesterIo } from '../../tester/cli.js';
import { fakeDistribution, fakePython, needsPython, VENV_PYTHON } from '../helpers/python.js';
import { captureOutput, projectFrom } from './helpers.js';
import { junitSchemaProblems } from './scenarios/junit-schema.js';

function io(): TesterIo & { out(): string; err(): string } {
  const stdout = captureOutput();
  const stderr = captureOutput();
  return { stdout, stderr, stdin: new PassThrough(), env: process.env, out: stdout.text, err: stderr.text };
}
const argv = (...args: string[]) => ['node', 'hed-tester', ...args];

/** A project with a fake Python whose only fivetran-connector-sdk is `version` (none when undefined). */
function projectWithSdk(t: Test, version: string | undefined): { project: string; python: string } | undefined {
  const project = projectFrom('lab');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const site = join(project, 'site');
  mkdirSync(site);
  if (version !== undefined) fakeDistribution(site, 'fivetran_connector_sdk', version, ['fivetran_connector_sdk/__init__.py']);
  const python = fakePython(project, site);
  return python === false ? undefined : { project, python };
}

/** Files of a fake package under `site`: path (relative to site) -> source. */
function writePackage(site: string, files: Readonly<Record<string, string>>): void {
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(join(site, path, '..'), { recursive: true });
    writeFileSync(join(site, path), source);
  }
}

/** A half-installed SDK: `version`'s metadata says it is all there, but what `broken` names raises at import. */
function brokenSdk(t: Test, version: '1.7.0' | '3.0.0', broken: 'sdk' | 'protos' | 'core'): { project: string; python: string; site: string } | undefined {
  const made = projectWithSdk(t, undefined);
  if (made === undefined) return undefined;
  const site = join(made.project, 'site');
  const protos = version.startsWith('1.') ? ['fivetran_connector_sdk/protos/connector_sdk_pb2_grpc.py'] : [];
  fakeDistribution(site, 'fivetran_connector_sdk', version, ['fivetran_connector_sdk/__init__.py', ...protos]);
  if (version.startsWith('3.')) fakeDistribution(site, 'fivetran_connector_sdk_core', '0.1.0', ['fivetran_connector_sdk_core/__init__.py']);
  writePackage(site, {
    'fivetran_connector_sdk/__init__.py': broken === 'sdk' ? 'raise ImportError("half-installed: cannot import name Connector")\n' : '__version__ = "' + version + '"\n',
    ...(broken === 'core' ? { 'fivetran_connector_sdk_core/__init__.py': 'raise RuntimeError("core built for another Python")\n' } : {}),
  });
  return { ...made, site };
}

t.test('debug with a 1.7.0 whose package raises at import: exit 2, one sentence with the version, the import error and what is supported, no sync', async (t) => {
  const made = brokenSdk(t, '1.7.0', 'sdk');
  if (made === undefined) return void t.comment('no python3: nothing to check');
  const streams = io();
  t.equal(await runTesterCli(argv('debug', '--project-dir', made.project, '--python', made.python), streams), EXIT.usage);
  t.match(
    streams.err(),
    /^hed-tester: fivetran-connector-sdk 1\.7\.0 is installed in .*python but does not import for hed-tester's gRPC v1 runner \(ImportError: half-installed: cannot import name Connector\), and hed-tester runs 1\.x \(gRPC v1\), 2\.x \(gRPC v2\) and 3\.x \(the in-process engine\): reinstall it with .*--force-reinstall fivetran-connector-sdk==1\.7\.0\.\n$/,
  );
  t.equal(streams.out(), '', 'no sync was started');
});

t.test('debug with a 1.7.0 whose gRPC protos module is missing: exit 2 naming the missing module', async (t) => {
  const made = brokenSdk(t, '1.7.0', 'protos');
  if (made === undefined) return void t.comment('no python3: nothing to check');
  const streams = io();
  t.equal(await runTesterCli(argv('debug', '--project-dir', made.project, '--python', made.python), streams), EXIT.usage);
  t.match(streams.err(), /1\.7\.0 is installed .* does not import for hed-tester's gRPC v1 runner \(ModuleNotFoundError: No module named 'fivetran_connector_sdk\.protos'\)/);
  t.notMatch(streams.out(), /Sync FAILED/);
});

t.test('debug with the real 1.7.0 venv shadowed by a 3.0.0 whose core raises at import: exit 2 for the in-process engine', needsPython(), async (t) => {
  const made = brokenSdk(t, '3.0.0', 'core');
  if (made === undefined) return void t.comment('no python3: nothing to check');
  const streams = { ...io(), env: { ...process.env, PYTHONPATH: made.site } };
  t.equal(await runTesterCli(argv('debug', '--project-dir', made.project, '--python', VENV_PYTHON), streams), EXIT.usage);
  t.match(streams.err(), /^hed-tester: fivetran-connector-sdk 3\.0\.0 is installed in .*\.venv\/bin\/python but does not import for hed-tester's in-process engine runner \(RuntimeError: core built for another Python\)/);
  t.notMatch(streams.out(), /Sync FAILED/);
});

t.test('scenarios with a 3.0.0 whose core is missing: every verdict is error (JUnit <error>), exit 2, nothing started', async (t) => {
  const made = brokenSdk(t, '3.0.0', 'sdk');
  if (made === undefined) return void t.comment('no python3: nothing to check');
  rmSync(join(made.site, 'fivetran_connector_sdk', '__init__.py'));
  writePackage(made.site, { 'fivetran_connector_sdk/__init__.py': '' });
  const json = join(made.project, 'report.json');
  const junit = join(made.project, 'report.xml');
  const streams = io();
  t.equal(await runTesterCli(argv('scenarios', '--project-dir', made.project, '--python', made.python, '--scenario', 'flaky', '--json', json, '--junit', junit), streams), 2);
  t.match(streams.err(), /3\.0\.0 is installed .* does not import for hed-tester's in-process engine runner \(ModuleNotFoundError: No module named 'fivetran_connector_sdk_core'\)/);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { results: { scenario: string; verdict: string; reason: string; runs: unknown[] }[] };
  t.same(report.results.map((r) => [r.scenario, r.verdict, r.runs.length]), [['flaky', 'error', 0]]);
  t.match(report.results[0]!.reason, /does not import/);
  const xml = readFileSync(junit, 'utf8');
  t.match(xml, /failures="0" errors="1"/);
  t.notMatch(xml, /<failure/);
  t.same(junitSchemaProblems(xml), []);
  t.match(streams.out(), /flaky +\| ERROR/);
});

t.test('debug with an SDK outside 1.x-3.x: exit 2, one sentence naming the version and what is supported, no sync', async (t) => {
  const made = projectWithSdk(t, '4.0.0');
  if (made === undefined) return void t.comment('no python3: nothing to check');
  const streams = io();
  t.equal(await runTesterCli(argv('debug', '--project-dir', made.project, '--python', made.python), streams), EXIT.usage);
  t.match(streams.err(), /^hed-tester: fivetran-connector-sdk 4\.0\.0 is installed in .*python, and hed-tester runs 1\.x \(gRPC v1\), 2\.x \(gRPC v2\) and 3\.x \(the in-process engine\) only: .*\n$/);
  t.notMatch(streams.out(), /Sync FAILED/);
});

t.test('debug without any SDK: exit 2, and the sentence does not send anyone to 1.7.0 by mistake', async (t) => {
  const made = projectWithSdk(t, undefined);
  if (made === undefined) return void t.comment('no python3: nothing to check');
  const streams = io();
  t.equal(await runTesterCli(argv('debug', '--project-dir', made.project, '--python', made.python), streams), EXIT.usage);
  t.match(streams.err(), /fivetran-connector-sdk is not installed in .*, and hed-tester runs 1\.x/);
  t.match(streams.err(), /-m pip install fivetran-connector-sdk`/);
  t.notMatch(streams.out(), /Sync FAILED/);
});

t.test('scenarios with an SDK it cannot run: every verdict is error (JUnit <error>, no <failure>), exit 2, nothing started', async (t) => {
  const made = projectWithSdk(t, '0.9.0');
  if (made === undefined) return void t.comment('no python3: nothing to check');
  const json = join(made.project, 'report.json');
  const junit = join(made.project, 'report.xml');
  const streams = io();
  const code = await runTesterCli(argv('scenarios', '--project-dir', made.project, '--python', made.python, '--scenario', 'flaky', '--scenario', 'hang', '--json', json, '--junit', junit), streams);
  t.equal(code, 2);
  t.match(streams.err(), /fivetran-connector-sdk 0\.9\.0 is installed/);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { results: { scenario: string; verdict: string; reason: string; runs: unknown[] }[] };
  t.same(report.results.map((r) => [r.scenario, r.verdict, r.runs.length]), [['flaky', 'error', 0], ['hang', 'error', 0]]);
  t.match(report.results[0]!.reason, /0\.9\.0 is installed/);
  const xml = readFileSync(junit, 'utf8');
  t.equal(xml.match(/<error /g)?.length, 2);
  t.notMatch(xml, /<failure/);
  t.match(xml, /failures="0" errors="2"/);
  t.same(junitSchemaProblems(xml), []);
  t.match(streams.out(), /flaky +\| ERROR/);
});
