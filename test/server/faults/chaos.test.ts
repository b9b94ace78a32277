import t from 'tap';
import { startMock, AUTH } from '../../helpers/mock-server.js';
import type { JournalEntry } from '../../../api/faults.js';
import { rawGet } from './raw-client.js';
import { loadScenario } from '../../../server/faults/scenarios.js';

const REQUESTS = 60;

/**
 * A scripted client that walks the pages and retries a failed one at once (no waits, so
 * timing cannot change the order), then the journal without times and durations.
 */
async function chaosJournal(seed: number): Promise<{ entries: Pick<JournalEntry, 'url' | 'status' | 'faults'>[]; pages: number }> {
  const mock = await startMock({ students: 100, seed }, { scenario: loadScenario('chaos') });
  try {
    let cursor = '';
    let pages = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const seen = await rawGet(mock.url, `/hed_data?page_size=20${cursor ? `&cursor=${cursor}` : ''}`, AUTH);
      if (seen.status !== 200) continue;
      let page: { next_cursor: string; has_more: boolean };
      try {
        page = JSON.parse(seen.body.toString());
      } catch {
        continue;
      }
      pages += 1;
      cursor = page.has_more ? page.next_cursor : '';
    }
    const journal = (await (await fetch(`${mock.url}/__admin/requests`)).json()) as { requests: JournalEntry[] };
    return { entries: journal.requests.map(({ url, status, faults }) => ({ url, status, faults })), pages };
  } finally {
    await mock.close();
  }
}

t.test('two runs of chaos with one seed produce the same journal of faults', async (t) => {
  const first = await chaosJournal(42);
  const second = await chaosJournal(42);
  t.equal(first.entries.length, REQUESTS);
  t.same(second.entries, first.entries, 'same requests, statuses and faults, in the same order');

  const actions = new Set(first.entries.flatMap((e) => e.faults.map((f) => f.action)));
  const failed = first.entries.filter((e) => e.status !== 200 || e.faults.some((f) => f.action === 'malformed'));
  t.ok(actions.size >= 4, `several kinds of fault fired: ${[...actions].join(', ')}`);
  t.ok(failed.length > 0 && failed.length < REQUESTS / 2, `some requests failed (${failed.length}), most did not`);
  t.ok(first.pages > 10, 'the walk made progress');

  const other = await chaosJournal(7);
  t.not(JSON.stringify(other.entries), JSON.stringify(first.entries), 'another seed gives another schedule');
});
