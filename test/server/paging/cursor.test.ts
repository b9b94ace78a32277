import t from 'tap';
import { createCursorCodec, CursorError } from '../../../server/paging/cursor.js';
import { CURSOR_LENGTH, CURSOR_PARAM_PATTERN, CURSOR_PATTERN } from '../../../api/page.js';

const codec = createCursorCodec(42);

t.test('a cursor decodes to the position it was made from and needs no percent-encoding', async (t) => {
  for (const position of [0, 1, 99, 600, 123_456, 2 ** 40]) {
    const cursor = codec.encode(position);
    t.equal(codec.decode(cursor), position);
    t.equal(encodeURIComponent(cursor), cursor, `${cursor} is URL-safe`);
  }
});

t.test('every cursor has the shape the published schema gives it (next_cursor and the cursor parameter)', async (t) => {
  for (const seed of [1, 42]) {
    for (const position of [0, 1, 600, 1_000_000, 2 ** 48 - 1]) {
      const cursor = createCursorCodec(seed).encode(position);
      t.equal(cursor.length, CURSOR_LENGTH);
      t.match(cursor, new RegExp(CURSOR_PATTERN), `${cursor} matches next_cursor's pattern`);
      t.match(cursor, new RegExp(CURSOR_PARAM_PATTERN), 'and the parameter pattern');
    }
  }
  t.match('', new RegExp(CURSOR_PARAM_PATTERN), 'an empty cursor parameter is the beginning');
  t.notMatch(codec.encode(5).slice(0, -1), new RegExp(CURSOR_PARAM_PATTERN), 'a truncated cursor is outside the schema');
});

t.test('cursors survive a restart with the same seed: a new codec reads them', async (t) => {
  t.equal(createCursorCodec(42).decode(codec.encode(321)), 321);
  t.equal(createCursorCodec(42).encode(321), codec.encode(321), 'and are byte-identical');
});

t.test('a cursor from a server with another seed is refused', async (t) => {
  t.throws(() => createCursorCodec(7).decode(codec.encode(100)), CursorError);
});

t.test('every single-character edit of a cursor is refused', async (t) => {
  const cursor = codec.encode(600);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let refused = 0;
  let tried = 0;
  for (let i = 0; i < cursor.length; i++) {
    for (const c of alphabet) {
      if (c === cursor[i]) continue;
      const edited = cursor.slice(0, i) + c + cursor.slice(i + 1);
      tried += 1;
      try {
        codec.decode(edited);
      } catch (err) {
        if (err instanceof CursorError) refused += 1;
      }
    }
  }
  t.equal(refused, tried, `${tried} edits, all refused`);
});

t.test('truncated, extended and junk cursors are refused with an actionable message', async (t) => {
  const cursor = codec.encode(5);
  for (const bad of [cursor.slice(0, -1), cursor.slice(1), `${cursor}A`, 'abc', '', 'null', 'AAAAAAAAAAAAAAAAAAAAAAAAAA']) {
    t.throws(() => codec.decode(bad), { name: 'CursorError', message: /cursor/ }, JSON.stringify(bad));
  }
});

t.test('encoding refuses positions that cannot be represented', async (t) => {
  t.throws(() => codec.encode(-1), RangeError);
  t.throws(() => codec.encode(1.5), RangeError);
  t.throws(() => codec.encode(2 ** 48), RangeError);
});
