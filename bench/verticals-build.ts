/**
 * One vertical's records built as the server builds them, timed: every record's JSON
 * from verticals/generate.ts kept in one array (server/vertical-rows.ts), from the built
 * dist/ code the server runs. Run by bench part 9 in a fresh process per vertical, or by
 * hand: `node --import tsx bench/verticals-build.ts mso [1000000]` (after `npm run build`).
 * Prints one JSON line: { prefix, records, wallMs, cpuMs, bytes }. Timing lives here,
 * never in tests.
 */
import { existsSync } from 'node:fs';
import type * as VerticalsModule from '../verticals/index.js';
import { ROOT } from './processes.js';

type Verticals = typeof VerticalsModule;

async function main(): Promise<void> {
  const [prefix, count = '1000000'] = process.argv.slice(2);
  const built = `${ROOT}dist/verticals/index.js`;
  if (!existsSync(built)) throw new Error(`${built} is missing; run npm run build first (the server runs the built code, so the bench times it).`);
  const { VERTICALS, generateRecordJson, isVerticalPrefix } = (await import(built)) as Verticals;
  if (!prefix || !isVerticalPrefix(prefix) || prefix === 'hed') throw new Error(`usage: verticals-build.ts PREFIX [records], PREFIX one of the verticals but hed (its records come from its builder, verticals/hed/); got "${prefix ?? ''}".`);
  const records = Number(count);
  if (!Number.isInteger(records) || records < 1) throw new Error(`records must be a whole number from 1; got "${count}".`);

  const cpu = process.cpuUsage();
  const started = performance.now();
  const kept = [...generateRecordJson(VERTICALS[prefix], 42, records)];
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  let bytes = 0;
  for (const json of kept) bytes += json.length;
  process.stdout.write(`${JSON.stringify({ prefix, records: kept.length, wallMs, cpuMs: (used.user + used.system) / 1000, bytes })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`verticals-build: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
