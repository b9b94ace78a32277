import t from 'tap';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAnswerCache, fileVersion } from '../../app/answer-cache.js';

t.test('answers are kept per key until the version changes; least recently used go first', async (t) => {
  const cache = createAnswerCache<number>(2);
  let computed = 0;
  const compute = async () => ++computed;
  t.same(await cache.get('v1', 'a', compute), { value: 1, hit: false });
  t.same(await cache.get('v1', 'a', compute), { value: 1, hit: true });
  await cache.get('v1', 'b', compute);
  await cache.get('v1', 'a', compute);
  await cache.get('v1', 'c', compute);
  t.equal(cache.size, 2);
  t.same(await cache.get('v1', 'a', compute), { value: 1, hit: true }, 'a was used recently and stays');
  t.same(await cache.get('v1', 'b', compute), { value: 4, hit: false }, 'b was the least recently used');
  t.same(await cache.get('v2', 'a', compute), { value: 5, hit: false }, 'a new version empties the cache');
  t.equal(cache.size, 1);
});

t.test('an answer computed while the version moved on is not kept', async (t) => {
  const cache = createAnswerCache<string>(4);
  const slow = cache.get('old', 'k', async () => {
    await cache.get('new', 'other', async () => 'x');
    return 'stale';
  });
  t.same(await slow, { value: 'stale', hit: false });
  t.same(await cache.get('new', 'k', async () => 'fresh'), { value: 'fresh', hit: false });
  const none = createAnswerCache<number>(0);
  await none.get('v', 'k', async () => 1);
  t.equal(none.size, 0);
});

t.test('the file version follows the file and its WAL', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'w.db');
  t.equal(fileVersion(path), '-/-');
  writeFileSync(path, 'x');
  const first = fileVersion(path);
  t.match(first, /^1@[0-9.]+\/-$/);
  writeFileSync(`${path}.wal`, 'log');
  t.not(fileVersion(path), first);
  appendFileSync(path, 'y');
  t.match(fileVersion(path), /^2@/);
});
