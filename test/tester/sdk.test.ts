import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runnerFor } from '../../tester/debug.js';
import { chooseRunner, detectSdk, probeSdk, RUNNER_LABEL, startedLine, type SdkProbe } from '../../tester/sdk.js';
import { fakeDistribution, fakePython, sdk2Python, sdk3Python, sdkPython } from '../helpers/python.js';

const probe = (over: Partial<SdkProbe>): SdkProbe => ({ python: '/venv/bin/python', sdk: '1.7.0', protos: true, core: null, imports: { grpc: null }, ...over });

t.test('each SDK generation gets its runner: 1.x gRPC v1, 2.x gRPC v2, 3.x the in-process engine', async (t) => {
  t.equal(chooseRunner(probe({ sdk: '1.7.0' })).kind, 'grpc-v1');
  t.equal(chooseRunner(probe({ sdk: '1.0.0' })).kind, 'grpc-v1');
  t.equal(chooseRunner(probe({ sdk: '2.13.1' })).kind, 'grpc-v2');
  t.equal(chooseRunner(probe({ sdk: '3.0.0', protos: false, core: '0.1.0' })).kind, 'engine');
  t.equal(chooseRunner(probe({ sdk: '3.2.1rc1', protos: false, core: '0.3.0' })).kind, 'engine');
  t.equal(runnerFor(chooseRunner(probe({ sdk: '3.0.0', protos: false, core: '0.1.0' }))).kind, 'engine');
  t.equal(runnerFor(chooseRunner(probe({ sdk: '2.13.1' }))).kind, 'grpc-v2');
  t.equal(startedLine({ python: 'python3', version: '3.0.0', kind: 'engine' }), 'Connector started with fivetran_connector_sdk 3.0.0 (in-process engine)');
  t.equal(startedLine({ python: 'python3', version: '1.7.0', kind: 'grpc-v1' }), 'Connector started with fivetran_connector_sdk 1.7.0 (gRPC v1)');
  t.same(Object.keys(RUNNER_LABEL).sort(), ['engine', 'grpc-v1', 'grpc-v2']);
});

t.test('an SDK it cannot run is one sentence naming the installed version and what is supported', async (t) => {
  t.throws(() => chooseRunner(probe({ sdk: null })), { name: 'SdkUnavailableError', code: 'no_sdk', message: /^fivetran-connector-sdk is not installed in \/venv\/bin\/python, and hed-tester runs 1\.x \(gRPC v1\), 2\.x \(gRPC v2\) and 3\.x .*activate your virtual environment first/ });
  t.throws(() => chooseRunner(probe({ sdk: '4.0.0' })), { code: 'unsupported_version', message: /^fivetran-connector-sdk 4\.0\.0 is installed in \/venv\/bin\/python, and hed-tester runs 1\.x .* only/ });
  t.throws(() => chooseRunner(probe({ sdk: '0.9.3' })), { code: 'unsupported_version', message: /0\.9\.3 is installed/ });
  t.throws(() => chooseRunner(probe({ sdk: '2.1.0', protos: false })), { code: 'unknown_layout', message: /2\.1\.0 is installed .* without fivetran_connector_sdk\/protos/ });
  t.throws(() => chooseRunner(probe({ sdk: '3.0.0', protos: false, core: null })), { code: 'unknown_layout', message: /3\.0\.0 is installed .* without fivetran-connector-sdk-core .*--force-reinstall fivetran-connector-sdk==3\.0\.0/ });
  t.throws(() => chooseRunner(probe({ sdk: '1.7.0', imports: { grpc: "ModuleNotFoundError: No module named 'grpc'" } })), {
    code: 'does_not_import',
    message: /^fivetran-connector-sdk 1\.7\.0 is installed in \/venv\/bin\/python but does not import for hed-tester's gRPC v1 runner \(ModuleNotFoundError: No module named 'grpc'\), and hed-tester runs 1\.x .*--force-reinstall fivetran-connector-sdk==1\.7\.0\.$/,
  });
  t.throws(() => chooseRunner(probe({ sdk: '3.0.0', protos: false, core: '0.1.0', imports: { engine: 'ImportError: broken' } })), { code: 'does_not_import', message: /3\.0\.0 .* does not import for hed-tester's in-process engine runner \(ImportError: broken\)/ });
  t.equal(chooseRunner(probe({ sdk: '1.7.0', core: '0.1.0', imports: { grpc: null, engine: 'ImportError: not this one' } })).kind, 'grpc-v1', "only the chosen runner's imports count");
  for (const sdk of [null, '4.0.0']) {
    const message = (() => {
      try {
        chooseRunner(probe({ sdk }));
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    t.notMatch(message, /pip install [^(]*==1\.7\.0/, 'never tells anyone to install another version than the one they have, or the newest');
    t.equal(message.split(/\.\s+[A-Z]/).length, 1, 'one sentence');
  }
});

t.test('the probe reads the version from package metadata, then imports what the chosen runner imports', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hed-sdk-probe-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const site = join(dir, 'site');
  fakeDistribution(site, 'fivetran_connector_sdk', '4.0.0', ['fivetran_connector_sdk/__init__.py']);
  const fake = fakePython(dir, site);
  if (fake === false) {
    t.comment('no python3 on this machine: nothing to check');
    return;
  }
  t.same(await probeSdk(fake, process.env), { python: fake, sdk: '4.0.0', protos: false, core: null, imports: {} }, 'no runner for 4.x, so nothing is imported');
  await t.rejects(detectSdk(fake, process.env), { name: 'SdkUnavailableError', code: 'unsupported_version', message: /fivetran-connector-sdk 4\.0\.0 is installed/ });
  fakeDistribution(site, 'fivetran_connector_sdk_core', '0.1.0');
  rmSync(join(site, 'fivetran_connector_sdk-4.0.0.dist-info'), { recursive: true });
  fakeDistribution(site, 'fivetran_connector_sdk', '3.0.0', ['fivetran_connector_sdk/__init__.py']);
  t.same(await probeSdk(fake, process.env), { python: fake, sdk: '3.0.0', protos: false, core: '0.1.0', imports: { engine: "ModuleNotFoundError: No module named 'fivetran_connector_sdk'" } });
  await t.rejects(detectSdk(fake, process.env), { code: 'does_not_import', message: /3\.0\.0 is installed .* \(ModuleNotFoundError: No module named 'fivetran_connector_sdk'\)/ });
  // Every module the engine runner imports (tester/python/hed_tester_common.py), as stubs; the SDK prints as it imports.
  const stubs: Record<string, string> = {
    'fivetran_connector_sdk/__init__.py': 'print("SDK banner on stdout")\n',
    'fivetran_connector_sdk_core/__init__.py': '',
    'fivetran_connector_sdk_core/constants.py': '',
    'fivetran_connector_sdk_cli/__init__.py': '',
    'fivetran_connector_sdk_cli/core_adapter.py': '',
    'fivetran_connector_sdk_cli/runtime.py': '',
    'fivetran_connector_sdk_cli/cli_helpers.py': 'def find_connector_object(project):\n    raise AssertionError("the probe never loads the connector")\n',
    'fivetran_connector_sdk_common/__init__.py': '',
    'fivetran_connector_sdk_common/constants.py': '',
    'fivetran_connector_sdk_common/configuration.py': 'def check_dict(value, strict=False):\n    return value\n',
    'fivetran_connector_sdk_common/helpers.py': 'def print_library_log(*args, **kwargs):\n    pass\n',
    'fivetran_connector_sdk_common/logger.py': 'class Logging:\n    pass\n',
  };
  for (const [path, source] of Object.entries(stubs)) {
    mkdirSync(join(site, path, '..'), { recursive: true });
    writeFileSync(join(site, path), source);
  }
  t.same((await probeSdk(fake, process.env)).imports, { engine: null });
  t.same(await detectSdk(fake, process.env), { python: fake, version: '3.0.0', kind: 'engine' });
  writeFileSync(join(site, 'fivetran_connector_sdk_cli', 'runtime.py'), 'import sys\nsys.exit("runtime needs a newer Python")\n');
  await t.rejects(detectSdk(fake, process.env), { code: 'does_not_import', message: /in-process engine runner \(SystemExit: runtime needs a newer Python\)/ }, 'even an import that exits is an error of the install');
  await t.rejects(detectSdk(join(dir, 'no-python'), process.env), { name: 'SdkUnavailableError', code: 'no_python', message: /cannot run Python at .*no-python \(not found\)/ });
});

t.test('the installed venvs probe as what they hold', async (t) => {
  const cases: [string | false, string, string][] = [
    [sdkPython(), '1.7.0', 'grpc-v1'],
    [sdk2Python(), '2.', 'grpc-v2'],
    [sdk3Python(), '3.', 'engine'],
  ];
  for (const [python, version, kind] of cases) {
    if (python === false) {
      t.comment(`no venv for ${kind}; run node scripts/python-env.mjs`);
      continue;
    }
    const sdk = await detectSdk(python, process.env);
    t.ok(sdk.version.startsWith(version), `${sdk.version} starts with ${version}`);
    t.equal(sdk.kind, kind);
  }
});
