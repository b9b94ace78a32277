import t from 'tap';
import { createJobs, JOBS_KEPT_MAX } from '../../../app/insights/jobs.js';
import type { Report } from '../../../app/insights/history.js';

const report = { id: 'r', createdAt: '', focus: 'f', focusLabel: 'F', provider: 'offline', model: 'm', title: 't', markdown: '' } satisfies Report;

t.test('a job walks its steps in order and ends done with the report', async (t) => {
  let tick = 0;
  const jobs = createJobs({ now: () => new Date(Date.UTC(2026, 10, 25, 0, 0, tick++)), newId: () => 'job-1' });
  const seen: string[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const job = jobs.start(['one', 'two', 'three'], async (step) => {
    step(0);
    seen.push(jobs.get('job-1')!.steps.map((s) => s.state));
    step(2);
    seen.push(jobs.get('job-1')!.steps.map((s) => s.state));
    await gate;
    return report;
  });
  t.equal(job.status, 'running');
  t.equal(job.startedAt, '2026-11-25T00:00:00.000Z');
  t.same(seen, [
    ['running', 'pending', 'pending'],
    ['done', 'done', 'running'],
  ]);
  release();
  await jobs.settled('job-1');
  t.match(jobs.get('job-1'), { status: 'done', report, finishedAt: '2026-11-25T00:00:01.000Z' });
  t.same(jobs.get('job-1')!.steps.map((s) => s.state), ['done', 'done', 'done']);
  await jobs.settled('unknown');
});

t.test('a failing job keeps its error and marks the step it failed in', async (t) => {
  const jobs = createJobs();
  const job = jobs.start(['read', 'ask', 'save'], async (step) => {
    step(1);
    throw new Error('The model server did not answer.');
  });
  await jobs.settled(job.id);
  t.match(jobs.get(job.id), { status: 'failed', error: 'The model server did not answer.' });
  t.same(jobs.get(job.id)!.steps, [
    { label: 'read', state: 'done' },
    { label: 'ask', state: 'pending', failed: true },
    { label: 'save', state: 'pending' },
  ]);
  const odd = jobs.start(['x'], () => Promise.reject('plain string'));
  await jobs.settled(odd.id);
  t.equal(jobs.get(odd.id)!.error, 'plain string');
});

t.test('old finished jobs are forgotten beyond the cap', async (t) => {
  let n = 0;
  const jobs = createJobs({ newId: () => `j${n++}` });
  for (let i = 0; i < JOBS_KEPT_MAX + 5; i++) await jobs.settled(jobs.start(['x'], async () => report).id);
  t.equal(jobs.get('j0'), undefined);
  t.ok(jobs.get(`j${JOBS_KEPT_MAX + 4}`));
});
