/**
 * SDK 1.x and 3.x write TLC's `usage_trend_30d` as `usage_trend_30_d` (Fivetran's
 * naming); 2.x keeps it. The app reads each field by its source name and must find it
 * under either: the KPIs, the chart over it and the explorer's column all work.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import t from 'tap';
import { resolveAppConfig } from '../../../app/config.js';
import { buildApp } from '../../../app/server.js';
import { VERTICALS } from '../../../verticals/index.js';
import { scratchDir } from '../helpers/warehouse-fixture.js';
import { writeVerticalWarehouse } from '../helpers/vertical-warehouse.js';

const scratch = scratchDir();
t.teardown(scratch.remove);
const written = await writeVerticalWarehouse(scratch.dir, [VERTICALS.tlc], 42, 300);
const warehouse = join(scratch.dir, 'warehouse.db');
const instance = await DuckDBInstance.create(warehouse);
const connection = await instance.connect();
await connection.run('ALTER TABLE tester.tlc_records RENAME COLUMN usage_trend_30d TO usage_trend_30_d');
connection.closeSync();
instance.closeSync();

const app = await buildApp(resolveAppConfig({ warehouse, insightsDb: join(scratch.dir, 'insights.db') }, {}));
t.teardown(() => app.close());

t.test('a field the SDK renamed is read under its source name', async (t) => {
  const metrics = await app.inject('/api/verticals/tlc/metrics');
  t.equal(metrics.statusCode, 200, metrics.body.slice(0, 300));
  const chart = metrics.json().charts.find((c: { title: string }) => c.title === 'Contract Value by Usage Trend');
  const categories = (chart.spec.data.values as { category?: string; k?: string }[]).map((v) => v.category ?? v.k).sort();
  const expected = [...new Set(written.tlc!.map((r) => String(r.usage_trend_30d)))].sort();
  t.same(categories, expected, 'the chart groups by every usage trend in the data');
  const rows = await app.inject('/api/verticals/tlc/rows?per_page=5');
  t.equal(rows.statusCode, 200);
  const columns = rows.json().columns as string[];
  t.ok(columns.includes('usage_trend_30d'), 'the explorer shows the source name');
  t.notOk(columns.includes('usage_trend_30_d'));
});
