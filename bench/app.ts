/**
 * Bench part 5: the StudentSuccess app's Metrics data (GET /api/metrics: KPIs, six chart
 * aggregates, summary statistics) over a 1,000,000-row warehouse, against the same
 * aggregates run straight in DuckDB on the same file in this process (no HTTP, no
 * normalisation, no JSON). The ratio is app speed / DuckDB speed; the aim is 0.8. The
 * requests send `cache-control: no-cache`, so every one is computed, not served from the
 * app's cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { NUMERIC_FIELDS } from '../app/fields.js';
import { STUDENT } from '../verticals/hed/app.js';
import { startListening } from './processes.js';
import type { BenchRow } from './report.js';

const SETTINGS = {
  rows: 1_000_000,
  /** Timed requests after one warm-up; the median counts. */
  rounds: 5,
  startTimeoutMs: 60_000,
  scatterPoints: 2000,
} as const;

// The same fields the app summarises: the bench's straight-DuckDB side runs the app's own list.
const NUMERIC = NUMERIC_FIELDS;

/** A warehouse laid out as our runners write it, generated in SQL (deterministic: hashes of the row number). */
async function buildWarehouse(path: string, rows: number): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  const u = (salt: number) => `((hash(i * ${salt} + ${salt}) % 1000000) / 1000000.0)`;
  await connection.run('CREATE SCHEMA tester');
  await connection.run(`CREATE TABLE tester.hed_records AS
    WITH base AS (SELECT i, ${u(3)} < 0.34 AS risk FROM range(${rows}) t(i)),
    g AS (SELECT i, risk, round(CASE WHEN risk THEN 1.0 + ${u(5)} * 1.8 ELSE 2.4 + ${u(5)} * 1.6 END, 2) AS gpa,
          round(CASE WHEN risk THEN 0.3 + ${u(7)} * 0.4 ELSE 0.6 + ${u(7)} * 0.4 END, 2) AS completion FROM base)
    SELECT printf('00000000-0000-4000-8000-%012d', i) AS record_id, printf('STU_2024%07d', i) AS ${STUDENT.id},
      printf('2024-08-%02d %d:00:00', 1 + i % 28, i % 24) AS ${STUDENT.enrollment},
      CASE WHEN gpa >= 3.5 THEN 'Dean''s List' WHEN gpa >= 3.0 THEN 'Good Standing' WHEN gpa >= 2.0 THEN 'Academic Warning' ELSE 'Academic Probation' END AS ${STUDENT.standing},
      gpa AS ${STUDENT.gpa}, CAST(12 + i % 6 AS BIGINT) AS ${STUDENT.creditsAttempted}, CAST(round((12 + i % 6) * completion) AS BIGINT) AS ${STUDENT.creditsEarned},
      ['PHIL', 'ECON', 'BIOL', 'ENGR', 'MATH', 'HIST', 'CHEM', 'PSYC', 'COMP', 'ARTS', 'BUSN', 'NURS'][1 + i % 12] AS ${STUDENT.major},
      printf('ADV_%04d', i % 400) AS ${STUDENT.advisor}, round(${u(11)} * 20000, 2) AS ${STUDENT.aid}, '2025-07-27 14:28:37' AS ${STUDENT.lastLogin},
      CAST(${u(13)} * 300 AS BIGINT) AS ${STUDENT.courseViews}, CAST(${u(17)} * 40 AS BIGINT) AS ${STUDENT.submissions}, CAST(${u(19)} * 20 AS BIGINT) AS ${STUDENT.posts},
      round(40 + ${u(23)} * 60, 1) AS ${STUDENT.assignmentScore}, completion AS ${STUDENT.completion}, CAST(${u(29)} < 0.1 AS BIGINT) AS ${STUDENT.plagiarism},
      round(50 + ${u(31)} * 50, 1) AS ${STUDENT.writing}, round(CASE WHEN risk THEN 10 + ${u(37)} * 50 ELSE 45 + ${u(37)} * 55 END, 1) AS ${STUDENT.engagement},
      risk AS ${STUDENT.atRisk}, CAST(${u(41)} * CASE WHEN risk THEN 5 ELSE 2 END AS BIGINT) AS ${STUDENT.interventions},
      '2025-07-31 23:57:37' AS ${STUDENT.lastUpdated}, CAST(1753999057 AS BIGINT) AS last_updated_epoch,
      TIMESTAMPTZ '2026-11-25 10:00:00+00' AS _fivetran_synced, false AS _fivetran_deleted
    FROM g`);
  connection.closeSync();
  instance.closeSync();
}

/** The Metrics tab's aggregates written straight against the raw table: the least DuckDB must do. */
function baselineStatements(): string[] {
  const live = 'FROM tester.hed_records WHERE NOT _fivetran_deleted';
  const stats = NUMERIC.map((c) => `count(${c}), avg(${c}), stddev_samp(${c}), min(${c}), quantile_cont(${c}, 0.25), quantile_cont(${c}, 0.5), quantile_cont(${c}, 0.75), max(${c})`);
  return [
    `SELECT count(*), avg(${STUDENT.gpa}), avg(${STUDENT.completion}), avg(${STUDENT.engagement}), avg(CAST(${STUDENT.atRisk} AS INTEGER)) ${live}`,
    `SELECT least(floor(${STUDENT.gpa} / 0.2), 19) AS bin, count(*) ${live} GROUP BY bin`,
    `WITH r AS (SELECT * ${live}), q AS (SELECT ${STUDENT.standing} s, quantile_cont(${STUDENT.engagement}, 0.25) q1, quantile_cont(${STUDENT.engagement}, 0.5) m, quantile_cont(${STUDENT.engagement}, 0.75) q3 FROM r GROUP BY 1)
     SELECT s, count(*), min(${STUDENT.engagement}), max(${STUDENT.engagement}), min(${STUDENT.engagement}) FILTER (WHERE ${STUDENT.engagement} >= q1 - 1.5 * (q3 - q1)), max(${STUDENT.engagement}) FILTER (WHERE ${STUDENT.engagement} <= q3 + 1.5 * (q3 - q1)) FROM r JOIN q ON r.${STUDENT.standing} = q.s GROUP BY s`,
    `SELECT strftime(CAST(left(${STUDENT.enrollment}, 10) AS DATE), '%Y-%m') AS m, avg(${STUDENT.completion}), count(*) ${live} GROUP BY m`,
    `SELECT ${STUDENT.atRisk}, count(*) ${live} GROUP BY 1`,
    `SELECT count(*) ${live}`,
    `SELECT ${STUDENT.aid}, ${STUDENT.gpa}, ${STUDENT.engagement} ${live} ORDER BY hash(record_id) LIMIT ${SETTINGS.scatterPoints}`,
    `SELECT ${STUDENT.major}, avg(${STUDENT.gpa}), count(*) ${live} GROUP BY 1 ORDER BY 2 DESC`,
    `SELECT ${stats.join(', ')} ${live}`,
  ];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timeRounds(run: () => Promise<void>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < SETTINGS.rounds; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Runs part 5 and adds its rows. */
export async function benchApp(rows: BenchRow[], log: (line: string) => void): Promise<void> {
  const n = SETTINGS.rows;
  const dir = mkdtempSync(join(tmpdir(), 'hed-bench-app-'));
  try {
    log(`5. app Metrics data over ${n.toLocaleString('en-US')} rows: GET /api/metrics vs the same aggregates straight in DuckDB`);
    const warehouse = join(dir, 'warehouse.db');
    const buildStarted = performance.now();
    await buildWarehouse(warehouse, n);
    log(`   warehouse of ${n.toLocaleString('en-US')} rows built in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s`);

    const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const statements = baselineStatements();
    const baselineMs = await timeRounds(async () => {
      for (const sql of statements) await connection.runAndReadAll(sql);
    });
    connection.closeSync();
    instance.closeSync();

    const app = await startListening(process.execPath, ['bin/hed-app.js', 'serve', '--port', '0', '--warehouse', warehouse, '--insights-db', join(dir, 'insights.db')], SETTINGS.startTimeoutMs);
    let answered = 0;
    try {
      const appMs = await timeRounds(async () => {
        const response = await fetch(`${app.url}/api/metrics`, { headers: { 'cache-control': 'no-cache' } });
        if (!response.ok) throw new Error(`GET /api/metrics answered HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
        answered = ((await response.json()) as { rows: number }).rows;
      });
      rows.push({
        part: '5',
        figure: `app Metrics data, ${n.toLocaleString('en-US')} rows (${appMs.toFixed(0)} ms vs ${baselineMs.toFixed(0)} ms)`,
        value: 1000 / appMs,
        baseline: 1000 / baselineMs,
        baselineLabel: 'DuckDB direct',
        unit: 'answers/s',
        judgement: { kind: 'ratio-at-least', floor: 0.5, aim: 0.8 },
        ...(answered === n ? {} : { note: `the app counted ${answered} rows, expected ${n}` }),
      });
    } finally {
      await app.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
