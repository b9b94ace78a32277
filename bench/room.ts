/**
 * A room on the day: one instructor's mock, every attendee's lab sync at once. Each attendee
 * is its own HTTP client (its own keep-alive agent, one socket, as the lab's `requests`
 * session is one connection) that pages `GET /hed_data` at the lab's page_size until
 * `has_more` is false, as the lab's connector.py does. The clients run in the bench's
 * process, the mock in its own; loopback only.
 */
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import type { BenchRow } from './report.js';
import { startListening } from './processes.js';

export const ROOM_SETTINGS = {
  attendees: 200,
  students: 600,
  pageSize: 100,
  /** Every attendee's sync must end within this; the bench is bounded. */
  syncTimeoutMs: 120_000,
  /** A page at p99 under a second is a room nobody notices waiting; 250 ms is the aim. */
  p99FloorMs: 1_000,
  p99AimMs: 250,
  serverStartTimeoutMs: 60_000,
} as const;

/** One attendee's sync: what arrived, how long each page took, or why it stopped. */
export interface AttendeeSync {
  records: number;
  distinctKeys: number;
  pageMs: number[];
  error?: string;
}

/** The room's figures from every attendee's sync. */
export interface RoomSummary {
  attendees: number;
  complete: number;
  errors: number;
  pages: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * The value at quantile `q` (0..1) of ascending `sorted`, nearest rank; NaN when empty.
 *
 * @example quantile([1, 2, 3, 4], 0.5) // 2
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/**
 * Completion, errors and page latency over the room. A sync is complete when it ended
 * without error holding `expectedRecords` distinct records.
 *
 * @example summarizeRoom([{ records: 600, distinctKeys: 600, pageMs: [3, 4] }], 600).complete // 1
 */
export function summarizeRoom(syncs: readonly AttendeeSync[], expectedRecords: number): RoomSummary {
  const latencies = syncs.flatMap((s) => s.pageMs).sort((a, b) => a - b);
  return {
    attendees: syncs.length,
    complete: syncs.filter((s) => s.error === undefined && s.records === expectedRecords && s.distinctKeys === expectedRecords).length,
    errors: syncs.filter((s) => s.error !== undefined).length,
    pages: latencies.length,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
  };
}

function getJson(agent: Agent, url: URL, apiKey: string, signal: AbortSignal): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { 'x-api-key': apiKey, accept: 'application/json' }, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** One attendee's lab sync with its own client; never throws (an error ends the sync and is kept). */
export async function attendeeSync(baseUrl: string, apiKey: string, pageSize: number, signal: AbortSignal): Promise<AttendeeSync> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const keys = new Set<string>();
  const pageMs: number[] = [];
  let records = 0;
  let cursor: string | undefined;
  try {
    for (let page = 0; page < 1_000; page++) {
      const url = new URL('/hed_data', baseUrl);
      url.searchParams.set('page_size', String(pageSize));
      if (cursor !== undefined) url.searchParams.set('cursor', cursor);
      const started = performance.now();
      const { status, body } = await getJson(agent, url, apiKey, signal);
      pageMs.push(performance.now() - started);
      if (status !== 200) return { records, distinctKeys: keys.size, pageMs, error: `HTTP ${status} on page ${page + 1}` };
      const envelope = body as { hed_records?: { record_id: string }[]; next_cursor?: string | null; has_more?: boolean };
      for (const record of envelope.hed_records ?? []) {
        records++;
        keys.add(record.record_id);
      }
      if (!envelope.has_more) return { records, distinctKeys: keys.size, pageMs };
      cursor = envelope.next_cursor ?? undefined;
    }
    return { records, distinctKeys: keys.size, pageMs, error: 'more than 1,000 pages' };
  } catch (err) {
    return { records, distinctKeys: keys.size, pageMs, error: err instanceof Error ? err.message : String(err) };
  } finally {
    agent.destroy();
  }
}

/** CPU seconds (user + system) a live process has used, from /proc; undefined elsewhere. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // After the command name come state (field 3) ... utime (field 14) and stime (15), in clock ticks (100 a second).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Part 7: the room, as bench rows. */
export async function benchRoom(rows: BenchRow[], log: (line: string) => void, settings = ROOM_SETTINGS): Promise<void> {
  const { attendees, students, pageSize } = settings;
  log(`7. a room: ${attendees} attendees' lab syncs at once against one mock (${students} records, page_size ${pageSize}, each its own client)`);
  const mock = await startListening(process.execPath, ['bin/hed-mock.js', 'serve', '--port', '0', '--students', String(students), '--log-level', 'silent'], settings.serverStartTimeoutMs);
  const abort = new AbortController();
  // Every attendee's request listens to the one signal.
  setMaxListeners(attendees * 2 + 10, abort.signal);
  const timer = setTimeout(() => abort.abort(new Error(`not done within ${settings.syncTimeoutMs / 1000} s`)), settings.syncTimeoutMs);
  try {
    // A first sync warms the mock up (JIT, the dataset's pages); the second, alone, is the baseline.
    await attendeeSync(mock.url, 'hed-demo-key', pageSize, abort.signal);
    const alone = summarizeRoom([await attendeeSync(mock.url, 'hed-demo-key', pageSize, abort.signal)], students);
    const cpuBefore = cpuSeconds(mock.child.pid);
    const clientCpuBefore = process.cpuUsage();
    const started = performance.now();
    const syncs = await Promise.all(Array.from({ length: attendees }, () => attendeeSync(mock.url, 'hed-demo-key', pageSize, abort.signal)));
    const wallS = (performance.now() - started) / 1000;
    const cpuAfter = cpuSeconds(mock.child.pid);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const mockCpu = `; CPU used: ${cpuBefore === undefined || cpuAfter === undefined ? '' : `the mock ${(cpuAfter - cpuBefore).toFixed(2)} s, `}the ${attendees} clients ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(2)} s`;
    const room = summarizeRoom(syncs, students);
    const firstError = syncs.find((s) => s.error !== undefined)?.error;
    const label = `${attendees} lab syncs at once`;
    rows.push({ part: '7', figure: `${label}: complete (${students} distinct records each)`, value: room.complete, baseline: attendees, baselineLabel: 'attendees', unit: 'syncs', judgement: { kind: 'ratio-at-least', floor: 1, aim: 1 } });
    rows.push({ part: '7', figure: `${label}: errors`, value: room.errors, unit: 'syncs', judgement: { kind: 'at-most', floor: 0, aim: 0 }, ...(firstError === undefined ? {} : { note: `first error: ${firstError}` }) });
    rows.push({
      part: '7',
      figure: `${label}: p99 page latency`,
      value: room.p99Ms,
      baseline: alone.p99Ms,
      baselineLabel: 'one attendee alone',
      unit: 'ms',
      judgement: { kind: 'at-most', floor: settings.p99FloorMs, aim: settings.p99AimMs },
      note: `${room.pages.toLocaleString('en-US')} pages; p50 ${room.p50Ms.toFixed(1)} ms, max ${room.maxMs.toFixed(1)} ms; the whole room synced in ${wallS.toFixed(2)} s${mockCpu}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    });
  } finally {
    clearTimeout(timer);
    await mock.stop();
  }
}
