import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The packed tarball, installed in an empty folder, runs the README's "connector team in
// its own CI" example: the package imported by name verifies a pact against an in-process mock.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = (command: string, args: string[], cwd: string, timeoutMs: number) =>
  spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, npm_config_update_notifier: 'false' } });

/** The example in docs/contracts.md between its markers. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'docs', 'contracts.md'), 'utf8');
  const block = /<!-- pack-example:start -->\n```js\n([\s\S]*?)```\n<!-- pack-example:end -->/.exec(readme)?.[1];
  if (block === undefined) throw new Error('docs/contracts.md has no pack-example block.');
  return block;
}

/**
 * Puts the tarball's package into `dir/node_modules`: `npm install --offline` from the
 * cache when it has every dependency; otherwise the tarball is unpacked there and the
 * other packages are linked from the checkout's node_modules (same versions, no network).
 */
function install(dir: string, tarball: string): 'npm install' | 'unpacked, dependencies linked' {
  const npm = run('npm', ['install', tarball, '@pact-foundation/pact', '--offline', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir, 180_000);
  if (npm.status === 0 && existsSync(join(dir, 'node_modules', 'hed-lab-kit', 'package.json'))) return 'npm install';
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  const target = join(dir, 'node_modules', 'hed-lab-kit');
  mkdirSync(target, { recursive: true });
  const tar = run('tar', ['xzf', tarball, '-C', target, '--strip-components=1'], dir, 60_000);
  if (tar.status !== 0) throw new Error(`tar could not unpack ${tarball}: ${tar.stderr}`);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === 'hed-lab-kit' || name === '.bin' || name.startsWith('.')) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  return 'unpacked, dependencies linked';
}

t.test('the packed tarball installs in an empty folder and its README example verifies a pact', async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'lib', 'public.js'))) t.fail('dist/ is not built: run `npm run build` first (npm test does).');
  const scratch = mkdtempSync(join(tmpdir(), 'hed-pack-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));

  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], ROOT, 120_000);
  t.equal(pack.status, 0, `npm pack: ${pack.stderr.slice(-500)}`);
  const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  const files = packed!.files.map((f) => f.path);
  for (const needed of ['package.json', 'dist/lib/public.js', 'dist/lib/public.d.ts', 'dist/server/main.js', 'bin/hed-mock.js', 'fixtures/scenarios/flaky.json']) t.ok(files.includes(needed), `the tarball holds ${needed}`);
  t.notOk(files.some((f) => f.startsWith('test/') || f.startsWith('dist/test/') || f.startsWith('node_modules/')), 'no tests or node_modules in the tarball');

  const project = join(scratch, 'project');
  mkdirSync(join(project, 'pacts'), { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-connector', version: '1.0.0', private: true, type: 'module' }));
  cpSync(join(ROOT, 'contracts', 'pacts', 'hed-connector-hed-api.json'), join(project, 'pacts', 'my-connector-hed-api.json'));
  writeFileSync(join(project, 'verify-pact.mjs'), readmeExample());
  const how = install(project, join(scratch, packed!.filename));
  t.comment(`installed by: ${how}`);

  const types = JSON.parse(readFileSync(join(project, 'node_modules', 'hed-lab-kit', 'package.json'), 'utf8')) as { exports: Record<string, { types: string }> };
  t.ok(existsSync(join(project, 'node_modules', 'hed-lab-kit', types.exports['.']!.types)), 'the entry\'s types are in the package');

  const example = run(process.execPath, ['verify-pact.mjs'], project, 180_000);
  t.equal(example.status, 0, `the example exits 0: ${example.stderr.slice(-1500)}`);
  t.match(example.stdout, /pact verified against hed-lab-kit at http:\/\/127\.0\.0\.1:\d+/);

  // A pact the mock does not honour must fail the same example: the check can fail.
  const pact = JSON.parse(readFileSync(join(project, 'pacts', 'my-connector-hed-api.json'), 'utf8')) as { interactions: { response: { status: number } }[] };
  pact.interactions[0]!.response.status = 418;
  writeFileSync(join(project, 'pacts', 'my-connector-hed-api.json'), JSON.stringify(pact));
  const broken = run(process.execPath, ['verify-pact.mjs'], project, 180_000);
  t.not(broken.status, 0, 'a broken pact fails verification');
});
