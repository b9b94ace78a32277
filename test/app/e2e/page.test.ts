/**
 * The StudentSuccess page end to end: the real app (buildApp) over a DuckDB warehouse
 * made here, driven in Debian's Chromium. What a person sees is compared with figures
 * computed in the test from the rows themselves.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { resolveAppConfig } from '../../../app/config.js';
import { buildApp } from '../../../app/server.js';
import { launchBrowser } from '../../helpers/browser.js';
import { liveRows, makeRows, mean, scratchDir, writeWarehouse, type FixtureRow } from '../helpers/warehouse-fixture.js';

const IMG = '<img src=x onerror=alert(1)>';
const BOLD = '<b>x</b>';

const scratch = scratchDir();
t.teardown(scratch.remove);
const warehousePath = join(scratch.dir, 'warehouse.db');
const insightsDb = join(scratch.dir, 'insights.db');
const rows = makeRows(90, 13);
rows[3]!.advisor_id = IMG;
rows[4]!.student_id = BOLD;
const live = liveRows(rows);

async function startApp(warehouse = warehousePath): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildApp(resolveAppConfig({ warehouse, insightsDb, port: '0', host: '127.0.0.1' }, {}));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/** The four KPI texts the page must show for these rows. */
function expectedKpis(subset: FixtureRow[]) {
  return {
    'average-gpa': mean(subset.map((r) => r.current_gpa)).toFixed(2),
    'avg-completion-rate': `${(mean(subset.map((r) => r.course_completion_rate)) * 100).toFixed(1)}%`,
    'avg-engagement-score': mean(subset.map((r) => r.engagement_score)).toFixed(1),
    'at-risk-students': `${((subset.filter((r) => r.at_risk_flag).length / subset.length) * 100).toFixed(1)}%`,
  };
}

async function shownKpis(page: Page) {
  const ids = ['average-gpa', 'avg-completion-rate', 'avg-engagement-score', 'at-risk-students'] as const;
  const entries = await Promise.all(ids.map(async (id) => [id, (await page.locator(`[data-kpi="${id}"] .kpi-value`).textContent())?.trim()] as const));
  return Object.fromEntries(entries);
}

await writeWarehouse(warehousePath, rows, 'ours');
let running = await startApp();
t.teardown(() => running.app.close());

const browser = await launchBrowser(t);
if (browser) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const requested: string[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  // Every request is checked: loopback goes on, anything else is recorded and aborted.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    requested.push(url.href);
    return url.hostname === '127.0.0.1' ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const chartsDrawn = () => page.waitForSelector('#charts[data-rendered="6"]', { state: 'attached', timeout: 20_000 });
  /** Waits until the element's whole text is `text`. */
  const textIs = (selector: string, text: string) => page.locator(selector, { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor({ state: 'attached' });
  const selectedTab = () => page.locator('[role="tab"][aria-selected="true"]').textContent();

  await page.goto(`${running.base}/`);
  await chartsDrawn();

  await t.test('shows the heading and reaches each tab by click and by keyboard', async (t) => {
    t.equal(await page.locator('h1').textContent(), 'StudentSuccess – AI Driven Freshman Retention Insights');
    t.equal(await page.locator('[role="tablist"] [role="tab"]').count(), 4);
    for (const [name, panel] of [
      ['AI Insights', 'panel-ai-insights'],
      ['Insights History', 'panel-insights-history'],
      ['Data Explorer', 'panel-data-explorer'],
      ['Metrics', 'panel-metrics'],
    ] as const) {
      await page.getByRole('tab', { name }).click();
      t.equal(await selectedTab(), name, `${name} is selected by a click`);
      t.ok(await page.locator(`#${panel}`).isVisible(), `${name} shows its panel`);
      t.equal(await page.locator('[role="tabpanel"]:visible').count(), 1, 'one panel at a time');
    }
    await page.getByRole('tab', { name: 'Metrics' }).focus();
    await page.keyboard.press('ArrowRight');
    t.equal(await selectedTab(), 'AI Insights', 'ArrowRight moves to the next tab');
    t.equal(await page.evaluate('document.activeElement?.textContent'), 'AI Insights', 'and focuses it');
    await page.keyboard.press('End');
    t.equal(await selectedTab(), 'Data Explorer', 'End selects the last tab');
    t.ok(await page.locator('#panel-data-explorer').isVisible());
    await page.keyboard.press('ArrowRight');
    t.equal(await selectedTab(), 'Metrics', 'ArrowRight wraps around');
    await page.keyboard.press('ArrowLeft');
    t.equal(await selectedTab(), 'Data Explorer', 'ArrowLeft wraps back');
    await page.keyboard.press('Home');
    t.equal(await selectedTab(), 'Metrics', 'Home selects the first tab');
    t.equal(await page.locator('#tab-metrics').getAttribute('tabindex'), '0', 'the selected tab is in the tab order');
    t.equal(await page.locator('#tab-data-explorer').getAttribute('tabindex'), '-1', 'the others are not');
  });

  await t.test('shows the KPIs of the data, six drawn charts, the summary and the remarks', async (t) => {
    t.same(await shownKpis(page), expectedKpis(live));
    const gpaCard = (await page.locator('[data-kpi="average-gpa"]').innerText()).replace(/\s+/g, ' ');
    t.match(gpaCard, new RegExp(`^Average GPA ${expectedKpis(live)['average-gpa']} `), 'the label is read with the value');
    t.match(gpaCard, /vs 3\.0 target/);
    for (const id of ['gpa-distribution', 'engagement-by-standing', 'completion-trends', 'at-risk-distribution', 'aid-vs-gpa', 'major-performance']) {
      t.ok((await page.locator(`#chart-${id} svg, #chart-${id} canvas`).count()) > 0, `${id} is drawn`);
      t.ok((await page.locator(`#chart-${id} svg .mark-rect path, #chart-${id} svg .mark-symbol path, #chart-${id} svg .mark-arc path, #chart-${id} svg .mark-line path`).count()) > 0, `${id} has marks`);
    }
    t.equal(await page.locator('#metrics-rows').textContent(), `${live.length} students match the filters.`);
    const gpaRow = page.locator('#summary tbody tr', { has: page.locator('th', { hasText: /^current_gpa$/ }) });
    const cells = await gpaRow.locator('td').allTextContents();
    t.equal(cells[0], String(live.length), 'count of current_gpa');
    t.equal(cells[1], String(Math.round(mean(live.map((r) => r.current_gpa)) * 100) / 100), 'mean of current_gpa');
    t.equal(cells[3], String(Math.min(...live.map((r) => r.current_gpa))), 'min of current_gpa');
    t.ok((await page.locator('#remarks li').count()) >= 4, 'the distribution remarks are listed');
  });

  await t.test('a KPI delta\'s arrow follows its sign, its colour the good side: more at risk than the baseline is up and red', async (t) => {
    const atRiskShare = live.filter((r) => r.at_risk_flag).length / live.length;
    t.ok(atRiskShare > 0.3, 'the fixture has more at risk than the 30% baseline');
    const card = page.locator('[data-kpi="at-risk-students"]');
    const delta = (await card.locator('.kpi-delta').innerText()).replace(/\s+/g, ' ').trim();
    t.equal(delta, `↑ +${((atRiskShare - 0.3) * 100).toFixed(1)}% vs 30% baseline (on the wrong side of the target)`, 'the arrow, the signed delta and, for screen readers, the verdict');
    t.equal(await card.locator('.kpi-delta').evaluate((node) => node.ownerDocument.defaultView!.getComputedStyle(node).color), 'rgb(179, 38, 30)', 'in the bad colour');
    for (const id of ['average-gpa', 'avg-completion-rate', 'avg-engagement-score', 'at-risk-students']) {
      const text = (await page.locator(`[data-kpi="${id}"] .kpi-delta`).innerText()).trim();
      t.match(text, /^(↑ \+|↓ -)/, `${id}: ${text}`);
    }
  });

  await t.test('the explorer keeps the key column in view, brings the sorted column into view, in the source\'s field order', async (t) => {
    // A warehouse whose columns are alphabetical, as a tester may write them.
    const alphaPath = join(scratch.dir, 'alphabetical.db');
    await writeWarehouse(alphaPath, rows.map((row) => Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b))) as unknown as FixtureRow), 'ours');
    const alpha = await startApp(alphaPath);
    t.teardown(() => alpha.app.close());
    await page.goto(`${alpha.base}/#data-explorer`);
    await textIs('#explorer-caption', `Showing rows 1–10 of ${live.length}`);
    const headers = (await page.locator('#explorer-table thead th').allTextContents()).map((h) => h.trim());
    t.same(headers.slice(0, 5), ['record_id', 'student_id', 'enrollment_date', 'academic_standing', 'current_gpa'], 'the API\'s field order');
    t.equal(headers.at(-1), '_fivetran_synced', 'the tester\'s column last');
    const wrap = page.locator('#explorer-table').locator('xpath=..');
    const box = async (locator: ReturnType<Page['locator']>) => (await locator.boundingBox())!;
    const wrapBox = await box(wrap);
    t.ok((await box(page.locator('#explorer-table')))!.width > wrapBox.width * 2, 'the table is wider than its box');
    const inView = async (column: string) => {
      const key = await box(page.locator('#explorer-table thead th[data-column="record_id"]'));
      const header = await box(page.locator(`#explorer-table thead th[data-column="${column}"]`));
      return header.x >= key.x + key.width - 1 && header.x + header.width <= wrapBox.x + wrapBox.width + 1;
    };
    t.notOk(await inView('intervention_count'), 'intervention_count starts off screen');
    await page.getByLabel('Sort by', { exact: true }).selectOption('intervention_count');
    await page.waitForSelector('th[aria-sort="ascending"][data-column="intervention_count"]');
    t.ok(await inView('intervention_count'), 'sorting by it brings it into view, right of the key column');
    const key = await box(page.locator('#explorer-table tbody tr:first-child td.key'));
    t.ok(Math.abs(key.x - wrapBox.x) <= 2, 'the key column stays at the left edge while the table is scrolled');
    t.match(await page.locator('#explorer-table tbody tr:first-child td.key').textContent(), /^[0-9a-f-]{36}$/, 'the key column holds the record_id');
    await page.getByLabel('Sort by', { exact: true }).selectOption('student_id');
    await page.waitForSelector('th[aria-sort="ascending"][data-column="student_id"]');
    t.ok(await inView('student_id'), 'a column to the left comes back into view too');
    // Back to the main app for the tests that follow (this app closes after this test).
    await page.goto(`${running.base}/`);
    await chartsDrawn();
  });

  await t.test('filters change the KPIs and the charts', async (t) => {
    await page.locator('#filter-majors').getByLabel('ECON', { exact: true }).check();
    const econ = live.filter((r) => r.major_code === 'ECON');
    await textIs('#metrics-rows', `${econ.length} students match the filters.`);
    await chartsDrawn();
    t.same(await shownKpis(page), expectedKpis(econ), 'the KPIs of ECON');
    await page.selectOption('#filter-at-risk', 'true');
    const econAtRisk = econ.filter((r) => r.at_risk_flag);
    await textIs('#metrics-rows', `${econAtRisk.length} students match the filters.`);
    t.same(await shownKpis(page), expectedKpis(econAtRisk), 'the KPIs of at-risk ECON students');
    t.equal((await shownKpis(page))['at-risk-students'], '100.0%');
    await page.click('#filters-clear');
    await textIs('#metrics-rows', `${live.length} students match the filters.`);
    await chartsDrawn();
    t.same(await shownKpis(page), expectedKpis(live), 'clearing brings back everyone');
  });

  let reportId = '';
  let financialSections: string[] = [];
  await t.test('generates an offline report with its progress steps', async (t) => {
    await page.getByRole('tab', { name: 'AI Insights' }).click();
    await page.waitForSelector('#insights-focus option[value="financial-impact"]', { state: 'attached' });
    await page.getByLabel('Focus area').selectOption('financial-impact');
    t.match(await page.getByLabel('Provider').inputValue(), 'offline');
    await page.getByRole('button', { name: 'Generate insights' }).click();
    await page.waitForSelector('#insights-report:not([hidden])', { timeout: 20_000 });
    const steps = await page.locator('#insights-steps li').allInnerTexts();
    t.equal(steps.length, 4, 'four steps shown');
    t.match(steps[0], /Reading the warehouse/);
    t.match(steps[3], /Saving to history/);
    t.same(await page.locator('#insights-steps li').evaluateAll((items) => items.map((i) => i.getAttribute('data-state'))), ['done', 'done', 'done', 'done']);
    const focusAreas = (await (await fetch(`${running.base}/api/insights/focus-areas`)).json()) as { id: string; sections: string[] }[];
    financialSections = focusAreas.find((f) => f.id === 'financial-impact')!.sections;
    t.same(await page.locator('#insights-report h3').allTextContents(), financialSections, 'the report has the lab sections as headings');
    t.match(await page.locator('#insights-report').innerText(), /no language model wrote this report/);
    const history = (await (await fetch(`${running.base}/api/history`)).json()) as { id: string }[];
    t.equal(history.length, 1);
    reportId = history[0]!.id;
  });

  const checkHistory = async (t: Test, base: string) => {
    await page.getByRole('tab', { name: 'Insights History' }).click();
    const item = page.locator(`#history li[data-report="${reportId}"]`);
    await item.waitFor();
    const summary = (await item.locator('summary').innerText()).replace(/\s+/g, ' ');
    t.match(summary, /Financial Impact/);
    t.match(summary, /offline \/ offline-analyst/);
    await item.locator('summary').click();
    await item.locator('.report h4').first().waitFor();
    t.same(await item.locator('.report h4').allTextContents(), financialSections, 'the report opens with its sections');
    const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('link', { name: 'Download .md' }).click()]);
    const markdown = readFileSync((await download.path())!, 'utf8');
    t.equal(markdown, await (await fetch(`${base}/api/history/${reportId}.md`)).text(), 'the download is the report');
    t.match(markdown, /^# Financial Impact/);
  };

  await t.test('finds the report in the history after a reload', async (t) => {
    await page.reload();
    await chartsDrawn();
    await checkHistory(t, running.base);
  });

  await t.test('finds the report in the history after an app restart on the same insights db', async (t) => {
    await running.app.close();
    running = await startApp();
    await page.goto(`${running.base}/#insights-history`);
    await page.waitForSelector('#tab-insights-history[aria-selected="true"]');
    t.equal(await selectedTab(), 'Insights History', 'the hash selects the tab');
    await checkHistory(t, running.base);
  });

  await t.test('explores rows: caption, paging, sort, filter and a CSV of the filtered rows', async (t) => {
    await page.getByRole('tab', { name: 'Data Explorer' }).click();
    const caption = page.locator('#explorer-caption');
    const captionIs = (text: string) => textIs('#explorer-caption', text);
    await captionIs(`Showing rows 1–10 of ${live.length}`);
    t.equal(await page.locator('#explorer-table tbody tr').count(), 10);
    await page.getByLabel('Rows per page').fill('5');
    await page.getByLabel('Rows per page').press('Enter');
    await captionIs(`Showing rows 1–5 of ${live.length}`);
    await page.getByRole('button', { name: 'Next' }).click();
    await captionIs(`Showing rows 6–10 of ${live.length}`);
    await page.getByLabel('Page', { exact: true }).fill('3');
    await page.getByLabel('Page', { exact: true }).press('Enter');
    await captionIs(`Showing rows 11–15 of ${live.length}`);
    t.equal(await page.locator('#explorer-table tbody tr').count(), 5);
    await page.getByRole('button', { name: 'Previous' }).click();
    await captionIs(`Showing rows 6–10 of ${live.length}`);

    await page.getByRole('button', { name: 'Sort by current_gpa' }).click();
    await captionIs(`Showing rows 1–5 of ${live.length}`);
    await page.waitForSelector('th[aria-sort="ascending"] >> text=current_gpa');
    const gpaIndex = (await page.locator('#explorer-table thead th').allTextContents()).findIndex((h) => h.startsWith('current_gpa'));
    const firstGpa = async () => Number(await page.locator(`#explorer-table tbody tr:first-child td:nth-child(${gpaIndex + 1})`).textContent());
    t.equal(await firstGpa(), Math.min(...live.map((r) => r.current_gpa)), 'ascending starts at the lowest GPA');
    await page.getByRole('button', { name: 'Sort by current_gpa' }).press('Enter');
    await page.waitForSelector('th[aria-sort="descending"] >> text=current_gpa');
    t.equal(await page.evaluate('document.activeElement?.getAttribute("aria-label")'), 'Sort by current_gpa', 'the header keeps the keyboard focus');
    t.equal(await firstGpa(), Math.max(...live.map((r) => r.current_gpa)), 'a second click sorts descending');
    t.equal(await page.getByLabel('Sort by', { exact: true }).inputValue(), 'current_gpa', 'the select follows the header');

    const econ = live.filter((r) => r.major_code === 'ECON');
    t.equal(await page.getByLabel('Filter column').inputValue(), 'major_code', "the filter column starts at the major, as the lab's page (from /api/status)");
    await page.getByLabel('Filter column').selectOption('major_code');
    await page.getByLabel('Contains').fill('econ');
    await captionIs(`Showing rows 1–5 of ${econ.length}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    const idIndex = header.indexOf('record_id');
    t.ok(idIndex >= 0, 'the CSV has a header');
    t.equal(lines.length - 1, econ.length, 'one CSV line per filtered row');
    t.same(lines.slice(1).map((l) => l.split(',')[idIndex]).sort(), econ.map((r) => r.record_id).sort(), 'the CSV rows are the filtered rows');
    t.match(await caption.textContent(), /of \d+$/);
    await page.getByLabel('Contains').fill('');
    await captionIs(`Showing rows 1–5 of ${live.length}`);

    await page.getByRole('tab', { name: 'Metrics' }).click();
    await page.getByLabel('At risk', { exact: true }).selectOption('true');
    await page.getByRole('tab', { name: 'Data Explorer' }).click();
    const atRisk = live.filter((r) => r.at_risk_flag);
    await captionIs(`Showing rows 1–5 of ${atRisk.length}`);
    t.match(await page.locator('#explorer-filters').textContent(), /filters apply here too: at risk only\./, 'the explorer says which filters apply');
    t.match(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'), /at_risk=true/, 'and so does its CSV');
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await page.click('#filters-clear');
    await page.getByRole('tab', { name: 'Data Explorer' }).click();
    await captionIs(`Showing rows 1–5 of ${live.length}`);
  });

  await t.test('shows record values that hold HTML as literal text', async (t) => {
    // A fresh load in the explorer's default view (table order, 10 rows), so nothing left
    // by the explorer test above (sort, direction, rows per page, filters) is undone here.
    await page.goto(`${running.base}/?fresh#data-explorer`); // a query makes it a full load, not a same-page hash change
    await textIs('#explorer-caption', `Showing rows 1–10 of ${live.length}`);
    await page.waitForSelector('#explorer-table td >> text=STU_202400000');
    t.equal(await page.locator('#explorer-table td', { hasText: IMG }).count(), 1, 'the img markup is visible text');
    t.equal(await page.locator('#explorer-table td', { hasText: BOLD }).count(), 1, 'the <b> markup is visible text');
    t.equal(await page.locator('img').count(), 0, 'no img element was created');
    t.equal(await page.locator('#explorer-table b, #filters b, #insights-report b, #history b').count(), 0, 'no b element was created');
    t.ok((await page.locator('#filter-standings label').allTextContents()).includes('<b>Good</b> "Standing", ok'), 'a standing with HTML is a literal label');
    t.same(dialogs, [], 'no script ran from the data');
    t.same(pageErrors, [], 'the page raised no errors');
  });

  await t.test('says how to make a warehouse when there is none', async (t) => {
    const empty = await startApp(join(scratch.dir, 'missing.db'));
    t.teardown(() => empty.app.close());
    await page.goto(`${empty.base}/`);
    await page.waitForSelector('#not-ready:not([hidden])');
    t.ok(await page.locator('#tabs').isHidden(), 'no tabs without data');
    const message = await page.locator('#not-ready-message').textContent();
    t.match(message, /missing\.db/);
    t.match(message, /reads files\/warehouse\.db in the folder it was started from, or the file --warehouse names/, 'where the app looks');
    t.notMatch(await page.locator('#not-ready').textContent(), /`/, 'no Markdown backticks shown as text');
    t.match(message, /Inside the kit's own checkout, npm start and npm run sync do the same\./, 'the kit-checkout commands only as an aside');
    t.same(await page.locator('#not-ready-commands li code').allTextContents(), ['hed-mock serve', 'hed-tester debug'], 'the commands an attendee runs in the lab folder');
    await writeWarehouse(join(scratch.dir, 'missing.db'), makeRows(12, 3), 'fivetran-1.7');
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.waitForSelector('#tabs:not([hidden])');
    t.ok(await page.locator('#not-ready').isHidden(), 'once a sync has written the warehouse, Check again shows the tabs');
    await chartsDrawn();
  });

  await t.test('a model that is down gives a message and nothing in the history', async (t) => {
    const downDb = join(scratch.dir, 'insights-down.db');
    const config = resolveAppConfig({ warehouse: warehousePath, insightsDb: downDb, port: '0', host: '127.0.0.1', llmProvider: 'openai', llmBaseUrl: 'http://127.0.0.1:9/v1', llmTimeoutS: '5' }, {});
    const down = await buildApp(config);
    t.teardown(() => down.close());
    await down.listen({ port: 0, host: '127.0.0.1' });
    await page.goto(`http://127.0.0.1:${(down.server.address() as AddressInfo).port}/#ai-insights`);
    await page.waitForSelector('#insights-provider option[value="openai"]', { state: 'attached' });
    t.equal(await page.getByLabel('Provider').inputValue(), 'openai', 'the configured provider is the default');
    await page.getByRole('button', { name: 'Generate insights' }).click();
    await page.waitForSelector('#insights-error:not([hidden])', { timeout: 20_000 });
    t.match(await page.locator('#insights-error').textContent(), /Nothing was saved to the history\.$/);
    t.ok(await page.locator('#insights-report').isHidden(), 'no report is shown');
    t.equal(await page.locator('#insights-steps li[data-state="failed"]').count(), 1, 'the step that failed is marked');
    await page.getByRole('tab', { name: 'Insights History' }).click();
    await page.waitForSelector('#history-empty:not([hidden])');
    t.equal(await page.locator('#history li').count(), 0, 'the history stays empty');
  });

  t.test('sent no request off the loopback host', async (t) => {
    t.ok(requested.length > 10, 'requests were seen');
    t.same(requested.filter((url) => new URL(url).hostname !== '127.0.0.1'), []);
  });
}
