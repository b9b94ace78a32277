import t from 'tap';
import { rmSync } from 'node:fs';
import { parseCheckpointState } from '../../tester/checkpoint-state.js';
import { runTesterDebug } from '../../tester/debug.js';
import { needsPython, sdkPython } from '../helpers/python.js';
import { captureOutput, projectFrom } from './helpers.js';

t.test('a state is any JSON object', async (t) => {
  t.same(parseCheckpointState('{"next_cursor": "c1", "n": 2}'), { next_cursor: 'c1', n: 2 });
  t.throws(() => parseCheckpointState('["a"]'), /checkpointed \["a"\], not a JSON object; pass a dict/);
});

t.test('NaN or Infinity in a state: the message says the state is not JSON and why', async (t) => {
  t.throws(() => parseCheckpointState('{"page": 2, "mean_gpa": NaN}'), {
    message: /^The connector checkpointed a state that is not JSON: \{"page": 2, "mean_gpa": NaN\}\. Python wrote the float NaN into it \(json\.dumps allows float\('nan'\) and float\('inf'\), JSON does not\)\. Keep such values out of the state: store None or a string instead; the checkpoint was not saved\.$/,
  });
  t.throws(() => parseCheckpointState('{"x": -Infinity}'), /Python wrote the float -Infinity/);
  t.throws(() => parseCheckpointState('{"note": "NaN here is text", "x": }'), /is not JSON: .*Pass a dict of JSON values/, 'NaN inside a string is not blamed');
});

t.test('a connector that checkpoints NaN: Sync FAILED with that sentence, the checkpoint before it is kept', needsPython(), async (t) => {
  const project = projectFrom('nan-state');
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  const out = captureOutput();
  const result = await runTesterDebug({ projectDir: project, python: sdkPython() as string, out });
  t.notOk(result.ok);
  t.match(result.reason, /checkpointed a state that is not JSON: .*NaN.*Python wrote the float NaN/);
  t.notMatch(out.text(), /Unexpected token/);
  t.same(result.state, { page: 1 });
});
