import t from 'tap';
import { spawnSync } from 'node:child_process';
import { DIST_NODE, distArgs, distPrefix, withoutLoader } from './dist-cli.js';

const LOADER = '--import=file:///repo/node_modules/@tapjs/processinfo/dist/esm/import.mjs';

t.test('withoutLoader drops only tap processinfo loader', async (t) => {
  t.equal(withoutLoader(`"${LOADER}"`), '');
  t.equal(withoutLoader(`--max-old-space-size=512 ${LOADER} --enable-source-maps`), '--max-old-space-size=512 --enable-source-maps');
  t.equal(withoutLoader('--loader @tapjs/processinfo/loader --no-warnings'), '--no-warnings');
  t.equal(withoutLoader('--import tsx'), '--import tsx', 'another loader stays');
});

t.test('distPrefix runs node through env only when the loader is set', async (t) => {
  t.same(distPrefix(undefined, '/bin/node', 'linux'), []);
  t.same(distPrefix('--enable-source-maps', '/bin/node', 'linux'), []);
  t.same(distPrefix(`"${LOADER}"`, '/bin/node', 'linux'), ['-u', 'NODE_OPTIONS', '/bin/node']);
  t.same(distPrefix(`--max-old-space-size=512 ${LOADER}`, '/bin/node', 'linux'), ['NODE_OPTIONS=--max-old-space-size=512', '/bin/node']);
  t.same(distPrefix(`"${LOADER}"`, 'node.exe', 'win32'), [], 'no env on Windows');
});

t.test('a child started with DIST_NODE has no processinfo loader, a plain one has it', async (t) => {
  const print = ['-e', 'process.stdout.write(String(process.env.NODE_OPTIONS ?? ""))'];
  const dist = spawnSync(DIST_NODE, distArgs(print), { encoding: 'utf8' });
  t.equal(dist.status, 0, dist.stderr);
  t.notMatch(dist.stdout, /@tapjs[\\/]processinfo/);
  const plain = spawnSync(process.execPath, print, { encoding: 'utf8' });
  t.equal(plain.status, 0, plain.stderr);
  if (/@tapjs[\\/]processinfo/.test(process.env.NODE_OPTIONS ?? '')) t.match(plain.stdout, /@tapjs[\\/]processinfo/, 'under tap, a plain spawn gets the loader');
});
