import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDestination } from '../../warehouse/index.js';
import { runTesterDebug } from '../../tester/debug.js';
import { startMock, type RunningMock } from '../helpers/mock-server.js';
import { needsPython, sdk2Python, sdkPython } from '../helpers/python.js';
import { captureOutput, compareWithSource, labConfiguration, projectFrom, sourceRecords, warehouseContents } from './helpers.js';

const python = sdkPython() || 'python3';
let mock: RunningMock;
t.before(async () => {
  mock = await startMock({ students: 600 });
});
t.teardown(() => mock.close());

t.test('the lab connector: 600 upserts and 8 checkpoints, the warehouse equals the API; a rerun upserts nothing; after mutations exactly the changed records', needsPython(), async (t) => {
  const project = projectFrom('lab', labConfiguration(mock.url));
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const first = await runTesterDebug({ projectDir: project, python, out });
  t.ok(first.ok, first.reason ?? 'ok');
  t.equal(first.counts.upserts, 600);
  t.equal(first.counts.checkpoints, 8);
  t.match(out.text(), /INFO Previous state: \{\}\n.* INFO Connector started with fivetran_connector_sdk 1\.7\.0 \(gRPC v1\)\n/);
  t.match(out.text(), /INFO \[SchemaChange\]: tester\.hed_records\n/);
  t.match(out.text(), /Starting sync from cursor None/, "the connector's own log lines pass through");
  t.equal(out.text().match(/ INFO Checkpoint: \{"next_cursor":"[^"]+"\}\n/g)?.length, 8);
  t.match(out.text(), /Upserts {9}\| 600\n/);
  t.match(out.text(), /Checkpoints {5}\| 8\n/);
  t.match(out.text(), /INFO Sync SUCCEEDED\n$/);

  const filesDir = join(project, 'files');
  let contents = await warehouseContents(filesDir, 'hed_records');
  t.same(compareWithSource(contents.rows, await sourceRecords(mock.url)), { missing: 0, extra: 0, duplicates: 0, differing: [] });
  t.equal(contents.columns.at_risk_flag, 'BIGINT', 'SDK 1.7.0 sends a Python bool as long');
  t.equal(contents.columns.current_gpa, 'FLOAT', 'SDK 1.7.0 sends a Python float as float');
  t.same(contents.state, first.state);

  const again = await runTesterDebug({ projectDir: project, python, out: captureOutput() });
  t.ok(again.ok);
  t.equal(again.counts.upserts, 0, 'a rerun from the saved cursor upserts nothing');

  const changed = (await (await fetch(`${mock.url}/__admin/mutations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ update: 5, create: 3 }) })).json()) as Record<string, unknown>;
  t.ok(changed);
  const third = await runTesterDebug({ projectDir: project, python, out: captureOutput() });
  t.ok(third.ok);
  t.equal(third.counts.upserts, 8, 'exactly the 5 updated and 3 created records');
  contents = await warehouseContents(filesDir, 'hed_records');
  t.same(compareWithSource(contents.rows, await sourceRecords(mock.url)), { missing: 0, extra: 0, duplicates: 0, differing: [] });
  t.equal(contents.rows.length, 603);
});

t.test('--state starts from the given state instead of the saved one', needsPython(), async (t) => {
  const project = projectFrom('lab-strict', labConfiguration(mock.url, '200')); // the lab's own swallows the 400
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const start = { next_cursor: 'not-a-cursor' };
  const result = await runTesterDebug({ projectDir: project, python, out, state: start });
  t.notOk(result.ok, 'the mock refuses the forged cursor');
  t.match(out.text(), /Previous state: \{"next_cursor":"not-a-cursor"\}/);
  t.match(result.reason, /400 Client Error/);
});

t.test('a connector that raises: Sync FAILED with its traceback, only the committed checkpoint is kept', needsPython(), async (t) => {
  const project = projectFrom('raises');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const result = await runTesterDebug({ projectDir: project, python, out });
  t.notOk(result.ok);
  t.match(result.reason, /update\(\) failed: .*the HED API answered nonsense on page 2/);
  t.match(result.reason, /ValueError: the HED API answered nonsense on page 2/, "the traceback's last line");
  t.match(out.text(), /SEVERE Sync FAILED: update\(\) failed/);
  t.same(result.state, { page: 1 });
  const contents = await warehouseContents(join(project, 'files'), 'items');
  t.same(contents.rows.map((row) => row.name), ['kept'], 'the row after the last checkpoint is not written');
  t.same(contents.state, { page: 1 });
});

t.test('a connector that calls exit(): Sync FAILED naming the exit code and what it printed', needsPython(), async (t) => {
  const project = projectFrom('exits');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const result = await runTesterDebug({ projectDir: project, python, out: captureOutput(), silenceTimeoutMs: 20_000 });
  t.notOk(result.ok);
  t.match(result.reason, /ended \(exit code 3\) during update\(\)/);
  t.match(result.reason, /giving up with exit\(3\)/);
  const contents = await warehouseContents(join(project, 'files'), 'items');
  t.same(contents.rows.map((row) => row.name), ['kept']);
});

t.test('a connector that goes silent: Sync FAILED after the silence timeout, the process is stopped', needsPython(), async (t) => {
  const project = projectFrom('hangs');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const started = Date.now();
  const result = await runTesterDebug({ projectDir: project, python, out: captureOutput(), silenceTimeoutMs: 1500 });
  t.notOk(result.ok);
  t.match(result.reason, /sent nothing for 2 s/);
  t.ok(Date.now() - started < 15_000, 'it does not wait for the connector');
  t.same(result.state, { page: 1 });
});

t.test('a connector whose server never starts: Sync FAILED after the startup timeout', needsPython(), async (t) => {
  const project = projectFrom('no-server');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const result = await runTesterDebug({ projectDir: project, python, out: captureOutput(), startupTimeoutMs: 2000 });
  t.notOk(result.ok);
  t.match(result.reason, /gRPC server did not start within 2 s/);
});

t.test('every value type lands with its DuckDB type; update and delete apply', needsPython(), async (t) => {
  const project = projectFrom('value-types');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const result = await runTesterDebug({ projectDir: project, python, out: captureOutput() });
  t.ok(result.ok, result.reason ?? 'ok');
  t.same({ upserts: result.counts.upserts, updates: result.counts.updates, deletes: result.counts.deletes, checkpoints: result.counts.checkpoints }, { upserts: 5, updates: 1, deletes: 1, checkpoints: 2 });
  const typed = await warehouseContents(join(project, 'files'), 'typed');
  t.match(typed.columns, {
    id: 'INTEGER',
    c_boolean: 'BOOLEAN',
    c_short: 'SMALLINT',
    c_long: 'BIGINT',
    c_decimal: 'DECIMAL(10,2)',
    c_float: 'FLOAT',
    c_double: 'DOUBLE',
    c_naive_date: 'DATE',
    c_naive_datetime: 'TIMESTAMP',
    c_utc_datetime: 'TIMESTAMP WITH TIME ZONE',
    c_binary: 'BLOB',
    c_xml: 'VARCHAR',
    c_string: 'VARCHAR',
    c_json: 'JSON',
  });
  const [one, two] = typed.rows;
  t.match(one, { id: 1, c_boolean: true, c_short: 12, c_long: 9007199254740993n, c_decimal: 12.5, c_float: 1.5, c_double: 2.25, c_naive_date: '2024-08-11', c_xml: '<a>1</a>', c_string: 'hello', c_json: { k: [1, 2] } });
  t.match(String(one?.c_naive_datetime), /^2025-07-27T14:28:37/);
  t.match(String(one?.c_utc_datetime), /^2025-07-31T23:57:37/);
  t.same([...(one?.c_binary as Uint8Array)], [0, 1, 104, 101, 100]);
  t.match(two, { id: 2, c_boolean: false, c_string: 'changed', c_short: null }, 'update() changed only the given column');
  const inferred = await warehouseContents(join(project, 'files'), 'inferred');
  t.match(inferred.columns, { an_int: 'BIGINT', a_float: 'FLOAT', a_bool: 'BIGINT', a_str: 'VARCHAR', a_dict: 'JSON', a_bytes: 'BLOB', a_date: 'DATE' }, 'a date the SDK sends as text is a DATE, as in the Fivetran tester');
  t.match(inferred.rows, [{ id: 1, a_bool: 1, _fivetran_deleted: false }, { id: 2, _fivetran_deleted: true }]);
  const undeclared = await warehouseContents(join(project, 'files'), 'undeclared');
  t.match(undeclared.rows, [{ note: 'no primary key', _fivetran_id: /\S/ }], 'an undeclared table is keyed by _fivetran_id');
});

t.test('a checkpoint that is not a JSON object: Sync FAILED saying what to pass', needsPython(), async (t) => {
  const project = projectFrom('bad-checkpoint');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const result = await runTesterDebug({ projectDir: project, python, out });
  t.notOk(result.ok);
  t.match(result.reason, /checkpointed \["not", "a", "dict"\], not a JSON object; pass a dict to op\.checkpoint\(state=\.\.\.\)/);
  t.match(out.text(), /\[SchemaChange\]: tester\.items/, 'a table first seen in update() is created');
});

t.test('a Python without the SDK: exit-2 error (SdkUnavailableError) naming what is supported, before anything runs', async (t) => {
  // A fake python that hides every site-packages: the SDK cannot import.
  const dir = mkdtempSync(join(tmpdir(), 'hed-tester-nosdk-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const system = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
  if (system === '') {
    t.comment('no python3 on this machine: nothing to check');
    return;
  }
  const fake = join(dir, 'python');
  writeFileSync(fake, `#!/bin/sh\nexec ${system} -I -S "$@"\n`);
  chmodSync(fake, 0o755);
  const project = projectFrom('lab');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  await t.rejects(runTesterDebug({ projectDir: project, python: fake, out }), {
    name: 'SdkUnavailableError',
    code: 'no_sdk',
    message: /^fivetran-connector-sdk is not installed in .*python, and hed-tester runs 1\.x \(gRPC v1\), 2\.x \(gRPC v2\) and 3\.x .*: activate your virtual environment first .*then install the SDK into it with `python -m pip install fivetran-connector-sdk` \(the lab pins ==1\.7\.0\)/,
  });
  t.equal(out.text(), '', 'no sync was started');
  t.notOk(existsSync(join(project, 'files')), 'no empty files/warehouse.db or state.json is left behind');
});

t.test('a sync that fails before its first checkpoint keeps what the output folder held before: only what the run created goes', needsPython(), async (t) => {
  const project = projectFrom('schema-raises');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  mkdirSync(join(project, 'files'));
  writeFileSync(join(project, 'files', 'insights.db'), 'x');
  const result = await runTesterDebug({ projectDir: project, python, out: captureOutput() });
  t.notOk(result.ok);
  t.ok(existsSync(join(project, 'files', 'insights.db')));
  t.notOk(existsSync(join(project, 'files', 'warehouse.db')));
  t.notOk(existsSync(join(project, 'files', 'state.json')));
});

t.test('a Python that does not exist: exit-2 error naming --python', async (t) => {
  const project = projectFrom('lab');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  await t.rejects(runTesterDebug({ projectDir: project, python: join(project, 'no-such-python'), out: captureOutput() }), { name: 'SdkUnavailableError', message: /cannot run Python at .*no-such-python \(not found\).*--python/ });
});

t.test('$VIRTUAL_ENV picks the Python when --python is not given', needsPython(), async (t) => {
  const project = projectFrom('value-types');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const result = await runTesterDebug({ projectDir: project, out: captureOutput(), env: { ...process.env, VIRTUAL_ENV: join(python, '..', '..') } });
  t.ok(result.ok, result.reason ?? 'ok');
});

t.test('a warehouse held open elsewhere: Sync FAILED with the warehouse module\'s sentence, the connector is stopped', async (t) => {
  const project = projectFrom('lab');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const held = await openDestination(join(project, 'files'));
  t.teardown(() => held.close());
  const out = captureOutput();
  const result = await runTesterDebug({ projectDir: project, python, out });
  t.notOk(result.ok);
  t.match(result.reason, /already open/);
  t.match(out.text(), /Previous state: \(unreadable\)/);
});

t.test('no connector.py, or a configuration that is not strings', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'hed-tester-empty-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const out = captureOutput();
  await t.rejects(runTesterDebug({ projectDir: empty, python, out }), { name: 'MissingConnectorError', message: /^There is no connector\.py in .*--project-dir with it\.$/ });
  t.equal(out.text(), '', 'before anything is written');

  writeFileSync(join(empty, 'configuration.json'), '{"page_size": 100}');
  await t.rejects(runTesterDebug({ projectDir: empty, python, out: captureOutput() }), { name: 'TesterConfigurationError', key: 'page_size', message: /must be a string/ });
  await t.rejects(runTesterDebug({ projectDir: empty, python, out: captureOutput(), configurationPath: join(empty, 'missing.json') }), /Cannot read the configuration file .*missing\.json \(ENOENT\)/);
  writeFileSync(join(empty, 'broken.json'), '{');
  await t.rejects(runTesterDebug({ projectDir: empty, python, out: captureOutput(), configurationPath: join(empty, 'broken.json') }), /is not valid JSON/);
  writeFileSync(join(empty, 'list.json'), '[]');
  await t.rejects(runTesterDebug({ projectDir: empty, python, out: captureOutput(), configurationPath: join(empty, 'list.json') }), /must be a JSON object of string values/);
});

t.test("a connector that forgets `yield`: the SDK's own debug check stops it and says which line", needsPython(), async (t) => {
  const project = projectFrom('no-yield');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const result = await runTesterDebug({ projectDir: project, python, out });
  t.notOk(result.ok);
  // Line 9 yields the same operation correctly first: the wrong call on line 11 is still caught.
  t.match(out.text(), /Please add 'yield' to 'upsert' operation on line 11/);
  t.notMatch(out.text(), /line 9/);
  t.match(result.reason, /exit code 1/);
});

const sdk2 = sdk2Python();
t.test('the newest 2.x SDK speaks protocol v2: the same lab sync, Python bools as BOOLEAN', { skip: sdk2 ? false : 'no Python with fivetran-connector-sdk 2.x; run node scripts/python-env.mjs (or set HED_SDK2_PYTHON)' }, async (t) => {
  const project = projectFrom('lab', labConfiguration(mock.url));
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const result = await runTesterDebug({ projectDir: project, python: sdk2 as string, out });
  t.ok(result.ok, result.reason ?? 'ok');
  t.match(out.text(), /INFO Previous state: \{\}\n.* INFO Connector started with fivetran_connector_sdk 2\.\d+\.\d+ \(gRPC v2\)\n/);
  const contents = await warehouseContents(join(project, 'files'), 'hed_records');
  t.equal(contents.columns.at_risk_flag, 'BOOLEAN');
  t.equal(contents.rows.length, (await sourceRecords(mock.url)).length);
  t.ok(contents.rows.every((row) => typeof row.at_risk_flag === 'boolean'));
});

t.test('a schema() that raises: Sync FAILED naming schema() and the error, nothing written', needsPython(), async (t) => {
  const project = projectFrom('schema-raises');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const result = await runTesterDebug({ projectDir: project, python, out: captureOutput() });
  t.notOk(result.ok);
  t.match(result.reason, /^schema\(\) failed: .*'table_name'/);
  t.match(result.reason, /KeyError: 'table_name'/);
  t.same(result.counts, { upserts: 0, updates: 0, deletes: 0, truncates: 0, schemaChanges: 0, checkpoints: 0 });
});
