import t from 'tap';
import { withPageCache } from '../../../server/paging/page-cache.js';
import type { Page, PageEngine } from '../../../server/paging/page-engine.js';

/** An engine whose pages name their key and version, counting what it renders. */
const countingEngine = (bodyOf: (position: number, pageSize: number) => string = (p, s) => `${p}:${s}`) => {
  let version = 1;
  const rendered: string[] = [];
  const engine: PageEngine & { bump(): void; rendered: string[] } = {
    pageAfter(position, pageSize): Page {
      const text = `${bodyOf(position, pageSize)}@v${version}`;
      rendered.push(text);
      return { body: Buffer.from(text), nextPosition: position + pageSize, hasMore: true, records: pageSize };
    },
    get version() {
      return version;
    },
    bump: () => void (version += 1),
    rendered,
  };
  return engine;
};

t.test('a page is rendered once per data version and served from the cache after', async (t) => {
  const engine = countingEngine();
  const pages = withPageCache(engine);
  const first = pages.pageAfter(0, 100);
  t.equal(first.body.toString(), '0:100@v1');
  t.equal(pages.pageAfter(0, 100), first, 'the second call is a hit: the same page object');
  t.equal(pages.pageAfter(0, 50).body.toString(), '0:50@v1', 'another page size is another page');
  t.equal(pages.pageAfter(7, 100).body.toString(), '7:100@v1', 'another position is another page');
  t.same(engine.rendered, ['0:100@v1', '0:50@v1', '7:100@v1']);
  t.equal(pages.version, 1, 'the version is the engine\'s');
});

t.test('a new data version empties the cache: no page of an older version is served', async (t) => {
  const engine = countingEngine();
  const pages = withPageCache(engine);
  pages.pageAfter(0, 100);
  pages.pageAfter(100, 100);
  engine.bump();
  t.equal(pages.pageAfter(0, 100).body.toString(), '0:100@v2');
  t.equal(pages.pages, 1);
  t.equal(pages.bytes, '0:100@v2'.length);
});

t.test('the least recently used page goes first when the page count or byte budget is reached', async (t) => {
  const engine = countingEngine();
  const pages = withPageCache(engine, { maxPages: 2, maxBytes: 1_000 });
  const one = pages.pageAfter(1, 10);
  pages.pageAfter(2, 10);
  pages.pageAfter(1, 10);
  pages.pageAfter(3, 10);
  t.equal(pages.pages, 2);
  t.equal(pages.pageAfter(1, 10), one, 'page 1 was used recently and stayed');
  const rendered = engine.rendered.length;
  pages.pageAfter(2, 10);
  t.equal(engine.rendered.length, rendered + 1, 'page 2 was evicted and rendered again');

  const sized = countingEngine((p) => (p === 9 ? 'x'.repeat(30) : 'abc'));
  const small = withPageCache(sized, { maxPages: 100, maxBytes: 10 });
  small.pageAfter(1, 10);
  small.pageAfter(2, 10);
  t.equal(small.bytes, 'abc@v1'.length, 'the byte budget holds one of the two pages');
  t.equal(small.pages, 1);
  t.equal(small.pageAfter(9, 10).body.length, 33, 'a page above the budget is served');
  t.equal(small.pages, 1, 'but not kept');
});

t.test('an engine that throws caches nothing', async (t) => {
  let fail = true;
  const pages = withPageCache({
    pageAfter: () => {
      if (fail) throw new RangeError('bad position');
      return { body: Buffer.from('ok'), nextPosition: 0, hasMore: false, records: 0 };
    },
    version: 1,
  });
  t.throws(() => pages.pageAfter(0, 100), RangeError);
  t.equal(pages.pages, 0);
  fail = false;
  t.equal(pages.pageAfter(0, 100).body.toString(), 'ok');
});
