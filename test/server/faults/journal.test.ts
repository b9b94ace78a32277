import t from 'tap';
import { createJournal, redactUrl } from '../../../server/faults/journal.js';

const entry = (url: string) => ({ time: '2026-01-01T00:00:00.000Z', method: 'GET', url, status: 200, faults: [], duration_ms: 1 });

t.test('the journal is a bounded ring: the oldest entries drop, seq keeps counting', async (t) => {
  const journal = createJournal(3);
  for (let i = 1; i <= 5; i++) journal.record(entry(`/${i}`));
  t.same(journal.list().map((e) => `${e.seq}${e.url}`), ['3/3', '4/4', '5/5']);
  t.equal(journal.dropped, 2);
  journal.clear();
  t.same(journal.list(), []);
  journal.record(entry('/again'));
  t.same(journal.list().map((e) => e.seq), [1]);
  t.equal(journal.dropped, 0);
});

t.test('API keys are redacted from the URL: credential-like parameters and configured keys anywhere', async (t) => {
  t.equal(redactUrl('/hed_data?page_size=5&api_key=abc', []), '/hed_data?page_size=5&api_key=REDACTED');
  t.equal(redactUrl('/hed_data?x-api-key=abc&cursor=AbC', []), '/hed_data?x-api-key=REDACTED&cursor=AbC');
  t.equal(redactUrl('/hed_data?token=t1&Access_Token=t2', []), '/hed_data?token=REDACTED&Access_Token=REDACTED');
  t.equal(redactUrl('/hed_data?q=hed-demo-key', ['hed-demo-key']), '/hed_data?q=REDACTED');
  t.equal(redactUrl('/hed_data/k%2By?z=1', ['k+y']), '/hed_data/REDACTED?z=1');
  t.equal(redactUrl('/hed_data?cursor=abc', ['nothing']), '/hed_data?cursor=abc', 'other parameters are kept');
});
