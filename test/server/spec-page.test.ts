import t from 'tap';
import { ACADEMIC_STANDINGS } from '../../api/record.js';
import { buildTestApp } from '../helpers/mock-server.js';

const unescape = (html: string) => html.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

t.test('/hed_api_spec lists the 12 standings best first with their GPA bands, the timestamp formats and both public keys', async (t) => {
  const app = await buildTestApp();
  t.teardown(() => app.close());
  const page = unescape((await app.inject({ url: '/hed_api_spec' })).body);
  const table = /<h2>Academic standing<\/h2>([\s\S]*?)<\/table>/.exec(page)?.[1] ?? '';
  const rows = [...table.matchAll(/<tr><td>([^<]+)<\/td><td>([^<]+)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]);
  t.same(rows.map((r) => r[0]).sort(), [...ACADEMIC_STANDINGS].sort(), 'each of the 12 values once');
  t.same(rows[0], ['Distinguished Scholar', '3.80 and above']);
  t.same(rows[1], ["Dean's List", '3.50 to under 3.80']);
  t.same(rows.at(-1), ['Academic Suspension', 'under 1.50']);
  t.match(page, '%Y-%m-%d %H:%M:%S');
  t.match(page, 'This mock accepts <code>hed-demo-key</code> and <code>fiveTRANmovesTHEworldsDATA</code>.');
  const sample = JSON.parse(/<h2>Sample record<\/h2>\s*<pre>([\s\S]*?)<\/pre>/.exec(page)?.[1] ?? '{}');
  t.match(sample.last_updated, /^2025-07-31 \d{2}:\d{2}:\d{2}$/, 'the sample record is in the hosted format');
});

t.test('with other keys configured the spec page names no key, and an empty dataset says so', async (t) => {
  const app = await buildTestApp({ apiKeys: ['secret-key'], students: 0 });
  t.teardown(() => app.close());
  const page = (await app.inject({ url: '/hed_api_spec' })).body;
  t.notMatch(page, 'This mock accepts');
  t.match(page, '(the dataset is empty)');
});
