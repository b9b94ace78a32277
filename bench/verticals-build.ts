// How long a million records of each vertical take to build as served JSON (issue 19: ≤ 5 s).
// Run: npx tsx bench/verticals-build.ts [agr,tlc,…] [records]. Timing lives here, never in tests.
import { ALL_VERTICALS, generateRecordJson, parseVerticalList } from '../verticals/index.js';

const FLOOR_MS = 5_000;
const chosen = process.argv[2] ? parseVerticalList(process.argv[2]) : ALL_VERTICALS;
const records = Number(process.argv[3] ?? 1_000_000);
for (const v of chosen.filter((d) => d.prefix !== 'hed')) {
  const started = performance.now();
  let bytes = 0;
  for (const json of generateRecordJson(v, 42, records)) bytes += json.length;
  const ms = performance.now() - started;
  const verdict = records === 1_000_000 ? (ms <= FLOOR_MS ? 'ok' : `over the ${FLOOR_MS} ms floor`) : '';
  process.stdout.write(`${v.prefix}: ${records.toLocaleString('en-US')} records, ${(bytes / 1e6).toFixed(0)} MB of JSON in ${Math.round(ms)} ms ${verdict}\n`);
}
