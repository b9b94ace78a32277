/**
 * `npx tsx scripts/screenshots.ts [--out DIR] [--verticals agr,tlc]`: the README's screenshots, made from the
 * real thing. Starts the mock in-process on 127.0.0.1 port 0, syncs it with the built-in
 * connector (runDebug) into a scratch `files/warehouse.db`, serves the StudentSuccess app
 * over it, generates two offline reports, and saves one PNG per tab (1280 px wide) with
 * Debian's Chromium: metrics, ai-insights, insights-history, data-explorer. Every request
 * the page makes must stay on 127.0.0.1, or the script fails.
 *
 * With `--verticals agr,tlc` it makes those paths' screenshots instead (docs/app.md):
 * the records the mock serves for each (seed 42, 600) written through the tester's
 * destination into a scratch warehouse, the app over it, and per path `{prefix}-metrics.png`
 * and `{prefix}-ai-insights.png` (one offline report).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { resolveAppConfig } from '../app/config.js';
import { buildApp } from '../app/server.js';
import { runDebug } from '../connector/runner.js';
import { buildApp as buildMock } from '../server/app.js';
import { serverConfig } from '../server/config.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, INSTALL_CHROMIUM, keepOnLoopback } from '../test/helpers/browser.js';
import { writeVerticalWarehouse } from '../test/app/helpers/vertical-warehouse.js';
import { parseVerticalList } from '../verticals/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SETTINGS = { students: 600, viewport: { width: 1280, height: 900 }, pngMaxBytes: 400 * 1024, waitMs: 30_000, metricsMaxHeightPx: 1600 } as const;
const TABS = ['metrics', 'ai-insights', 'insights-history', 'data-explorer'] as const;

const log = (line: string) => process.stderr.write(`[screenshots] ${line}\n`);

/** `--out DIR` or docs/screenshots. */
export function outputDir(argv: string[]): string {
  const at = argv.indexOf('--out');
  return resolve(at >= 0 && argv[at + 1] ? argv[at + 1]! : join(ROOT, 'docs', 'screenshots'));
}

async function syncWarehouse(filesDir: string): Promise<void> {
  const mock = await buildMock(serverConfig({ logLevel: 'silent', port: 0, students: SETTINGS.students }));
  try {
    const url = await mock.listen({ port: 0, host: '127.0.0.1' });
    const configuration = { ...JSON.parse(readFileSync(join(ROOT, 'fixtures', 'configuration.json'), 'utf8')), base_url: url };
    const result = await runDebug({ configuration, outputDir: filesDir, out: { write: () => true } });
    if (!result.ok) throw new Error(`The sync into ${filesDir} failed: ${result.reason}`);
    log(`synced ${result.counts.upserts} records from the mock at ${url}`);
  } finally {
    await mock.close();
  }
}

async function generate(page: Page, focus: string): Promise<void> {
  await page.getByRole('tab', { name: 'AI Insights' }).click();
  await page.waitForSelector(`#insights-focus option[value="${focus}"]`, { state: 'attached' });
  await page.getByLabel('Focus area').selectOption(focus);
  await page.getByRole('button', { name: 'Generate insights' }).click();
  // A locator, not waitForFunction: the page's CSP has no 'unsafe-eval' for a string predicate.
  await page.locator('#insights-report:not([hidden])', { hasText: focus === 'overall-performance' ? 'Overall Performance' : '' }).waitFor({ timeout: SETTINGS.waitMs });
}

/** `--verticals a,b`, or undefined for StudentSuccess's screenshots. */
export function verticalsArg(argv: string[]): string | undefined {
  const at = argv.indexOf('--verticals');
  return at >= 0 ? argv[at + 1] : undefined;
}

/** Each named path's Metrics and AI Insights tabs, over the records the mock serves for it. */
async function verticalScreenshots(out: string, list: string): Promise<void> {
  const definitions = parseVerticalList(list).filter((d) => d.prefix !== 'hed');
  const scratch = mkdtempSync(join(tmpdir(), 'hed-screenshots-'));
  const cwd = process.cwd();
  process.chdir(scratch);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    await writeVerticalWarehouse(join(scratch, 'files'), definitions, 42, 600);
    app = await buildApp(resolveAppConfig({ warehouse: 'files/warehouse.db', insightsDb: 'files/insights.db', port: '0', host: '127.0.0.1' }, {}));
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const context = await browser.newContext({ viewport: SETTINGS.viewport, deviceScaleFactor: 1 });
    const offLoopback = await keepOnLoopback(context);
    const page = await context.newPage();
    const files: string[] = [];
    for (const definition of definitions) {
      await page.goto(`${base}/${definition.prefix}#metrics`);
      await page.waitForSelector(`#charts[data-rendered="${definition.app.charts.length}"]`, { timeout: SETTINGS.waitMs });
      files.push(join(out, `${definition.prefix}-metrics.png`));
      // A path with eight charts makes a long page: the picture stops at metricsMaxHeightPx.
      const height = Math.min(SETTINGS.metricsMaxHeightPx, await page.evaluate(() => document.documentElement.scrollHeight));
      await page.screenshot({ path: files.at(-1)!, fullPage: true, clip: { x: 0, y: 0, width: SETTINGS.viewport.width, height } });
      await generate(page, 'overall-performance');
      await page.evaluate('window.scrollTo(0, 0)');
      files.push(join(out, `${definition.prefix}-ai-insights.png`));
      await page.screenshot({ path: files.at(-1)!, fullPage: true });
    }
    if (offLoopback.length > 0) throw new Error(`The page asked for addresses off loopback: ${offLoopback.join(', ')}. Serve them locally.`);
    for (const file of files) {
      const bytes = statSync(file).size;
      log(`${file}: ${Math.round(bytes / 1024)} KiB`);
      if (bytes > SETTINGS.pngMaxBytes) throw new Error(`${file} is ${Math.round(bytes / 1024)} KiB, over the ${SETTINGS.pngMaxBytes / 1024} KiB limit; shorten the page or the viewport.`);
    }
  } finally {
    await browser.close();
    await app?.close();
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!statSync(CHROMIUM_PATH, { throwIfNoEntry: false })) throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: ${INSTALL_CHROMIUM}`);
  const out = outputDir(process.argv.slice(2));
  mkdirSync(out, { recursive: true });
  const verticals = verticalsArg(process.argv.slice(2));
  if (verticals !== undefined) return verticalScreenshots(out, verticals);
  const scratch = mkdtempSync(join(tmpdir(), 'hed-screenshots-'));
  // The app is started from the scratch folder so the page names files/warehouse.db, as a user's would.
  const cwd = process.cwd();
  process.chdir(scratch);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    await syncWarehouse(join(scratch, 'files'));
    app = await buildApp(resolveAppConfig({ warehouse: 'files/warehouse.db', insightsDb: 'files/insights.db', port: '0', host: '127.0.0.1' }, {}));
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const context = await browser.newContext({ viewport: SETTINGS.viewport, deviceScaleFactor: 1 });
    const offLoopback = await keepOnLoopback(context);
    const page = await context.newPage();
    await page.goto(`${base}/#metrics`);
    await page.waitForSelector('#charts[data-rendered="6"]', { timeout: SETTINGS.waitMs });
    await page.screenshot({ path: join(out, 'metrics.png'), fullPage: true });

    await generate(page, 'strategic-recommendations');
    await generate(page, 'overall-performance');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(out, 'ai-insights.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Insights History' }).click();
    const first = page.locator('#history li').first();
    await first.locator('summary').click();
    await first.locator('.report h4').first().waitFor();
    await page.screenshot({ path: join(out, 'insights-history.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Data Explorer' }).click();
    await page.waitForSelector('#explorer-table tbody tr');
    await page.screenshot({ path: join(out, 'data-explorer.png'), fullPage: true });

    if (offLoopback.length > 0) throw new Error(`The page asked for addresses off loopback: ${offLoopback.join(', ')}. Serve them locally.`);
    for (const tab of TABS) {
      const bytes = statSync(join(out, `${tab}.png`)).size;
      log(`${join(out, `${tab}.png`)}: ${Math.round(bytes / 1024)} KiB`);
      if (bytes > SETTINGS.pngMaxBytes) throw new Error(`${tab}.png is ${Math.round(bytes / 1024)} KiB, over the ${SETTINGS.pngMaxBytes / 1024} KiB limit; shorten the page or the viewport.`);
    }
  } finally {
    await browser.close();
    await app?.close();
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[screenshots] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
