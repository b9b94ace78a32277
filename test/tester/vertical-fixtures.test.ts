import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAll, renderConnector, templateBody, VERTICAL_FIXTURES_DIR } from '../../fixtures/connectors/verticals/generate.js';
import { ALL_VERTICALS, VERTICALS } from '../../verticals/index.js';

t.test('the committed vertical fixtures are what the generator renders (rerun it after changing fixtures/connectors/lab)', async (t) => {
  const files = renderAll();
  t.equal(files.size, 30, 'connector.py and configuration.json for each of the fifteen');
  for (const [path, text] of files) t.equal(readFileSync(join(VERTICAL_FIXTURES_DIR, path), 'utf8'), text, `${path}: run npx tsx fixtures/connectors/verticals/generate.ts`);
  const folders = readdirSync(VERTICAL_FIXTURES_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  t.same(folders, ALL_VERTICALS.map((v) => v.prefix).sort(), 'one folder per vertical, nothing else');
});

t.test('a rendered connector is the lab fixture with its own table and endpoint', async (t) => {
  const lab = readFileSync(join(VERTICAL_FIXTURES_DIR, '..', 'lab', 'connector.py'), 'utf8');
  const tlc = renderConnector(VERTICALS.tlc, lab);
  t.match(tlc, /^"""The lab's TLC connector \(ChurnGuard, /);
  t.match(tlc, /\nTABLE = "tlc_records"\n/);
  t.match(tlc, /url = f"\{base_url\}\/tlc_data"/);
  t.notMatch(tlc, /hed_/, 'nothing of HED is left');
  const hed = renderConnector(VERTICALS.hed, lab);
  t.equal(hed.slice(hed.indexOf('"""\n', 3) + 4), templateBody(lab), 'HED renders to the template\'s own code');
  t.throws(() => templateBody(lab.replace('TABLE = "hed_records"', 'TABLE = "x"')), /must hold "TABLE = \\?"hed_records\\?"" exactly once \(found 0\)/);
  t.throws(() => templateBody('import x\n'), /must start with a docstring/);
});
