import t from 'tap';
import { parseInline, parseMarkdown, renderMarkdown } from '../../../app/public/markdown.js';

/** A stand-in DOM: elements keep their tag and children; text nodes keep their text. */
type FakeNode = { tag?: string; text?: string; children: FakeNode[]; append(...nodes: FakeNode[]): void };
const node = (fields: { tag?: string; text?: string }): FakeNode => {
  const n: FakeNode = { ...fields, children: [], append: (...nodes) => void n.children.push(...nodes) };
  return n;
};
const fakeDocument = {
  createElement: (tag: string) => node({ tag }),
  createTextNode: (text: string) => node({ text }),
  createDocumentFragment: () => node({ tag: '#fragment' }),
};
/** The tree as `tag(children)` / text, to compare whole shapes. */
const shape = (n: FakeNode): unknown => (n.text !== undefined ? n.text : { [n.tag!]: n.children.map(shape) });

t.test('inline runs: bold, emphasis and code; underscores inside words stay text', async (t) => {
  t.same(parseInline('a **b** and __c__'), [
    { type: 'text', text: 'a ' },
    { type: 'strong', text: 'b' },
    { type: 'text', text: ' and ' },
    { type: 'strong', text: 'c' },
  ]);
  t.same(parseInline('_Written from tester.hed_records at 10._'), [{ type: 'em', text: 'Written from tester.hed_records at 10.' }]);
  t.same(parseInline('*it* `at_risk_flag`'), [
    { type: 'em', text: 'it' },
    { type: 'text', text: ' ' },
    { type: 'code', text: 'at_risk_flag' },
  ]);
  t.same(parseInline('at_risk_flag and 2*3*4'), [{ type: 'text', text: 'at_risk_flag and 2*3*4' }]);
  t.same(parseInline(''), []);
});

t.test('blocks: headings, bullet and numbered lists, paragraphs, rules', async (t) => {
  const blocks = parseMarkdown('# Title #\n\nFirst line\nsecond line\n- one\n  continued\n* two\n1. first\n2) second\n---\n## Next\ntext');
  t.same(
    blocks.map((b) => b.type),
    ['heading', 'paragraph', 'list', 'list', 'rule', 'heading', 'paragraph'],
  );
  t.same(blocks[0], { type: 'heading', level: 1, runs: [{ type: 'text', text: 'Title' }] });
  t.same(blocks[1], { type: 'paragraph', runs: [{ type: 'text', text: 'First line second line' }] });
  t.same(blocks[2], { type: 'list', ordered: false, items: [[{ type: 'text', text: 'one' }, { type: 'text', text: ' continued' }], [{ type: 'text', text: 'two' }]] });
  t.same(blocks[3], { type: 'list', ordered: true, items: [[{ type: 'text', text: 'first' }], [{ type: 'text', text: 'second' }]] });
  t.same(parseMarkdown('\r\n\r\n'), []);
});

t.test('renders elements and text nodes only: HTML in a report stays text', async (t) => {
  const fragment = renderMarkdown(fakeDocument, '# Report\n\nSee **<img src=x onerror=alert(1)>** and _<b>x</b>_\n\n1. `code`\n\n***\n###### Deep', 1);
  t.same(shape(fragment), {
    '#fragment': [
      { h2: ['Report'] },
      { p: ['See ', { strong: ['<img src=x onerror=alert(1)>'] }, ' and ', { em: ['<b>x</b>'] }] },
      { ol: [{ li: [{ code: ['code'] }] }] },
      { hr: [] },
      { h6: ['Deep'] },
    ],
  });
  t.same(shape(renderMarkdown(fakeDocument, '- a')), { '#fragment': [{ ul: [{ li: ['a'] }] }] }, 'no offset by default');
});
