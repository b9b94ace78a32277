import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateStudents, studentJson, studentValuesJson } from '../../../verticals/hed/dataset.js';
import { startMockProcess } from '../../helpers/mock-process.js';
import { DatasetWorkerError, studentValuesInWorkers } from '../../../verticals/hed/dataset-threads.js';

// A large dataset is built on worker threads (verticals/hed/dataset-threads.ts), which only the
// compiled server runs: `npm test` builds dist/ first. The served records must be those
// of the sequential generator, byte for byte.
const workerFile = new URL('../../../dist/verticals/hed/dataset-worker.js', import.meta.url);
const STUDENTS = 60_001;

t.test('the worker lanes yield the sequential records in order, for one and two lanes', async (t) => {
  const expected = [...generateStudents(5, 4_001)].map(studentValuesJson);
  for (const lanes of [1, 2]) {
    const got: string[] = [];
    for (const batch of studentValuesInWorkers(5, 4_001, lanes, { workerFile })) {
      for (const row of batch.rows) got.push(row.toString());
    }
    t.equal(got.length, expected.length, `${lanes} lanes: every record`);
    t.ok(got.every((json, i) => json === expected[i]), `${lanes} lanes: the same bytes in the same order`);
  }
});

t.test('a missing or stalled worker is a DatasetWorkerError, so the store builds on its own thread', async (t) => {
  t.throws(() => [...studentValuesInWorkers(5, 10, 1, { workerFile: new URL('file:///nonexistent/dataset-worker.js') })], DatasetWorkerError);
  const dir = mkdtempSync(join(tmpdir(), 'hed-worker-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const broken = join(dir, 'broken-worker.mjs');
  writeFileSync(broken, "throw new Error('this worker never starts');\n");
  t.throws(() => [...studentValuesInWorkers(5, 10, 1, { workerFile: pathToFileURL(broken), stallMs: 300 })], { name: 'DatasetWorkerError', message: /no progress/ });
});

t.test('a dataset built on worker threads serves the sequential generator\'s records, in order', async (t) => {
  const { child, url } = await startMockProcess(['--students', String(STUDENTS)]);
  t.teardown(() => child.kill('SIGKILL'));
  const expected = createHash('sha256');
  for (const record of generateStudents(42, STUDENTS)) expected.update(`${studentJson(record)}\n`);

  const served = createHash('sha256');
  let cursor = '';
  let records = 0;
  for (let pages = 0; pages < 400; pages++) {
    const response = await fetch(`${url}/hed_data?page_size=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { 'x-api-key': 'hed-demo-key' } });
    const page = (await response.json()) as { hed_records: unknown[]; next_cursor: string; has_more: boolean };
    for (const record of page.hed_records) served.update(`${JSON.stringify(record)}\n`);
    records += page.hed_records.length;
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  t.equal(records, STUDENTS);
  t.equal(served.digest('hex'), expected.digest('hex'));
});
