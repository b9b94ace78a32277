import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { runCli } from '../../../app/cli.js';
import { VERTICALS } from '../../../verticals/index.js';
import { writeVerticalWarehouse } from '../helpers/vertical-warehouse.js';
import { makeRows, writeWarehouse } from '../helpers/warehouse-fixture.js';

t.test("the start line names the other paths the warehouse holds and where their apps are", async (t) => {
  const dir = t.testdir();
  await writeWarehouse(join(dir, 'warehouse.db'), makeRows(12), 'ours');
  await writeVerticalWarehouse(dir, [VERTICALS.agr, VERTICALS.tlc], 42, 20);
  let stdout = '';
  let app: FastifyInstance | undefined;
  const code = await runCli(['node', 'hed-app', 'serve', '--port', '0', '--warehouse', join(dir, 'warehouse.db'), '--insights-db', join(dir, 'insights.db')], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true } }, (a) => (app = a));
  t.teardown(() => app?.close());
  t.equal(code, undefined, 'serving');
  t.match(stdout, /^StudentSuccess app listening on (http:\/\/127\.0\.0\.1:\d+) \(11 rows in tester\.hed_records of .*warehouse\.db; also Livestock Health Guardian at \1\/agr, ChurnGuard at \1\/tlc; offline insights; /);
  t.equal(stdout.split('\n').length, 2, 'still one line');
});

t.test("a warehouse of one other path (a TLC attendee's): the start line says where its app is, not 'no data yet'", async (t) => {
  const dir = t.testdir();
  await writeVerticalWarehouse(dir, [VERTICALS.tlc], 42, 20);
  let stdout = '';
  let app: FastifyInstance | undefined;
  const code = await runCli(['node', 'hed-app', 'serve', '--port', '0', '--warehouse', join(dir, 'warehouse.db'), '--insights-db', join(dir, 'insights.db')], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true } }, (a) => (app = a));
  t.teardown(() => app?.close());
  t.equal(code, undefined, 'serving');
  t.match(stdout, /^StudentSuccess app listening on (http:\/\/127\.0\.0\.1:\d+) \(no StudentSuccess table tester\.hed_records in .*warehouse\.db; ChurnGuard at \1\/tlc; offline insights; /);
  t.notMatch(stdout, /no data yet/);
  const base = /listening on (\S+) /.exec(stdout)![1]!;
  const status = (await (await fetch(`${base}/api/verticals/tlc/status`)).json()) as { ready: boolean; rows: number };
  t.same([status.ready, status.rows], [true, 20], 'the address it names serves that path');
});
