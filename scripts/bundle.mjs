// `npm run bundle`: one file that installs the whole lab with no network, for this platform.
//
//   hed-lab-kit-VERSION-PLATFORM-ARCH.tar.gz
//   └── hed-lab-kit-VERSION-PLATFORM-ARCH/
//       ├── install.sh       the CLIs onto the PATH, the lab's venv from the wheelhouse
//       ├── kit/             the package as `npm pack` makes it, dist/ built, with its
//       │                    production node_modules (native modules built for this platform)
//       ├── wheelhouse/      fivetran-connector-sdk==1.7.0, requests, duckdb-cli and their
//       │                    dependencies as wheels (+ 2.x/3.x SDKs with --sdk 2,3)
//       └── manifest.json    what is inside and for which platform and Python
//
// Making the bundle may use the registries (PyPI for the wheels; node_modules must already
// be installed); installing it never does. Options: --sdk 2,3  --python-version 3.10,3.12
// --python <path>  --out <dir>  --no-build  --compression <1-9>  --help.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** The SDK pins the wheelhouse can hold: 1 is the lab's, 2 and 3 the newer generations. */
const SDK_PINS = {
  1: '1.7.0',
  2: readFileSync(join(root, 'test', 'requirements-sdk2.txt'), 'utf8').match(/fivetran-connector-sdk==(\S+)/)?.[1] ?? '2.13.1',
  3: '3.0.0',
};
/** What the lab's venv holds besides the SDK: requests (the lab's client) and a DuckDB CLI. */
const LAB_EXTRAS = ['requests', 'duckdb-cli'];

const HELP = `Usage: npm run bundle -- [options]

Writes hed-lab-kit-VERSION-PLATFORM-ARCH.tar.gz for this platform: the kit with its
production dependencies installed and built, dist/, a Python wheelhouse for the lab and
install.sh, which installs all of it with no network. Making it needs node_modules in
place (npm install) and PyPI (or pip's cache) for the wheels.

Options:
  --sdk <list>             more SDK generations in the wheelhouse besides 1.7.0: 2 (= ${SDK_PINS[2]}).
                           3.x is refused: its core is under Fivetran's proprietary licence and the
                           kit never bundles it (attendees who want 3.x install it from PyPI)
  --python-version <list>  also wheels for these Python versions, e.g. 3.10,3.12 (attendees'
                           Pythons that differ from this one)
  --python <path>          the Python that makes the wheelhouse (default: python3)
  --out <dir>              where to write the file (default: the checkout)
  --no-build               use dist/ as it is instead of running npm run build
  --compression <1-9>      gzip level of the .tar.gz (default 6, gzip's own; 1 takes about half
                           the CPU and makes the file about 7% larger)
  -h, --help               show this help
`;

function fail(message) {
  console.error(`bundle: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error !== undefined) fail(`cannot run ${command} (${result.error.message}). Install it and run the bundle again.`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${(result.stderr || result.stdout).slice(-2000)}`);
  return result.stdout;
}

/** `run` without waiting: the command runs while the caller goes on; resolves with its stdout. */
function runInBackground(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', (error) => fail(`cannot run ${command} (${error.message}). Install it and run the bundle again.`));
    child.once('close', (status) => {
      if (status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${status}):\n${(stderr || stdout).slice(-2000)}`);
      resolve(stdout);
    });
  });
}

/** The production packages, as folders relative to the checkout, outermost only. */
function productionPackages() {
  const listed = run('npm', ['ls', '--omit=dev', '--all', '--parseable'])
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(join(root, 'node_modules') + sep))
    .map((line) => relative(root, line))
    .sort();
  const outermost = [];
  for (const folder of listed) {
    if (outermost.some((kept) => folder.startsWith(kept + sep))) continue;
    outermost.push(folder);
  }
  return outermost;
}

/**
 * Leaves out what a built package does not need at run time: better-sqlite3's C sources and
 * compiler intermediates (its build/Release/better_sqlite3.node is what loads).
 */
function keep(source) {
  const inSqlite = source.split(sep).join('/').match(/node_modules\/better-sqlite3\/(.*)$/)?.[1];
  if (inSqlite === undefined) return true;
  if (inSqlite.startsWith('deps') || inSqlite.startsWith('src')) return false;
  if (!inSqlite.startsWith('build')) return true;
  return ['build', 'build/Release', 'build/Release/better_sqlite3.node'].includes(inSqlite);
}

function sizeOf(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        sdk: { type: 'string', default: '' },
        'python-version': { type: 'string', default: '' },
        python: { type: 'string', default: 'python3' },
        out: { type: 'string', default: root },
        'no-build': { type: 'boolean', default: false },
        compression: { type: 'string', default: '6' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    fail(`${error.message}. Run npm run bundle -- --help for the options.`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const extraSdks = values.sdk.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (extraSdks.includes('3')) fail(`--sdk 3 is refused: fivetran-connector-sdk ${SDK_PINS[3]} needs fivetran-connector-sdk-core, which is under Fivetran's proprietary licence, and the kit never copies or bundles it. Attendees who want 3.x run pip install fivetran-connector-sdk==${SDK_PINS[3]} where PyPI is reachable; hed-tester runs it as installed.`);
  for (const sdk of extraSdks) if (sdk !== '2') fail(`--sdk takes 2, not "${sdk}".`);
  const pythonVersions = values['python-version'].split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const version of pythonVersions) if (!/^3\.\d+$/.test(version)) fail(`--python-version takes versions like 3.10,3.12, not "${version}".`);
  if (!/^[1-9]$/.test(values.compression)) fail(`--compression takes a gzip level from 1 to 9, not "${values.compression}".`);

  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const name = `${pkg.name}-${pkg.version}-${process.platform}-${process.arch}`;
  if (!existsSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))) fail('node_modules is missing or better-sqlite3 is not built: run npm install in the checkout first (the bundle copies its production packages).');
  // DuckDB's native binding comes in one package per platform (lib/platform.ts, duckdbBindingPackage); npm installs the machine's own.
  const duckdbBinding = readdirSync(join(root, 'node_modules', '@duckdb')).filter((name) => name.startsWith(`node-bindings-${process.platform}-${process.arch}`));
  if (duckdbBinding.length === 0) fail(`node_modules has no @duckdb/node-bindings-${process.platform}-${process.arch}: run npm install on this machine (a bundle is made on the platform it is for).`);
  const started = Date.now();

  if (!values['no-build']) {
    console.log('bundle: building dist/ (npm run build)');
    run('npm', ['run', 'build']);
  }
  if (!existsSync(join(root, 'dist', 'server', 'main.js'))) fail('dist/ is not built: run npm run build (or leave out --no-build).');

  const out = values.out;
  mkdirSync(out, { recursive: true });
  // The bundle's folder is put together in the temporary folder ($TMPDIR, else /tmp), which
  // may be in memory; only the .tar.gz is written to --out.
  const staging = mkdtempSync(join(tmpdir(), `${name}-`));
  const top = join(staging, name);
  const kit = join(top, 'kit');
  mkdirSync(kit, { recursive: true });

  // The lab's Python side as wheels (pip wheel also turns the odd sdist into a wheel, so
  // installing needs no build tools). pip spends much of its time waiting on the index: it
  // runs in the background while the kit is packed and its packages copied.
  const wheelhouse = join(top, 'wheelhouse');
  mkdirSync(wheelhouse);
  const sdks = ['1', ...extraSdks];
  const quiet = ['--disable-pip-version-check', '-q'];
  const wheels = (async () => {
    for (const sdk of sdks) {
      const requirement = `fivetran-connector-sdk==${SDK_PINS[sdk]}`;
      console.log(`bundle: wheels for ${requirement} ${LAB_EXTRAS.join(' ')} (${values.python}), in the background`);
      await runInBackground(values.python, ['-m', 'pip', 'wheel', ...quiet, '--wheel-dir', wheelhouse, requirement, ...LAB_EXTRAS]);
      for (const version of pythonVersions) {
        console.log(`bundle: wheels for ${requirement} for Python ${version}`);
        await runInBackground(values.python, ['-m', 'pip', 'download', ...quiet, '--only-binary=:all:', '--python-version', version, '--find-links', wheelhouse, '--dest', wheelhouse, requirement, ...LAB_EXTRAS]);
      }
    }
  })();

  // The package exactly as npm publishes it (the `files` list of package.json), unpacked.
  console.log('bundle: packing the kit (npm pack)');
  const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', staging]))[0];
  run('tar', ['xzf', join(staging, packed.filename), '-C', kit, '--strip-components=1']);
  rmSync(join(staging, packed.filename));
  cpSync(join(root, 'package-lock.json'), join(kit, 'package-lock.json'));

  // Production dependencies, already installed and built in the checkout: no registry, no compiler.
  const packages = productionPackages();
  console.log(`bundle: copying ${packages.length} production packages from node_modules`);
  for (const folder of packages) cpSync(join(root, folder), join(kit, folder), { recursive: true, filter: keep, verbatimSymlinks: true });

  // The wheels (started above, before the kit) are all in the wheelhouse before the manifest lists them.
  await wheels;
  const pythonTag = run(values.python, ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")']).trim();

  cpSync(join(root, 'scripts', 'bundle-install.sh'), join(top, 'install.sh'));
  chmodSync(join(top, 'install.sh'), 0o755);
  const manifest = {
    name: pkg.name,
    version: pkg.version,
    platform: process.platform,
    arch: process.arch,
    node: { built: process.versions.node, engines: pkg.engines.node, modules: process.versions.modules },
    python: { versions: [pythonTag, ...pythonVersions], sdks: sdks.map((sdk) => SDK_PINS[sdk]), extras: LAB_EXTRAS },
    wheels: readdirSync(wheelhouse).sort(),
    packages: packages.length,
  };
  writeFileSync(join(top, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const file = join(out, `${name}.tar.gz`);
  console.log(`bundle: writing ${file}`);
  run('tar', ['-c', '-f', file, `--use-compress-program=gzip -${values.compression}`, '-C', staging, name]);
  const unpacked = sizeOf(top);
  rmSync(staging, { recursive: true, force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`bundle: ${file} is ready: ${mb(statSync(file).size)} (${mb(unpacked)} unpacked), ${packages.length} npm packages, ${manifest.wheels.length} wheels for Python ${manifest.python.versions.join(', ')}, SDK ${manifest.python.sdks.join(', ')}; made in ${seconds} s.`);
  console.log(`bundle: install it with: tar xzf ${name}.tar.gz && ${name}/install.sh`);
}

await main();
