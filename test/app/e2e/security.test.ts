/**
 * The security of the page in a real browser. The Content-Security-Policy holds: the StudentSuccess page draws all
 * six charts under the app's CSP header (no 'unsafe-eval': Vega runs its expression
 * interpreter), no CSP violation is reported, and the page refuses to be framed. The
 * mock's HTML pages (/hed_api_spec, /docs) render under the same policy. The page's own
 * state-changing requests (generate, delete) pass the cross-site guard.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import t from 'tap';
import { resolveAppConfig } from '../../../app/config.js';
import { buildApp } from '../../../app/server.js';
import { launchBrowser } from '../../helpers/browser.js';
import { startMock } from '../../helpers/mock-server.js';
import { makeRows, scratchDir, writeWarehouse } from '../helpers/warehouse-fixture.js';

const scratch = scratchDir();
t.teardown(scratch.remove);
const warehouse = join(scratch.dir, 'warehouse.db');
await writeWarehouse(warehouse, makeRows(60, 5), 'ours');
const app = await buildApp(resolveAppConfig({ warehouse, insightsDb: join(scratch.dir, 'insights.db') }, {}));
await app.listen({ port: 0, host: '127.0.0.1' });
t.teardown(() => app.close());
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

/** Collects CSP violations as the page reports them (console) and as events. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|unsafe-eval/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
  // A string, run in the page (the tests are type-checked without the DOM library).
  await page.addInitScript("document.addEventListener('securitypolicyviolation', (event) => console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`));");
  return violations;
}

const browser = await launchBrowser(t);
if (browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));

  await t.test('the page draws its six charts under the CSP header, with no violation', async (t) => {
    const page = await context.newPage();
    const violations = await watchViolations(page);
    const response = await page.goto(`${base}/`);
    t.notMatch(response?.headers()['content-security-policy'] ?? '', /unsafe-eval/);
    await page.waitForSelector('#charts[data-rendered="6"]', { state: 'attached', timeout: 30_000 });
    const marks = await page.locator('#charts svg .mark-rect path, #charts svg .mark-symbol path, #charts svg .mark-line path, #charts svg .mark-arc path').count();
    t.ok(marks > 10, `the charts have marks (${marks})`);
    t.same(violations, [], 'no CSP violation and no page error');
    await page.close();
  });

  await t.test('a page on another origin cannot frame the app', async (t) => {
    // A second loopback origin (another port) whose page frames the app.
    const framer = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end(`<iframe id="f" src="${base}/"></iframe>`));
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    t.teardown(() => framer.close());
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
    const frame = await (await page.locator('#f').elementHandle())?.contentFrame();
    // A frame Chromium refused holds its error page, not the app.
    const framed = frame ? await frame.evaluate<string>('`${location.href} ${document.title}`').catch((e: Error) => `unreadable: ${e.message}`) : 'no frame';
    t.notMatch(framed, /StudentSuccess/, `the app is not shown inside the frame (${framed.slice(0, 80)})`);
    await page.close();
  });

  await t.test('the page generates a report and deletes it from the history: its own requests pass the cross-site guard', async (t) => {
    const page = await context.newPage();
    const violations = await watchViolations(page);
    await page.goto(`${base}/#ai-insights`);
    await page.locator('#insights-focus option').first().waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Generate insights' }).click();
    await page.locator('#insights-report').waitFor({ state: 'visible', timeout: 30_000 });
    const [report] = (await (await fetch(`${base}/api/history`)).json()) as { id: string }[];
    t.ok(report, 'the report was saved');
    await page.getByRole('tab', { name: 'Insights History' }).click();
    const item = page.locator(`#history li[data-report="${report!.id}"]`);
    await item.waitFor();
    await item.locator('summary').click();
    await item.getByRole('button', { name: /^Delete the / }).click();
    await item.waitFor({ state: 'detached' });
    t.same(await (await fetch(`${base}/api/history`)).json(), [], 'gone from the history');
    t.equal(await page.locator('#history-empty').isVisible(), true, 'the page says the history is empty');
    t.equal(await page.locator('#history-error').isVisible(), false);
    t.same(violations, []);
    await page.close();
  });

  await t.test("the mock's spec page and Swagger UI render under the same CSP", async (t) => {
    const mock = await startMock({ students: 3 });
    t.teardown(mock.close);
    const page = await context.newPage();
    const violations = await watchViolations(page);
    await page.goto(`${mock.url}/hed_api_spec`);
    t.equal(await page.locator('h1').textContent(), 'HED API specification');
    await page.goto(`${mock.url}/docs`);
    await page.waitForSelector('.swagger-ui .opblock', { timeout: 30_000 });
    t.ok((await page.locator('.swagger-ui .opblock').count()) > 3, 'Swagger UI lists the operations');
    t.same(violations, [], 'no CSP violation and no page error');
    await page.close();
  });
}
