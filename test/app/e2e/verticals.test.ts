/**
 * The app of every path end to end: one warehouse holding StudentSuccess's table and
 * AGR's, TLC's and MSO's (written as a sync leaves them), the real app (buildApp), and
 * Debian's Chromium. What a person sees is compared with figures computed in the test
 * from the records (verticals/kpi.ts computeKpi and formatKpi).
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { resolveAppConfig } from '../../../app/config.js';
import { buildApp } from '../../../app/server.js';
import { VERTICAL_SECTIONS } from '../../../app/vertical/analyst.js';
import { fieldLabel } from '../../../app/vertical/charts.js';
import { VERTICALS, computeKpi, formatKpi } from '../../../verticals/index.js';
import { keepOnLoopback, launchBrowser } from '../../helpers/browser.js';
import { liveRows, makeRows, mean, scratchDir, writeWarehouse } from '../helpers/warehouse-fixture.js';
import { writeVerticalWarehouse } from '../helpers/vertical-warehouse.js';

const scratch = scratchDir();
t.teardown(scratch.remove);
const warehouse = join(scratch.dir, 'warehouse.db');
const hedRows = liveRows(makeRows(60, 5));
await writeWarehouse(warehouse, makeRows(60, 5), 'ours');
const written = await writeVerticalWarehouse(scratch.dir, [VERTICALS.agr, VERTICALS.mso, VERTICALS.tlc], 7, 600);

const app = await buildApp(resolveAppConfig({ warehouse, insightsDb: join(scratch.dir, 'insights.db'), port: '0', host: '127.0.0.1' }, {}));
await app.listen({ port: 0, host: '127.0.0.1' });
t.teardown(() => app.close());
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

const browser = await launchBrowser(t);
if (browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const offLoopback = await keepOnLoopback(context);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const textIs = (selector: string, text: string) => page.locator(selector, { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor({ state: 'attached', timeout: 20_000 });

  await t.test('StudentSuccess stays at / with its own heading, KPIs and six charts, and links to the other paths', async (t) => {
    await page.goto(`${base}/`);
    await page.waitForSelector('#charts[data-rendered="6"]', { state: 'attached', timeout: 30_000 });
    t.equal(await page.locator('h1').textContent(), 'StudentSuccess – AI Driven Freshman Retention Insights');
    t.equal(await page.title(), 'StudentSuccess – AI Driven Freshman Retention Insights');
    t.same(await page.locator('.kpi-label').allTextContents(), ['Average GPA', 'Avg Completion Rate', 'Avg Engagement Score', 'At-Risk Students']);
    t.equal((await page.locator('[data-kpi="average-gpa"] .kpi-value').textContent())?.trim(), mean(hedRows.map((r) => r.current_gpa)).toFixed(2));
    t.ok(await page.locator('#filters').isVisible(), 'its filters are there');
    await page.locator('#verticals a').first().waitFor({ timeout: 10_000 });
    t.same(await page.locator('#verticals a').evaluateAll((links) => links.map((a) => [a.getAttribute('href'), a.getAttribute('aria-current')])), [
      ['/agr', null],
      ['/', 'page'],
      ['/mso', null],
      ['/tlc', null],
    ]);
  });

  for (const prefix of ['agr', 'tlc', 'mso'] as const) {
    const definition = VERTICALS[prefix];
    await t.test(`${prefix}: ${definition.app.name}'s title, KPIs with targets, charts, explorer paging and an offline report`, async (t) => {
      await page.goto(`${base}/${prefix}`);
      const charts = definition.app.charts.length;
      await page.waitForSelector(`#charts[data-rendered="${charts}"]`, { state: 'attached', timeout: 30_000 });
      t.equal(await page.locator('h1').textContent(), definition.app.title, 'the lab app title');
      t.equal(await page.title(), definition.app.title);
      t.match(await page.locator('#source-line').textContent(), `600 records in tester.${prefix}_records`);
      await page.locator('#filters fieldset').first().waitFor({ timeout: 10_000 });
      t.same(await page.locator('#filters legend').allTextContents(), definition.app.categories.map((c) => fieldLabel(definition, c)), 'its own filters: one list per category');
      t.equal(await page.locator('#filter-major_code, #filter-majors input').count(), 0, "none of StudentSuccess's");
      t.equal(await page.locator('#verticals a[aria-current="page"]').getAttribute('href'), `/${prefix}`);

      t.same(await page.locator('.kpi-label').allTextContents(), definition.app.kpis.map((k) => k.label), 'the four KPI labels');
      const cards = page.locator('.kpi');
      for (const [i, kpi] of definition.app.kpis.entries()) {
        const card = cards.nth(i);
        const value = computeKpi(kpi.formula, written[prefix]!);
        t.equal((await card.locator('.kpi-value').textContent())?.trim(), formatKpi(value, kpi.format), `${kpi.label}: its value`);
        if (kpi.target) {
          const delta = (await card.locator('.kpi-delta').innerText()).trim();
          t.ok(delta.includes(` ${kpi.target.note}`), `${kpi.label}: "${delta}" is against its target`);
          const good = kpi.target.better === 'higher' ? value >= kpi.target.value : value <= kpi.target.value;
          t.equal(await card.getAttribute('class'), `kpi ${good ? 'good' : 'bad'}`, `${kpi.label}: coloured by which way is better`);
          const arrow = await card.locator('.kpi-arrow').textContent();
          if (arrow !== '') t.equal(arrow?.trim(), value > kpi.target.value ? '↑' : '↓', `${kpi.label}: the arrow follows the sign`);
        } else {
          t.equal(await card.locator('.kpi-delta').count(), 0, `${kpi.label}: no target, no delta`);
        }
      }

      t.same(await page.locator('#charts figure').evaluateAll((figures) => figures.map((f) => f.getAttribute('aria-label'))), definition.app.charts.map((c) => c.title), 'every chart, in order');
      t.equal(await page.locator('#charts figure svg').count(), charts, 'each drawn as SVG');
      t.ok((await page.locator('#charts figure').first().innerText()).includes(definition.app.charts[0]!.title), 'the first chart shows its title');
      t.same(await page.locator('#summary tbody th').allTextContents(), [...definition.app.summary], 'summary statistics of its fields');

      await page.getByRole('tab', { name: 'Data Explorer' }).click();
      await textIs('#explorer-caption', 'Showing rows 1–10 of 600');
      t.equal(await page.locator('#explorer-table tbody tr').count(), 10);
      t.equal(await page.locator('#explorer-table thead th').first().textContent(), definition.fields[0]!.name, 'columns in the API order');
      await page.locator('#explorer-next').click();
      await textIs('#explorer-caption', 'Showing rows 11–20 of 600');
      t.equal(await page.locator('#explorer-q-col').inputValue(), definition.app.categories[0], 'the filter column is its first category');
      t.match(await page.locator('#explorer-csv').getAttribute('href'), `/api/verticals/${prefix}/rows.csv`);

      await page.getByRole('tab', { name: 'AI Insights' }).click();
      await page.waitForSelector('#insights-focus option[value="financial-impact"]', { state: 'attached' });
      await page.getByLabel('Focus area').selectOption('financial-impact');
      await page.getByRole('button', { name: 'Generate insights' }).click();
      await page.waitForSelector('#insights-report:not([hidden])', { timeout: 30_000 });
      t.same(await page.locator('#insights-report h3').allTextContents(), VERTICAL_SECTIONS['Financial Impact'], 'the generic sections as headings');
      const report = await page.locator('#insights-report').innerText();
      t.match(report, `Financial Impact: ${definition.app.name} insights`);
      t.match(report, /no language model wrote this report/);
      t.notMatch(report, /student/i);

      await page.getByRole('tab', { name: 'Insights History' }).click();
      await page.locator('#history li').first().waitFor({ timeout: 10_000 });
      t.equal(await page.locator('#history li').count(), 1, 'its own report only');
      t.match(await page.locator('#history li .focus').textContent(), 'Financial Impact');
    });
  }

  await t.test("agr: ticking filters recomputes the KPIs over the kept records, and the explorer shows only those", async (t) => {
    await page.goto(`${base}/agr#metrics`);
    await page.waitForSelector(`#charts[data-rendered="${VERTICALS.agr.app.charts.length}"]`, { state: 'attached', timeout: 30_000 });
    const kept = written.agr!.filter((r) => r.species === 'Bison' && r.health_status === 'Sick');
    t.ok(kept.length > 0 && kept.length < 600, `some records are kept (${kept.length})`);
    await page.getByRole('group', { name: 'Species' }).getByLabel('Bison').check();
    await page.getByRole('group', { name: 'Health Status' }).getByLabel('Sick').check();
    await textIs('#metrics-rows', `${kept.length} records match the filters.`);
    await page.waitForSelector(`#charts[data-rendered="${VERTICALS.agr.app.charts.length}"]`, { state: 'attached', timeout: 30_000 });
    for (const [i, kpi] of VERTICALS.agr.app.kpis.entries()) {
      t.equal((await page.locator('.kpi .kpi-value').nth(i).textContent())?.trim(), formatKpi(computeKpi(kpi.formula, kept), kpi.format), `${kpi.label} over the kept records`);
    }
    await page.getByRole('tab', { name: 'Data Explorer' }).click();
    await textIs('#explorer-caption', `Showing rows 1–10 of ${kept.length}`);
    t.match(await page.locator('#explorer-filters').textContent(), /filters apply here too: Species Bison; Health Status Sick/);
    t.match(await page.locator('#explorer-csv').getAttribute('href'), /rows\.csv\?species=Bison&health_status=Sick/);
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await textIs('#metrics-rows', '600 records match the filters.');
  });

  await t.test('/?vertical=agr is the same page as /agr', async (t) => {
    await page.goto(`${base}/?vertical=agr`);
    await page.waitForSelector(`#charts[data-rendered="${VERTICALS.agr.app.charts.length}"]`, { state: 'attached', timeout: 30_000 });
    t.equal(await page.locator('h1').textContent(), VERTICALS.agr.app.title);
  });

  await t.test('a path the warehouse does not hold says how to sync it', async (t) => {
    await page.goto(`${base}/cds`);
    await page.locator('#not-ready:not([hidden])').waitFor({ timeout: 10_000 });
    t.equal(await page.locator('h1').textContent(), VERTICALS.cds.app.title);
    t.match(await page.locator('#not-ready-message').textContent(), /no table tester\.cds_records yet/);
    // The links load beside the status (app.js loadVerticalLinks): wait for them, then count.
    await page.locator('#verticals:not([hidden]) a').first().waitFor({ timeout: 10_000 });
    t.equal(await page.locator('#verticals a').count(), 4, 'and links to the paths it does hold');
  });

  t.same(pageErrors, [], 'no script error on any page');
  t.same(offLoopback, [], 'nothing requested off loopback');
}
