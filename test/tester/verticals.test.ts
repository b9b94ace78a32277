// The lab's other paths under hed-tester: a few of the fifteen lab-style connectors
// (fixtures/connectors/verticals) synced and checked; `npm run verify:verticals` runs all fifteen.
import t from 'tap';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runTesterCli, type TesterIo } from '../../tester/cli.js';
import { runTesterDebug } from '../../tester/debug.js';
import { VERTICALS } from '../../verticals/index.js';
import { EXPECTED_SYNC, formatVerticalRuns, runPassed, verifyVertical } from '../../fixtures/connectors/verticals/verify.js';
import { startMock, type RunningMock } from '../helpers/mock-server.js';
import { sdkPython } from '../helpers/python.js';
import { captureOutput, fixtureDir } from './helpers.js';

/** SDK 1.7.0's Python: HED_SDK_PYTHON when set (another venv with the lab's pin), else .venv's. */
const sdk = process.env.HED_SDK_PYTHON || sdkPython();
const python = sdk || 'python3';
const needsSdk = () => ({ skip: sdk ? false : 'no Python with fivetran-connector-sdk; run node scripts/python-env.mjs' });
let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: 600 });
});
t.teardown(() => mock.close());

function io(): TesterIo & { out(): string; err(): string } {
  const stdout = captureOutput();
  const stderr = captureOutput();
  return { stdout, stderr, stdin: new PassThrough(), env: {}, out: stdout.text, err: stderr.text };
}

/** A project holding a vertical's fixture, its base_url pointing at the mock. */
function verticalProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hed-tester-vertical-${prefix}-`));
  copyFileSync(join(fixtureDir(`verticals/${prefix}`), 'connector.py'), join(dir, 'connector.py'));
  writeFileSync(join(dir, 'configuration.json'), JSON.stringify({ api_key: 'fiveTRANmovesTHEworldsDATA', base_url: mock.url, page_size: '100' }));
  return dir;
}

t.test('AGR, TLC and MSO: the lab connector syncs 600 rows in 8 checkpoints into tester.{prefix}_records and the check, naming nothing, says EQUAL', needsSdk(), async (t) => {
  for (const prefix of ['agr', 'tlc', 'mso'] as const) {
    const run = await verifyVertical(VERTICALS[prefix], { baseUrl: mock.url, python });
    t.ok(run.ok, run.reason ?? `${prefix} synced`);
    t.same([run.upserts, run.checkpoints], [EXPECTED_SYNC.upserts, EXPECTED_SYNC.checkpoints], `${prefix}: 600 upserts, 8 checkpoints`);
    t.equal(run.checkedTable, `${prefix}_records`, `${prefix}: the check chose the table the connector wrote`);
    t.equal(run.equal, true, `${prefix}: ${run.check}`);
    t.ok(runPassed(run));
    t.match(formatVerticalRuns([run]), new RegExp(`${prefix} +\\| tester\\.${prefix}_records \\| SUCCEEDED \\| 600 +\\| 8 +\\| EQUAL 600/600 \\| .* \\| ok\\n$`));
  }
});

t.test('after AGR mutations the check counts them (exit 1); the next sync upserts exactly those and the check is EQUAL again; --vertical names another path', needsSdk(), async (t) => {
  const project = verticalProject('agr');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  let out = captureOutput();
  t.ok((await runTesterDebug({ projectDir: project, python, out })).ok);
  t.match(out.text(), /INFO \[SchemaChange\]: tester\.agr_records\n/);
  t.notMatch(out.text(), /WARNING/, 'nothing to fix');
  const changed = await fetch(`${mock.url}/__admin/mutations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ update: 5, create: 3, vertical: 'agr' }) });
  t.equal(changed.status, 200);
  let streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--project-dir', project], streams), 1, streams.err());
  t.match(streams.out(), /source records +\| 603\n/);
  t.match(streams.out(), /lost +\| 3\n/);
  t.match(streams.out(), /differing +\| 5\n/);
  t.match(streams.out(), /DIFFERENT: .*files\/warehouse\.db \(tester\.agr_records\) does not match the \/agr_data source \(matched on record_id\)\.\n$/);
  out = captureOutput();
  const again = await runTesterDebug({ projectDir: project, python, out });
  t.ok(again.ok);
  t.equal(again.counts.upserts, 8, 'the 5 updated and 3 created AGR records');
  streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--project-dir', project, '--vertical', 'AGR'], streams), 0, streams.err());
  t.match(streams.out(), /EQUAL: .*\(tester\.agr_records\) holds every \/agr_data source record once, with the source's values\.\n$/);
  streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--project-dir', project, '--vertical', 'tlc'], streams), 2);
  t.match(streams.err(), /has no table tester\.tlc_records/);
  streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'check', '--project-dir', project, '--vertical', 'xyz'], streams), 2);
  t.match(streams.err(), /--vertical must be one of agr, cds, .*; got "xyz"/);
});

t.test('a TLC connector that names its table after the endpoint is told the table the TLC API names (debug --vertical, or from the path it asked for)', needsSdk(), async (t) => {
  const project = verticalProject('tlc');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const source = readFileSync(join(project, 'connector.py'), 'utf8');
  writeFileSync(join(project, 'connector.py'), source.replace('TABLE = "tlc_records"', 'TABLE = "tlc_data"'));
  const out = captureOutput();
  const run = await runTesterDebug({ projectDir: project, python, out });
  t.ok(run.ok, 'the SDK does not mind; the warning says what to fix');
  t.match(out.text(), /WARNING The connector wrote the table "tlc_data", not "tlc_records"\. Fix: Name the table "tlc_records" in schema\(\)/);
  const streams = io();
  t.equal(await runTesterCli(['node', 'hed-tester', 'debug', '--project-dir', project, '--python', python, '--vertical', 'agr'], streams), 0);
  t.match(streams.out(), /wrote the table "tlc_data", not "agr_records"/, '--vertical wins over the path asked for');
});
