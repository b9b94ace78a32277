// npm run verify:sdks: the full SDK × scenario matrix. Each connector fixture (the lab-style
// one and the defective ones) runs every scenario under every SDK venv that
// scripts/python-env.mjs prepares (1.7.0, 2.13.1, 3.0.0); the verdicts and the
// lost/dup/unexpected/differing counts must agree across SDKs, except the differences
// tester/sdk-agreement.ts names. Exit 0 when they do, 1 when they do not, 2 when a venv is missing.
//
//   tsx scripts/verify-sdks.ts [--fixture NAME ...] [--scenario NAME ...] [--timeout-s S] [--json FILE]
//   (--timeout-s: a run's limit, default the matrix's 120 s; defective-loop times out in every scenario.)
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseSyncRunner } from '../tester/debug.js';
import { compareAcrossSdks, formatAgreement, type AgreementRow } from '../tester/sdk-agreement.js';
import { pythonRunner, runMatrix, type MatrixReport } from '../tester/scenarios/index.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const VENVS = ['.venv', '.venv-sdk2', '.venv-sdk3'];

function flags(name: string): string[] {
  const values: string[] = [];
  process.argv.forEach((arg, i) => {
    if (arg === name && process.argv[i + 1] !== undefined) values.push(process.argv[i + 1]!);
  });
  return values;
}

async function main(): Promise<number> {
  const fixtures = flags('--fixture');
  const chosen = fixtures.length > 0 ? fixtures : ['lab', ...readdirSync(join(root, 'fixtures/connectors')).filter((name) => name.startsWith('defective-')).sort()];
  const scenarios = flags('--scenario');
  const json = flags('--json')[0];
  const timeoutText = flags('--timeout-s')[0];
  const timeoutS = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutS !== undefined && !(Number.isFinite(timeoutS) && timeoutS > 0)) {
    console.error(`verify:sdks: --timeout-s takes a number of seconds above 0, not "${timeoutText}".`);
    return 2;
  }
  const runners = [];
  for (const venv of VENVS) {
    const python = join(root, venv, 'bin', 'python');
    if (!existsSync(python)) {
      console.error(`verify:sdks: ${python} is missing; run node scripts/python-env.mjs first.`);
      return 2;
    }
    runners.push(await chooseSyncRunner({ python }));
  }
  const sdks = runners.map((runner) => runner.sdk.version);
  console.log(`verify:sdks: ${chosen.join(', ')} × ${scenarios.length > 0 ? scenarios.join(', ') : 'every scenario'} × SDK ${sdks.join(', ')}`);
  const all: { fixture: string; rows: AgreementRow[]; reports: { sdk: string; report: MatrixReport }[] }[] = [];
  let unexplained = 0;
  for (const fixture of chosen) {
    const projectDir = join(root, 'fixtures/connectors', fixture);
    const reports: { sdk: string; report: MatrixReport }[] = [];
    for (const runner of runners) {
      const started = Date.now();
      const report = await runMatrix({
        connector: fixture,
        run: pythonRunner({ projectDir, runner }),
        configuration: { api_key: 'hed-demo-key', page_size: '100' },
        ...(scenarios.length > 0 ? { scenarios } : {}),
        ...(timeoutS === undefined ? {} : { timeoutS }),
      });
      console.log(`  ${fixture} under ${runner.sdk.version}: ${report.results.filter((r) => r.verdict === 'pass').length} of ${report.results.length} pass (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      reports.push({ sdk: runner.sdk.version, report });
    }
    const rows = compareAcrossSdks(reports);
    unexplained += rows.filter((row) => !row.agree && row.known === undefined).length;
    console.log(`\n${fixture} (verdict lost/dup/unexpected/differing)\n${formatAgreement(sdks, rows)}`);
    for (const row of rows) if (row.known !== undefined) console.log(`  ${row.scenario}: KNOWN: ${row.known.reason}`);
    all.push({ fixture, rows, reports });
  }
  if (json !== undefined) writeFileSync(json, `${JSON.stringify(all, null, 2)}\n`);
  console.log(unexplained === 0 ? 'verify:sdks: every verdict agrees across SDKs.' : `verify:sdks: ${unexplained} scenario(s) differ across SDKs without a named reason.`);
  return unexplained === 0 ? 0 : 1;
}

process.exitCode = await main();
