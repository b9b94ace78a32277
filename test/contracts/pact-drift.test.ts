import t from 'tap';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PACT_FILE, readPact } from '../../contracts/pact-files.js';
import { PROVIDER_STATES } from '../../contracts/provider-states.js';

// consumer.test.ts (which tap runs before this file: test/contracts runs serially, in
// name order) rewrites contracts/pacts when the regenerated pact differs. This file
// compares the working copy with the last commit, so a regenerated pact that was not
// committed fails `npm run test:contracts` and `npm test` on every run, not only the first.

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

const inGitCheckout = await run('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root }).then(
  () => true,
  () => false,
);

t.test(
  'the pact in the working tree equals the committed one',
  { skip: inGitCheckout ? false : "not a git checkout: only the consumer test's own comparison applies" },
  async (t) => {
    const path = relative(root, PACT_FILE);
    let committed: string;
    try {
      committed = (await run('git', ['show', `HEAD:${path}`], { cwd: root, maxBuffer: 16 * 1024 * 1024 })).stdout;
    } catch (error) {
      t.fail(`${path} is not committed. Run npm run test:consumer, review it and commit it. (${String((error as Error).message).split('\n')[0]})`);
      return;
    }
    const working = await readFile(PACT_FILE, 'utf8');
    t.equal(working, committed, `${path} equals HEAD (when not, a regenerated pact was not committed: review git diff ${path} and commit it)`);
  },
);

t.test('the pact only names provider states the provider implements', async (t) => {
  const pact = await readPact(PACT_FILE);
  const known = new Set<string>(Object.values(PROVIDER_STATES));
  const used = new Set(pact.interactions.flatMap((i) => (i.providerStates ?? []).map((s) => s.name)));
  t.ok(used.size >= 5, `${used.size} distinct states are used`);
  for (const name of used) t.ok(known.has(name), `state "${name}" has a handler in contracts/provider-states.ts`);
});
