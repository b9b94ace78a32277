// Bench part 6: under SDK 3.x hed-tester drives the SDK's own in-process engine, so it should
// sync about as fast as the SDK's own `fivetran debug` on the same connector. Both are whole
// processes on the same 100,000-record mock; `fivetran debug`'s records/s is taken from the
// engine's own "SYNC SUCCEEDED — total elapsed" (its sync alone: its interpreter start, its
// PyPI version check and its pipreqs scan are left out), while hed-tester's is its whole run,
// Node and Python start included: the comparison leans against hed-tester.
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runChild, startListening } from './processes.js';
import type { BenchRow } from './report.js';

/** Settings of part 6, in one block. */
export const SDK3_BENCH = {
  students: 100_000,
  pageSize: 100,
  maxPages: 5_000,
  venv: '.venv-sdk3',
  serverStartTimeoutMs: 120_000,
  runTimeoutMs: 600_000,
  /** hed-tester's records/s over `fivetran debug`'s (the issue's aim: 0.9, since ours drives theirs). */
  floor: 0.75,
  aim: 0.9,
} as const;

/**
 * Seconds in the engine's `total elapsed HH:MM:SS.mmm`, or undefined.
 *
 * @example
 * engineElapsedSeconds('SYNC SUCCEEDED — total elapsed 00:01:02.500') // 62.5
 */
export function engineElapsedSeconds(text: string): number | undefined {
  const match = /total elapsed (\d+):(\d+):(\d+)\.(\d+)/.exec(text);
  if (match === null) return undefined;
  const [h, m, s, ms] = match.slice(1).map(Number) as [number, number, number, number];
  return h * 3600 + m * 60 + s + ms / 1000;
}

/**
 * Adds part 6's row: hed-tester debug against the SDK's own `fivetran debug` under 3.x.
 *
 * @example
 * await benchTesterSdk3(rows, (line) => process.stderr.write(line + '\n'));
 */
export async function benchTesterSdk3(rows: BenchRow[], log: (line: string) => void, students: number = SDK3_BENCH.students): Promise<void> {
  const figure = `hed-tester debug under SDK 3.x, lab-style connector (lab-strict), ${students.toLocaleString('en-US')} records`;
  const frame: BenchRow = { part: '6', figure, unit: 'rec/s', baselineLabel: 'fivetran debug', judgement: { kind: 'ratio-at-least', floor: SDK3_BENCH.floor, aim: SDK3_BENCH.aim } };
  const bin = join(ROOT, SDK3_BENCH.venv, 'bin');
  if (!existsSync(join(bin, 'fivetran'))) {
    rows.push({ ...frame, note: `no ${SDK3_BENCH.venv} with fivetran-connector-sdk 3.x; run node scripts/python-env.mjs` });
    return;
  }
  log(`6. hed-tester under SDK 3.x against the SDK's own fivetran debug, ${students.toLocaleString('en-US')} records`);
  const mock = await startListening(process.execPath, ['bin/hed-mock.js', 'serve', '--port', '0', '--students', String(students), '--log-level', 'silent'], SDK3_BENCH.serverStartTimeoutMs);
  const theirs = mkdtempSync(join(tmpdir(), 'hed-bench-sdk3-theirs-'));
  const ours = mkdtempSync(join(tmpdir(), 'hed-bench-sdk3-ours-'));
  try {
    const configuration = JSON.stringify({ api_key: 'hed-demo-key', base_url: mock.url, page_size: String(SDK3_BENCH.pageSize), max_pages: String(SDK3_BENCH.maxPages) });
    for (const project of [theirs, ours]) {
      copyFileSync(join(ROOT, 'fixtures', 'connectors', 'lab-strict', 'connector.py'), join(project, 'connector.py'));
      writeFileSync(join(project, 'configuration.json'), configuration);
    }
    // `fivetran debug` as a user runs it from the activated venv (its pipreqs scan needs the venv on PATH).
    const env = [`PATH=${bin}:${process.env.PATH ?? ''}`, 'DO_NOT_TRACK=1', `VIRTUAL_ENV=${join(ROOT, SDK3_BENCH.venv)}`];
    const sdk = await runChild('env', [...env, join(bin, 'fivetran'), 'debug', theirs, '--configuration', join(theirs, 'configuration.json')], SDK3_BENCH.runTimeoutMs);
    const tester = await runChild('env', [...env, process.execPath, 'bin/hed-tester.js', 'debug', '--project-dir', ours], SDK3_BENCH.runTimeoutMs);
    const engineSeconds = engineElapsedSeconds(sdk.stdout + sdk.stderr);
    const upserts = Number(/Upserts\s+\| (\d+)/.exec(tester.stdout)?.[1] ?? 0);
    const theirUpserts = Number(/Upserts\s+\| (\d+)/.exec(sdk.stdout + sdk.stderr)?.[1] ?? 0);
    const problems = [
      ...(sdk.code === 0 ? [] : [`fivetran debug exited ${sdk.code}`]),
      ...(engineSeconds === undefined ? ['fivetran debug printed no total elapsed'] : []),
      ...(theirUpserts === students ? [] : [`fivetran debug upserted ${theirUpserts}, expected ${students}`]),
      ...(tester.code === 0 ? [] : [`hed-tester exited ${tester.code}`]),
      ...(upserts === students ? [] : [`hed-tester upserted ${upserts}, expected ${students}`]),
    ];
    const value = upserts / (tester.wallMs / 1000);
    const baseline = engineSeconds === undefined ? undefined : students / engineSeconds;
    const note = [
      `hed-tester ${(tester.wallMs / 1000).toFixed(1)} s whole run; fivetran debug ${(sdk.wallMs / 1000).toFixed(1)} s whole run, of which its engine's sync ${engineSeconds?.toFixed(1) ?? '?'} s (the baseline)`,
      `whole run against whole run: ${(sdk.wallMs / tester.wallMs).toFixed(2)}`,
      ...problems,
    ].join('; ');
    rows.push({ ...frame, ...(problems.length === 0 ? { value } : { value: Number.NaN }), ...(baseline === undefined ? {} : { baseline }), note });
  } finally {
    rmSync(theirs, { recursive: true, force: true });
    rmSync(ours, { recursive: true, force: true });
    await mock.stop();
  }
}
