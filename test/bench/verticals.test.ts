import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { judge } from '../../bench/report.js';
import {
  VERTICALS_BENCH,
  appMetrics,
  buildRow,
  buildVerticalWarehouse,
  directStatements,
  metricLabels,
  metricMismatches,
  metricsRows,
  pathThroughputRow,
  pathsSummaryRow,
  straightKpiSql,
  throughputNotes,
} from '../../bench/verticals.js';
import { VERTICALS, kpiSql } from '../../verticals/index.js';

// Arithmetic on figures handed in: no timing here.
const page = (mockRps: number, ceilingRps: number) => ({ mockRps, ceilingRps, bytesPerAnswer: 40 * 1024, problems: [] as string[] });

t.test("a path's throughput is judged against its ceiling: floor 0.5, aim 0.8", async (t) => {
  const row = pathThroughputRow('/agr_data', page(9_000, 10_000));
  t.equal(row.figure, 'GET /agr_data?page_size=100 (40 KiB)');
  t.match(judge(row), { verdict: 'met', aimReached: true, ratio: 0.9 });
  t.match(judge(pathThroughputRow('/agr_data', page(6_000, 10_000))), { verdict: 'met', aimReached: false });
  t.match(judge(pathThroughputRow('/agr_data', page(4_000, 10_000))), { verdict: 'NOT MET' });
  t.match(pathThroughputRow('/agr_data', { ...page(9_000, 10_000), problems: ['mock round 1: 3 non-2xx'] }).note, /3 non-2xx/);
});

t.test("a path's note says how far apart its rounds were and each server's CPU per answer", async (t) => {
  const result = { ...page(9_000, 10_000), roundRatios: [0.84, 0.91, 0.88], mockCpuMicros: 60, ceilingCpuMicros: 48 };
  t.same(throughputNotes(result), ['rounds 0.84-0.91', 'CPU per answer 1.25x the ceiling (60 vs 48 µs)']);
  t.equal(pathThroughputRow('/agr_data', { ...result, problems: ['mock round 2: 1 errors'] }).note, 'rounds 0.84-0.91; CPU per answer 1.25x the ceiling (60 vs 48 µs); mock round 2: 1 errors');
  t.same(throughputNotes(page(9_000, 10_000)), [], 'nothing measured, nothing said');
  t.same(throughputNotes({ ...page(9_000, 10_000), roundRatios: [0.9], mockCpuMicros: 60, ceilingCpuMicros: 0 }), [], 'one round has no spread; no ceiling CPU, no ratio');
});

t.test('the summary line counts the paths at the aim and is judged on the slowest', async (t) => {
  const rows = [pathThroughputRow('/agr_data', page(9_000, 10_000)), pathThroughputRow('/tlc_data', page(5_500, 10_000)), pathThroughputRow('/hed_data', page(8_500, 10_000))];
  const summary = pathsSummaryRow(rows);
  t.equal(summary.figure, 'all 3 paths: 2 at the 0.8 aim, slowest /tlc_data at 0.55');
  t.match(judge(summary), { verdict: 'met', aimReached: false });
  t.match(judge(pathsSummaryRow([...rows, pathThroughputRow('/mso_data', page(1_000, 10_000))])), { verdict: 'NOT MET' }, 'one slow path fails the line');
  const unmeasured = { ...pathThroughputRow('/cds_data', page(1, 1)), value: undefined, baseline: undefined };
  t.match(pathsSummaryRow([...rows, unmeasured]).note, /1 of 4 paths could not be measured/);
  t.match(judge(pathsSummaryRow([unmeasured])), { verdict: 'NOT MET' }, 'no path measured is no figure');
});

t.test("a vertical's build is judged on its CPU seconds: aim 5 s, floor 10 s", async (t) => {
  const n = VERTICALS_BENCH.buildRecords;
  const run = { prefix: 'mso', records: n, wallMs: 9_000, cpuMs: 4_600, bytes: 1_100 * 1024 * 1024 };
  const row = buildRow(run, n);
  t.equal(row.value, 4.6);
  t.match(row.note, /wall 9\.0 s, 1,100 MB of JSON/);
  t.match(judge(row), { verdict: 'met', aimReached: true });
  t.match(judge(buildRow({ ...run, cpuMs: 7_000 }, n)), { verdict: 'met', aimReached: false });
  t.match(judge(buildRow({ ...run, cpuMs: 12_000 }, n)), { verdict: 'NOT MET' });
  const short = buildRow({ ...run, records: 600 }, n);
  t.equal(short.value, undefined, 'a build that stopped short has no figure');
  t.match(judge(short), { verdict: 'NOT MET' });
});

t.test('the app metrics are judged on answers/s against DuckDB, and on every figure agreeing', async (t) => {
  const [speed, agree] = metricsRows({ prefix: 'tlc', rows: 1_000_000, appMs: 500, directMs: 450, mismatches: [] });
  t.match(judge(speed!), { verdict: 'met', aimReached: true });
  t.equal(judge(speed!).ratio!.toFixed(3), '0.900', 'the ratio is DuckDB time over app time');
  t.match(judge(metricsRows({ prefix: 'tlc', rows: 1_000_000, appMs: 1_000, directMs: 450, mismatches: [] })[0]!), { verdict: 'NOT MET' });
  t.match(judge(agree!), { verdict: 'met' });
  const [, differs] = metricsRows({ prefix: 'tlc', rows: 1_000_000, appMs: 500, directMs: 450, mismatches: ['Avg X: app 1, DuckDB 2'] });
  t.match(judge(differs!), { verdict: 'NOT MET' });
  t.match(differs!.note, /Avg X/);
});

t.test('figures agree within a relative tolerance; a missing one disagrees', async (t) => {
  t.same(metricMismatches(['a', 'b'], [1_000_000, 0.25], [1_000_000.0000001, 0.25], 1e-9), []);
  t.same(metricMismatches(['a', 'b'], [3, 0.5], [3, 0.25], 1e-9), ['b: app 0.5, DuckDB 0.25']);
  t.same(metricMismatches(['a'], [null], [2], 1e-9), ['a: app none, DuckDB 2']);
  t.same(metricMismatches(['a'], [null], [null], 1e-9), [], 'both without a value (a stddev of one row) agree');
});

t.test("the straight KPI SQL is written apart from kpiSql, for each of its operations", async (t) => {
  t.equal(straightKpiSql({ op: 'mean', field: 'weight' }), 'avg("weight")');
  t.equal(straightKpiSql({ op: 'mean', field: 'mape', scale: 0.01 }), '(avg("mape")) * 0.01');
  t.equal(straightKpiSql({ op: 'share', field: 'active', equals: true }), 'avg(CAST("active" = true AS INTEGER))');
  t.equal(straightKpiSql({ op: 'count', field: 'status', equals: "Won't" }), `count(*) FILTER (WHERE "status" = 'Won''t')`);
  t.equal(straightKpiSql({ op: 'distinct', field: 'farm_id' }), 'count(DISTINCT "farm_id")');
  t.not(straightKpiSql({ op: 'share', field: 'active', equals: true }), kpiSql({ op: 'share', field: 'active', equals: true }), 'not the same text as the app runs');
});

t.test("the app's KPIs and summary over a vertical's warehouse equal the same aggregates straight in DuckDB", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hed-verticals-bench-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const v of [VERTICALS.tlc, VERTICALS.agr]) {
    const path = join(dir, `${v.prefix}.db`);
    await buildVerticalWarehouse(path, v, 600);
    const app = await appMetrics(path, v);
    const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const direct: (number | null)[] = [];
    for (const sql of directStatements(v)) direct.push(...(await connection.runAndReadAll(sql)).getRows()[0]!.map((x) => (x === null ? null : Number(x))));
    const [types] = (await connection.runAndReadAll(`SELECT count(*) FILTER (WHERE data_type = 'DOUBLE'), count(*) FILTER (WHERE data_type = 'BIGINT') FROM information_schema.columns WHERE table_name = '${v.table}'`)).getRows();
    connection.closeSync();
    instance.closeSync();
    t.equal(app.length, metricLabels(v).length, `${v.prefix}: a figure for every label`);
    t.equal(app[0], 600, `${v.prefix}: the app counts every row`);
    t.ok(app.every((x) => typeof x === 'number' && Number.isFinite(x)), `${v.prefix}: every figure is a number`);
    t.same(metricMismatches(metricLabels(v), app, direct, VERTICALS_BENCH.metricsTolerance), [], `${v.prefix}: the app's figures are DuckDB's`);
    t.same(types!.map(Number), [v.fields.filter((f) => f.type === 'number').length, v.fields.filter((f) => f.type === 'integer').length], `${v.prefix}: decimals are DOUBLE, integers BIGINT, as the tester writes them`);
  }
});
