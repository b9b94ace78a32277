import t from 'tap';
import { createPageCache } from '../../../server/core/page-cache.js';

const counting = () => {
  let renders = 0;
  return { render: (text: string) => () => (renders++, text), get renders() { return renders; } };
};

t.test('a page is rendered once per data version and served from the cache after', async (t) => {
  const cache = createPageCache();
  const r = counting();
  t.equal(cache.get(1, 0, 100, 'lab', r.render('a')), 'a');
  t.equal(cache.get(1, 0, 100, 'lab', r.render('never')), 'a', 'the second call is a hit');
  t.equal(r.renders, 1);
  t.equal(cache.get(1, 0, 50, 'lab', r.render('b')), 'b', 'another page size is another page');
  t.equal(cache.get(1, 0, 100, 'exact', r.render('c')), 'c', 'another paging mode is another page');
  t.equal(cache.get(1, 7, 100, 'lab', r.render('d')), 'd', 'another position is another page');
  t.equal(r.renders, 4);
});

t.test('a new data version empties the cache: no page of an older version is served', async (t) => {
  const cache = createPageCache();
  cache.get(1, 0, 100, 'lab', () => 'old');
  t.equal(cache.get(2, 0, 100, 'lab', () => 'new'), 'new');
  t.equal(cache.pages, 1);
  t.equal(cache.get(2, 0, 100, 'lab', () => 'never'), 'new');
});

t.test('the least recently used page goes first when the page count or byte budget is reached', async (t) => {
  const cache = createPageCache({ maxPages: 2, maxBytes: 1_000 });
  cache.get(1, 1, 10, 'lab', () => 'one');
  cache.get(1, 2, 10, 'lab', () => 'two');
  cache.get(1, 1, 10, 'lab', () => 'never');
  cache.get(1, 3, 10, 'lab', () => 'three');
  t.equal(cache.pages, 2);
  t.equal(cache.get(1, 1, 10, 'lab', () => 'again'), 'one', 'page 1 was used recently and stayed');
  t.equal(cache.get(1, 2, 10, 'lab', () => 'rendered again'), 'rendered again', 'page 2 was evicted');

  // Each page counts twice against the byte budget: as a string and as its bytes.
  const small = createPageCache({ maxPages: 100, maxBytes: 20 });
  small.get(1, 1, 10, 'lab', () => '123456');
  small.get(1, 2, 10, 'lab', () => '7890ab');
  t.equal(small.bytes, 12, 'the byte budget holds one of the two pages');
  t.equal(small.get(1, 3, 10, 'lab', () => 'x'.repeat(11)), 'x'.repeat(11), 'a page above the budget is served');
  t.equal(small.pages, 1, 'but not kept');
});

t.test('a page handed out has its UTF-8 bytes ready until it leaves the cache', async (t) => {
  const cache = createPageCache({ maxPages: 2, maxBytes: 1_000 });
  const page = cache.get(1, 0, 10, 'lab', () => '{"hed_records":[],"has_more":false}');
  t.same(cache.bytesOf(page), Buffer.from(page));
  t.equal(cache.bytesOf('{"some":"other string"}'), undefined, 'a string it never rendered has none');
  const same = cache.get(1, 0, 20, 'lab', () => page.slice(0, 10) + page.slice(10));
  t.equal(same, page, 'another key rendering the same text');
  cache.get(1, 5, 10, 'lab', () => 'third');
  t.same(cache.bytesOf(page), Buffer.from(page), 'evicting one of two keys with that text keeps its bytes');
  cache.get(2, 0, 10, 'lab', () => 'new version');
  t.equal(cache.bytesOf(page), undefined, 'a new data version drops them');
});

t.test('a render that throws caches nothing', async (t) => {
  const cache = createPageCache();
  t.throws(() => cache.get(1, 0, 100, 'lab', () => { throw new RangeError('bad position'); }), RangeError);
  t.equal(cache.pages, 0);
  t.equal(cache.get(1, 0, 100, 'lab', () => 'ok'), 'ok');
});
