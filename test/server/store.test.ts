import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createStore, GENERATOR_VERSION, rebuildNotice } from '../../server/store.js';
import { generateStudents, studentJson } from '../../verticals/hed/dataset.js';

const tempDb = (t: { teardown: (fn: () => void) => void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'hed-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'hed.db');
};

t.test('rebuildNotice says what the file holds and what was wanted, and nothing for a new file', async (t) => {
  t.equal(rebuildNotice('hed.db', undefined, '{"seed":42,"students":600,"generator":3}'), undefined);
  t.equal(
    rebuildNotice('hed.db', '{"seed":42,"students":600,"generator":2}', '{"seed":42,"students":600,"generator":3}'),
    'Rebuilding the dataset in hed.db: it holds seed 42, 600 students, generator 2; wanted seed 42, 600 students, generator 3.',
  );
  t.match(rebuildNotice('x.db', 'not json', '{"seed":1,"students":2,"generator":3}'), /an unreadable fingerprint \(not json\)/);
});

t.test('a --db file built by an older generator is rebuilt, and the rebuild is logged in one line', async (t) => {
  const path = tempDb(t);
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  createStore({ seed: 7, students: 12, path, log }).close();
  t.same(lines, [], 'a new file is built without a notice');

  const old = new Database(path);
  old.prepare("UPDATE meta SET value = ? WHERE key = 'fingerprint'").run(JSON.stringify({ seed: 7, students: 12, generator: GENERATOR_VERSION - 1 }));
  old.prepare("UPDATE records SET json = '[\"stale\"]'").run();
  old.close();

  const store = createStore({ seed: 7, students: 12, path, log });
  t.equal(lines.length, 1, 'one line');
  t.match(lines[0], new RegExp(`^Rebuilding the dataset in .*hed\\.db: it holds seed 7, 12 students, generator ${GENERATOR_VERSION - 1}; wanted seed 7, 12 students, generator ${GENERATOR_VERSION}\\.$`));
  t.same([...store.iterateJson()], [...generateStudents(7, 12)].map(studentJson), 'the current generator\'s records');

  store.close();
  const again = createStore({ seed: 7, students: 12, path, log });
  again.close();
  t.equal(lines.length, 1, 'an up-to-date file opens without a notice');
});
