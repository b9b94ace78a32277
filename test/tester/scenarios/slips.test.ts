// Step 5 of the lab (GenAI), under every SDK we run: a connector written from the lab's
// prompts with one of the usual slips gets one sentence on what to fix, in `hed-tester
// debug` (against a hed-mock on loopback) and as the cause of its scenario verdict.
// `npm test` runs every slip under the lab's 1.7.0 and one under each other SDK (the table
// slip under 3.x, whose engine creates the tables itself); `npm run test:full` runs all.
import t from 'tap';
import { rmSync } from 'node:fs';
import { runTesterDebug } from '../../../tester/debug.js';
import type { DiagnosisKind } from '../../../tester/diagnose.js';
import { pythonRunner, runScenario } from '../../../tester/scenarios/index.js';
import { startMock, type RunningMock } from '../../helpers/mock-server.js';
import { FULL } from '../../helpers/full.js';
import { PYTHON_ENV_FIX, sdk2Python, sdk3Python, sdkPython } from '../../helpers/python.js';
import { captureOutput, fixtureDir, labConfiguration, projectFrom } from '../helpers.js';

/**
 * The SDKs every slip runs under, one line each; `representative` names the slips (and
 * `lab` for the clean run) that `npm test` runs under it, HED_FULL=1 runs them all.
 */
const SDKS: readonly { version: string; python: () => string | false; representative: readonly string[] }[] = [
  { version: '1.7.0', python: sdkPython, representative: ['slip-has-more', 'slip-cursor'] },
  { version: '2.13.1', python: sdk2Python, representative: ['slip-key-header'] },
  { version: '3.0.0', python: sdk3Python, representative: ['slip-table-name', 'lab'] },
];

/** Why a case is skipped: no venv for its SDK, or it is in the full set only. */
function skipFor(sdk: (typeof SDKS)[number], python: string | false, name: string): string | false {
  if (python === false) return `no Python with fivetran-connector-sdk ${sdk.version}; run ${PYTHON_ENV_FIX}`;
  if (!FULL && !sdk.representative.includes(name)) return 'in the full set only: npm run test:full (HED_FULL=1)';
  return false;
}

/** The slips, the cause each must get, and a piece of its advice. */
const SLIPS: readonly { fixture: string; cause: DiagnosisKind; says: RegExp; fix: RegExp }[] = [
  { fixture: 'slip-has-more', cause: 'stopped-while-has-more', says: /stopped after 1 page while the last page said has_more: true/, fix: /data\["has_more"\]/ },
  { fixture: 'slip-key-header', cause: 'api-key', says: /401 to all \d+ requests: the key went in header api-key, not in the x-api-key header/, fix: /header x-api-key/ },
  { fixture: 'slip-table-name', cause: 'table-name', says: /wrote the table "hed_data", not "hed_records"/, fix: /op\.upsert\(table="hed_records"/ },
  { fixture: 'slip-cursor', cause: 'cursor-not-sent', says: /asked for the same page again \d+ times \(without a cursor\)/, fix: /params\["cursor"\] = data\["next_cursor"\]/ },
];

/** Small pages: the cursor slip asks for the first page 200 times, and every record is a gRPC message. */
const SMALL = { students: 20, pageSize: 2 };

let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: SMALL.students });
});
t.teardown(() => mock.close());

for (const sdk of SDKS) {
  const python = sdk.python();

  for (const slip of SLIPS) {
    t.test(`${slip.fixture} under SDK ${sdk.version}: debug prints what to fix, the scenario verdict carries the cause`, { skip: skipFor(sdk, python, slip.fixture) }, async (t) => {
      const project = projectFrom(slip.fixture, labConfiguration(mock.url, String(SMALL.pageSize)));
      t.teardown(() => rmSync(project, { recursive: true, force: true }));
      const out = captureOutput();
      await runTesterDebug({ projectDir: project, python: python as string, out });
      const advice = out.text().split('\n').filter((line) => line.includes(' Fix: '));
      t.equal(advice.length, 1, `one line of advice:\n${out.text()}`);
      t.match(advice[0], slip.says);
      t.match(advice[0], slip.fix);
      t.match(out.text(), /Fix: .*\n[\s\S]*Sync (SUCCEEDED|FAILED)/, 'the advice comes before the sync result line');

      const result = await runScenario('page-overlap', { connector: slip.fixture, run: pythonRunner({ projectDir: fixtureDir(slip.fixture), python: python as string }), configuration: { api_key: 'hed-demo-key' }, reruns: 0, ...SMALL });
      t.not(result.verdict, 'pass');
      t.equal(result.causes?.[0]?.kind, slip.cause, JSON.stringify(result.causes));
      t.match(result.causes?.[0]?.message, slip.says);
    });
  }

  t.test(`the lab's own connector under SDK ${sdk.version} against a clean mock: no advice`, { skip: skipFor(sdk, python, 'lab') }, async (t) => {
    const project = projectFrom('lab', labConfiguration(mock.url, String(SMALL.pageSize)));
    t.teardown(() => rmSync(project, { recursive: true, force: true }));
    const out = captureOutput();
    const result = await runTesterDebug({ projectDir: project, python: python as string, out });
    t.ok(result.ok, result.reason ?? 'ok');
    t.notMatch(out.text(), / Fix: /);
  });
}
