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
  mockRps: number;
  ceilingRps: number;
  bytesPerAnswer: number;
  /** Any non-200 answer, error or timeout seen while measuring, in words. */
  problems: string[];
}

/** Requests per second of one autocannon run, with keep-alive and `connections` sockets. */
async function measure(url: string, apiKey: string, seconds: number, connections: number, problems: string[], label: string): Promise<{ rps: number; bytes: number }> {
  const result = await autocannon({ url, connections, duration: seconds, headers: { 'x-api-key': apiKey }, timeout: 10 });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    problems.push(`${label}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const answered = result['2xx'];
  return { rps: answered / result.duration, bytes: result.throughput.total / Math.max(1, answered) };
}

/**
 * Page throughput of the running mock against the ceiling: a node:http server (its own
 * process) that answers the same bytes from memory. Rounds alternate so both see the
 * same background load. `path` is the data path measured (/hed_data, /agr_data, …).
 */
export async function comparePageThroughput(mockUrl: string, apiKey: string, pageSize: number, options = THROUGHPUT_DEFAULTS, path = '/hed_data'): Promise<ThroughputResult> {
  const pageUrl = `${mockUrl}${path}?page_size=${pageSize}`;
  const ceiling = await startListening(process.execPath, ['--import', 'tsx', 'bench/ceiling-server.ts', pageUrl, apiKey], 30_000);
  try {
    const ceilingUrl = `${ceiling.url}${path}?page_size=${pageSize}`;
    const [expected, actual] = await Promise.all([pageUrl, ceilingUrl].map(async (u) => (await fetch(u, { headers: { 'x-api-key': apiKey } })).text()));
    if (expected !== actual) throw new BenchError('The ceiling server does not answer the bytes the mock answers.');

    const problems: string[] = [];
    await measure(pageUrl, apiKey, options.warmupSeconds, options.connections, [], 'warm-up');
    await measure(ceilingUrl, apiKey, options.warmupSeconds, options.connections, [], 'warm-up');
    let mock = 0;
    let top = 0;
    let bytes = 0;
    for (let round = 0; round < options.rounds; round++) {
      const m = await measure(pageUrl, apiKey, options.roundSeconds, options.connections, problems, `mock round ${round + 1}`);
      const c = await measure(ceilingUrl, apiKey, options.roundSeconds, options.connections, problems, `ceiling round ${round + 1}`);
      mock += m.rps;
      top += c.rps;
      bytes = m.bytes;
    }
    return { mockRps: mock / options.rounds, ceilingRps: top / options.rounds, bytesPerAnswer: bytes, problems };
  } finally {
    await ceiling.stop();
  }
}
