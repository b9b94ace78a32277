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

t.test('formula injection (OWASP): text starting with = + - @ tab or CR gets a quote mark and is quoted', async (t) => {
  t.equal(csvField('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
  t.equal(csvField("=cmd|' /C calc'!A0"), `"'=cmd|' /C calc'!A0"`);
  t.equal(csvField('+1+1'), `"'+1+1"`);
  t.equal(csvField('-2+3'), `"'-2+3"`);
  t.equal(csvField('@SUM(1+1)'), `"'@SUM(1+1)"`);
  t.equal(csvField('\t=1'), `"'\t=1"`);
  t.equal(csvField('\r=1'), `"'\r=1"`);
  t.equal(csvField('a=1'), 'a=1', 'only the first character counts');
});

t.test('numbers stay numbers, negative ones included, as numbers or as DuckDB text', async (t) => {
  t.equal(csvLine([-1.5, -3, 0, 2.5e-7]), '-1.5,-3,0,2.5e-7\r\n');
  t.equal(csvField('-42'), '-42', 'a BIGINT that DuckDB hands over as text');
  t.equal(csvField('-0.125'), '-0.125');
  t.equal(csvField('-1e5'), '-1e5');
  t.equal(csvField('-'), `"'-"`, 'a lone minus is not a number');
});
