import t from 'tap';
import { readFileSync } from 'node:fs';
import { ALL_VERTICALS } from '../../verticals/index.js';

const page = readFileSync(new URL('../../docs/verticals.md', import.meta.url), 'utf8');

t.test("docs/verticals.md has a row per vertical with its table, key, field count, title and KPIs", async (t) => {
  for (const v of ALL_VERTICALS) {
    const row = page.split('\n').find((line) => line.startsWith(`| ${v.prefix} |`));
    if (!row) {
      t.fail(`${v.prefix}: no row in docs/verticals.md`);
      continue;
    }
    const cells = row.split(' | ').map((c) => c.replace(/^\| |`| \|$/g, ''));
    t.same(cells.slice(0, 5), [v.prefix, v.table, v.primaryKey.join(', '), String(v.fields.length), v.app.title], `${v.prefix}: table, key, fields, title`);
    for (const kpi of v.app.kpis) t.ok(cells[5]?.includes(kpi.label), `${v.prefix}: KPI ${kpi.label}`);
  }
});
