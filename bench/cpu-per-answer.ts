/**
 * CPU per answer of the mock against the node:http ceiling, path by path: far steadier
 * than requests/s on a shared machine, because the neighbours' load changes how long an
 * answer waits more than how much CPU the server spends on it. Each server is a process
 * of its own (the mock from dist/ through its CLI, as part 9a starts it); the client is
 * this process. Each round sends a fixed number of keep-alive requests to one server
 * and reads that server's user + system CPU from /proc before and after; rounds go
 * round the servers in turn and each server's median counts.
 *
 *   npx tsx bench/cpu-per-answer.ts [--paths agr,fts,hpt] [--requests 10000] [--rounds 5] [--also DIR]
 *
 * `--also DIR` measures a second mock built in DIR (a checkout with its own dist/, e.g.
 * an older commit) in the same rounds: a before/after comparison under the same load.
 * Linux only (/proc). Build dist/ first (`npm run build`).
 */
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startListening, type ListeningChild } from './processes.js';
import { cpuSeconds, median } from './throughput.js';

const API_KEY = 'hed-demo-key';
const PAGE_SIZE = 100;

async function send(url: string, amount: number, connections: number): Promise<number> {
  const result = await autocannon({ url, connections, amount, headers: { 'x-api-key': API_KEY }, timeout: 10 });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return result['2xx'];
}

/** Microseconds of the server's CPU per answer over one run of `amount` requests. */
async function microsPerAnswer(server: ListeningChild, url: string, amount: number, connections: number): Promise<number> {
  const before = cpuSeconds(server.child.pid);
  const answered = await send(url, amount, connections);
  const after = cpuSeconds(server.child.pid);
  if (before === undefined || after === undefined) throw new Error('No CPU figure from /proc (Linux only).');
  return ((after - before) * 1e6) / answered;
}

const startMock = (root: string) => startListening(process.execPath, [join(root, 'bin/hed-mock.js'), 'serve', '--port', '0', '--students', '600', '--log-level', 'silent'], 120_000);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
  };
  const paths = option('paths', 'agr,fts,hpt').split(',').map((p) => `/${p.trim()}_data`);
  const requests = Number(option('requests', '10000'));
  const rounds = Number(option('rounds', '5'));
  const connections = Number(option('connections', '20'));
  const also = option('also', '');
  const mocks: { name: string; server: ListeningChild }[] = [{ name: 'mock', server: await startMock('.') }];
  try {
    if (also !== '') mocks.push({ name: `mock of ${also}`, server: await startMock(also) });
    for (const path of paths) {
      const ceiling = await startListening(process.execPath, ['--import', 'tsx', 'bench/ceiling-server.ts', `${mocks[0]!.server.url}${path}?page_size=${PAGE_SIZE}`, API_KEY], 30_000);
      try {
        const servers = [...mocks, { name: 'ceiling', server: ceiling }].map((s) => ({ ...s, url: `${s.server.url}${path}?page_size=${PAGE_SIZE}`, micros: [] as number[] }));
        for (const s of servers) await send(s.url, requests / 2, connections);
        for (let round = 0; round < rounds; round++) {
          // Each round starts with another server, so none is always first after a pause.
          for (let i = 0; i < servers.length; i++) {
            const s = servers[(i + round) % servers.length]!;
            s.micros.push(await microsPerAnswer(s.server, s.url, requests, connections));
          }
        }
        const top = median(servers[servers.length - 1]!.micros);
        for (const s of servers) {
          process.stdout.write(`${path} ${s.name}: ${median(s.micros).toFixed(1)} µs/answer [${s.micros.map((x) => x.toFixed(0)).join(' ')}], ${(median(s.micros) / top).toFixed(2)}x the ceiling\n`);
        }
      } finally {
        await ceiling.stop();
      }
    }
  } finally {
    for (const m of mocks) await m.server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`cpu-per-answer: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
