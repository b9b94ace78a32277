/** Types of markdown.js (a plain browser module) for the tests. */
export type Run = { type: 'text' | 'strong' | 'em' | 'code'; text: string };
export type Block =
  | { type: 'heading'; level: number; runs: Run[] }
  | { type: 'list'; ordered: boolean; items: Run[][] }
  | { type: 'paragraph'; runs: Run[] }
  | { type: 'rule' };
/** The few Document methods the renderer uses. */
export interface DocumentLike<N> {
  createElement(tag: string): N;
  createTextNode(text: string): N;
  createDocumentFragment(): N;
}
export function parseInline(line: string): Run[];
export function parseMarkdown(text: string): Block[];
export function renderMarkdown<N>(doc: DocumentLike<N>, text: string, headingOffset?: number): N;
