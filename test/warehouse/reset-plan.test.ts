import t from 'tap';
import { describeReset, isInsightsFile, planReset } from '../../warehouse/reset-plan.js';

t.test('the Insights History and its SQLite side files are kept unless asked for by name', async (t) => {
  const entries = ['warehouse.db', 'warehouse.db.wal', 'state.json', 'insights.db', 'insights.db-wal', 'insights.db-shm', 'storage'];
  t.same(planReset(entries, { includeInsights: false, syncFilesOnly: false }), {
    remove: ['state.json', 'storage', 'warehouse.db', 'warehouse.db.wal'],
    keep: ['insights.db', 'insights.db-shm', 'insights.db-wal'],
    foreign: [],
  });
  t.same(planReset(entries, { includeInsights: true, syncFilesOnly: false }).keep, []);
  t.ok(isInsightsFile('insights.db-journal'));
  t.notOk(isInsightsFile('insights.db.bak'));
});

t.test('syncFilesOnly deletes only what a sync writes and reports the rest as foreign', async (t) => {
  const plan = planReset(['warehouse.db', 'state.json.tmp-12', 'insights.db', 'package.json'], { includeInsights: false, syncFilesOnly: true });
  t.same(plan, { remove: ['state.json.tmp-12', 'warehouse.db'], keep: ['insights.db'], foreign: ['package.json'] });
});

t.test('the description names each file and what it is', async (t) => {
  t.equal(
    describeReset({ remove: ['state.json', 'warehouse.db'], keep: ['insights.db'], foreign: [] }, 'files'),
    'delete files/state.json, files/warehouse.db (the synced data and the saved state) and keep files/insights.db (your Insights History)',
  );
  t.match(describeReset({ remove: ['insights.db', 'warehouse.db'], keep: [], foreign: [] }, 'files'), /your Insights History\)$/);
});
