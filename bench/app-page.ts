/**
 * Bench part 5: the StudentSuccess page's time to render all six charts in Chromium.
 * `hed-app serve` runs as a child process over a warehouse of generated rows made here
 * with DuckDB SQL; each load opens the page and waits until the six charts are drawn.
 * The figure is the median over warm loads (vendored Vega cached), measured in the page
 * from navigation start; the cold first load is shown beside it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, INSTALL_CHROMIUM, keepOnLoopback } from '../test/helpers/browser.js';
import { STUDENT } from '../verticals/hed/app.js';
import { startListening } from './processes.js';
import type { BenchRow } from './report.js';

/** Every setting of this part, in one block. */
export const APP_PAGE_BENCH = {
  students: 100_000,
  warmLoads: 5,
  serverStartTimeoutMs: 60_000,
  renderTimeoutMs: 60_000,
  /** Six charts drawn within this (ms) from navigation start, median of warm loads. */
  floorMs: 10_000,
  aimMs: 2000,
} as const;

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const STANDINGS = ['Good Standing', "Dean's List", 'Honor Roll', 'Academic Warning', 'Academic Probation', 'Satisfactory Progress'];
const MAJORS = ['BIOL', 'BUSN', 'CHEM', 'CSCI', 'ECON', 'ENGL', 'ENGR', 'HIST', 'MATH', 'NURS', 'PHIL', 'PSYC'];
const pick = (list: readonly string[], expr: string) => `(${JSON.stringify(list).replaceAll('"', "'").replace("'Dean's List'", "'Dean''s List'")})[1 + (${expr}) % ${list.length}]`;

/** Writes `students` generated records into tester.hed_records of a new DuckDB file, in one statement. */
export async function writeBenchWarehouse(path: string, students: number): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run('SELECT setseed(0.42)');
    await connection.run('CREATE SCHEMA tester');
    await connection.run(`CREATE TABLE tester.hed_records AS
      WITH base AS (SELECT i, random() AS a, random() AS b, random() AS c, random() < 0.3 AS risk FROM range(${Math.floor(students)}) t(i))
      SELECT
        printf('00000000-0000-4000-8000-%012d', i) AS record_id,
        printf('STU_2024%05d', i % 100000) AS ${STUDENT.id},
        printf('2024-%02d-%02d 09:00:00', 8 + i % 2, 1 + i % 28) AS ${STUDENT.enrollment},
        ${pick(STANDINGS, 'i')} AS ${STUDENT.standing},
        round(CASE WHEN risk THEN 1 + a * 1.8 ELSE 2.4 + a * 1.6 END, 2) AS ${STUDENT.gpa},
        CAST(12 + i % 7 AS BIGINT) AS ${STUDENT.creditsAttempted},
        CAST(9 + i % 7 AS BIGINT) AS ${STUDENT.creditsEarned},
        ${pick(MAJORS, 'i * 7')} AS ${STUDENT.major},
        printf('ADV_%d', 1000 + i % 150) AS ${STUDENT.advisor},
        round(b * 25000, 2) AS ${STUDENT.aid},
        '2025-07-27 14:28:37' AS ${STUDENT.lastLogin},
        CAST(floor(c * 600) AS BIGINT) AS ${STUDENT.courseViews},
        CAST(floor(a * 40) AS BIGINT) AS ${STUDENT.submissions},
        CAST(floor(b * 30) AS BIGINT) AS ${STUDENT.posts},
        round(50 + c * 50, 1) AS ${STUDENT.assignmentScore},
        round(CASE WHEN risk THEN 0.3 + b * 0.4 ELSE 0.6 + b * 0.4 END, 2) AS ${STUDENT.completion},
        CAST(c < 0.1 AS BIGINT) AS ${STUDENT.plagiarism},
        round(40 + a * 60, 1) AS ${STUDENT.writing},
        round(CASE WHEN risk THEN 10 + c * 50 ELSE 45 + c * 55 END, 1) AS ${STUDENT.engagement},
        risk AS ${STUDENT.atRisk},
        CAST(floor(a * 4) AS BIGINT) AS ${STUDENT.interventions},
        '2025-07-31 23:57:37' AS ${STUDENT.lastUpdated},
        CAST(1753999057 AS BIGINT) AS last_updated_epoch,
        false AS _fivetran_deleted,
        TIMESTAMPTZ '2026-11-25 10:00:00+00' AS _fivetran_synced
      FROM base`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * Adds the page rows: median warm time to six drawn charts (judged) and the cold load.
 * @example await benchAppPage(rows, (line) => process.stderr.write(line + '\n'));
 */
export async function benchAppPage(rows: BenchRow[], log: (line: string) => void): Promise<void> {
  const s = APP_PAGE_BENCH;
  const figure = `StudentSuccess page: six charts drawn, ${s.students.toLocaleString('en-US')} rows (median of ${s.warmLoads} warm loads)`;
  const judgement = { kind: 'at-most', floor: s.floorMs, aim: s.aimMs } as const;
  if (!existsSync(CHROMIUM_PATH)) {
    rows.push({ part: '5', figure, unit: 'ms', judgement, note: `no Chromium at ${CHROMIUM_PATH}: ${INSTALL_CHROMIUM}` });
    return;
  }
  log(`5. app page: hed-app serve over ${s.students.toLocaleString('en-US')} generated rows, Chromium until six charts are drawn`);
  const dir = mkdtempSync(join(tmpdir(), 'hed-bench-app-'));
  const warehouse = join(dir, 'warehouse.db');
  try {
    await writeBenchWarehouse(warehouse, s.students);
    const app = await startListening(process.execPath, ['bin/hed-app.js', 'serve', '--port', '0', '--warehouse', warehouse, '--insights-db', join(dir, 'insights.db')], s.serverStartTimeoutMs);
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const offLoopback = await keepOnLoopback(context);
      const times: { toChartsMs: number; embedMs: number; metricsApiMs: number }[] = [];
      for (let load = 0; load <= s.warmLoads; load++) {
        const page = await context.newPage();
        await page.goto(`${app.url}/`);
        await page.waitForSelector('#charts[data-rendered="6"]', { state: 'attached', timeout: s.renderTimeoutMs });
        times.push(
          (await page.evaluate(
            `({ toChartsMs: window.hedChartsRenderedAt, embedMs: window.hedChartsRenderedMs,
                metricsApiMs: performance.getEntriesByType('resource').find((e) => e.name.includes('/api/metrics'))?.duration ?? NaN })`,
          )) as { toChartsMs: number; embedMs: number; metricsApiMs: number },
        );
        await page.close();
      }
      const [cold, ...warm] = times;
      rows.push({
        part: '5',
        figure,
        value: median(warm.map((t) => t.toChartsMs)),
        unit: 'ms',
        judgement,
        note: `of which GET /api/metrics ${Math.round(median(warm.map((t) => t.metricsApiMs)))} ms and embedding the six specs ${Math.round(median(warm.map((t) => t.embedMs)))} ms${offLoopback.length ? `; requests off loopback: ${offLoopback.join(', ')}` : ''}`,
      });
      rows.push({ part: '5', figure: 'StudentSuccess page: first (cold) load', value: cold!.toChartsMs, unit: 'ms', judgement: { kind: 'info' } });
    } finally {
      await browser.close();
      await app.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
