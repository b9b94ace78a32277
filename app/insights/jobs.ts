/**
 * In-memory report jobs with real progress steps. A job runs its work, which announces
 * each step as it starts; the page polls the job. Clock and ids are injectable.
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
  status: 'running' | 'done' | 'failed';
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
  /** Starts `work` now and returns the job at once. */
  start(labels: string[], work: (step: StepFn) => Promise<Report>): Job;
  get(id: string): Job | undefined;
  /** Resolves when the job has finished (for tests and shutdown). */
  settled(id: string): Promise<void>;
}

/** Jobs kept in memory at most; the oldest finished ones go first. */
export const JOBS_KEPT_MAX = 200;

/**
 * Creates a job board.
 * @example const jobs = createJobs({ now: () => new Date(0) })
 */
export function createJobs(options: { now?: () => Date; newId?: () => string } = {}): Jobs {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const jobs = new Map<string, Job>();
  const running = new Map<string, Promise<void>>();
  const forget = () => {
    for (const [id, job] of jobs) {
      if (jobs.size <= JOBS_KEPT_MAX) break;
      if (job.status !== 'running') jobs.delete(id);
    }
  };
  return {
    start(labels, work) {
      const job: Job = { id: newId(), status: 'running', steps: labels.map((label) => ({ label, state: 'pending' })), startedAt: now().toISOString() };
      jobs.set(job.id, job);
      forget();
      const step: StepFn = (index) => {
        job.steps.forEach((s, i) => {
          if (i < index) s.state = 'done';
          else if (i === index) s.state = 'running';
        });
      };
      const done = work(step).then(
        (report) => {
          job.steps.forEach((s) => (s.state = 'done'));
          job.report = report;
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
      );
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
