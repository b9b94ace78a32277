import t from 'tap';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { filterOptions, groupFigures, metricsAggregates, requireColumn, rowsPage, summaryTable, toNumber } from '../../app/queries.js';
import { openWarehouse, warehouseError, warehouseStatus, withWarehouse } from '../../app/warehouse.js';
import { liveRows, makeRows, mean, scratchDir, writeWarehouse, type FixtureRow, type Variant } from './helpers/warehouse-fixture.js';

const rows = makeRows(60);
const live = liveRows(rows);
const close = (a: number | null | undefined, b: number) => Math.abs((a ?? NaN) - b) < 1e-9;

/** Linear-interpolated quantile, as pandas' describe() and DuckDB's quantile_cont. */
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

for (const variant of ['ours', 'fivetran-1.7', 'declared-dates'] as Variant[]) {
  t.test(`over a ${variant} warehouse`, async (t) => {
    const scratch = scratchDir();
    t.teardown(scratch.remove);
    const path = join(scratch.dir, 'warehouse.db');
    await writeWarehouse(path, rows, variant);

    t.test('the status counts only live rows (soft-deleted ones are ignored)', async (t) => {
      const status = await warehouseStatus(path);
      t.equal(status.ready, true);
      t.equal(status.rows, live.length);
      t.ok(live.length < rows.length, 'the fixture has soft-deleted rows');
    });

    t.test('the KPI means equal the means computed from the same rows', async (t) => {
      const a = await withWarehouse(path, (w) => metricsAggregates(w, { majors: [], standings: [] }));
      t.equal(a.rows, live.length);
      t.ok(close(a.means.gpa, mean(live.map((r) => r.current_gpa))), `gpa ${a.means.gpa}`);
      t.ok(close(a.means.completion, mean(live.map((r) => r.course_completion_rate))));
      t.ok(close(a.means.engagement, mean(live.map((r) => r.engagement_score))));
      t.ok(close(a.means.atRiskShare, live.filter((r) => r.at_risk_flag).length / live.length));
    });

    t.test('the chart aggregates match the rows', async (t) => {
      const a = await withWarehouse(path, (w) => metricsAggregates(w, { majors: [], standings: [] }));
      t.equal(a.gpaBins.reduce((s, b) => s + b.count, 0), live.length, 'every live row is in one GPA bin');
      for (const bin of a.gpaBins) {
        const expected = live.filter((r) => Math.min(Math.floor(r.current_gpa / 0.2 + 1e-9), 19) === Math.round(bin.binStart / 0.2)).length;
        t.equal(bin.count, expected, `bin ${bin.binStart}–${bin.binEnd}`);
      }
      t.same(a.completionByMonth.map((m) => m.month), ['2024-08', '2024-09']);
      const sept = live.filter((r) => r.enrollment_date.startsWith('2024-09'));
      t.ok(close(a.completionByMonth[1]!.meanCompletion, mean(sept.map((r) => r.course_completion_rate))));
      t.equal(a.completionByMonth[1]!.count, sept.length);
      const days = [...new Set(live.map((r) => r.enrollment_date.slice(0, 10)))].sort();
      t.same(a.completionByDay.map((d) => d.day), days, 'two months: the trend also goes by day');
      const firstDay = live.filter((r) => r.enrollment_date.startsWith(days[0]!));
      t.ok(close(a.completionByDay[0]!.meanCompletion, mean(firstDay.map((r) => r.course_completion_rate))));
      t.equal(a.completionByDay.reduce((s, d) => s + d.count, 0), live.length);
      const atRisk = a.atRisk.find((r) => r.atRisk === true)!;
      t.equal(atRisk.count, live.filter((r) => r.at_risk_flag).length);
      t.equal(a.atRisk.find((r) => r.atRisk === false)!.count, live.filter((r) => !r.at_risk_flag).length);
      for (const major of a.majorPerformance) {
        const mine = live.filter((r) => r.major_code === major.major);
        t.ok(close(major.meanGpa, mean(mine.map((r) => r.current_gpa))), major.major);
        t.equal(major.count, mine.length);
      }
      t.ok(a.majorPerformance.every((m, i, all) => i === 0 || all[i - 1]!.meanGpa >= m.meanGpa), 'best major first');
      for (const box of a.engagementByStanding) {
        const values = live.filter((r) => r.academic_standing === box.standing).map((r) => r.engagement_score);
        t.equal(box.count, values.length, box.standing);
        t.ok(close(box.q1, quantile(values, 0.25)) && close(box.median, quantile(values, 0.5)) && close(box.q3, quantile(values, 0.75)), `${box.standing} quartiles`);
        t.equal(box.min, Math.min(...values));
        t.ok(box.lower >= box.min && box.upper <= box.max && box.lower <= box.q1 && box.upper >= box.q3);
      }
      t.equal(a.aidVsGpa.points.length, live.length);
      t.equal(a.aidVsGpa.sampled, false);
    });

    t.test('filters apply to the aggregates (major repeatable, at risk)', async (t) => {
      const pick = (r: FixtureRow) => ['ECON', 'PHIL'].includes(r.major_code) && r.at_risk_flag;
      const a = await withWarehouse(path, (w) => metricsAggregates(w, { majors: ['ECON', 'PHIL'], standings: [], atRisk: true }));
      t.equal(a.rows, live.filter(pick).length);
      t.ok(close(a.means.gpa, mean(live.filter(pick).map((r) => r.current_gpa))));
      t.same(a.majorPerformance.map((m) => m.major).sort(), ['ECON', 'PHIL']);
      const b = await withWarehouse(path, (w) => metricsAggregates(w, { majors: [], standings: ['Good Standing'], atRisk: false }));
      t.equal(b.rows, live.filter((r) => r.academic_standing === 'Good Standing' && !r.at_risk_flag).length);
    });

    t.test('the summary table is pandas describe() of the numeric fields', async (t) => {
      const s = await withWarehouse(path, (w) => summaryTable(w, { majors: [], standings: [] }));
      t.equal(s.columns.length, 13);
      const i = s.columns.indexOf('financial_aid_amount');
      const values = live.map((r) => r.financial_aid_amount);
      const stat = (name: string) => s.stats.find((x) => x.stat === name)!.values[i];
      t.equal(stat('count'), values.length);
      t.ok(close(stat('mean'), mean(values)));
      const m = mean(values);
      t.ok(close(stat('std'), Math.sqrt(values.reduce((acc, v) => acc + (v - m) ** 2, 0) / (values.length - 1))));
      t.equal(stat('min'), Math.min(...values));
      t.equal(stat('max'), Math.max(...values));
      t.ok(close(stat('25%'), quantile(values, 0.25)) && close(stat('50%'), quantile(values, 0.5)) && close(stat('75%'), quantile(values, 0.75)));
    });

    t.test('filter options are the sorted distinct majors and standings', async (t) => {
      const options = await withWarehouse(path, filterOptions);
      t.same(options.majors, [...new Set(live.map((r) => r.major_code))].sort());
      t.same(options.standings, [...new Set(live.map((r) => r.academic_standing))].sort());
    });

    t.test('rows: a page, sorted, with the total', async (t) => {
      const page = await withWarehouse(path, (w) => rowsPage(w, { majors: [], standings: [] }, { page: 2, perPage: 5, sort: 'current_gpa', dir: 'desc' }));
      t.equal(page.total, live.length);
      const sorted = [...live].sort((a, b) => b.current_gpa - a.current_gpa || a.record_id.localeCompare(b.record_id));
      t.same(page.rows.map((r) => r.record_id), sorted.slice(5, 10).map((r) => r.record_id));
      t.equal(page.rows[0]!.at_risk_flag, sorted[5]!.at_risk_flag, 'at_risk_flag is a boolean in both variants');
      t.equal(page.rows[0]!.current_gpa, sorted[5]!.current_gpa, 'FLOAT reads back as the value written');
      t.notOk(page.columns.includes('_fivetran_deleted'));
      const search = await withWarehouse(path, (w) => rowsPage(w, { majors: [], standings: [] }, { page: 1, perPage: 50, dir: 'asc', qCol: 'academic_standing', q: 'GOOD' }));
      t.equal(search.total, live.filter((r) => r.academic_standing.toLowerCase().includes('good')).length, 'text search is case-insensitive contains');
      const exact = live[3]!.current_gpa;
      const numeric = await withWarehouse(path, (w) => rowsPage(w, { majors: [], standings: [] }, { page: 1, perPage: 50, dir: 'asc', qCol: 'current_gpa', q: String(exact) }));
      t.equal(numeric.total, live.filter((r) => r.current_gpa === exact).length, 'numbers match exactly');
      t.ok(numeric.total >= 1);
      await t.rejects(
        withWarehouse(path, (w) => rowsPage(w, { majors: [], standings: [] }, { page: 1, perPage: 5, dir: 'asc', qCol: 'current_gpa', q: 'high' })),
        { code: 'bad_request', statusCode: 400, message: /holds numbers/ },
      );
    });

    t.test('group figures by at-risk flag', async (t) => {
      const groups = await withWarehouse(path, (w) => groupFigures(w, 'at_risk_flag'));
      const risky = groups.find((g) => g.key === 'true')!;
      t.equal(risky.count, live.filter((r) => r.at_risk_flag).length);
      t.ok(close(risky.meanGpa, mean(live.filter((r) => r.at_risk_flag).map((r) => r.current_gpa))));
      t.equal(risky.atRiskShare, 1);
    });
  });
}

t.test('the scatter is a capped, deterministic sample and says so', async (t) => {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const path = join(scratch.dir, 'warehouse.db');
  await writeWarehouse(path, rows, 'ours');
  const first = await withWarehouse(path, (w) => metricsAggregates(w, { majors: [], standings: [] }, 10));
  const again = await withWarehouse(path, (w) => metricsAggregates(w, { majors: [], standings: [] }, 10));
  t.equal(first.aidVsGpa.points.length, 10);
  t.equal(first.aidVsGpa.total, live.length);
  t.equal(first.aidVsGpa.sampled, true);
  t.same(first.aidVsGpa.points, again.aidVsGpa.points);
});

t.test('a warehouse without the needed columns, a bad column name, a table with no rows', async (t) => {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const path = join(scratch.dir, 'warehouse.db');
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run('CREATE SCHEMA tester; CREATE TABLE tester.hed_records (record_id VARCHAR, current_gpa DOUBLE, at_risk_flag VARCHAR)');
  connection.closeSync();
  instance.closeSync();
  await t.rejects(withWarehouse(path, (w) => metricsAggregates(w, { majors: [], standings: [] })), { code: 'warehouse_incompatible', message: /has no column course_completion_rate, engagement_score/ });
  const status = await warehouseStatus(path);
  t.equal(status.ready, false);
  t.match(status.message, /has no rows in tester\.hed_records yet\. This app reads files\/warehouse\.db in the folder it was started from, or the file --warehouse names\. To make one, start the mock with hed-mock serve in one terminal, then run hed-tester debug in your lab folder/);
  t.notMatch(status.message, /`/, 'plain text: no Markdown backticks for the page to show literally');
  t.same(status.commands, ['hed-mock serve', 'hed-tester debug'], 'the commands an attendee runs in the lab folder');
  await withWarehouse(path, async (w) => {
    t.throws(() => requireColumn(w, 'nope"; DROP TABLE x; --', 'sort'), { statusCode: 400, message: /Unknown column .* in sort\. Use one of: record_id, current_gpa, at_risk_flag\./ });
    const page = await rowsPage(w, { majors: [], standings: [] }, { page: 1, perPage: 10, dir: 'asc' });
    t.equal(page.total, 0);
  });
});

t.test('a missing file, a file that is not DuckDB, a schema without the table', async (t) => {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const missing = await warehouseStatus(join(scratch.dir, 'nope.db'));
  t.match(missing, { ready: false, rows: 0, table: 'tester.hed_records', commands: ['hed-mock serve', 'hed-tester debug'] });
  t.match(missing.message, /There is no warehouse at .*nope\.db yet/);
  const relative = await warehouseStatus('files/no-such-warehouse.db');
  t.ok(relative.message?.includes(`There is no warehouse at ${join(process.cwd(), 'files', 'no-such-warehouse.db')} yet.`), 'a relative path is shown absolute: the folder the app looked in');
  const junk = join(scratch.dir, 'junk.db');
  writeFileSync(junk, 'this is not a database file at all, just text that is long enough to be read as a header'.repeat(100));
  await t.rejects(openWarehouse(junk), { code: 'warehouse_unreadable', statusCode: 503, message: /could not be read as a DuckDB file/ });
  const empty = join(scratch.dir, 'empty.db');
  (await DuckDBInstance.create(empty)).closeSync();
  t.match((await warehouseStatus(empty)).message, /has no table tester\.hed_records yet/);
});

t.test('a lock error becomes a sentence about the writer', async (t) => {
  const error = warehouseError('files/warehouse.db', new Error('IO Error: Could not set lock on file "files/warehouse.db": Conflicting lock is held'));
  t.match(error, { code: 'warehouse_busy', statusCode: 503, message: /locked by a process writing to it/ });
});

t.test('toNumber reads DuckDB JSON numbers and rejects the rest', async (t) => {
  t.equal(toNumber(3), 3);
  t.equal(toNumber('42'), 42);
  t.equal(toNumber('NaN'), null);
  t.equal(toNumber(''), null);
  t.equal(toNumber(null), null);
  t.equal(toNumber(Infinity), null);
});

t.test('a GPA on a bin edge (1.20, 1.40, 2.60, 3.40) counts in the bin it starts, for DOUBLE and FLOAT columns', async (t) => {
  const edges = [1.2, 1.4, 2.6, 3.4, 4];
  const edgeRows = makeRows(edges.length).map((row, i) => ({ ...row, current_gpa: edges[i]!, _fivetran_deleted: false }));
  for (const variant of ['ours', 'fivetran-1.7'] as Variant[]) {
    const scratch = scratchDir();
    t.teardown(scratch.remove);
    const path = join(scratch.dir, 'warehouse.db');
    await writeWarehouse(path, edgeRows, variant);
    const a = await withWarehouse(path, (w) => metricsAggregates(w, { majors: [], standings: [] }));
    t.same(a.gpaBins.map((b) => [b.binStart, b.count]), [[1.2, 1], [1.4, 1], [2.6, 1], [3.4, 1], [3.8, 1]], `${variant}: 4.0 is in the top bin`);
  }
});

t.test('the explorer and the CSV show the source\'s field order, whatever order the tester wrote the columns in', async (t) => {
  const scratch = scratchDir();
  t.teardown(scratch.remove);
  const path = join(scratch.dir, 'warehouse.db');
  // Alphabetical, as a tester that writes the SDK's record maps may order them; a drifted field too.
  const shuffled = makeRows(6).map((row) => Object.fromEntries(Object.entries({ ...row, campus: 'North' }).sort(([a], [b]) => a.localeCompare(b))) as unknown as FixtureRow);
  await writeWarehouse(path, shuffled, 'ours');
  const source = ['record_id', 'student_id', 'enrollment_date', 'academic_standing', 'current_gpa', 'credit_hours_attempted', 'credit_hours_earned', 'major_code', 'advisor_id', 'financial_aid_amount', 'last_login_date', 'total_course_views', 'assignment_submissions', 'discussion_posts', 'avg_assignment_score', 'course_completion_rate', 'plagiarism_incidents', 'writing_quality_score', 'engagement_score', 'at_risk_flag', 'intervention_count', 'last_updated', 'last_updated_epoch'];
  await withWarehouse(path, async (w) => {
    t.equal(w.columns.find((c) => !c.name.startsWith('_'))?.name, 'academic_standing', 'the table itself is alphabetical');
    const page = await rowsPage(w, { majors: [], standings: [] }, { page: 1, perPage: 5, dir: 'asc' });
    t.same(page.columns, [...source, 'campus', '_fivetran_synced'], 'the API\'s fields in its order, then other columns, the tester\'s last');
    t.same(Object.keys(page.rows[0]!), page.columns, 'each row in the same order');
  });
});
