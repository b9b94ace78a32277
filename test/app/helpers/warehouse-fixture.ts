/**
 * Makes a warehouse IN THE TEST with @duckdb/node-api: schema `tester`, table
 * `hed_records`, generated rows, in either type variant: `ours` (BOOLEAN at_risk_flag,
 * DOUBLE, BIGINT) or `fivetran-1.7` (at_risk_flag 0/1 BIGINT, floats as FLOAT, dates as
 * VARCHAR, as the 1.7.0-era Fivetran tester writes them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** One generated record (plus the tester's columns). */
export interface FixtureRow {
  record_id: string;
  student_id: string;
  enrollment_date: string;
  academic_standing: string;
  current_gpa: number;
  credit_hours_attempted: number;
  credit_hours_earned: number;
  major_code: string;
  advisor_id: string;
  financial_aid_amount: number;
  last_login_date: string;
  total_course_views: number;
  assignment_submissions: number;
  discussion_posts: number;
  avg_assignment_score: number;
  course_completion_rate: number;
  plagiarism_incidents: number;
  writing_quality_score: number;
  engagement_score: number;
  at_risk_flag: boolean;
  intervention_count: number;
  last_updated: string;
  last_updated_epoch: number;
  _fivetran_deleted: boolean;
}

/** `declared-dates`: the 1.7.0 types, with the date fields declared as NAIVE_DATETIME (TIMESTAMP). */
export type Variant = 'ours' | 'fivetran-1.7' | 'declared-dates';

const STANDINGS = ['Academic Probation', 'Good Standing', "Dean's List", 'Honor Roll', 'Academic Warning'];
const MAJORS = ['PHIL', 'ECON', 'BIOL', 'ENGR'];

/** A small deterministic generator (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const r2 = (v: number) => Math.round(v * 100) / 100;
const r1 = (v: number) => Math.round(v * 10) / 10;

/** `count` rows; every 10th is soft-deleted; two enrollment months; one record has HTML in it. */
export function makeRows(count: number, seed = 7): FixtureRow[] {
  const random = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const atRisk = random() < 0.35;
    const gpa = r2(atRisk ? 1 + random() * 1.8 : 2.4 + random() * 1.6);
    const attempted = 12 + Math.floor(random() * 6);
    const completion = r2(atRisk ? 0.3 + random() * 0.4 : 0.6 + random() * 0.4);
    const month = i % 3 === 0 ? '09' : '08';
    return {
      record_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      student_id: `STU_2024${String(i).padStart(5, '0')}`,
      enrollment_date: `2024-${month}-${String(1 + (i % 28)).padStart(2, '0')} ${i % 13}:00:00`,
      academic_standing: i === 5 ? '<b>Good</b> "Standing", ok' : STANDINGS[Math.floor(gpa) % STANDINGS.length]!,
      current_gpa: gpa,
      credit_hours_attempted: attempted,
      credit_hours_earned: Math.round(attempted * completion),
      major_code: MAJORS[i % MAJORS.length]!,
      advisor_id: `ADV_${1000 + (i % 5)}`,
      financial_aid_amount: r2(random() * 20000),
      last_login_date: '2025-07-27 14:28:37',
      total_course_views: Math.floor(random() * 300),
      assignment_submissions: Math.floor(random() * 40),
      discussion_posts: Math.floor(random() * 20),
      avg_assignment_score: r1(40 + random() * 60),
      course_completion_rate: completion,
      plagiarism_incidents: random() < 0.1 ? 1 : 0,
      writing_quality_score: r1(50 + random() * 50),
      engagement_score: r1(atRisk ? 10 + random() * 50 : 45 + random() * 55),
      at_risk_flag: atRisk,
      intervention_count: Math.floor(random() * (atRisk ? 5 : 2)),
      last_updated: '2025-07-31 23:57:37',
      last_updated_epoch: 1753999057,
      _fivetran_deleted: i % 10 === 9,
    };
  });
}

const COLUMN_TYPES: Record<Variant, Record<string, string>> = {
  ours: {},
  'fivetran-1.7': {},
  'declared-dates': { enrollment_date: 'TIMESTAMP', last_login_date: 'TIMESTAMP', last_updated: 'TIMESTAMP' },
};
const INT_FIELDS = ['credit_hours_attempted', 'credit_hours_earned', 'total_course_views', 'assignment_submissions', 'discussion_posts', 'plagiarism_incidents', 'intervention_count', 'last_updated_epoch'];
const FLOAT_FIELDS = ['current_gpa', 'financial_aid_amount', 'avg_assignment_score', 'course_completion_rate', 'writing_quality_score', 'engagement_score'];

function columnType(variant: Variant, field: string): string {
  const override = COLUMN_TYPES[variant][field];
  if (override) return override;
  if (field === 'at_risk_flag') return variant === 'ours' ? 'BOOLEAN' : 'BIGINT';
  if (field === '_fivetran_deleted') return 'BOOLEAN';
  if (INT_FIELDS.includes(field)) return 'BIGINT';
  if (FLOAT_FIELDS.includes(field)) return variant === 'ours' ? 'DOUBLE' : 'FLOAT';
  return 'VARCHAR';
}

/** Writes the rows into `<dir>/warehouse.db` and returns its path. */
export async function writeWarehouse(path: string, rows: FixtureRow[], variant: Variant): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  const fields = Object.keys(rows[0] ?? makeRows(1)[0]!);
  await connection.run('CREATE SCHEMA IF NOT EXISTS tester');
  await connection.run(
    `CREATE TABLE tester.hed_records (${fields.map((f) => `"${f}" ${columnType(variant, f)}`).join(', ')}, "_fivetran_synced" TIMESTAMP WITH TIME ZONE, PRIMARY KEY (record_id))`,
  );
  for (const row of rows) {
    const values = fields.map((f) => {
      const v = (row as unknown as Record<string, string | number | boolean>)[f]!;
      return f === 'at_risk_flag' && variant !== 'ours' ? (v ? 1 : 0) : v;
    });
    await connection.run(`INSERT INTO tester.hed_records VALUES (${fields.map(() => '?').join(', ')}, TIMESTAMPTZ '2026-11-25 10:00:00+00')`, values);
  }
  connection.closeSync();
  instance.closeSync();
}

/** A scratch folder removed by the returned function. */
export function scratchDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hed-app-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The live (not soft-deleted) rows: what the app must see. */
export const liveRows = (rows: FixtureRow[]) => rows.filter((r) => !r._fivetran_deleted);

export { mean } from '../../helpers/stats.js';
