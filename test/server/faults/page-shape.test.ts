import t from 'tap';
import type { SequencedRow } from '../../../server/paging/paging.js';
import { driftPage, malformedBody, overlapStart, truncatedLength } from '../../../server/faults/page-shape.js';

/** rowsAfter over a fixed list of change sequences, with gaps where records moved. */
function rowsOver(seqs: number[]) {
  return (position: number, limit: number): SequencedRow[] =>
    seqs.filter((s) => s > position).slice(0, limit).map((seq) => ({ seq, json: '{}' }));
}

t.test('overlap starts the page exactly n records before the cursor, across gaps in the sequence', async (t) => {
  const seqs = [1, 2, 5, 9, 10, 20, 21, 40];
  t.equal(overlapStart(rowsOver(seqs), 20, 3), 8, 'records 9, 10 and 20 come again');
  t.equal(overlapStart(rowsOver(seqs), 20, 1), 19);
  t.equal(overlapStart(rowsOver(seqs), 40, 4), 9, 'the window widens past the gap 21..40');
  t.equal(overlapStart(rowsOver(seqs), 5, 10), 0, 'never before the beginning');
  const dense = Array.from({ length: 600 }, (_, i) => i + 1);
  t.equal(overlapStart(rowsOver(dense), 300, 10), 290);
});

t.test('drift adds or removes a field in every record and keeps the envelope', async (t) => {
  const page = JSON.stringify({ hed_records: [{ a: 1, b: 2 }, { a: 3, b: 4 }], next_cursor: 'c', has_more: true });
  t.same(JSON.parse(driftPage(page, { add: 'z', value: 'v' })), { hed_records: [{ a: 1, b: 2, z: 'v' }, { a: 3, b: 4, z: 'v' }], next_cursor: 'c', has_more: true });
  t.same(JSON.parse(driftPage(page, { remove: 'b' })).hed_records, [{ a: 1 }, { a: 3 }]);
});

t.test('a malformed body never parses, however short the page; a truncated one is never whole', async (t) => {
  for (const page of ['{"hed_records":[],"next_cursor":"x","has_more":false}', '{}', JSON.stringify({ hed_records: [{ a: 'b'.repeat(500) }] })]) {
    t.throws(() => JSON.parse(malformedBody(page)), `${page.slice(0, 20)}... is broken`);
  }
  t.equal(truncatedLength(100, 0.5), 50);
  t.equal(truncatedLength(100, 0.999), 99, 'at least one byte is missing');
  t.equal(truncatedLength(3, 0.01), 1, 'at least one byte is sent');
});
