// The scenario matrix on another lab path than HED's: faults scoped to the vertical's
// endpoint, its records mutated and compared, its table expected.
import t from 'tap';
import { PassThrough } from 'node:stream';
import { runTesterCli } from '../../../tester/cli.js';
import { scenarioVertical } from '../../../tester/scenarios/commands.js';
import { reportJson, reportJunit } from '../../../tester/scenarios/report.js';
import { pythonRunner, runMatrix, scopedRules } from '../../../tester/scenarios/index.js';
import { VERTICALS } from '../../../verticals/index.js';
import { sdkPython } from '../../helpers/python.js';
import { captureOutput, fixtureDir } from '../helpers.js';

t.test('rules are scoped to the vertical\'s endpoint; HED\'s go as they are', async (t) => {
  const rules = [{ id: 'warm-up', status: 503, times: 3 }];
  t.same(scopedRules(rules, VERTICALS.hed), rules);
  t.same(scopedRules(rules, VERTICALS.spl), [{ id: 'warm-up', status: 503, times: 3, path: '/spl_data' }]);
});

t.test('the matrix\'s vertical: --vertical, else the table connector.py names, else HED', async (t) => {
  t.equal(scenarioVertical({ projectDir: fixtureDir('verticals/tlc'), builtin: false }).vertical, VERTICALS.tlc);
  t.equal(scenarioVertical({ projectDir: fixtureDir('verticals/tlc'), builtin: false }).from, 'connector.py names tlc_records');
  t.equal(scenarioVertical({ projectDir: fixtureDir('verticals/tlc'), builtin: false, vertical: VERTICALS.agr }).vertical, VERTICALS.agr);
  t.equal(scenarioVertical({ projectDir: fixtureDir('lab'), builtin: false }).vertical, VERTICALS.hed);
  t.equal(scenarioVertical({ projectDir: t.testdir({}), builtin: false }).vertical, VERTICALS.hed, 'no connector.py: HED');
  t.equal(scenarioVertical({ projectDir: '.', builtin: true }).vertical, VERTICALS.hed);
  const stdout = captureOutput();
  const stderr = captureOutput();
  t.equal(await runTesterCli(['node', 'hed-tester', 'scenarios', '--builtin', '--vertical', 'agr'], { stdout, stderr, stdin: new PassThrough(), env: {} }), 2);
  t.match(stderr.text(), /the built-in connector syncs HED only; leave out --vertical agr/);
});

/** SDK 1.7.0's Python: HED_SDK_PYTHON when set (another venv with the lab's pin), else .venv's. */
const python = process.env.HED_SDK_PYTHON || sdkPython();

t.test('live: the TLC lab connector under page-overlap passes and under flaky fails with every TLC record lost, as HED\'s does', { skip: python ? false : 'no Python with fivetran-connector-sdk; run node scripts/python-env.mjs' }, async (t) => {
  const report = await runMatrix({
    connector: 'verticals/tlc',
    run: pythonRunner({ projectDir: fixtureDir('verticals/tlc'), python: python || 'python3' }),
    configuration: { api_key: 'fiveTRANmovesTHEworldsDATA', page_size: '100' },
    scenarios: ['page-overlap', 'flaky'],
    vertical: VERTICALS.tlc,
  });
  t.equal(report.vertical, 'tlc');
  const [overlap, flaky] = report.results;
  t.equal(overlap!.verdict, 'pass', `${overlap!.reason ?? ''} ${overlap!.comparison?.examples.join('; ') ?? ''}`);
  t.same([overlap!.comparison?.expected, overlap!.comparison?.actual], [603, 603], '600 TLC records and 3 created');
  t.ok(overlap!.requests > 7, 'the connector\'s /tlc_data requests are in the journal');
  t.equal(flaky!.verdict, 'fail');
  t.match(flaky!.comparison, { expected: 603, actual: 0, lost: 603, duplicated: 0, unexpected: 0, differing: 0 }, 'the 503s hit /tlc_data in both rounds and the lab\'s loop gave up, as on /hed_data');
  t.same(flaky!.warnings.map((w) => w.kind), ['silent-partial-sync', 'silent-partial-sync'], 'each round reported success with every record missing');
  t.match(reportJunit(report), /<testsuite name="hed-tester scenarios: verticals\/tlc \(tlc\)" tests="2" failures="1" errors="0"/);
  t.match(JSON.parse(reportJson(report)), { connector: 'verticals/tlc', vertical: 'tlc', passed: false });
});
