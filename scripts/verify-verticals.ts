// npm run verify:verticals: every path's lab-style connector (fixtures/connectors/verticals)
// under `hed-tester debug` and `hed-tester check` against one mock on 127.0.0.1 serving all
// fifteen: 600 upserts, 8 checkpoints, EQUAL each. Exit 0 when all are, 1 when one is not,
// 2 when the Python with the SDK is missing.
//
//   tsx scripts/verify-verticals.ts [--vertical agr,tlc] [--python .venv/bin/python]
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../server/app.js';
import { serverConfig } from '../server/config.js';
import { chooseSyncRunner } from '../tester/debug.js';
import { startedLine } from '../tester/sdk.js';
import { parseVerticalList } from '../verticals/index.js';
import { formatVerticalRuns, runPassed, verifyVertical, type VerticalRun } from '../fixtures/connectors/verticals/verify.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const verticals = parseVerticalList(flag('--vertical'));
  const python = flag('--python') ?? join(root, '.venv', 'bin', 'python');
  if (!existsSync(python)) {
    console.error(`verify:verticals: ${python} is missing; run node scripts/python-env.mjs first (or pass --python).`);
    return 2;
  }
  const runner = await chooseSyncRunner({ python });
  const app = await buildApp(serverConfig({ logLevel: 'silent', port: 0, host: '127.0.0.1' }));
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`verify:verticals: ${verticals.map((v) => v.prefix).join(', ')} against ${baseUrl}; ${startedLine(runner.sdk)}`);
  const runs: VerticalRun[] = [];
  try {
    for (const definition of verticals) {
      const run = await verifyVertical(definition, { baseUrl, runner });
      runs.push(run);
      console.log(`  ${definition.prefix}: ${run.ok ? 'Sync SUCCEEDED' : `Sync FAILED: ${run.reason ?? ''}`}, ${run.upserts} upserts, ${run.checkpoints} checkpoints, ${run.check} (${(run.durationMs / 1000).toFixed(1)} s)`);
      if (!runPassed(run)) for (const line of run.tail) console.log(`    | ${line}`);
    }
  } finally {
    await app.close();
  }
  console.log(`\n${formatVerticalRuns(runs)}`);
  const bad = runs.filter((run) => !runPassed(run));
  console.log(bad.length === 0 ? `verify:verticals: all ${runs.length} paths sync 600 rows in 8 checkpoints and check EQUAL.` : `verify:verticals: ${bad.map((run) => run.prefix).join(', ')} did not.`);
  return bad.length === 0 ? 0 : 1;
}

process.exitCode = await main();
