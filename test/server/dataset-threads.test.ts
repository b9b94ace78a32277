import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { studentJson, generateStudents } from '../../server/core/dataset.js';

// A large dataset is built on worker threads (server/dataset-threads.ts), which only the
// compiled server runs: `npm test` builds dist/ first. The served records must be those
// of the sequential generator, byte for byte.
const bin = fileURLToPath(new URL('../../bin/hed-mock.js', import.meta.url));
const STUDENTS = 60_001;

function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--students', String(STUDENTS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no listening line within 60 s: ${out}`)), 60_000);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    });
    child.stderr!.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
  });
}

t.test('a dataset built on worker threads serves the sequential generator\'s records, in order', async (t) => {
  const { child, url } = await start();
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
