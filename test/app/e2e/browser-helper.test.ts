import t from 'tap';
import { browserAvailability, INSTALL_CHROMIUM, launchBrowser } from '../../helpers/browser.js';

t.test('runs when Chromium is there, skips without it, and fails without it under CI', async (t) => {
  t.same(browserAvailability(true, { CI: 'true' }), { run: true });
  t.same(browserAvailability(false, {}), { run: false, skip: INSTALL_CHROMIUM });
  t.match(browserAvailability(false, { CI: 'true' }), { run: false, fail: /CI=true: install Chromium: apt-get update && apt-get install -y chromium/ });
});

t.test('launchBrowser skips the test when the browser is missing', async (t) => {
  const calls: string[] = [];
  const fake = { pass: (message: string, extra: { skip: string }) => calls.push(`skip ${message} ${extra.skip}`), fail: (message: string) => calls.push(`fail ${message}`), teardown: () => undefined };
  t.equal(await launchBrowser(fake as never, '/nonexistent/chromium', {}), undefined);
  t.equal(await launchBrowser(fake as never, '/nonexistent/chromium', { CI: 'true' }), undefined);
  t.same(calls, [`skip ${INSTALL_CHROMIUM} ${INSTALL_CHROMIUM}`, `fail Chromium is missing at /nonexistent/chromium and CI=true: ${INSTALL_CHROMIUM}`]);
});
