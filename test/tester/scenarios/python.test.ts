// The matrix against Connector SDK projects run by the real SDK (through hed-tester's
// gRPC tester): the sound fixture passes, each defective one fails the way its defect says.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runTesterCli } from '../../../tester/cli.js';
import { pythonRunner, runMatrix, runScenario, type MatrixOptions } from '../../../tester/scenarios/index.js';
import { selected } from '../../helpers/full.js';
import { needsPython, sdkPython } from '../../helpers/python.js';
import { captureOutput, fixtureDir } from '../helpers.js';

const SMALL = { students: 100, pageSize: 20 };
/** The sound fixture gives up on an unanswered request after 2 s here (10 s by default). */
const CONFIGURATION = { api_key: 'hed-demo-key', read_timeout_s: '2' };

function options(fixture: string, extra: Partial<MatrixOptions> = {}): MatrixOptions {
  return { connector: fixture, run: pythonRunner({ projectDir: fixtureDir(fixture), python: sdkPython() || 'python3' }), configuration: CONFIGURATION, ...SMALL, ...extra };
}

t.test('the sound connector passes the scenarios a naive one fails, with no warnings', needsPython(), async (t) => {
  // npm test: hang and cursor-expired (Retry-After is the next test's subject); the full set adds retry-after and truncated.
  const report = await runMatrix({ ...options('sound'), scenarios: [...selected(['retry-after', 'hang', 'cursor-expired', 'truncated'], (s) => s === 'hang' || s === 'cursor-expired')] });
  for (const result of report.results) {
    t.equal(result.verdict, 'pass', `${result.scenario}: ${result.reason ?? ''} ${result.runs.map((r) => r.reason ?? 'ok').join(' | ')}`);
    t.same(result.warnings, [], `${result.scenario}: no warnings`);
    t.same([result.comparison?.expected, result.comparison?.actual], [103, 103], `${result.scenario}: 100 records and 3 created`);
  }
});

t.test('Retry-After: lab-strict (no retries) gets reruns and no warning; the lab\'s own connector retries within the run too soon', needsPython(), async (t) => {
  // A Retry-After far longer than a Python start, so an immediate request is early on any machine.
  const scenario = join(t.testdir({ 'busy.json': JSON.stringify({ description: 'One 429 asking for 30 s.', rules: [{ status: 429, retry_after: 30, nth: 1 }] }) }), 'busy.json');
  const strict = await runScenario(scenario, options('lab-strict'));
  const runs = [['full', false], ['full', true], ['incremental', false], ['incremental', true]];
  t.same(strict.runs.map((r) => [r.round, r.ok]), runs, 'each round: the first run failed on the 429 (the rules start over), the rerun passed');
  t.equal(strict.verdict, 'pass');
  t.same(strict.warnings, [], 'a rerun is the tester starting a sync, not the connector retrying');
  const lab = await runScenario(scenario, options('lab'));
  t.same(lab.runs.map((r) => [r.round, r.ok]), [['full', true], ['incremental', true]], 'its second try (after 1 s) passed');
  t.same(lab.warnings.map((w) => w.kind), ['retry-too-soon']);
  t.match(lab.warnings[0]!.message, /^2 of 2 Retry-After answers were not waited out \(next request after 1\.\d s where Retry-After said 30 s/);
});

t.test('defective-drops (inclusive-cursor bug) loses records and nothing else', needsPython(), async (t) => {
  const result = await runScenario('schema-drift', options('defective-drops'));
  t.equal(result.verdict, 'fail');
  t.ok(result.comparison!.lost >= 3, `one record per later page is lost (${result.comparison!.lost})`);
  t.same([result.comparison!.duplicated, result.comparison!.unexpected], [0, 0]);
  t.same(result.warnings, [], 'every run went on to the end: not a silent partial sync');
});

t.test('defective-keys rewrites keys only on its retry path', needsPython(), async (t) => {
  const report = await runMatrix({ ...options('defective-keys'), scenarios: ['connection-reset', 'schema-drift'] });
  const [reset, drift] = report.results;
  t.equal(reset?.verdict, 'fail');
  t.ok(reset!.comparison!.unexpected > 0, `rows under rewritten keys (${reset!.comparison!.unexpected})`);
  t.ok(reset!.comparison!.lost > 0 && reset!.comparison!.lost <= reset!.comparison!.unexpected, 'and the records they stand for are lost');
  t.equal(drift?.verdict, 'pass', 'no retries, no damage');
});

t.test('defective-values alters values: rows differ, none lost', needsPython(), async (t) => {
  const result = await runScenario('page-overlap', options('defective-values'));
  t.equal(result.verdict, 'fail');
  t.ok(result.comparison!.differing > 50, `financial_aid_amount lost its cents (${result.comparison!.differing})`);
  t.equal(result.comparison!.lost, 0);
  t.match(result.comparison!.examples[0], /financial_aid_amount/);
});

t.test('defective-swallow reports success after a failure: fail with every row lost and silent-partial-sync warnings', needsPython(), async (t) => {
  const result = await runScenario('flaky', options('defective-swallow'));
  t.equal(result.verdict, 'fail');
  t.equal(result.comparison!.lost, 103);
  t.same(result.runs.map((r) => r.ok), [true, true], 'no reruns: each run said it succeeded');
  t.same(result.warnings.map((w) => w.kind), ['silent-partial-sync', 'silent-partial-sync']);
});

t.test('defective-swallow has no request timeout: on hang, timeout and a no-request-timeout warning', needsPython(), async (t) => {
  const result = await runScenario('hang', options('defective-swallow', { timeoutS: 4 }));
  t.equal(result.verdict, 'timeout');
  t.same(result.warnings.map((w) => w.kind), ['no-request-timeout']);
});

t.test('defective-loop never ends: timeout', needsPython(), async (t) => {
  const result = await runScenario('page-overlap', options('defective-loop', { timeoutS: 4 }));
  t.equal(result.verdict, 'timeout');
  t.same(result.warnings, [], 'not waiting on a request: no request-timeout warning');
});

t.test('hed-tester scenarios on a project folder with --python', needsPython(), async (t) => {
  const dir = t.testdir({ 'configuration.json': JSON.stringify(CONFIGURATION), 'connector.py': readFileSync(join(fixtureDir('sound'), 'connector.py'), 'utf8') });
  const stdout = captureOutput();
  const stderr = captureOutput();
  const code = await runTesterCli(
    ['node', 'hed-tester', 'scenarios', '--project-dir', dir, '--python', sdkPython() || 'python3', '--scenario', 'malformed', '--students', '60', '--page-size', '20', '--json', join(dir, 'out.json')],
    { stdout, stderr, stdin: new PassThrough(), env: {} },
  );
  t.equal(code, 0, stdout.text() + stderr.text());
  t.match(stdout.text(), new RegExp(`Scenario matrix for ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  t.equal((JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { passed: boolean }).passed, true);
});
