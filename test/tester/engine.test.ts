// hed-tester debug under SDK 3.x: the SDK's own in-process engine writes the warehouse; the
// output lines are the same as under 1.x and 2.x.
import t from 'tap';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkWarehouse } from '../../tester/check.js';
import { runTesterDebug } from '../../tester/debug.js';
import { engineFailureReason } from '../../tester/runners/engine.js';
import { readStateFile, readWarehouse } from '../../warehouse/index.js';
import { compareRows, isEqual } from '../../tester/scenarios/compare.js';
import { startMock, type RunningMock } from '../helpers/mock-server.js';
import { needsSdk3, sdk3Python } from '../helpers/python.js';
import { captureOutput, labConfiguration, projectFrom, sourceRecords } from './helpers.js';

const python = sdk3Python() || 'python3';
let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: 600 });
});
t.teardown(() => mock.close());

t.test('the engine\'s failure message becomes the tester\'s reason: the first line, then the traceback\'s last lines', async (t) => {
  const reason = engineFailureReason('failed while executing update() error: boom\nTraceback (most recent call last):\n  File "connector.py", line 3, in update\n    explode()\nValueError: the message is above');
  t.equal(reason, 'update() failed: boom\n    File "connector.py", line 3, in update\n      explode()');
  t.equal(engineFailureReason('just this'), 'just this');
});

t.test('SDK 3.x: the lab connector through the SDK\'s engine — 600 upserts, 8 checkpoints, the same lines, the warehouse equals the API; a rerun resumes', needsSdk3(), async (t) => {
  const project = projectFrom('lab', labConfiguration(mock.url));
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const first = await runTesterDebug({ projectDir: project, python, out, env: { ...process.env, DO_NOT_TRACK: '' } });
  t.ok(first.ok, first.reason ?? 'ok');
  t.equal(first.counts.upserts, 600);
  t.equal(first.counts.checkpoints, 8);
  t.equal(first.counts.schemaChanges, 1);
  const text = out.text();
  t.match(text, /INFO Previous state: \{\}\n.* INFO Connector started with fivetran_connector_sdk 3\.\d+\.\d+ \(in-process engine\)\n/);
  t.match(text, /INFO \[SchemaChange\]: tester\.hed_records\n/);
  t.match(text, /Starting sync from cursor None/, "the connector's own log lines pass through");
  t.equal(text.match(/ INFO Checkpoint: \{"next_cursor":"[^"]+"\}\n/g)?.length, 8);
  t.match(text, /SYNC PROGRESS:\nOperation {7}\| Calls\n-+\+-+\nUpserts {9}\| 600\n/);
  t.match(text, /INFO Sync SUCCEEDED\n$/);
  t.notMatch(text, /checkpoint recorded|SYNC SUCCEEDED —|previous state:/, "the engine's own summary lines are not printed twice");

  const files = join(project, 'files');
  const contents = await readWarehouse(join(files, 'warehouse.db'), 'hed_records');
  const comparison = compareRows(await sourceRecords(mock.url), contents.rows);
  t.ok(isEqual(comparison), JSON.stringify(comparison.examples));
  const types = Object.fromEntries(contents.columns.map((c) => [c.name, c.type]));
  t.equal(types.at_risk_flag, 'BOOLEAN', 'the engine keeps a Python bool a BOOLEAN');
  t.equal(types.last_updated, 'TIMESTAMP', 'and types ISO text as TIMESTAMP');
  t.equal(types.current_gpa, 'FLOAT');
  t.same(readStateFile(files), { kind: 'state', state: first.state });
  const checked = await checkWarehouse({ warehouse: join(files, 'warehouse.db'), baseUrl: mock.url });
  t.ok(checked.equal, 'hed-tester check accepts the warehouse the SDK\'s own engine wrote (TIMESTAMP, FLOAT, BOOLEAN)');

  const againOut = captureOutput();
  const again = await runTesterDebug({ projectDir: project, python, out: againOut });
  t.ok(again.ok, again.reason ?? 'ok');
  t.match(againOut.text(), new RegExp(`Previous state: ${JSON.stringify(first.state).replace(/[{}[\]().*+?^$|\\]/g, '\\$&')}\\n`));
  t.equal(again.counts.upserts, 0, 'a rerun from the saved cursor upserts nothing');
  t.notMatch(againOut.text(), /\[SchemaChange\]/, 'the table exists: no schema change');
});

t.test('SDK 3.x: a connector that raises — Sync FAILED with its error, the checkpoint before it is kept', needsSdk3(), async (t) => {
  const project = projectFrom('raises');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const result = await runTesterDebug({ projectDir: project, python, out });
  t.notOk(result.ok);
  t.match(result.reason, /update\(\) failed: the HED API answered nonsense on page 2/);
  t.match(out.text(), /SEVERE Sync FAILED: update\(\) failed/);
  t.equal(result.counts.checkpoints, 1);
  const contents = await readWarehouse(join(project, 'files', 'warehouse.db'), 'items');
  t.same(contents.rows.map((row) => row.id), [1], 'only the committed row');
});

t.test('SDK 3.x: a warehouse folder not named files is used as given (the scenario matrix uses temporary ones)', needsSdk3(), async (t) => {
  const project = projectFrom('lab', labConfiguration(mock.url, '200'));
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const outputDir = join(project, 'elsewhere');
  const result = await runTesterDebug({ projectDir: project, python, out: captureOutput(), outputDir });
  t.ok(result.ok, result.reason ?? 'ok');
  t.equal((await readWarehouse(join(outputDir, 'warehouse.db'), 'hed_records')).rows.length, 600);
  t.same(readStateFile(outputDir), { kind: 'state', state: result.state });
});

t.test('SDK 3.x: an abort stops the engine; what was committed stays', needsSdk3(), async (t) => {
  const project = projectFrom('lab', labConfiguration(mock.url, '50'));
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const controller = new AbortController();
  const result = await runTesterDebug({
    projectDir: project,
    python,
    out: captureOutput(),
    signal: controller.signal,
    onCheckpoint: (_state, counts) => {
      if (counts.checkpoints === 2) controller.abort();
    },
  });
  t.notOk(result.ok);
  t.match(result.reason, /^interrupted/);
  t.ok(result.counts.checkpoints >= 2);
});
