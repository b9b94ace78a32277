/**
 * `npm run bench`: page throughput, connector sync and dataset build, each figure beside
 * a baseline measured in the same run, on loopback, in bounded time. Prints one table and
 * exits 1 when a floor is missed (2 when the bench itself cannot run). Not part of
 * `npm test`: timing never decides a test.
 */
import { cpus } from 'node:os';
import { Command, Option } from 'commander';
import { BenchError, killRunningChildren, peakRssBytes, startListening, type ListeningChild } from './processes.js';
import { allFloorsMet, formatTable, fullSyncRssLimit, type BenchRow } from './report.js';
import { connectorUnavailable, runBaselineSync, runConnectorSync, type SyncRun } from './sync.js';
import { comparePageThroughput } from './throughput.js';
import { benchTester } from './tester.js';
import { benchTesterSdk3 } from './tester-sdk3.js';
import { benchApp } from './app.js';
import { benchAppPage } from './app-page.js';
import { keyIndexBytes } from './key-index.js';
import { benchRoom } from './room.js';
import { benchLateCheckpoint } from './late-checkpoint.js';
import { benchVerticals, VERTICALS_SUBPARTS, type VerticalsSubpart } from './verticals.js';

const API_KEY = 'hed-demo-key';
const MB = 1024 * 1024;
const SETTINGS = {
  throughputPageSize: 100,
  syncStudents: 100_000,
  syncPageSize: 200,
  buildStudents: 1_000_000,
  connectorPeakRssMaxMb: 250,
  /** "Not growing with the dataset": the 1M sync's peak may exceed the 100k sync's by this share, plus the primary key index (bench/key-index.ts). */
  rssGrowthMaxRatio: 1.25,
  buildSecondsFloor: 30,
  buildSecondsAim: 5,
  serverStartTimeoutMs: 120_000,
  syncTimeoutMs: 180_000,
  fullSyncTimeoutMs: 300_000,
} as const;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const seconds = (ms: number) => ms / 1000;
const megabytes = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / MB);

function startMock(students: number): Promise<ListeningChild> {
  return startListening(process.execPath, ['bin/hed-mock.js', 'serve', '--port', '0', '--students', String(students), '--log-level', 'silent'], SETTINGS.serverStartTimeoutMs);
}

async function pageThroughput(mock: ListeningChild, rows: BenchRow[]): Promise<void> {
  log(`1. page throughput: GET /hed_data?page_size=${SETTINGS.throughputPageSize}, 20 connections, mock vs node:http ceiling`);
  const result = await comparePageThroughput(mock.url, API_KEY, SETTINGS.throughputPageSize);
  rows.push({
    part: '1',
    figure: `GET /hed_data?page_size=${SETTINGS.throughputPageSize} (${Math.round(result.bytesPerAnswer / 1024)} KiB)`,
    value: result.mockRps,
    baseline: result.ceilingRps,
    baselineLabel: 'node:http ceiling',
    unit: 'req/s',
    judgement: { kind: 'ratio-at-least', floor: 0.5, aim: 0.8 },
    ...(result.problems.length ? { note: result.problems.join('; ') } : {}),
  });
}

async function connectorSync(mock: ListeningChild, rows: BenchRow[]): Promise<SyncRun | undefined> {
  const n = SETTINGS.syncStudents;
  log(`2. sync of ${n.toLocaleString('en-US')} students at page_size ${SETTINGS.syncPageSize}: least possible loop, then the connector`);
  const baseline = await runBaselineSync(mock.url, API_KEY, SETTINGS.syncPageSize, SETTINGS.syncTimeoutMs);
  const unavailable = connectorUnavailable();
  const speed = (run: SyncRun) => run.records / seconds(run.ms);
  const figure = `sync ${n.toLocaleString('en-US')} at page_size ${SETTINGS.syncPageSize}`;
  if (unavailable) {
    rows.push({ part: '2', figure, baseline: speed(baseline), baselineLabel: 'least loop', unit: 'rec/s', judgement: { kind: 'ratio-at-least', floor: 0.5, aim: 0.8 }, note: unavailable });
    return undefined;
  }
  const connector = await runConnectorSync(mock.url, API_KEY, SETTINGS.syncPageSize, SETTINGS.syncTimeoutMs);
  const complete = connector.records === n && baseline.records === n;
  rows.push({
    part: '2',
    figure,
    value: speed(connector),
    baseline: speed(baseline),
    baselineLabel: 'least loop',
    unit: 'rec/s',
    judgement: { kind: 'ratio-at-least', floor: 0.5, aim: 0.8 },
    ...(complete ? {} : { note: `records synced: connector ${connector.records}, baseline ${baseline.records}, expected ${n}` }),
  });
  rows.push({
    part: '2',
    figure: `connector peak RSS, ${n.toLocaleString('en-US')} sync`,
    ...(connector.peakRssBytes === undefined ? { note: 'peak RSS not measurable here (no /usr/bin/time or /proc)' } : { value: megabytes(connector.peakRssBytes)! }),
    unit: 'MB',
    judgement: { kind: 'at-most', floor: SETTINGS.connectorPeakRssMaxMb, aim: SETTINGS.connectorPeakRssMaxMb },
  });
  return connector;
}

async function datasetBuild(rows: BenchRow[], sync100k: SyncRun | undefined): Promise<void> {
  const n = SETTINGS.buildStudents;
  log(`3. dataset build: hed-mock serve --students ${n.toLocaleString('en-US')} until "listening on", then a full connector sync`);
  const mock = await startMock(n);
  try {
    rows.push({
      part: '3',
      figure: `start with --students ${n.toLocaleString('en-US')}`,
      value: seconds(mock.startupMs),
      unit: 's',
      judgement: { kind: 'at-most', floor: SETTINGS.buildSecondsFloor, aim: SETTINGS.buildSecondsAim },
    });
    for (const [field, figure] of [['VmHWM', 'server peak RSS during the build'], ['VmRSS', 'server RSS once listening']] as const) {
      const mb = megabytes(peakRssBytes(mock.child.pid, field));
      rows.push({ part: '3', figure, ...(mb === undefined ? { note: 'not measurable here (no /proc)' } : { value: mb }), unit: 'MB', judgement: { kind: 'info' } });
    }

    const figure = `connector peak RSS, ${n.toLocaleString('en-US')} sync`;
    const unavailable = connectorUnavailable();
    if (unavailable) {
      rows.push({ part: '3', figure, unit: 'MB', judgement: { kind: 'at-most', floor: SETTINGS.connectorPeakRssMaxMb, aim: SETTINGS.connectorPeakRssMaxMb }, note: unavailable });
      return;
    }
    const full = await runConnectorSync(mock.url, API_KEY, SETTINGS.syncPageSize, SETTINGS.fullSyncTimeoutMs);
    const base = megabytes(sync100k?.peakRssBytes);
    // DuckDB's own index over the extra keys, measured now: the one thing that must grow with the table.
    const [indexSmall, indexFull] = [megabytes(await keyIndexBytes(SETTINGS.syncStudents))!, megabytes(await keyIndexBytes(n))!];
    const indexGrowth = indexFull - indexSmall;
    const limit = fullSyncRssLimit({ baseMb: base, indexGrowthMb: indexGrowth, growthRatio: SETTINGS.rssGrowthMaxRatio, capMb: SETTINGS.connectorPeakRssMaxMb });
    rows.push({
      part: '3',
      figure: `DuckDB primary key index, ${SETTINGS.syncStudents.toLocaleString('en-US')} → ${n.toLocaleString('en-US')} keys`,
      value: indexFull,
      baseline: indexSmall,
      baselineLabel: `${SETTINGS.syncStudents.toLocaleString('en-US')} keys`,
      unit: 'MB',
      judgement: { kind: 'info' },
      note: 'ART index of a VARCHAR PRIMARY KEY over random UUIDs (duckdb_memory(), ART_INDEX), in an in-memory DuckDB in this run',
    });
    rows.push({
      part: '3',
      figure,
      ...(full.peakRssBytes === undefined ? {} : { value: megabytes(full.peakRssBytes)! }),
      ...(base === undefined ? {} : { baseline: base, baselineLabel: '100k sync' }),
      unit: 'MB',
      judgement: { kind: 'at-most', floor: limit, aim: limit },
      note:
        `${full.records.toLocaleString('en-US')} records in ${seconds(full.ms).toFixed(1)} s (${Math.round(full.records / seconds(full.ms)).toLocaleString('en-US')} rec/s); ` +
        `the limit is ${base === undefined ? `${SETTINGS.connectorPeakRssMaxMb} MB` : `${SETTINGS.rssGrowthMaxRatio} x the 100k peak`} + ${indexGrowth.toFixed(0)} MB of primary key index growth` +
        `${full.records === n ? '' : `; expected ${n} records`}`,
    });
  } finally {
    await mock.stop();
  }
}

/** Runs one part; a failure becomes a NOT MET row with the reason instead of ending the bench. */
async function guarded(part: string, rows: BenchRow[], run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    log(`part ${part} failed: ${err instanceof Error ? err.message : String(err)}`);
    rows.push({ part, figure: 'part could not run', unit: '', judgement: { kind: 'at-most', floor: 0, aim: 0 }, note: reason });
  }
}

async function main(parts: Set<string>): Promise<number> {
  const started = performance.now();
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, ${process.platform}/${process.arch}`;
  log(machine);
  const rows: BenchRow[] = [];
  let sync100k: SyncRun | undefined;

  // Every part uses the 100k server: part 3 compares the full sync's peak RSS with part 2's.
  if (parts.has('1') || parts.has('2') || parts.has('3')) {
    const mock = await startMock(SETTINGS.syncStudents);
    try {
      if (parts.has('1')) await guarded('1', rows, () => pageThroughput(mock, rows));
      if (parts.has('2') || parts.has('3')) await guarded('2', rows, async () => void (sync100k = await connectorSync(mock, rows)));
    } finally {
      await mock.stop();
    }
  }
  if (parts.has('3')) await guarded('3', rows, () => datasetBuild(rows, sync100k));
  if (parts.has('2')) await guarded('4', rows, () => benchTester(rows, log));
  if (parts.has('6')) await guarded('6', rows, () => benchTesterSdk3(rows, log));
  if (parts.has('3')) await guarded('5', rows, () => benchApp(rows, log));
  if (parts.has('1')) await guarded('5', rows, () => benchAppPage(rows, log));
  if (parts.has('7')) await guarded('7', rows, () => benchRoom(rows, log));
  if (parts.has('8')) await guarded('8', rows, () => benchLateCheckpoint(rows, log));
  const verticals = new Set(VERTICALS_SUBPARTS.filter((sub) => parts.has('9') || parts.has(sub)));
  if (verticals.size > 0) await guarded('9', rows, () => benchVerticals(rows, log, verticals as Set<VerticalsSubpart>));

  process.stdout.write(`\nHED lab kit bench: ${machine}; loopback; ${new Date().toISOString().slice(0, 16)}Z; took ${Math.round(seconds(performance.now() - started))} s\n\n`);
  process.stdout.write(`${formatTable(rows)}\n\n`);
  const ok = allFloorsMet(rows);
  process.stdout.write(ok ? 'Every floor met.\n' : 'A floor was NOT met (see the last column).\n');
  return ok ? 0 : 1;
}

const program = new Command('bench')
  .description(
    'Measures page throughput (vs a node:http ceiling), connector sync (vs the least possible loop), the 1,000,000-student ' +
      'dataset build and every vertical\'s paths, builds and app metrics, prints one table and exits 1 when a floor is missed, 2 when the bench cannot run. Run through `npm run bench` (it builds dist/ first).',
  )
  .addOption(
    new Option(
      '--parts <list>',
      'comma list of parts to run: 1 throughput, 2 sync, 3 dataset build (3 runs 2 too), 6 hed-tester vs fivetran debug under SDK 3.x, 7 a room of 200 attendees, 8 hed-tester peak RSS with a late checkpoint, 9 every vertical (15 paths\' throughput, 1,000,000-record builds, app metrics; 9a, 9b or 9c runs one of the three)',
    ).default('1,2,3,6,7,8,9'),
  )
  .showHelpAfterError();
program.parse(process.argv);
const requested = String(program.opts<{ parts: string }>().parts).split(',').map((p) => p.trim());
const unknown = requested.filter((p) => !['1', '2', '3', '6', '7', '8', '9', ...VERTICALS_SUBPARTS].includes(p));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown part ${unknown.join(', ')}; --parts takes a comma list of 1, 2, 3, 6, 7, 8, 9, 9a, 9b and 9c.\n`);
  process.exit(2);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers and syncs the bench started.`);
    killRunningChildren();
    process.exit(130);
  });
}

main(new Set(requested)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof BenchError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
