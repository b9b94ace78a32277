import t from 'tap';
import { csvField, csvLine } from '../../app/csv.js';

t.test('RFC 4180: quote when needed, double the quotes, CRLF', async (t) => {
  t.equal(csvLine(['a', 1, true, null, undefined]), 'a,1,true,,\r\n');
  t.equal(csvField('x,y'), '"x,y"');
  t.equal(csvField('say "hi"'), '"say ""hi"""');
  t.equal(csvField('two\nlines'), '"two\nlines"');
  t.equal(csvField('cr\r'), '"cr\r"');
  t.equal(csvField({ a: [1, 2] }), '"{""a"":[1,2]}"');
  t.equal(csvField('<b>plain</b>'), '<b>plain</b>');
});
