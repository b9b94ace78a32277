import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { BenchError, startListening } from './processes.js';

export interface ThroughputOptions {
  connections: number;
  /** Seconds per measured round; rounds alternate between the two servers. */
  roundSeconds: number;
  rounds: number;
  warmupSeconds: number;
}

export const THROUGHPUT_DEFAULTS: ThroughputOptions = { connections: 20, roundSeconds: 5, rounds: 2, warmupSeconds: 2 };

export interface ThroughputResult {
  /** The median of the mock's rounds (the mean of the middle two for an even count). */
  mockRps: number;
  /** The median of the ceiling's rounds. */
  ceilingRps: number;
  bytesPerAnswer: number;
  /** Any non-200 answer, error or timeout seen while measuring, in words. */
  problems: string[];
  /** Mock / ceiling of each round's pair, in the order measured: how much the rounds agree. */
  roundRatios?: number[];
  /** Server CPU (user + system) per answer, in microseconds, median over the rounds; where /proc tells. */
  mockCpuMicros?: number;
  ceilingCpuMicros?: number;
}

/** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/**
 * User + system CPU seconds of a live process, from /proc; undefined where there is no
 * /proc (not Linux) or the process is gone.
 *
 * @example
 * cpuSeconds(process.pid) // 0.42
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of proc(5), counted here from the state (field 3).
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/**
 * The median: the middle value, or the mean of the middle two.
 *
 * @example
 * median([3, 1, 2]) // 2
 * median([4, 1, 2, 3]) // 2.5
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Round {
  rps: number;
  bytes: number;
  /** Microseconds of the server's CPU per answer, when its pid was given and /proc reads. */
  cpuMicros?: number;
}

/** Requests per second of one autocannon run, with keep-alive and `connections` sockets; with a pid, that server's CPU per answer. */
async function measure(url: string, apiKey: string, seconds: number, connections: number, problems: string[], label: string, pid?: number): Promise<Round> {
  const before = cpuSeconds(pid);
  const result = await autocannon({ url, connections, duration: seconds, headers: { 'x-api-key': apiKey }, timeout: 10 });
  const after = cpuSeconds(pid);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    problems.push(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const answered = result['2xx'];
  const round: Round = { rps: answered / result.duration, bytes: result.throughput.total / Math.max(1, answered) };
  if (before !== undefined && after !== undefined && answered > 0) round.cpuMicros = ((after - before) * 1e6) / answered;
  return round;
}

/**
 * The order of round `round`'s two runs: mock first on even rounds, ceiling first on odd
 * ones (ABBA), so a load that grows or fades across a pair weighs on both sides alike.
 *
 * @example
 * roundOrder(0) // ['mock', 'ceiling']
 * roundOrder(1) // ['ceiling', 'mock']
 */
export function roundOrder(round: number): ['mock', 'ceiling'] | ['ceiling', 'mock'] {
  return round % 2 === 0 ? ['mock', 'ceiling'] : ['ceiling', 'mock'];
}

/**
 * Page throughput of the running mock against the ceiling: a node:http server (its own
 * process) that answers the same bytes from memory. Rounds alternate, each pair in the
 * other order (see roundOrder), so both see the same background load; each side's
 * median counts, so one round hit by a neighbour's burst does not move the figure. With
 * `mockPid`, the CPU each server spent per answer is read from /proc as well (steadier
 * than requests/s on a shared machine). `path` is the data path measured (/hed_data, /agr_data, …).
 */
export async function comparePageThroughput(
  mockUrl: string,
  apiKey: string,
  pageSize: number,
  options = THROUGHPUT_DEFAULTS,
  path = '/hed_data',
  mockPid?: number,
): Promise<ThroughputResult> {
  const pageUrl = `${mockUrl}${path}?page_size=${pageSize}`;
  const ceiling = await startListening(process.execPath, ['--import', 'tsx', 'bench/ceiling-server.ts', pageUrl, apiKey], 30_000);
  try {
    const ceilingUrl = `${ceiling.url}${path}?page_size=${pageSize}`;
    const [expected, actual] = await Promise.all([pageUrl, ceilingUrl].map(async (u) => (await fetch(u, { headers: { 'x-api-key': apiKey } })).text()));
    if (expected !== actual) throw new BenchError('The ceiling server does not answer the bytes the mock answers.');

    const problems: string[] = [];
    await measure(pageUrl, apiKey, options.warmupSeconds, options.connections, [], 'warm-up');
    await measure(ceilingUrl, apiKey, options.warmupSeconds, options.connections, [], 'warm-up');
    const sides = {
      mock: { url: pageUrl, pid: mockPid, rounds: [] as Round[] },
      ceiling: { url: ceilingUrl, pid: mockPid === undefined ? undefined : ceiling.child.pid, rounds: [] as Round[] },
    };
    for (let round = 0; round < options.rounds; round++) {
      for (const side of roundOrder(round)) {
        const s = sides[side];
        s.rounds.push(await measure(s.url, apiKey, options.roundSeconds, options.connections, problems, `${side} round ${round + 1}`, s.pid));
      }
    }
    const mock = sides.mock.rounds;
    const top = sides.ceiling.rounds;
    const cpu = (rounds: Round[]) => (rounds.every((r) => r.cpuMicros !== undefined) && rounds.length > 0 ? median(rounds.map((r) => r.cpuMicros!)) : undefined);
    const mockCpuMicros = cpu(mock);
    const ceilingCpuMicros = cpu(top);
    return {
      mockRps: median(mock.map((r) => r.rps)),
      ceilingRps: median(top.map((r) => r.rps)),
      bytesPerAnswer: mock[mock.length - 1]?.bytes ?? 0,
      problems,
      roundRatios: mock.map((m, i) => m.rps / Math.max(1e-9, top[i]!.rps)),
      ...(mockCpuMicros !== undefined && ceilingCpuMicros !== undefined ? { mockCpuMicros, ceilingCpuMicros } : {}),
    };
  } finally {
    await ceiling.stop();
  }
}
