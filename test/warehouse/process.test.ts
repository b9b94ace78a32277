import t from 'tap';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDestination, readWarehouse, readWarehouseState, WarehouseError } from '../../warehouse/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WAREHOUSE = fileURLToPath(new URL('../../warehouse/index.ts', import.meta.url));

/** Starts node with a script; resolves once a line matching `ready` is printed. */
function startNode(args: string[], ready: RegExp): { exited: Promise<number | null>; kill(): void; lines(): string[]; ready: Promise<void> } {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let resolveReady: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    child.on('exit', (code) => reject(new Error(`child exited ${code} before it was ready: ${out}`)));
  });
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    if (ready.test(out)) resolveReady();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  readyPromise.catch(() => undefined);
  return {
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    kill: () => child.kill('SIGKILL'),
    lines: () => out.split('\n').filter(Boolean),
    ready: readyPromise,
  };
}

t.test('another process holding the file: the message says to close DBeaver or the duckdb CLI', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'warehouse.db');
  const holder = startNode(
    ['-e', `require('@duckdb/node-api').DuckDBInstance.create(${JSON.stringify(path)}).then(async (db) => { await (await db.connect()).run('SELECT 1'); console.log('holding'); setInterval(() => {}, 1000); })`],
    /holding/,
  );
  t.teardown(() => holder.kill());
  await holder.ready;
  const error = await openDestination(dir).catch((e: unknown) => e);
  t.type(error, WarehouseError);
  t.equal((error as WarehouseError).code, 'warehouse_locked');
  t.match((error as Error).message, /warehouse\.db is open in another program \(DBeaver or the duckdb CLI\?\).*; close it and run again\.$/);
  await t.rejects(readWarehouse(path, 'hed_records'), { code: 'warehouse_locked' }, 'reading is refused the same way');
  holder.kill();
  await holder.exited;
  const d = await openDestination(dir);
  await d.close();
  t.pass('opens once the other program is gone');
});

t.test('SIGKILL right after a commit resolved: reopening shows exactly the committed pages and state', async (t) => {
  const dir = t.testdir();
  const script = join(dir, 'writer.ts');
  writeFileSync(
    script,
    `import { openDestination } from ${JSON.stringify(WAREHOUSE)};
const d = await openDestination(${JSON.stringify(join(dir, 'out'))});
await d.declare([{ table: 'hed_records', primaryKey: ['record_id'] }]);
for (let page = 1; ; page++) {
  const ops = Array.from({ length: 50 }, (_, i) => ({ op: 'upsert' as const, table: 'hed_records', data: { record_id: 'r' + String(page * 1000 + i), page, gpa: i / 10, ok: i % 2 === 0 } }));
  await d.commit(ops, { next_cursor: 'p' + page }, new Date(Date.UTC(2026, 0, 1, 0, 0, page)));
  console.log('committed ' + page);
  if (page >= 3) await new Promise(() => undefined);
}
`,
  );
  const writer = startNode(['--import', 'tsx', script], /committed 3/);
  t.teardown(() => writer.kill());
  await writer.ready;
  writer.kill();
  t.not(await writer.exited, 0, 'the writer was killed, not closed');
  const path = join(dir, 'out', 'warehouse.db');
  const { rows } = await readWarehouse(path, 'hed_records');
  t.equal(rows.length, 150, 'three pages of 50');
  t.same([...new Set(rows.map((row) => row.page))].sort(), [1, 2, 3]);
  t.match(rows.find((row) => row.record_id === 'r3049'), { gpa: 4.9, ok: false, _fivetran_deleted: false, _fivetran_synced: '2026-01-01T00:00:03.000Z' });
  t.same(await readWarehouseState(path), { next_cursor: 'p3' });
  const reopened = await openDestination(join(dir, 'out'));
  t.same((await reopened.startState()).state, { next_cursor: 'p3' });
  t.same(await reopened.readRows('hed_records'), rows, 'the writer view equals the reader view');
  await reopened.close();
});
