import t from 'tap';
import { existsSync } from 'node:fs';
import { win32 } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumCandidates, duckdbBindingPackage, findChromium, pathFor, processTreeStrategy, venvPython } from '../../lib/platform.js';

// The answers for every platform, computed on whatever machine runs the tests (Linux in CI):
// Windows paths are built and checked with path.win32.

t.test('a venv\'s Python is Scripts\\python.exe on Windows and bin/python elsewhere', async (t) => {
  t.equal(venvPython('C:\\Users\\ana\\lab\\.venv', 'win32'), 'C:\\Users\\ana\\lab\\.venv\\Scripts\\python.exe');
  t.ok(win32.isAbsolute(venvPython('C:\\lab\\.venv', 'win32')));
  t.equal(venvPython('/home/ana/lab/.venv', 'linux'), '/home/ana/lab/.venv/bin/python');
  t.equal(venvPython('/Users/ana/lab/.venv/', 'darwin'), '/Users/ana/lab/.venv/bin/python');
  t.equal(pathFor('win32'), win32);
});

t.test('Chromium is looked for where each platform installs it, Debian\'s first on Linux', async (t) => {
  t.equal(chromiumCandidates('linux', {})[0], '/usr/bin/chromium');
  const mac = chromiumCandidates('darwin', { HOME: '/Users/ana' });
  t.equal(mac[0], '/Applications/Chromium.app/Contents/MacOS/Chromium');
  t.ok(mac.includes('/Users/ana/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'));
  const windows = chromiumCandidates('win32', { LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local', PROGRAMFILES: 'C:\\Program Files' });
  t.equal(windows[0], 'C:\\Users\\ana\\AppData\\Local\\Chromium\\Application\\chrome.exe');
  t.ok(windows.includes('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'));
  t.ok(windows.includes('C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe'));
  t.ok(windows.every((path) => win32.isAbsolute(path)), 'every Windows candidate is an absolute Windows path');
  t.same(chromiumCandidates('win32', {}), [], 'without the folders in the environment there is nowhere to look');
  t.equal(findChromium('linux', {}, (path) => path === '/snap/bin/chromium'), '/snap/bin/chromium');
  t.equal(findChromium('darwin', {}, () => false), undefined);
});

t.test('a process tree is a group on POSIX and taskkill /T on Windows, with no console window', async (t) => {
  const posix = processTreeStrategy('linux');
  t.same({ detached: posix.detached, windowsHide: posix.windowsHide, kill: posix.killTree(42) }, { detached: true, windowsHide: false, kill: undefined });
  t.equal(processTreeStrategy('darwin').detached, true);
  const windows = processTreeStrategy('win32');
  t.same({ detached: windows.detached, windowsHide: windows.windowsHide, kill: windows.killTree(42) }, { detached: false, windowsHide: true, kill: { command: 'taskkill', args: ['/pid', '42', '/T', '/F'] } });
});

t.test('DuckDB\'s binding package is named by platform, CPU and, on Linux, libc', async (t) => {
  t.equal(duckdbBindingPackage('linux', 'x64'), '@duckdb/node-bindings-linux-x64');
  t.equal(duckdbBindingPackage('linux', 'arm64', 'musl'), '@duckdb/node-bindings-linux-arm64-musl');
  t.equal(duckdbBindingPackage('darwin', 'arm64', 'musl'), '@duckdb/node-bindings-darwin-arm64');
  t.equal(duckdbBindingPackage('win32', 'x64'), '@duckdb/node-bindings-win32-x64');
  const own = duckdbBindingPackage(process.platform, process.arch);
  t.ok(existsSync(fileURLToPath(new URL(`../../node_modules/${own}/package.json`, import.meta.url))), `this machine's own binding (${own}) is the one npm installed`);
});
