/**
 * The rows routes' memory of filter values found in the warehouse: a value checked once
 * costs no query while the warehouse keeps its version, an unknown value is still a 400
 * with its sentence, and a sync that writes makes every value be looked up again.
 */
import { join } from 'node:path';
import t from 'tap';
import { resolveAppConfig } from '../../../app/config.js';
import { buildApp } from '../../../app/server.js';
import { createKnownFilterValues, requireFilterValues, type KnownFilterValues, type VerticalFilters } from '../../../app/vertical/filters.js';
import { verticalRowsCte } from '../../../app/vertical/source.js';
import { openWarehouse } from '../../../app/warehouse.js';
import { VERTICALS } from '../../../verticals/index.js';
import { openDestination } from '../../../warehouse/index.js';
import { scratchDir } from '../helpers/warehouse-fixture.js';
import { writeVerticalWarehouse } from '../helpers/vertical-warehouse.js';

const definition = VERTICALS.agr;
const field = definition.app.categories[0]!;
const scratch = scratchDir();
t.teardown(scratch.remove);
const path = join(scratch.dir, 'warehouse.db');
const written = (await writeVerticalWarehouse(scratch.dir, [definition], 7, 120))[definition.prefix]!;
const values = [...new Set(written.map((r) => String(r[field])))].sort();

/** Checks `chosen` values of the field with `known`; answers the queries it ran, or throws. */
async function check(known: KnownFilterValues | undefined, chosen: string[]): Promise<number> {
  const warehouse = await openWarehouse(path, definition.table);
  let queries = 0;
  const counted = { ...warehouse, all: (sql: string, params?: (string | number | boolean)[]) => (queries++, warehouse.all(sql, params)) };
  const filters: VerticalFilters = { categories: { [field]: chosen }, flags: {} };
  try {
    await requireFilterValues(counted, definition, filters, verticalRowsCte(definition, warehouse.columns), known);
    return queries;
  } finally {
    warehouse.close();
  }
}

/** One sync's commit into the warehouse: soft-deletes every record holding `gone`, adds one holding `added`. */
async function sync(gone: string, added: string): Promise<void> {
  const destination = await openDestination(scratch.dir, { typeText: true });
  try {
    await destination.declare([{ table: definition.table, primaryKey: [...definition.primaryKey] }]);
    const deletes = written.filter((r) => r[field] === gone).map((r) => ({ op: 'delete' as const, table: definition.table, data: { record_id: r.record_id! } }));
    const upsert = { op: 'upsert' as const, table: definition.table, data: { ...written[0]!, record_id: 'added-1', [field]: added } };
    await destination.commit([...deletes, upsert], { [definition.prefix]: written.length + 1 }, new Date('2026-12-04T11:00:00Z'));
  } finally {
    await destination.close();
  }
}

t.test('a value found once costs no query until the warehouse changes', async (t) => {
  t.ok(values.length >= 3, `the records hold several values of ${field}: ${values.join(', ')}`);
  const [first, second] = values as [string, string];
  const known = createKnownFilterValues();
  t.equal(await check(known, [first]), 1, 'the first check looks the value up');
  t.equal(await check(known, [first]), 0, 'the second one does not');
  t.equal(await check(known, [first, second]), 1, 'a new value is looked up, the known one is not');
  t.equal(await check(known, [second, first]), 0);
  t.equal(known.size, 2);
  t.equal(await check(undefined, [first, second]), 1, 'without the memory, every check looks them up');
  await t.rejects(check(known, [first, 'Yak']), { statusCode: 400, message: new RegExp(`^No record in tester\\.${definition.table} has ${field} "Yak"\\. Pick one of: ${values.join(', ')}\\.$`) });
  await t.rejects(check(known, ['Yak']), { statusCode: 400, message: /"Yak"/ }, 'an unknown value is not remembered');
});

t.test('the memory keeps at most its size, then starts again', async (t) => {
  const known = createKnownFilterValues(2);
  known.add('v1', 't', 'f', ['a', 'b', 'c']);
  t.same(known.unknown('v1', 't', 'f', ['a', 'd']), ['a', 'd'], 'over its size: emptied');
  known.add('v1', 't', 'f', ['a']);
  t.same(known.unknown('v1', 't', 'f', ['a', 'd']), ['d']);
  t.same(known.unknown('v1', 't', 'g', ['a']), ['a'], 'per field');
  t.same(known.unknown('v2', 't', 'f', ['a']), ['a'], 'per version');
});

t.test('through the rows route: a sync that removes a value and adds one is seen at once', async (t) => {
  const [kept, gone] = values as [string, string];
  const app = await buildApp(resolveAppConfig({ warehouse: path, insightsDb: ':memory:' }, {}));
  t.teardown(() => app.close());
  const rows = (chosen: string) => app.inject(`/api/verticals/${definition.prefix}/rows?${new URLSearchParams({ [field]: chosen, per_page: '50' })}`);
  t.equal((await rows(gone)).statusCode, 200, 'a value the records hold');
  t.equal((await rows(gone)).statusCode, 200, 'again, now from the memory');
  const yak = await rows('Yak');
  t.equal(yak.statusCode, 400);
  t.match(yak.json(), { error: 'bad_request', message: `No record in tester.${definition.table} has ${field} "Yak".` });

  await sync(gone, 'Yak');
  const added = await rows('Yak');
  t.equal(added.statusCode, 200, 'the value the sync added is accepted');
  t.equal(added.json().total, 1);
  const removed = await rows(gone);
  t.equal(removed.statusCode, 400, 'the value every record of which the sync deleted is a 400 again');
  t.match(removed.json().message, `has ${field} "${gone}"`);
  t.equal((await rows(kept)).statusCode, 200);
});
