// Bench part: a lab-style Python connector (fixtures/connectors/lab-strict: the lab's shape, not
// the lab's own file, with a page cap the bench can lift) synced by hed-tester (gRPC + DuckDB warehouse)
// against the same connector's update() iterated in Python with no gRPC and no warehouse.
// Both sides are whole processes, timed from spawn to exit (interpreter start included).
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runChild, startListening } from './processes.js';
import type { BenchRow } from './report.js';

/** Settings of the hed-tester bench, in one block. */
export const TESTER_BENCH = {
  students: [600, 100_000],
  /** The lab's page size. */
  pageSize: 100,
  /** Lifts lab-strict's 200-page cap (`max_pages`) so one run syncs everything; the lab's own connector stops at 200 pages. */
  maxPages: 5_000,
  serverStartTimeoutMs: 120_000,
  runTimeoutMs: 300_000,
  /**
   * Throughput against the connector alone (the aim is 0.5). The floor catches a
   * regression such as the full inspect.stack() per operation, which made it 0.26. Python's
   * gRPC server sends one message at a time and waits for each (about 100 us here), which
   * the connector alone never pays: that bounds the ratio near 0.6.
   */
  floor: 0.33,
  aim: 0.5,
  /** Up to this many records a run is mostly process start: judged on its seconds instead. */
  startupDominatedUpTo: 10_000,
  /** Seconds of a whole small run (Node, DuckDB, Python, the SDK's import, its gRPC server). */
  startupSecondsFloor: 5,
  startupSecondsAim: 2,
} as const;

/** What one hed-tester run and its connector-alone run measured. */
export interface TesterRun {
  students: number;
  testerMs: number;
  aloneMs: number;
  upserts: number;
  operations: number;
  problems: string[];
}

/** Whether a run of this size is judged on its whole seconds (mostly process start) rather than on records/s. */
const startupDominated = (students: number) => students <= TESTER_BENCH.startupDominatedUpTo;

/** The row of one dataset size before anything is measured: its figure, unit and judgement. */
function testerRowFrame(students: number): BenchRow {
  const figure = `hed-tester debug, lab-style connector (lab-strict), ${students.toLocaleString('en-US')} records at page_size ${TESTER_BENCH.pageSize}`;
  return startupDominated(students)
    ? { part: '4', figure: `${figure}, whole run`, unit: 's', judgement: { kind: 'at-most', floor: TESTER_BENCH.startupSecondsFloor, aim: TESTER_BENCH.startupSecondsAim } }
    : { part: '4', figure, unit: 'rec/s', judgement: { kind: 'ratio-at-least', floor: TESTER_BENCH.floor, aim: TESTER_BENCH.aim } };
}

/**
 * The bench row of one dataset size: records/s against the connector alone for a large
 * run; for a small one (mostly process start) the whole run's seconds, with the ratio noted.
 *
 * @example
 * testerRow({ students: 100_000, testerMs: 15_000, aloneMs: 7_000, upserts: 100_000, operations: 101_002, problems: [] })
 */
export function testerRow(run: TesterRun): BenchRow {
  const ratio = run.upserts / run.testerMs / (run.students / run.aloneMs);
  const timing = `${(run.testerMs / 1000).toFixed(1)} s vs ${(run.aloneMs / 1000).toFixed(1)} s (${run.operations} operations yielded), process start included`;
  const frame = { ...testerRowFrame(run.students), baselineLabel: 'update() alone' };
  if (startupDominated(run.students)) {
    return {
      ...frame,
      value: run.testerMs / 1000,
      baseline: run.aloneMs / 1000,
      note: [`${timing}; ${ratio.toFixed(2)} of the connector alone's records/s, most of it starting Node, DuckDB and Python`, ...run.problems].join('; '),
    };
  }
  return { ...frame, value: run.upserts / (run.testerMs / 1000), baseline: run.students / (run.aloneMs / 1000), note: [timing, ...run.problems].join('; ') };
}

// The connector alone: imports connector.py like the SDK CLI does and drains update().
const CONNECTOR_ALONE = `
import importlib.util, json, os, sys
import fivetran_connector_sdk as sdk
project = sys.argv[1]
configuration = json.load(open(os.path.join(project, "configuration.json")))
spec = importlib.util.spec_from_file_location("connector_connector_code", os.path.join(project, "connector.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
connector = next(v for v in vars(module).values() if isinstance(v, sdk.Connector))
sdk.Logging.LOG_LEVEL = sdk.Logging.Level.INFO
if connector.schema_method:
    from fivetran_connector_sdk.connector_helper import process_tables
    process_tables(connector.schema_method(configuration), {})
count = 0
for item in connector.update_method(configuration=configuration, state={}):
    count += len(item) if isinstance(item, list) else 1
print(f"BENCH_OPERATIONS={count}")
`;

/** The Python the bench uses: $VIRTUAL_ENV, else the kit's .venv, else python3. */
export function benchPython(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIRTUAL_ENV) return join(env.VIRTUAL_ENV, 'bin', 'python');
  const venv = join(ROOT, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/**
 * Adds one row per dataset size (see testerRow): hed-tester against the connector alone.
 *
 * @example
 * await benchTester(rows, (line) => process.stderr.write(line + '\n'));
 */
export async function benchTester(rows: BenchRow[], log: (line: string) => void): Promise<void> {
  const python = benchPython();
  const check = await runChild(python, ['-c', 'import fivetran_connector_sdk'], 60_000);
  for (const students of TESTER_BENCH.students) {
    if (check.code !== 0) {
      rows.push({ ...testerRowFrame(students), note: `no fivetran_connector_sdk in ${python}; run node scripts/python-env.mjs` });
      continue;
    }
    log(`4. hed-tester: lab-style connector (lab-strict) over ${students.toLocaleString('en-US')} records, then the same update() alone in Python`);
    const mock = await startListening(process.execPath, ['bin/hed-mock.js', 'serve', '--port', '0', '--students', String(students), '--log-level', 'silent'], TESTER_BENCH.serverStartTimeoutMs);
    const project = mkdtempSync(join(tmpdir(), 'hed-bench-tester-'));
    try {
      copyFileSync(join(ROOT, 'fixtures', 'connectors', 'lab-strict', 'connector.py'), join(project, 'connector.py'));
      const configuration = { api_key: 'hed-demo-key', base_url: mock.url, page_size: String(TESTER_BENCH.pageSize), max_pages: String(TESTER_BENCH.maxPages) };
      writeFileSync(join(project, 'configuration.json'), JSON.stringify(configuration));
      const alone = await runChild(python, ['-c', CONNECTOR_ALONE, project], TESTER_BENCH.runTimeoutMs);
      const operations = Number(/BENCH_OPERATIONS=(\d+)/.exec(alone.stdout)?.[1] ?? 0);
      const tester = await runChild(process.execPath, ['bin/hed-tester.js', 'debug', '--project-dir', project, '--python', python], TESTER_BENCH.runTimeoutMs);
      const upserts = Number(/Upserts\s+\| (\d+)/.exec(tester.stdout)?.[1] ?? 0);
      const problems = [
        ...(alone.code === 0 ? [] : [`connector alone exited ${alone.code}: ${alone.stderr.trim().split('\n').slice(-1)[0] ?? ''}`]),
        ...(tester.code === 0 ? [] : [`hed-tester exited ${tester.code}`]),
        ...(upserts === students ? [] : [`hed-tester upserted ${upserts}, expected ${students}`]),
      ];
      const row = testerRow({ students, testerMs: tester.wallMs, aloneMs: alone.wallMs, upserts, operations, problems });
      // A run that did not sync everything is not a measurement.
      rows.push(problems.length === 0 ? row : { ...row, value: Number.NaN });
    } finally {
      rmSync(project, { recursive: true, force: true });
      await mock.stop();
    }
  }
}
