import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The project root (bench/ sits in it). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

// Every child still running, so an interrupted bench leaves nothing behind; true for
// those that lead their own process group (runChild: GNU time and the command under it).
const running = new Map<ChildProcess, boolean>();
const track = (child: ChildProcess, group: boolean) => {
  running.set(child, group);
  child.once('exit', () => running.delete(child));
  return child;
};

const cleanups = new Set<() => void>();

/** Runs `cleanup` when the bench is interrupted, until the returned function is called. */
export function onInterrupt(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Kills every child the bench started that is still running, then runs the onInterrupt cleanups. */
export function killRunningChildren(): void {
  for (const [child, group] of running) {
    if (child.pid === undefined) continue;
    try {
      process.kill(group ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const cleanup of cleanups) cleanup();
}

/** A child process that printed "listening on http://HOST:PORT". */
export interface ListeningChild {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the listening line. */
  startupMs: number;
  stop(): Promise<void>;
}

/** The bench itself could not run a step (a server did not start, a sync failed); exit 2. */
export class BenchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchError';
  }
}

/**
 * Peak resident set size (VmHWM) of a live process in bytes, or its current one (VmRSS),
 * from /proc; undefined where /proc is missing (not Linux) or the process is gone.
 */
export function peakRssBytes(pid: number | undefined, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples a child's peak RSS until it exits: VmHWM is kept by the kernel, so reading it
 * often enough to catch the last value before exit gives the whole run's peak.
 */
export function watchPeakRss(child: ChildProcess, everyMs = 100): () => number | undefined {
  let peak: number | undefined;
  const sample = () => {
    const now = peakRssBytes(child.pid);
    if (now !== undefined) peak = Math.max(peak ?? 0, now);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  child.once('exit', () => clearInterval(timer));
  return () => {
    sample();
    return peak;
  };
}

/**
 * Spawns a server command and resolves when it prints its "listening on" line, with the
 * URL from that line. Fails with the child's output when it exits first or takes longer
 * than `timeoutMs`.
 *
 * @example
 * const mock = await startListening(process.execPath, ['bin/hed-mock.js', 'serve', '--port', '0'], 60_000);
 * // ... mock.url ...; await mock.stop();
 */
export function startListening(command: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<ListeningChild> {
  const started = performance.now();
  const child = track(spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }), false);
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new BenchError(`${why}: ${[command, ...args].join(' ')}\n${output.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`No "listening on" line within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[^\s)]+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      // Keep draining so a chatty child never blocks on a full pipe.
      child.stdout!.resume();
      resolve({ child, url: match[1]!.replace(/\/$/, ''), startupMs: performance.now() - started, stop: () => stopChild(child) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => fail(`Exited (${code ?? signal}) before listening`));
  });
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the child is gone. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Result of a child run to completion. */
export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  peakRssBytes?: number;
}

const TIME = '/usr/bin/time';
const MAX_RSS_LINE = /^BENCH_MAX_RSS_KB=(\d+)$/m;

/**
 * Runs a command to completion, timing it and taking its peak RSS; kills it after
 * `timeoutMs` (the bench stays bounded). The peak comes from GNU time (the kernel's
 * ru_maxrss at exit) when /usr/bin/time exists, else from sampling /proc while it runs.
 */
export function runChild(command: string, args: string[], timeoutMs: number): Promise<ChildRun> {
  const started = performance.now();
  const timed = existsSync(TIME);
  const child = track(
    timed
      ? spawn(TIME, ['-f', 'BENCH_MAX_RSS_KB=%M', command, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      : spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true }),
    true,
  );
  const sampled = watchPeakRss(child, 50);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-20_000)));
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const timer = setTimeout(() => {
    stderr += `\n[bench] killed after ${timeoutMs} ms\n`;
    // Its own process group: GNU time and the command under it go together.
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const fromTime = MAX_RSS_LINE.exec(stderr);
      const peakRss = fromTime ? Number(fromTime[1]) * 1024 : sampled();
      resolve({ code, stdout, stderr: stderr.replace(MAX_RSS_LINE, ''), wallMs: performance.now() - started, ...(peakRss === undefined ? {} : { peakRssBytes: peakRss }) });
    });
  });
}
