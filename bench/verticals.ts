/**
 * Bench part 9: performance for every vertical (issue 19), in one run.
 *
 * a. Page throughput of each of the fifteen `/{prefix}_data` paths of one mock (started
 *    by its CLI, every vertical served) against a node:http ceiling answering the same
 *    bytes: part 1's method with shorter rounds per path, more of them in turn (each
 *    side's median counts), and each server's CPU per answer in the row's note.
 * b. A million records of each vertical built as the server builds and keeps them, each
 *    in a fresh process on the built code, judged on CPU seconds (wall seconds in the
 *    note: on a shared machine the wall clock measures the neighbours); HED's million
 *    is `hed-mock serve --students 1000000` until it listens, as in part 3.
 * c. The app's metrics over a 1,000,000-row warehouse of one vertical (its four KPIs
 *    through kpiSql and the app's summary statistics, read the way the app reads a
 *    warehouse) against the same aggregates written straight in DuckDB SQL.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { SUMMARY_STATS } from '../app/queries.js';
import { normalizedColumnSql, quoteIdent } from '../app/sql.js';
import { openWarehouse } from '../app/warehouse.js';
import { ALL_VERTICALS, generateRecordJson, kpiSql, VERTICALS, type KpiFormula, type VerticalDefinition, type VerticalPrefix } from '../verticals/index.js';
import { BenchError, runChild, startListening } from './processes.js';
import type { BenchRow } from './report.js';
import { comparePageThroughput, type ThroughputOptions, type ThroughputResult } from './throughput.js';

export const VERTICALS_BENCH = {
  apiKey: 'hed-demo-key',
  pageSize: 100,
  /**
   * Per path: part 1 measures 2 × 5 s after 2 s of warm-up; fifteen paths get shorter
   * rounds but more of them (five pairs, each side's median counts), so one round a
   * neighbour's burst hits does not decide a path.
   */
  throughput: { connections: 20, roundSeconds: 1.5, rounds: 5, warmupSeconds: 1 } satisfies ThroughputOptions,
  throughputFloor: 0.5,
  throughputAim: 0.8,
  buildRecords: 1_000_000,
  /** CPU seconds of one vertical's million records: the aim of issue 19, and the floor a regression would cross. */
  buildSecondsAim: 5,
  buildSecondsFloor: 10,
  /** HED's million is a server start (worker threads): part 3's floor and aim, in wall seconds. */
  hedStartSecondsFloor: 30,
  buildTimeoutMs: 300_000,
  metricsVertical: 'tlc' as VerticalPrefix,
  metricsRows: 1_000_000,
  /** Timed answers per side after one warm-up each; the median counts. */
  metricsRounds: 5,
  metricsFloor: 0.5,
  metricsAim: 0.8,
  /** Relative difference under which an app figure equals DuckDB's (sums in another order). */
  metricsTolerance: 1e-9,
  serverStartTimeoutMs: 120_000,
} as const;

const MB = 1024 * 1024;
const seconds = (ms: number) => ms / 1000;

/**
 * The row of one path's page throughput: the mock's requests/s against the ceiling's.
 *
 * @example
 * pathThroughputRow('/agr_data', { mockRps: 9000, ceilingRps: 10000, bytesPerAnswer: 40960, problems: [] }).value // 9000
 */
export function pathThroughputRow(path: string, result: ThroughputResult): BenchRow {
  const notes = throughputNotes(result);
  return {
    part: '9',
    figure: `GET ${path}?page_size=${VERTICALS_BENCH.pageSize} (${Math.round(result.bytesPerAnswer / 1024)} KiB)`,
    value: result.mockRps,
    baseline: result.ceilingRps,
    baselineLabel: 'node:http ceiling',
    unit: 'req/s',
    judgement: { kind: 'ratio-at-least', floor: VERTICALS_BENCH.throughputFloor, aim: VERTICALS_BENCH.throughputAim },
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

/**
 * What a path's row says beside its figure: how far apart its rounds were and the CPU
 * each server spent per answer (steadier than requests/s on a busy machine), then any problem.
 *
 * @example
 * throughputNotes({ ...result, roundRatios: [0.8, 0.9], mockCpuMicros: 60, ceilingCpuMicros: 50 })
 * // ['rounds 0.80-0.90', 'CPU per answer 1.20x the ceiling (60 vs 50 µs)']
 */
export function throughputNotes(result: ThroughputResult): string[] {
  const notes: string[] = [];
  const ratios = result.roundRatios ?? [];
  if (ratios.length > 1) notes.push(`rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`);
  if (result.mockCpuMicros !== undefined && result.ceilingCpuMicros !== undefined && result.ceilingCpuMicros > 0) {
    notes.push(`CPU per answer ${(result.mockCpuMicros / result.ceilingCpuMicros).toFixed(2)}x the ceiling (${Math.round(result.mockCpuMicros)} vs ${Math.round(result.ceilingCpuMicros)} µs)`);
  }
  return [...notes, ...result.problems];
}

/**
 * One line over the paths measured: how many reach the aim, and the slowest against its
 * ceiling. Judged on the slowest path's ratio, so the line says whether every path holds.
 *
 * @example
 * pathsSummaryRow([agrRow, tlcRow]).figure // 'all 2 paths: 1 at the 0.8 aim, slowest /tlc_data at 0.74'
 */
export function pathsSummaryRow(rows: readonly BenchRow[]): BenchRow {
  const measured = rows.filter((r) => r.value !== undefined && r.baseline !== undefined && r.baseline > 0);
  const ratio = (r: BenchRow) => r.value! / r.baseline!;
  const slowest = measured.reduce<BenchRow | undefined>((low, r) => (low === undefined || ratio(r) < ratio(low) ? r : low), undefined);
  const atAim = measured.filter((r) => ratio(r) >= VERTICALS_BENCH.throughputAim).length;
  const path = slowest ? /GET (\S+)\?/.exec(slowest.figure)?.[1] ?? slowest.figure : 'none';
  return {
    part: '9',
    figure: `all ${rows.length} paths: ${atAim} at the ${VERTICALS_BENCH.throughputAim} aim, slowest ${path}${slowest ? ` at ${ratio(slowest).toFixed(2)}` : ''}`,
    ...(slowest ? { value: slowest.value!, baseline: slowest.baseline!, baselineLabel: 'its ceiling' } : {}),
    unit: 'req/s',
    judgement: { kind: 'ratio-at-least', floor: VERTICALS_BENCH.throughputFloor, aim: VERTICALS_BENCH.throughputAim },
    ...(measured.length < rows.length ? { note: `${rows.length - measured.length} of ${rows.length} paths could not be measured` } : {}),
  };
}

/** What bench/verticals-build.ts prints for one vertical. */
export interface BuildRun {
  prefix: string;
  records: number;
  wallMs: number;
  cpuMs: number;
  bytes: number;
}

/**
 * The row of one vertical's million-record build, judged on CPU seconds (at least the
 * wall time on an idle machine: the build is one thread, and the collector's helper
 * threads only add CPU), with the wall time and the JSON size in the note.
 *
 * @example
 * buildRow({ prefix: 'mso', records: 1_000_000, wallMs: 4200, cpuMs: 4600, bytes: 1.1e9 }, 1_000_000).value // 4.6
 */
export function buildRow(run: BuildRun, expected: number): BenchRow {
  const short = run.records === expected ? '' : `; built ${run.records.toLocaleString('en-US')} records, expected ${expected.toLocaleString('en-US')}`;
  return {
    part: '9',
    figure: `${run.prefix}: ${expected.toLocaleString('en-US')} records built (CPU)`,
    ...(run.records === expected ? { value: seconds(run.cpuMs) } : {}),
    unit: 's',
    judgement: { kind: 'at-most', floor: VERTICALS_BENCH.buildSecondsFloor, aim: VERTICALS_BENCH.buildSecondsAim },
    note: `wall ${seconds(run.wallMs).toFixed(1)} s, ${Math.round(run.bytes / MB).toLocaleString('en-US')} MB of JSON kept${short}`,
  };
}

/**
 * The SQL of a KPI written straight for DuckDB, independently of kpiSql: the least the
 * warehouse must compute for it.
 *
 * @example
 * straightKpiSql({ op: 'share', field: 'active', equals: true }) // 'avg(CAST("active" = true AS INTEGER))'
 */
export function straightKpiSql(formula: KpiFormula): string {
  const c = quoteIdent(formula.field);
  const times = (sql: string) => ('scale' in formula && formula.scale !== undefined && formula.scale !== 1 ? `(${sql}) * ${formula.scale}` : sql);
  switch (formula.op) {
    case 'mean':
      return times(`avg(${c})`);
    case 'sum':
      return times(`sum(${c})`);
    case 'max':
      return times(`max(${c})`);
    case 'distinct':
      return `count(DISTINCT ${c})`;
    case 'share':
    case 'count': {
      const value = typeof formula.equals === 'boolean' ? String(formula.equals) : `'${formula.equals.replaceAll("'", "''")}'`;
      return formula.op === 'share' ? `avg(CAST(${c} = ${value} AS INTEGER))` : `count(*) FILTER (WHERE ${c} = ${value})`;
    }
  }
}

/** The summary statistics of the app (pandas' describe()) written straight: eight aggregates per field. */
export function straightSummarySql(fields: readonly string[]): string[] {
  return fields.flatMap((f) => {
    const c = quoteIdent(f);
    return [`count(${c})`, `avg(${c})`, `stddev_samp(${c})`, `min(${c})`, `quantile_cont(${c}, 0.25)`, `quantile_cont(${c}, 0.5)`, `quantile_cont(${c}, 0.75)`, `max(${c})`];
  });
}

/** Labels of the figures both sides compute, in the order they return them. */
export function metricLabels(definition: VerticalDefinition): string[] {
  return ['rows', ...definition.app.kpis.map((k) => k.label), ...definition.app.summary.flatMap((f) => SUMMARY_STATS.map((s) => `${f} ${s.stat}`))];
}

/**
 * The figures where the app and DuckDB disagree beyond a relative tolerance (a figure
 * missing on either side disagrees), in words.
 *
 * @example
 * metricMismatches(['rows', 'Avg X'], [3, 0.5], [3, 0.25], 1e-9) // ['Avg X: app 0.5, DuckDB 0.25']
 */
export function metricMismatches(labels: readonly string[], app: readonly (number | null)[], direct: readonly (number | null)[], tolerance: number): string[] {
  return labels.flatMap((label, i) => {
    const a = app[i];
    const d = direct[i];
    const same = a === d || (typeof a === 'number' && typeof d === 'number' && Math.abs(a - d) <= tolerance * Math.max(1, Math.abs(a), Math.abs(d)));
    return same ? [] : [`${label}: app ${String(a ?? 'none')}, DuckDB ${String(d ?? 'none')}`];
  });
}

/** The timed medians and the figures of both sides of part 9c. */
export interface MetricsRun {
  prefix: string;
  rows: number;
  appMs: number;
  directMs: number;
  mismatches: string[];
}

/**
 * Part 9c's rows: answers/s of the app's metrics against DuckDB straight (aim 0.8), and
 * whether every figure agrees (none may differ).
 */
export function metricsRows(run: MetricsRun): BenchRow[] {
  const n = run.rows.toLocaleString('en-US');
  return [
    {
      part: '9',
      figure: `${run.prefix} app metrics (4 KPIs + summary), ${n} rows (${run.appMs.toFixed(0)} ms vs ${run.directMs.toFixed(0)} ms)`,
      value: 1000 / run.appMs,
      baseline: 1000 / run.directMs,
      baselineLabel: 'DuckDB direct',
      unit: 'answers/s',
      judgement: { kind: 'ratio-at-least', floor: VERTICALS_BENCH.metricsFloor, aim: VERTICALS_BENCH.metricsAim },
    },
    {
      part: '9',
      figure: `${run.prefix} app metrics equal DuckDB's`,
      value: run.mismatches.length,
      unit: 'differing',
      judgement: { kind: 'at-most', floor: 0, aim: 0 },
      ...(run.mismatches.length ? { note: run.mismatches.slice(0, 3).join('; ') } : {}),
    },
  ];
}

const DUCKDB_TYPE = { string: 'VARCHAR', integer: 'BIGINT', number: 'DOUBLE', boolean: 'BOOLEAN' } as const;

/**
 * A warehouse as hed-tester writes one: `tester.{prefix}_records` with the vertical's
 * records (VARCHAR, BIGINT, DOUBLE, BOOLEAN) and the two Fivetran columns, loaded from
 * the generator's JSON through a newline-delimited file.
 */
export async function buildVerticalWarehouse(path: string, definition: VerticalDefinition, rows: number): Promise<void> {
  const ndjson = `${path}.ndjson`;
  const fd = openSync(ndjson, 'w');
  try {
    let batch: string[] = [];
    for (const json of generateRecordJson(definition, 42, rows)) {
      batch.push(json);
      if (batch.length === 2000) {
        writeSync(fd, `${batch.join('\n')}\n`);
        batch = [];
      }
    }
    if (batch.length) writeSync(fd, `${batch.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    const columns = definition.fields.map((f) => `'${f.name.replaceAll("'", "''")}': '${DUCKDB_TYPE[f.type]}'`).join(', ');
    await connection.run('CREATE SCHEMA tester');
    await connection.run(
      `CREATE TABLE tester.${quoteIdent(definition.table)} AS SELECT *, TIMESTAMPTZ '2026-11-25 10:00:00+00' AS _fivetran_synced, false AS _fivetran_deleted ` +
        `FROM read_json('${ndjson.replaceAll("'", "''")}', format = 'newline_delimited', columns = {${columns}})`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(ndjson, { force: true });
  }
}

const asNumber = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : null);

/**
 * The app's side: what a request for the vertical's metrics costs the app. The warehouse
 * opened read-only per request (app/warehouse.ts, the app's memory and thread limits),
 * the table's columns read, its live rows normalised as the app normalises them
 * (app/sql.ts), the four KPIs through kpiSql and the summary statistics through the app's
 * SUMMARY_STATS, rows read back as JSON, the warehouse closed.
 */
export async function appMetrics(path: string, definition: VerticalDefinition): Promise<(number | null)[]> {
  const warehouse = await openWarehouse(path);
  try {
    const columns = (
      await warehouse.all('SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position', [
        'tester',
        definition.table,
      ])
    ).map((row) => ({ name: String(row.name), type: String(row.type) }));
    const live = columns.filter((c) => c.name !== '_fivetran_deleted').map(normalizedColumnSql);
    const cte = `WITH r AS (SELECT ${live.join(', ')} FROM "tester".${quoteIdent(definition.table)} WHERE ("_fivetran_deleted") IS NOT TRUE) `;
    const kpis = definition.app.kpis.map((k, i) => `${kpiSql(k.formula)} AS k${i}`);
    const [kpi = {}] = await warehouse.all(`${cte}SELECT CAST(count(*) AS DOUBLE) AS n, ${kpis.join(', ')} FROM r`);
    const stats = definition.app.summary.flatMap((c, i) => SUMMARY_STATS.map((s, j) => `${s.sql(quoteIdent(c))} AS s${i}_${j}`));
    const [summary = {}] = await warehouse.all(`${cte}SELECT ${stats.join(', ')} FROM r`);
    return [
      asNumber(kpi.n),
      ...definition.app.kpis.map((_, i) => asNumber(kpi[`k${i}`])),
      ...definition.app.summary.flatMap((_, i) => SUMMARY_STATS.map((_s, j) => asNumber(summary[`s${i}_${j}`]))),
    ];
  } finally {
    warehouse.close();
  }
}

/** The straight side: the same figures in two plain statements on a connection kept open. */
export function directStatements(definition: VerticalDefinition): string[] {
  const from = `FROM tester.${quoteIdent(definition.table)} WHERE NOT _fivetran_deleted`;
  return [`SELECT count(*), ${definition.app.kpis.map((k) => straightKpiSql(k.formula)).join(', ')} ${from}`, `SELECT ${straightSummarySql(definition.app.summary).join(', ')} ${from}`];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs part 9c over `rows` rows of `prefix` and returns the timings and any disagreement. */
export async function benchMetrics(prefix: VerticalPrefix, rows: number, rounds: number, log: (line: string) => void): Promise<MetricsRun> {
  const definition = VERTICALS[prefix];
  const dir = mkdtempSync(join(tmpdir(), 'hed-bench-verticals-'));
  try {
    const warehouse = join(dir, 'warehouse.db');
    const started = performance.now();
    await buildVerticalWarehouse(warehouse, definition, rows);
    log(`   warehouse of ${rows.toLocaleString('en-US')} ${prefix} rows built in ${seconds(performance.now() - started).toFixed(1)} s`);

    const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    try {
      const statements = directStatements(definition);
      let direct: (number | null)[] = [];
      const directOnce = async () => {
        const figures: (number | null)[] = [];
        for (const sql of statements) figures.push(...(await connection.runAndReadAll(sql)).getRows()[0]!.map(asNumber));
        direct = figures;
      };
      let app: (number | null)[] = [];
      const appOnce = async () => void (app = await appMetrics(warehouse, definition));
      // Warm-up, then the two sides alternate so both see the same background load.
      await directOnce();
      await appOnce();
      const appTimes: number[] = [];
      const directTimes: number[] = [];
      for (let i = 0; i < rounds; i++) {
        for (const [run, times] of [
          [directOnce, directTimes],
          [appOnce, appTimes],
        ] as const) {
          const t0 = performance.now();
          await run();
          times.push(performance.now() - t0);
        }
      }
      return { prefix, rows, appMs: median(appTimes), directMs: median(directTimes), mismatches: metricMismatches(metricLabels(definition), app, direct, VERTICALS_BENCH.metricsTolerance) };
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPaths(rows: BenchRow[], log: (line: string) => void): Promise<void> {
  const s = VERTICALS_BENCH;
  const mock = await startListening(process.execPath, ['bin/hed-mock.js', 'serve', '--port', '0', '--students', '600', '--log-level', 'silent'], s.serverStartTimeoutMs);
  const pathRows: BenchRow[] = [];
  try {
    for (const v of ALL_VERTICALS) {
      log(`   ${v.path}`);
      try {
        pathRows.push(pathThroughputRow(v.path, await comparePageThroughput(mock.url, s.apiKey, s.pageSize, s.throughput, v.path, mock.child.pid)));
      } catch (err) {
        pathRows.push({ ...pathThroughputRow(v.path, { mockRps: Number.NaN, ceilingRps: Number.NaN, bytesPerAnswer: 0, problems: [] }), value: undefined, baseline: undefined, note: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
      }
    }
  } finally {
    await mock.stop();
  }
  rows.push(pathsSummaryRow(pathRows), ...pathRows);
}

async function benchBuilds(rows: BenchRow[], log: (line: string) => void): Promise<void> {
  const s = VERTICALS_BENCH;
  const n = s.buildRecords;
  for (const v of ALL_VERTICALS) {
    if (v.prefix === 'hed') {
      const mock = await startListening(process.execPath, ['bin/hed-mock.js', 'serve', '--port', '0', '--students', String(n), '--verticals', 'hed', '--log-level', 'silent'], s.serverStartTimeoutMs);
      await mock.stop();
      rows.push({ part: '9', figure: `hed: start with --students ${n.toLocaleString('en-US')} (wall)`, value: seconds(mock.startupMs), unit: 's', judgement: { kind: 'at-most', floor: s.hedStartSecondsFloor, aim: s.buildSecondsAim }, note: 'a server start with its worker threads, as part 3' });
      log(`   hed: ${seconds(mock.startupMs).toFixed(1)} s to listen`);
      continue;
    }
    const run = await runChild(process.execPath, ['--import', 'tsx', 'bench/verticals-build.ts', v.prefix, String(n)], s.buildTimeoutMs);
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.code !== 0 || !line.startsWith('{')) {
      rows.push({ part: '9', figure: `${v.prefix}: ${n.toLocaleString('en-US')} records built (CPU)`, unit: 's', judgement: { kind: 'at-most', floor: s.buildSecondsFloor, aim: s.buildSecondsAim }, note: `the build exited ${String(run.code)}: ${run.stderr.trim().split('\n').pop() ?? ''}` });
      continue;
    }
    const result = JSON.parse(line) as BuildRun;
    log(`   ${v.prefix}: ${seconds(result.cpuMs).toFixed(1)} s CPU, ${seconds(result.wallMs).toFixed(1)} s wall`);
    rows.push(buildRow(result, n));
  }
}

/** Part 9's three measures, each runnable alone (`--parts 9b`). */
export const VERTICALS_PARTS = ['9a', '9b', '9c'] as const;
export type VerticalsPart = (typeof VERTICALS_PARTS)[number];

/** Runs part 9 (or the sub-parts given) and adds its rows: the fifteen paths, the fifteen builds, one vertical's app metrics. */
export async function benchVerticals(rows: BenchRow[], log: (line: string) => void, parts: ReadonlySet<VerticalsPart> = new Set(VERTICALS_PARTS)): Promise<void> {
  const s = VERTICALS_BENCH;
  if (parts.has('9a')) {
    log(`9a. page throughput of each of the ${ALL_VERTICALS.length} paths: GET /{prefix}_data?page_size=${s.pageSize}, ${s.throughput.connections} connections, mock vs node:http ceiling, ${s.throughput.rounds} x ${s.throughput.roundSeconds} s each in turn, medians`);
    await guardedPart(rows, '9a', () => benchPaths(rows, log));
  }
  if (parts.has('9b')) {
    log(`9b. ${s.buildRecords.toLocaleString('en-US')} records of each vertical, built as the server keeps them, one process each`);
    await guardedPart(rows, '9b', () => benchBuilds(rows, log));
  }
  if (parts.has('9c')) {
    log(`9c. app metrics over ${s.metricsRows.toLocaleString('en-US')} ${s.metricsVertical} rows (4 KPIs via kpiSql + summary statistics) vs the same aggregates straight in DuckDB`);
    await guardedPart(rows, '9c', async () => void rows.push(...metricsRows(await benchMetrics(s.metricsVertical, s.metricsRows, s.metricsRounds, log))));
  }
}

/** One of part 9's three measures failing becomes a NOT MET row; the other two still run. */
async function guardedPart(rows: BenchRow[], which: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    const reason = err instanceof BenchError || err instanceof Error ? err.message.split('\n')[0]! : String(err);
    rows.push({ part: '9', figure: `${which} could not run`, unit: '', judgement: { kind: 'at-most', floor: 0, aim: 0 }, note: reason });
  }
}
