import t from 'tap';
import { createCursorCodec } from '../../../server/paging/cursor.js';
import { createPageEngine } from '../../../server/paging/page-engine.js';
import type { SequencedRow } from '../../../server/paging/paging.js';

const rowsOf = (seqs: number[]) => {
  const asked: [number, number][] = [];
  return {
    version: 3,
    asked,
    rowsAfter(position: number, limit: number): SequencedRow[] {
      asked.push([position, limit]);
      return seqs.filter((s) => s > position).slice(0, limit).map((seq) => ({ seq, json: `{"n":${seq}}` }));
    },
  };
};

t.test('the page after a position: its bytes, next position and has_more, one row read ahead', async (t) => {
  const cursors = createCursorCodec(42);
  const rows = rowsOf([1, 2, 5, 9]);
  const pages = createPageEngine({ rows, cursors, paging: 'exact' });
  const page = pages.pageAfter(1, 2);
  t.same(rows.asked, [[1, 3]], 'asks for page_size + 1 rows');
  t.same(JSON.parse(page.body.toString('utf8')), { hed_records: [{ n: 2 }, { n: 5 }], next_cursor: cursors.encode(5), has_more: true });
  t.match(page, { nextPosition: 5, hasMore: true, records: 2 });
  t.equal(pages.version, 3, 'the version is the rows\'');
});

t.test('an empty page keeps the request position; lab paging ends with it, exact paging before it', async (t) => {
  const cursors = createCursorCodec(7);
  const lab = createPageEngine({ rows: rowsOf([1, 2]), cursors, paging: 'lab' });
  t.equal(lab.pageAfter(0, 2).hasMore, true, 'a full page says has_more in lab paging');
  const empty = lab.pageAfter(2, 2);
  t.match(empty, { nextPosition: 2, hasMore: false, records: 0 });
  t.equal(JSON.parse(empty.body.toString()).next_cursor, cursors.encode(2));
  const exact = createPageEngine({ rows: rowsOf([1, 2]), cursors, paging: 'exact' });
  t.equal(exact.pageAfter(0, 2).hasMore, false, 'exact paging: nothing remains');
});
