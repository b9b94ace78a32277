// Verdicts agree across SDK generations: the pure comparison, then a representative live
// subset: `npm test` runs the lab-style connector in `flaky` (the scenario of the one named
// difference) under every SDK venv; `npm run test:full` (HED_FULL=1) adds `page-overlap`
// and a defective connector. The full matrix is `npm run verify:sdks`.
import t from 'tap';
import { chooseSyncRunner } from '../../tester/debug.js';
import { compareAcrossSdks, formatAgreement } from '../../tester/sdk-agreement.js';
import { pythonRunner, runMatrix, type MatrixReport, type ScenarioResult } from '../../tester/scenarios/index.js';
import type { Comparison } from '../../tester/scenarios/compare.js';
import { FULL, fullOnly } from '../helpers/full.js';
import { sdk2Python, sdk3Python, sdkPython } from '../helpers/python.js';
import { fixtureDir } from './helpers.js';

const comparison = (lost: number, actual: number): Comparison => ({ expected: 600, actual, lost, duplicated: 0, unexpected: 0, differing: 0, softDeleted: 0, extraColumns: [], examples: [] }) as unknown as Comparison;
const result = (scenario: string, verdict: ScenarioResult['verdict'], c?: Comparison): ScenarioResult => ({ scenario, description: '', verdict, ...(c === undefined ? {} : { comparison: c }), runs: [], warnings: [], requests: 0, durationMs: 0 });
const report = (...results: ScenarioResult[]): MatrixReport => ({ connector: 'lab', startedAt: '', durationMs: 0, results });

t.test('the same verdict and counts agree; a different count differs; a missing table under 3.x only is the named difference', async (t) => {
  const rows = compareAcrossSdks([
    { sdk: '1.7.0', report: report(result('slow', 'pass', comparison(0, 603)), result('flaky', 'fail', comparison(600, 0)), result('page-overlap', 'fail', comparison(5, 595))) },
    { sdk: '3.0.0', report: report(result('slow', 'pass', comparison(0, 603)), result('flaky', 'fail'), result('page-overlap', 'fail', comparison(4, 596))) },
  ]);
  t.same(rows.map((r) => [r.scenario, r.agree, r.known?.name ?? null]), [
    ['slow', true, null],
    ['flaky', false, 'no-table-before-the-first-checkpoint'],
    ['page-overlap', false, null],
  ]);
  const text = formatAgreement(['1.7.0', '3.0.0'], rows);
  t.match(text, /flaky +\| fail 600\/0\/0\/0 \| fail +\| KNOWN/);
  t.match(text, /page-overlap +\| fail 5\/0\/0\/0 +\| fail 4\/0\/0\/0 \| DIFFERS/);
  const verdictDiffers = compareAcrossSdks([
    { sdk: '1.7.0', report: report(result('flaky', 'pass', comparison(0, 603))) },
    { sdk: '3.0.0', report: report(result('flaky', 'fail')) },
  ]);
  t.equal(verdictDiffers[0]!.known, undefined, 'a different verdict is never explained away');
});

const pythons = [sdkPython(), sdk2Python(), sdk3Python()];
const noVenvs = pythons.every(Boolean) ? false : 'the three SDK venvs are needed; run node scripts/python-env.mjs';
const scenarios = FULL ? ['flaky', 'page-overlap'] : ['flaky'];
t.test(`live: the lab-style connector gets the same verdicts under 1.7.0, 2.x and 3.x (${scenarios.join(', ')})`, { skip: noVenvs }, async (t) => {
  const reports = [];
  for (const python of pythons as string[]) {
    const runner = await chooseSyncRunner({ python });
    const matrix = await runMatrix({ connector: 'lab', run: pythonRunner({ projectDir: fixtureDir('lab'), runner }), configuration: { api_key: 'hed-demo-key', page_size: '100' }, scenarios });
    reports.push({ sdk: runner.sdk.version, report: matrix });
  }
  const rows = compareAcrossSdks(reports);
  t.comment(formatAgreement(reports.map((r) => r.sdk), rows));
  for (const row of rows) t.ok(row.agree || row.known !== undefined, `${row.scenario} agrees across SDKs`);
  const verdicts = FULL ? ['fail', 'pass'] : ['fail'];
  t.same(reports.map((r) => r.report.results.map((x) => x.verdict)), [verdicts, verdicts, verdicts]);
  t.ok(reports.every((r) => r.report.results.every((x) => (x.faultsMet ?? 0) > 0)), 'every run met its scenario\'s faults (faultsMet > 0)');
});

t.test('live: a defective connector (defective-drops) gets the same fail and the same lost count under every SDK', { skip: noVenvs || fullOnly().skip }, async (t) => {
  const reports = [];
  for (const python of pythons as string[]) {
    const runner = await chooseSyncRunner({ python });
    const matrix = await runMatrix({ connector: 'defective-drops', run: pythonRunner({ projectDir: fixtureDir('defective-drops'), runner }), configuration: { api_key: 'hed-demo-key', page_size: '100' }, scenarios: ['page-overlap'] });
    reports.push({ sdk: runner.sdk.version, report: matrix });
  }
  const rows = compareAcrossSdks(reports);
  t.comment(formatAgreement(reports.map((r) => r.sdk), rows));
  t.ok(rows[0]?.agree, 'the same verdict and counts');
  t.equal(reports[0]!.report.results[0]!.verdict, 'fail');
  t.ok((reports[0]!.report.results[0]!.comparison?.lost ?? 0) > 0, 'records lost');
});

t.test('a difference where one SDK never met the fault is named (fault-not-met); where every run met it, it is not', async (t) => {
  const met = (r: ScenarioResult, faultsMet: number): ScenarioResult => ({ ...r, faultsMet });
  const rows = compareAcrossSdks([
    { sdk: '1.7.0', report: report(met(result('rate-limited', 'fail', comparison(99, 601)), 1)) },
    { sdk: '2.13.1', report: report(met(result('rate-limited', 'fail', comparison(99, 601)), 1)) },
    { sdk: '3.0.0', report: report(met(result('rate-limited', 'pass', comparison(0, 603)), 0)) },
  ]);
  t.equal(rows[0]!.agree, false);
  t.equal(rows[0]!.known?.name, 'fault-not-met');
  const bothMet = compareAcrossSdks([
    { sdk: '1.7.0', report: report(met(result('rate-limited', 'fail', comparison(99, 601)), 1)) },
    { sdk: '3.0.0', report: report(met(result('rate-limited', 'pass', comparison(0, 603)), 2)) },
  ]);
  t.equal(bothMet[0]!.known, undefined, 'both runs met the fault: a real difference');
  const metDisagree = compareAcrossSdks([
    { sdk: '1.7.0', report: report(met(result('rate-limited', 'fail', comparison(99, 601)), 1)) },
    { sdk: '2.13.1', report: report(met(result('rate-limited', 'fail', comparison(98, 602)), 1)) },
    { sdk: '3.0.0', report: report(met(result('rate-limited', 'pass', comparison(0, 603)), 0)) },
  ]);
  t.equal(metDisagree[0]!.known, undefined, 'the runs that met the fault disagree among themselves: not explained');
  const unknownMet = compareAcrossSdks([
    { sdk: '1.7.0', report: report(result('rate-limited', 'fail', comparison(99, 601))) },
    { sdk: '3.0.0', report: report(met(result('rate-limited', 'pass', comparison(0, 603)), 0)) },
  ]);
  t.equal(unknownMet[0]!.known, undefined, 'a report without faultsMet (an older JSON) explains nothing');
});
