import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runnerFor } from '../../tester/debug.js';
import { chooseRunner, detectSdk, probeSdk, RUNNER_LABEL, startedLine, type SdkProbe } from '../../tester/sdk.js';
import { fakeDistribution, fakePython, sdk2Python, sdk3Python, sdkPython } from '../helpers/python.js';

const probe = (over: Partial<SdkProbe>): SdkProbe => ({ python: '/venv/bin/python', sdk: '1.7.0', protos: true, core: null, ...over });

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

t.test('the probe reads the version from package metadata, without importing the SDK', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hed-sdk-probe-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const site = join(dir, 'site');
  fakeDistribution(site, 'fivetran_connector_sdk', '4.0.0', ['fivetran_connector_sdk/__init__.py']);
  const fake = fakePython(dir, site);
  if (fake === false) {
    t.comment('no python3 on this machine: nothing to check');
    return;
  }
  t.same(await probeSdk(fake, process.env), { python: fake, sdk: '4.0.0', protos: false, core: null });
  await t.rejects(detectSdk(fake, process.env), { name: 'SdkUnavailableError', code: 'unsupported_version', message: /fivetran-connector-sdk 4\.0\.0 is installed/ });
  fakeDistribution(site, 'fivetran_connector_sdk_core', '0.1.0');
  rmSync(join(site, 'fivetran_connector_sdk-4.0.0.dist-info'), { recursive: true });
  fakeDistribution(site, 'fivetran_connector_sdk', '3.0.0', ['fivetran_connector_sdk/__init__.py']);
  t.same(await detectSdk(fake, process.env), { python: fake, version: '3.0.0', kind: 'engine' });
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
