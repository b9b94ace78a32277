// Bench part 8: a connector that waits long before its checkpoint. hed-tester stages what it
// sends in the warehouse's spill file (warehouse/spill.ts) instead of memory, so its peak RSS
// should hardly grow with the number of rows waiting: judged as the peak at the large run
// against the peak at the small one, both measured in the same bench run.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runChild } from './processes.js';
import type { BenchRow } from './report.js';
import { benchPython } from './tester.js';

/** Settings of part 8, in one block. */
export const LATE_CHECKPOINT_BENCH = {
  /** Rows before the one checkpoint: the small run, then the large one. */
  rows: [50_000, 300_000],
  /** The large run's peak RSS may be at most this many times the small run's (before the spill: 656 / 247 MB = 2.7). */
  maxRatio: 1.5,
  aimRatio: 1.25,
  runTimeoutMs: 900_000,
} as const;

/** One hed-tester run of fixtures/connectors/late-checkpoint. */
interface LateRun {
  rows: number;
  peakMb?: number;
  seconds: number;
  problems: string[];
}

const megabytes = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / (1024 * 1024));

/**
 * The judged row: the large run's peak RSS at most maxRatio times the small run's.
 *
 * @example
 * lateCheckpointRow({ rows: 50_000, peakMb: 230, seconds: 30, problems: [] }, { rows: 300_000, peakMb: 260, seconds: 150, problems: [] })
 */
export function lateCheckpointRow(small: LateRun, large: LateRun): BenchRow {
  const limit = small.peakMb === undefined ? Number.NaN : small.peakMb * LATE_CHECKPOINT_BENCH.maxRatio;
  const aim = small.peakMb === undefined ? Number.NaN : small.peakMb * LATE_CHECKPOINT_BENCH.aimRatio;
  const problems = [...small.problems, ...large.problems];
  return {
    part: '8',
    figure: `hed-tester peak RSS, ${large.rows.toLocaleString('en-US')} upserts before one checkpoint`,
    ...(large.peakMb === undefined || problems.length > 0 ? { value: Number.NaN } : { value: large.peakMb }),
    ...(small.peakMb === undefined ? {} : { baseline: small.peakMb, baselineLabel: `${small.rows.toLocaleString('en-US')} upserts` }),
    unit: 'MB',
    judgement: { kind: 'at-most', floor: limit, aim },
    note: [
      `limit ${LATE_CHECKPOINT_BENCH.maxRatio} x the ${small.rows.toLocaleString('en-US')} run's peak (aim ${LATE_CHECKPOINT_BENCH.aimRatio} x)`,
      `${small.rows.toLocaleString('en-US')} rows ${small.seconds.toFixed(1)} s, ${large.rows.toLocaleString('en-US')} rows ${large.seconds.toFixed(1)} s (whole runs, Python included)`,
      ...problems,
    ].join('; '),
  };
}

async function runLate(python: string, rows: number): Promise<LateRun> {
  const project = mkdtempSync(join(tmpdir(), 'hed-bench-late-'));
  try {
    copyFileSync(join(ROOT, 'fixtures', 'connectors', 'late-checkpoint', 'connector.py'), join(project, 'connector.py'));
    writeFileSync(join(project, 'configuration.json'), JSON.stringify({ rows: String(rows) }));
    const run = await runChild(process.execPath, ['bin/hed-tester.js', 'debug', '--project-dir', project, '--python', python], LATE_CHECKPOINT_BENCH.runTimeoutMs);
    const upserts = Number(/Upserts\s+\| (\d+)/.exec(run.stdout)?.[1] ?? 0);
    const problems = [...(run.code === 0 ? [] : [`hed-tester exited ${run.code} at ${rows} rows`]), ...(upserts === rows + 1 ? [] : [`hed-tester upserted ${upserts}, expected ${rows + 1}`])];
    const peakMb = megabytes(run.peakRssBytes);
    return { rows, seconds: run.wallMs / 1000, problems, ...(peakMb === undefined ? {} : { peakMb }) };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/**
 * Adds part 8's rows: the small run's peak (info) and the large run's, judged against it.
 *
 * @example
 * await benchLateCheckpoint(rows, (line) => process.stderr.write(line + '\n'));
 */
export async function benchLateCheckpoint(rows: BenchRow[], log: (line: string) => void): Promise<void> {
  const python = benchPython();
  const check = await runChild(python, ['-c', 'import fivetran_connector_sdk'], 60_000);
  const [smallRows, largeRows] = LATE_CHECKPOINT_BENCH.rows;
  if (check.code !== 0) {
    rows.push({ part: '8', figure: `hed-tester peak RSS, ${largeRows.toLocaleString('en-US')} upserts before one checkpoint`, unit: 'MB', judgement: { kind: 'at-most', floor: 0, aim: 0 }, note: `no fivetran_connector_sdk in ${python}; run node scripts/python-env.mjs` });
    return;
  }
  log(`8. late checkpoint: hed-tester debug of fixtures/connectors/late-checkpoint with ${smallRows.toLocaleString('en-US')}, then ${largeRows.toLocaleString('en-US')} upserts before its checkpoint`);
  const small = await runLate(python, smallRows);
  const large = await runLate(python, largeRows);
  rows.push({
    part: '8',
    figure: `hed-tester peak RSS, ${smallRows.toLocaleString('en-US')} upserts before one checkpoint`,
    ...(small.peakMb === undefined ? { note: 'peak RSS not measurable here (no /usr/bin/time or /proc)' } : { value: small.peakMb }),
    unit: 'MB',
    judgement: { kind: 'info' },
  });
  rows.push(lateCheckpointRow(small, large));
}
