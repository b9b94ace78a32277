/**
 * Launches Debian's Chromium with playwright-core for the end-to-end tests (never a
 * downloaded browser). When /usr/bin/chromium is missing the test is SKIPPED with the
 * command that installs it; under CI=true that is a FAILURE instead, so CI cannot pass
 * without having run the browser tests.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { Test } from 'tap';
import { chromiumCandidates, findChromium } from '../../lib/platform.js';

/**
 * The browser to drive: Debian's /usr/bin/chromium on Linux; on macOS and Windows the first
 * installed Chromium, Chrome or Edge (lib/platform.ts lists where each platform puts them).
 */
export const CHROMIUM_PATH = findChromium(process.platform, process.env, existsSync) ?? chromiumCandidates(process.platform, process.env)[0] ?? '/usr/bin/chromium';

/** What to run when Chromium is missing. */
export const INSTALL_CHROMIUM = 'install Chromium: apt-get update && apt-get install -y chromium';

/** Flags for a quiet, offline, container-friendly Chromium. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** The decision, pure: run, skip with a reason, or fail with one. */
export function browserAvailability(exists: boolean, env: Record<string, string | undefined>, path: string = CHROMIUM_PATH): { run: true } | { run: false; skip: string } | { run: false; fail: string } {
  if (exists) return { run: true };
  if (env.CI === 'true') return { run: false, fail: `Chromium is missing at ${path} and CI=true: ${INSTALL_CHROMIUM}` };
  return { run: false, skip: INSTALL_CHROMIUM };
}

/**
 * Launches Chromium for a tap test and closes it in teardown; returns undefined after
 * skipping (or failing) the test when Chromium is missing.
 * @example const browser = await launchBrowser(t); if (!browser) return;
 */
export async function launchBrowser(t: Test, path: string = CHROMIUM_PATH, env: Record<string, string | undefined> = process.env): Promise<Browser | undefined> {
  const availability = browserAvailability(existsSync(path), env, path);
  if ('skip' in availability) {
    t.pass(availability.skip, { skip: availability.skip });
    return undefined;
  }
  if ('fail' in availability) {
    t.fail(availability.fail);
    return undefined;
  }
  const browser = await chromium.launch({ executablePath: path, args: CHROMIUM_ARGS });
  t.teardown(() => browser.close());
  return browser;
}

/**
 * Lets `context` reach 127.0.0.1 only: any other request is aborted and its address added
 * to the returned list (the screenshots and the page bench report it).
 * @example const offLoopback = await keepOnLoopback(context);
 */
export async function keepOnLoopback(context: BrowserContext): Promise<string[]> {
  const offLoopback: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    offLoopback.push(url.href);
    return route.abort();
  });
  return offLoopback;
}
