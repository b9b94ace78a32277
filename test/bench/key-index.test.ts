import t from 'tap';
import { keyIndexBytes } from '../../bench/key-index.js';

t.test('keyIndexBytes: the primary key index grows with the number of keys, tens of bytes a key', async (t) => {
  const small = await keyIndexBytes(10_000);
  const large = await keyIndexBytes(40_000);
  t.ok(small > 0, `10,000 keys take ${small} bytes`);
  t.ok(large > 2.5 * small, `40,000 keys (${large} bytes) take well over twice what 10,000 take (${small})`);
  const perKey = large / 40_000;
  t.ok(perKey > 20 && perKey < 400, `${perKey.toFixed(0)} bytes a key`);
});

t.test('keyIndexBytes refuses a count that is not a whole number >= 0', async (t) => {
  await t.rejects(keyIndexBytes(-1), RangeError);
  await t.rejects(keyIndexBytes(1.5), /whole number/);
});
