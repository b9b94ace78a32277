import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ALL_VERTICALS } from '../../verticals/index.js';

// Issue 19: a vertical is data. Nothing outside verticals/ spells a field name of any
// vertical's definition; code takes the names from a definition (or, for StudentSuccess,
// from verticals/hed/app.ts). Comments count too: they drift with the code.
//
// Not checked, and why:
// - test/ and fixtures/: they hold the lab's facts to check the definitions against
//   (every field name and type of each lab's sample record) and build warehouses by hand.
// - Other non-TypeScript files (docs, Python connectors): the docs describe the records.
//   The browser's scripts (app/public/*.js) are checked: the page takes every field name
//   from the API (/api/status names the explorer's first filter column).
const root = new URL('../../', import.meta.url);

/** Fields every vertical has: the sync protocol's primary key and cursor (verticals/definition.ts RECORD_ID, LAST_UPDATED_EPOCH). */
const PROTOCOL_FIELDS = new Set(['record_id', 'last_updated_epoch']);

/** Places that must keep a name, with the reason. Empty today: add a file and name here only with a reason. */
const ALLOWED: Record<string, { names: string[]; reason: string }> = {};

const names = new Map<string, string[]>();
for (const v of ALL_VERTICALS) for (const f of v.fields) names.set(f.name, [...(names.get(f.name) ?? []), v.prefix]);
const everyVertical = [...names].filter(([, prefixes]) => prefixes.length === ALL_VERTICALS.length).map(([name]) => name);

/**
 * A snake_case name is spelled wherever it stands as a word. A one-word name (`age`,
 * `weight`, `diagnosis`) is an English word too: only a quoted one ('weight', "weight",
 * `weight`) names the field.
 */
function spells(text: string, name: string): boolean {
  if (name.includes('_')) return new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`).test(text);
  return new RegExp(`(['"\`])${name}\\1`).test(text);
}

const sources = execFileSync('git', ['ls-files', '*.ts', '*.mts', '*.cts', 'app/public/*.js'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((path) => path !== '' && !/^(verticals|test|fixtures)\//.test(path));

t.test('the fields every vertical has are the protocol fields, and only those are free to name', async (t) => {
  t.same(everyVertical.sort(), [...PROTOCOL_FIELDS].sort());
});

t.test('the check finds a field name where one is spelled', async (t) => {
  t.ok(spells("SELECT avg(current_gpa) FROM r", 'current_gpa'));
  t.notOk(spells('the current_gpa_x column', 'current_gpa'));
  t.ok(spells("summaryValue(s, 'weight', 'mean')", 'weight'));
  t.notOk(spells('a bin by its weight, then', 'weight'));
  t.ok(sources.length > 100, `it reads the kit's sources (${sources.length} files)`);
  t.ok(sources.includes('app/queries.ts') && sources.includes('server/store.ts') && !sources.some((p) => p.startsWith('verticals/')));
  t.ok(sources.includes('app/public/app.js'), "and the browser's script");
});

t.test("no TypeScript source outside verticals/, nor the browser's script, spells a field name of a vertical definition", async (t) => {
  const found: string[] = [];
  for (const path of sources) {
    const text = readFileSync(new URL(path, root), 'utf8');
    const allowed = new Set(ALLOWED[path]?.names ?? []);
    for (const [name, prefixes] of names) {
      if (PROTOCOL_FIELDS.has(name) || allowed.has(name)) continue;
      if (spells(text, name)) found.push(`${path}: ${name} (${prefixes.join(', ')})`);
    }
  }
  t.same(found, [], 'take the name from the definition (VERTICALS.x.fields, .risk, .app) or from verticals/hed/app.ts');
  for (const [path, { names: listed, reason }] of Object.entries(ALLOWED)) {
    t.ok(reason.length > 0, `${path}: a reason`);
    const text = readFileSync(new URL(path, root), 'utf8');
    for (const name of listed) t.ok(spells(text, name), `${path} still spells ${name} (else drop it from ALLOWED)`);
  }
});
