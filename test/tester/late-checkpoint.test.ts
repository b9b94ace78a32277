import t from 'tap';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDestination, type WarehouseOperation } from '../../warehouse/index.js';
import { runTesterDebug } from '../../tester/debug.js';
import { GRPC_DEFAULTS } from '../../tester/runners/grpc.js';
import { needsPython, sdkPython } from '../helpers/python.js';
import { captureOutput, projectFrom, warehouseContents } from './helpers.js';

const AT = new Date('2026-12-04T10:00:00.000Z');
const rows = (from: number, to: number): WarehouseOperation[] => Array.from({ length: to - from }, (_, i) => ({ op: 'upsert', table: 'items', data: { id: from + i } }));

t.test('staged operations are committed only with the next commit, and close() without one drops them', async (t) => {
  const dir = t.testdir();
  let destination = await openDestination(dir);
  await destination.declare([{ table: 'items', primaryKey: ['id'] }]);
  await destination.commit(rows(0, 1), { done: 0 }, AT);
  await destination.stage!(rows(1, 3000), AT);
  await destination.declare([{ table: 'other', primaryKey: ['k'] }]);
  await destination.stage!(rows(3000, 6000), AT);
  await destination.close();
  destination = await openDestination(dir);
  t.equal((await destination.readRows('items')).length, 1, 'nothing staged was committed: not even by the declare in between');
  t.same((await destination.startState()).state, { done: 0 });
  await destination.stage!(rows(1, 3000), AT);
  const counts = await destination.commit(rows(3000, 4000), { done: 1 }, AT);
  t.equal(counts.upserts, 3999, 'the commit counts what it took from the stage');
  await destination.close();
  destination = await openDestination(dir);
  t.equal((await destination.readRows('items')).length, 4000);
  t.same((await destination.startState()).state, { done: 1 });
  await destination.close();
});

const python = sdkPython() as string;
t.test(`a connector that sends ${12_000} rows before its checkpoint (more than stageRows ${GRPC_DEFAULTS.stageRows}): everything after the checkpoint`, needsPython(), async (t) => {
  const project = projectFrom('late-checkpoint');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const result = await runTesterDebug({ projectDir: project, python, out: captureOutput() });
  t.ok(result.ok, result.reason ?? 'ok');
  t.equal(result.counts.upserts, 12_001);
  const contents = await warehouseContents(join(project, 'files'), 'items');
  t.equal(contents.rows.length, 12_001);
  t.same(contents.state, { done: 12_000 });
});

t.test('the same connector failing before its checkpoint: nothing of the staged rows is committed', needsPython(), async (t) => {
  const project = projectFrom('late-checkpoint', { fail: 'yes' });
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const result = await runTesterDebug({ projectDir: project, python, out });
  t.notOk(result.ok);
  // How many arrived before the stream broke depends on gRPC flow control (the runner stops
  // reading while rows wait to be staged): some, at most the 12,000 the connector sent.
  const lost = Number(/WARNING (\d+) operations after the last checkpoint were not written/.exec(out.text())?.[1]);
  t.ok(lost > 0 && lost <= 12_000, `the warning counts the operations received and not written (${lost})`);
  const contents = await warehouseContents(join(project, 'files'), 'items');
  t.equal(contents.rows.length, 1, 'only the row of the first checkpoint');
  t.same(contents.state, { done: 0 });
});
