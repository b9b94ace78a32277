import t from 'tap';
import { pageJson, planPage, type SequencedRow } from '../../../server/paging/paging.js';

const rows = (from: number, n: number): SequencedRow[] =>
  Array.from({ length: n }, (_, i) => ({ seq: from + i, json: `{"n":${from + i}}` }));

t.test('lab paging: has_more whenever the page is full, so a sync ends with an empty page', async (t) => {
  const full = planPage(0, 3, rows(1, 4), 'lab');
  t.same(full.rows.map((r) => r.seq), [1, 2, 3]);
  t.equal(full.hasMore, true);
  t.equal(full.nextPosition, 3);
  const exactlyFull = planPage(3, 3, rows(4, 3), 'lab');
  t.equal(exactlyFull.hasMore, true, 'full last page still says has_more');
  const empty = planPage(6, 3, [], 'lab');
  t.equal(empty.hasMore, false);
  t.equal(empty.nextPosition, 6, 'an empty page answers the request position');
});

t.test('exact paging: has_more only when a record remains', async (t) => {
  t.equal(planPage(3, 3, rows(4, 3), 'exact').hasMore, false);
  t.equal(planPage(0, 3, rows(1, 4), 'exact').hasMore, true);
  t.equal(planPage(0, 3, rows(1, 2), 'exact').hasMore, false);
});

t.test('the page body is valid JSON in the envelope shape, records as stored', async (t) => {
  const plan = planPage(0, 2, rows(1, 3), 'lab');
  t.same(JSON.parse(pageJson(plan, 'CUR')), { hed_records: [{ n: 1 }, { n: 2 }], next_cursor: 'CUR', has_more: true });
  t.same(JSON.parse(pageJson(planPage(9, 2, [], 'lab'), 'X')), { hed_records: [], next_cursor: 'X', has_more: false });
});
