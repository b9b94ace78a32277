import t from 'tap';
import { join } from 'node:path';
import { openHistory, type Report } from '../../../app/insights/history.js';

const report = (id: string, createdAt: string): Report => ({ id, createdAt, focus: 'financial-impact', focusLabel: 'Financial Impact', provider: 'offline', model: 'offline-analyst (no model)', title: `T ${id}`, markdown: `# ${id}\n` });

t.test('reports survive a reopen and list newest first', async (t) => {
  const path = join(t.testdir(), 'nested', 'insights.db');
  const history = openHistory(path);
  history.add(report('a', '2026-11-25T10:00:00.000Z'));
  history.add(report('c', '2026-11-25T12:00:00.000Z'));
  history.add(report('b', '2026-11-25T11:00:00.000Z'));
  history.close();
  const again = openHistory(path);
  t.teardown(() => again.close());
  t.same(again.list().map((r) => r.id), ['c', 'b', 'a']);
  t.same(again.get('b'), report('b', '2026-11-25T11:00:00.000Z'));
  t.equal(again.get('zzz'), undefined);
  t.throws(() => again.add(report('a', '2026-11-25T13:00:00.000Z')), /UNIQUE/, 'ids are unique');
});

t.test('an in-memory history works without a folder', async (t) => {
  const history = openHistory(':memory:');
  t.teardown(() => history.close());
  history.add(report('x', '2026-11-25T10:00:00.000Z'));
  t.equal(history.list().length, 1);
});
