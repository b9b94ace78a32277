import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError, onInterrupt, ROOT, runChild } from './processes.js';

export interface SyncRun {
  records: number;
  /** Milliseconds of the whole sync. */
  ms: number;
  peakRssBytes?: number;
}

const CONNECTOR_BIN = join(ROOT, 'bin', 'hed-connector.js');
const CONNECTOR_ENTRY = join(ROOT, 'dist', 'connector', 'cli.js');

/** Why the connector cannot be benchmarked, or undefined when it can. */
export function connectorUnavailable(): string | undefined {
  if (!existsSync(CONNECTOR_BIN)) return 'connector not available: bin/hed-connector.js is missing';
  if (!existsSync(CONNECTOR_ENTRY)) return 'connector not available: dist/connector/cli.js is missing (npm run build)';
  return undefined;
}

/** A scratch directory removed by the returned function. */
function scratch(prefix: string): [string, () => void] {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const forget = onInterrupt(remove);
  return [dir, () => (forget(), remove())];
}

/** The least possible sync loop (bench/baseline-sync.ts) in its own process. */
export async function runBaselineSync(baseUrl: string, apiKey: string, pageSize: number, timeoutMs: number): Promise<SyncRun> {
  const [dir, cleanup] = scratch('hed-bench-baseline-');
  try {
    const run = await runChild(process.execPath, ['--import', 'tsx', 'bench/baseline-sync.ts', baseUrl, apiKey, String(pageSize), join(dir, 'baseline.db')], timeoutMs);
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.code !== 0 || !line.startsWith('{')) throw new BenchError(`The baseline sync failed (exit ${run.code}): ${run.stderr.slice(-1000)}`);
    const summary = JSON.parse(line) as { records: number; ms: number };
    // Its own loop time: the process start (tsx compiling the script) is not the loop's cost.
    return { records: summary.records, ms: summary.ms, ...(run.peakRssBytes === undefined ? {} : { peakRssBytes: run.peakRssBytes }) };
  } finally {
    cleanup();
  }
}

/**
 * The real connector, `hed-connector debug --configuration FILE --output DIR`, in its own
 * process; its time is the whole process (start included), its peak RSS the kernel's.
 */
export async function runConnectorSync(baseUrl: string, apiKey: string, pageSize: number, timeoutMs: number): Promise<SyncRun> {
  const [dir, cleanup] = scratch('hed-bench-connector-');
  try {
    const configuration = join(dir, 'configuration.json');
    writeFileSync(configuration, JSON.stringify({ api_key: apiKey, base_url: baseUrl, page_size: String(pageSize) }));
    const run = await runChild(process.execPath, [CONNECTOR_BIN, 'debug', '--configuration', configuration, '--output', join(dir, 'out')], timeoutMs);
    if (run.code !== 0 || !/Sync SUCCEEDED/.test(run.stdout)) {
      throw new BenchError(`The connector sync failed (exit ${run.code}): ${(run.stdout + run.stderr).slice(-1500)}`);
    }
    return { records: upsertsIn(run.stdout), ms: run.wallMs, ...(run.peakRssBytes === undefined ? {} : { peakRssBytes: run.peakRssBytes }) };
  } finally {
    cleanup();
  }
}

/** The Upserts count from the connector's SYNC PROGRESS table. */
function upsertsIn(output: string): number {
  const match = /Upserts\D*?(\d[\d,]*)/.exec(output);
  return match ? Number(match[1]!.replace(/,/g, '')) : Number.NaN;
}
