import t from 'tap';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { installSdkSentence, killLaunchedConnectors, launchConnector, resolvePython, tailText } from '../../tester/python.js';
import { needsPython, sdkPython } from '../helpers/python.js';
import { projectFrom } from './helpers.js';

t.test('the Python: --python (paths from the current folder), else $VIRTUAL_ENV, else python3', async (t) => {
  t.equal(resolvePython('python3.11', {}), 'python3.11', 'a command name stays a command name');
  t.equal(resolvePython('.venv/bin/python', {}), resolve('.venv/bin/python'));
  t.equal(resolvePython(undefined, { VIRTUAL_ENV: '/opt/venv' }), '/opt/venv/bin/python');
  t.equal(resolvePython('', { VIRTUAL_ENV: '' }), 'python3');
  t.equal(resolvePython(undefined, {}), 'python3');
  t.match(installSdkSentence('/x/python', '3.0.0'), '/x/python -m pip install --force-reinstall fivetran-connector-sdk==3.0.0');
  t.notMatch(installSdkSentence('/x/python', '3.0.0'), '1.7.0');
  t.match(installSdkSentence('/x/python'), /^\/x\/python is not in a virtual environment \(none is active\): activate your virtual environment first \(`source \.venv\/bin\/activate`.*then install the SDK into it with `python -m pip install fivetran-connector-sdk` \(the lab pins ==1\.7\.0\)/);
  t.match(installSdkSentence('python3'), /activate your virtual environment first[^]*then install the SDK into it/, 'venv first, then pip into the venv');
  t.notMatch(installSdkSentence('python3'), /python3 -m pip install/, 'never pip into the system Python');
  const venv = t.testdir({ 'pyvenv.cfg': 'home = /usr/bin\n', bin: { python: '' } });
  t.match(installSdkSentence(join(venv, 'bin', 'python')), /^Install the SDK into that virtual environment with `.*bin\/python -m pip install fivetran-connector-sdk` \(the lab pins ==1\.7\.0\)/);
  t.equal(tailText([]), '');
  t.equal(tailText(['', '  ']), '');
  t.equal(tailText(['a', 'b', 'c'], 2), '. Last lines from the connector:\n  b\n  c');
});

t.test('killLaunchedConnectors ends every connector still running (the signal handlers use it)', needsPython(), async (t) => {
  const project = projectFrom('hangs');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const launched = await launchConnector({ python: sdkPython() as string, projectDir: project, configuration: {}, state: {}, onLine: () => undefined, startupTimeoutMs: 30_000, env: process.env });
  t.ok(launched.port > 0);
  t.equal(launched.protocol, 'v1');
  killLaunchedConnectors();
  t.equal(await launched.exited, 'SIGKILL');
  await launched.stop();
});

t.test('an abort before the server starts stops the launch', needsPython(), async (t) => {
  const project = projectFrom('no-server');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const controller = new AbortController();
  const launching = launchConnector({ python: sdkPython() as string, projectDir: project, configuration: {}, state: {}, onLine: () => undefined, startupTimeoutMs: 30_000, env: process.env, signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  await t.rejects(launching, { name: 'LaunchError', reason: /interrupted before the connector started/ });
});

t.test('a folder without connector.py is refused by the launcher itself', needsPython(), async (t) => {
  const project = projectFrom('lab');
  rmSync(resolve(project, 'connector.py'));
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  await t.rejects(launchConnector({ python: sdkPython() as string, projectDir: project, configuration: {}, state: {}, onLine: () => undefined, startupTimeoutMs: 30_000, env: process.env }), { name: 'LaunchError', message: /There is no connector\.py in/ });
});

t.test('connector.py without a Connector object, or failing at import: the launch says so', needsPython(), async (t) => {
  const project = projectFrom('lab');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const options = { python: sdkPython() as string, projectDir: project, configuration: {}, state: {}, onLine: () => undefined, startupTimeoutMs: 30_000, env: process.env };
  writeFileSync(resolve(project, 'connector.py'), 'def update(configuration, state):\n    yield None\n');
  await t.rejects(launchConnector(options), { name: 'LaunchError', message: /defines no Connector object; add `connector = Connector\(update=update, schema=schema\)`/ });
  writeFileSync(resolve(project, 'connector.py'), 'import no_such_module_for_hed\n');
  await t.rejects(launchConnector(options), { name: 'LaunchError', message: /exited \(code 1\) before its gRPC server started[\s\S]*ModuleNotFoundError: No module named 'no_such_module_for_hed'/ });
});
