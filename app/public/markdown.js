/**
 * A tiny, safe Markdown renderer for the reports: headings, bullet and numbered lists,
 * paragraphs, **bold**, _emphasis_ and `code`. Parsing is a pure function to plain
 * objects; rendering creates elements and TEXT NODES only, never HTML from the report,
 * so a report that quotes a record value like `<img src=x onerror=...>` shows it as text.
 */

const INLINE = /\*\*(.+?)\*\*|__(.+?)__|`([^`]+)`|(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])|(?<![\w])_(\S(?:.*?\S)?)_(?![\w])/g;

/**
 * Splits one line into text, strong, em and code runs.
 * @example parseInline('a **b**') // [{ type: 'text', text: 'a ' }, { type: 'strong', text: 'b' }]
 */
export function parseInline(line) {
  const runs = [];
  let last = 0;
  for (const match of line.matchAll(INLINE)) {
    if (match.index > last) runs.push({ type: 'text', text: line.slice(last, match.index) });
    const [, strong1, strong2, code, em1, em2] = match;
    if (strong1 !== undefined || strong2 !== undefined) runs.push({ type: 'strong', text: strong1 ?? strong2 });
    else if (code !== undefined) runs.push({ type: 'code', text: code });
    else runs.push({ type: 'em', text: em1 ?? em2 });
    last = match.index + match[0].length;
  }
  if (last < line.length) runs.push({ type: 'text', text: line.slice(last) });
  return runs;
}

/**
 * Parses Markdown into blocks: `{ type: 'heading', level, runs }`, `{ type: 'list',
 * ordered, items: runs[] }`, `{ type: 'paragraph', runs }`, `{ type: 'rule' }`.
 * @example parseMarkdown('# T\n\n- a\n- b') // [{ type: 'heading', level: 1, ... }, { type: 'list', ordered: false, items: [...] }]
 */
export function parseMarkdown(text) {
  const blocks = [];
  let paragraph = [];
  let list;
  const endParagraph = () => {
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', runs: parseInline(paragraph.join(' ')) });
    paragraph = [];
  };
  const endList = () => {
    if (list) blocks.push(list);
    list = undefined;
  };
  for (const raw of String(text).split(/\r?\n/)) {
    const line = raw.trim();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\d+[.)]\s+(.*)$/.exec(line);
    if (line === '') {
      endParagraph();
      endList();
    } else if (/^(-{3,}|\*{3,}|_{3,})$/.test(line)) {
      endParagraph();
      endList();
      blocks.push({ type: 'rule' });
    } else if (heading) {
      endParagraph();
      endList();
      blocks.push({ type: 'heading', level: heading[1].length, runs: parseInline(heading[2].replace(/\s+#+$/, '')) });
    } else if (bullet || numbered) {
      endParagraph();
      const ordered = Boolean(numbered);
      if (list && list.ordered !== ordered) endList();
      if (!list) list = { type: 'list', ordered, items: [] };
      list.items.push(parseInline((bullet ?? numbered)[1]));
    } else if (list && /^\s{2,}/.test(raw)) {
      const items = list.items;
      items[items.length - 1] = items[items.length - 1].concat(parseInline(` ${line}`));
    } else {
      endList();
      paragraph.push(line);
    }
  }
  endParagraph();
  endList();
  return blocks;
}

const RUN_TAGS = { strong: 'strong', em: 'em', code: 'code' };

function appendRuns(doc, parent, runs) {
  for (const run of runs) {
    const text = doc.createTextNode(run.text);
    if (run.type === 'text') parent.append(text);
    else {
      const element = doc.createElement(RUN_TAGS[run.type]);
      element.append(text);
      parent.append(element);
    }
  }
}

/**
 * Renders Markdown as a DocumentFragment. Headings move down `headingOffset` levels (a
 * report's `#` sits under the page's own heading), capped at h6.
 * @example container.replaceChildren(renderMarkdown(document, report.markdown, 1))
 */
export function renderMarkdown(doc, text, headingOffset = 0) {
  const fragment = doc.createDocumentFragment();
  for (const block of parseMarkdown(text)) {
    let element;
    if (block.type === 'heading') {
      element = doc.createElement(`h${Math.min(6, block.level + headingOffset)}`);
      appendRuns(doc, element, block.runs);
    } else if (block.type === 'list') {
      element = doc.createElement(block.ordered ? 'ol' : 'ul');
      for (const runs of block.items) {
        const item = doc.createElement('li');
        appendRuns(doc, item, runs);
        element.append(item);
      }
    } else if (block.type === 'rule') {
      element = doc.createElement('hr');
    } else {
      element = doc.createElement('p');
      appendRuns(doc, element, block.runs);
    }
    fragment.append(element);
  }
  return fragment;
}
