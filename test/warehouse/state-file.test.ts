import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chooseStartState, parseState, readStateFile, writeStateFile } from '../../warehouse/state-file.js';

t.test('chooseStartState: db wins, file fills in for a new warehouse, broken file without db is an error', async (t) => {
  const db = { next_cursor: 'db' };
  t.same(chooseStartState(db, { kind: 'state', state: { next_cursor: 'db' } }, 'f'), { state: db });
  t.same(chooseStartState(db, { kind: 'missing' }, 'f'), { state: db });
  t.match(chooseStartState(db, { kind: 'state', state: { next_cursor: 'file' } }, 'f'), { state: db, warning: /^f disagrees with warehouse\.db; using the state saved in warehouse\.db: \{"next_cursor":"db"\}\.$/ });
  t.match(chooseStartState(db, { kind: 'broken', problem: 'f is bad' }, 'f'), { state: db, warning: 'f is bad; using the state saved in warehouse.db.' });
  t.same(chooseStartState(undefined, { kind: 'state', state: { x: 1 } }, 'f'), { state: { x: 1 } });
  t.same(chooseStartState(undefined, { kind: 'missing' }, 'f'), { state: {} });
  t.throws(() => chooseStartState(undefined, { kind: 'broken', problem: 'f is bad' }, 'f'), /^f is bad\. Fix it, or reset the output directory/);
});

t.test('state files: any JSON object is a state; written atomically with no temp file left', async (t) => {
  t.same(parseState('{"a":[1]}'), { a: [1] });
  t.throws(() => parseState('null'), /expected a JSON object/);
  t.throws(() => parseState('"x"'), /expected a JSON object/);
  const dir = t.testdir({ broken: { 'state.json': '{' } });
  t.same(readStateFile(dir), { kind: 'missing' });
  writeStateFile(dir, { next_cursor: 'c' });
  t.equal(readFileSync(join(dir, 'state.json'), 'utf8'), '{"next_cursor":"c"}\n');
  t.same(readStateFile(dir), { kind: 'state', state: { next_cursor: 'c' } });
  t.notOk(readdirSync(dir).some((name) => name.includes('.tmp-')));
  t.match(readStateFile(join(dir, 'broken')), { kind: 'broken', problem: /state\.json is not a valid state \(/ });
});
