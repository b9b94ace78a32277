/**
 * In-memory report jobs with real progress steps. A job runs its work, which announces
 * each step as it starts; the page polls the job. At most `atOnce` jobs run; up to
 * `queuedMax` more wait their turn (status `queued`); beyond that `start` throws
 * JobsBusyError, which the route answers 429 with Retry-After. Clock and ids are injectable.
 */
import { randomUUID } from 'node:crypto';
import type { Report } from './history.js';

/** A progress step. `failed` marks the step a failed job stopped in. */
export interface JobStep {
  label: string;
  state: 'pending' | 'running' | 'done';
  failed?: boolean;
}

/** A job as `GET /api/insights/jobs/:id` shows it. */
export interface Job {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  steps: JobStep[];
  startedAt: string;
  finishedAt?: string;
  report?: Report;
  error?: string;
}

/** Starts a step by its index in the job's step list; the previous one is then done. */
export type StepFn = (index: number) => void;

/** The job board. */
export interface Jobs {
  /** Starts `work` now, or queues it when `atOnce` jobs run, and returns the job at once; throws JobsBusyError when the queue is full. */
  start(labels: string[], work: (step: StepFn) => Promise<Report>): Job;
  get(id: string): Job | undefined;
  /** Resolves when the job has finished (for tests and shutdown). */
  settled(id: string): Promise<void>;
}

/** Jobs kept in memory at most; the oldest finished ones go first. */
export const JOBS_KEPT_MAX = 200;

/**
 * Report jobs running at once, and waiting at most. Each running job holds one DuckDB
 * instance (app/warehouse.ts limits its memory and threads), so this bounds what reports
 * can take from the machine that serves the page.
 */
export const JOB_LIMITS = { atOnce: 2, queuedMax: 8, retryAfterS: 5 } as const;

/** Every slot and queue place is taken: answer 429 with Retry-After. */
export class JobsBusyError extends Error {
  constructor(readonly retryAfterS: number) {
    super(`${JOB_LIMITS.atOnce} reports are being made and ${JOB_LIMITS.queuedMax} wait their turn, so no other can be queued now. Try again in ${retryAfterS} seconds.`);
    this.name = 'JobsBusyError';
  }
}

/**
 * Creates a job board.
 * @example const jobs = createJobs({ now: () => new Date(0) })
 */
export function createJobs(options: { now?: () => Date; newId?: () => string; atOnce?: number; queuedMax?: number } = {}): Jobs {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const atOnce = options.atOnce ?? JOB_LIMITS.atOnce;
  const queuedMax = options.queuedMax ?? JOB_LIMITS.queuedMax;
  const jobs = new Map<string, Job>();
  const running = new Map<string, Promise<void>>();
  /** Jobs waiting for a slot, oldest first; a slot is handed over when a running job ends. */
  const waiting: (() => void)[] = [];
  let active = 0;
  const release = () => {
    const handOver = waiting.shift();
    if (handOver) handOver();
    else active--;
  };
  const forget = () => {
    for (const [id, job] of jobs) {
      if (jobs.size <= JOBS_KEPT_MAX) break;
      if (job.status === 'done' || job.status === 'failed') jobs.delete(id);
    }
  };
  return {
    start(labels, work) {
      if (active >= atOnce && waiting.length >= queuedMax) throw new JobsBusyError(JOB_LIMITS.retryAfterS);
      const job: Job = { id: newId(), status: 'queued', steps: labels.map((label) => ({ label, state: 'pending' })), startedAt: now().toISOString() };
      jobs.set(job.id, job);
      forget();
      const step: StepFn = (index) => {
        job.steps.forEach((s, i) => {
          if (i < index) s.state = 'done';
          else if (i === index) s.state = 'running';
        });
      };
      const run = async (): Promise<Report> => {
        job.status = 'running';
        return work(step);
      };
      // A free slot starts the work synchronously (its first step is announced before start returns).
      let report: Promise<Report>;
      if (active < atOnce) {
        active++;
        report = run();
      } else {
        report = new Promise<void>((resolve) => waiting.push(resolve)).then(run);
      }
      const done = report.then(
        (made) => {
          job.steps.forEach((s) => (s.state = 'done'));
          job.report = made;
          job.status = 'done';
          job.finishedAt = now().toISOString();
        },
        (error: unknown) => {
          const current = job.steps.find((s) => s.state === 'running');
          if (current) {
            current.state = 'pending';
            current.failed = true;
          }
          job.error = error instanceof Error ? error.message : String(error);
          job.status = 'failed';
          job.finishedAt = now().toISOString();
        },
      ).finally(release);
      running.set(job.id, done);
      void done.finally(() => running.delete(job.id));
      return job;
    },
    get: (id) => jobs.get(id),
    settled: async (id) => {
      await running.get(id);
    },
  };
}
