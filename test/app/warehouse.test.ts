import t from 'tap';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricsAggregates } from '../../app/queries.js';
import { warehouseStatus, withWarehouse } from '../../app/warehouse.js';
import { makeRows, scratchDir, writeWarehouse } from './helpers/warehouse-fixture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A second process that opens the warehouse for writing and holds its lock, as a sync does. */
function holdLock(path: string): Promise<{ release: () => Promise<void> }> {
  const script = `import { DuckDBInstance } from '@duckdb/node-api';
const instance = await DuckDBInstance.create(${JSON.stringify(path)});
await (await instance.connect()).run('SELECT 1');
process.stdout.write('locked\\n');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) {
        resolve({ release: () => new Promise<void>((done) => (child.once('exit', () => done()), child.kill())) });
      }
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
}

t.test('while another process writes the warehouse the app answers a sentence, and reads it again after', async (t) => {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const path = join(scratch.dir, 'warehouse.db');
  await writeWarehouse(path, makeRows(12), 'ours');
  const lock = await holdLock(path);
  let released = false;
  t.teardown(() => (released ? undefined : lock.release()));
  const status = await warehouseStatus(path);
  t.equal(status.ready, false);
  t.match(status.message, /is locked by a process writing to it \(a sync, or a duckdb shell\)\. Try again when it has finished/);
  await t.rejects(withWarehouse(path, (w) => metricsAggregates(w, { majors: [], standings: [] })), { code: 'warehouse_busy', statusCode: 503 });
  await lock.release();
  released = true;
  t.match(await warehouseStatus(path), { ready: true, rows: 11 });
});
