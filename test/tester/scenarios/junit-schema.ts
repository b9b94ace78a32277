// A schema check for JUnit XML written for these tests: a small well-formedness parser and
// the structure of Apache Ant's junit.xsd (the schema Jenkins, GitLab and GitHub reporters
// read): which elements, in which order, which attributes are required, allowed, and typed.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, at: number): string {
  return text.replace(/&([a-z]+|#\d+|#x[0-9a-f]+);|&/gi, (_whole, name: string | undefined) => {
    if (name === undefined) throw new Error(`A bare & near offset ${at}: not well-formed XML.`);
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    const value = ENTITIES[name];
    if (value === undefined) throw new Error(`Unknown entity &${name}; near offset ${at}.`);
    return value;
  });
}

/** Parses XML (declaration, elements, attributes, text, entities) or throws saying where it is not well-formed. */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}: not well-formed XML.`);
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) fail('An unclosed XML declaration');
    i = end + 2;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml)) fail('A control character XML 1.0 forbids');
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i]!)) i++;
  };
  const parseElement = (): XmlElement => {
    if (xml[i] !== '<') fail('Expected an element');
    i++;
    const name = /^[A-Za-z_][\w.-]*/.exec(xml.slice(i))?.[0] ?? fail('Expected an element name');
    i += name.length;
    const attributes: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return { name, attributes, children: [], text: '' };
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const attr = /^([A-Za-z_][\w.-]*)\s*=\s*"([^"<]*)"/.exec(xml.slice(i)) ?? fail(`Expected an attribute in <${name}>`);
      if (attr[1]! in attributes) fail(`Attribute ${attr[1]} repeated in <${name}>`);
      attributes[attr[1]!] = decode(attr[2]!, i);
      i += attr[0].length;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (i >= xml.length) fail(`<${name}> is never closed`);
      if (xml.startsWith('</', i)) {
        const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(xml.slice(i)) ?? fail('A bad end tag');
        if (close[1] !== name) fail(`</${close[1]}> closes <${name}>`);
        i += close[0].length;
        return { name, attributes, children, text };
      }
      if (xml[i] === '<') {
        children.push(parseElement());
        continue;
      }
      const next = xml.indexOf('<', i);
      const end = next < 0 ? xml.length : next;
      text += decode(xml.slice(i, end), i);
      i = end;
    }
  };
  skipSpace();
  const root = parseElement();
  skipSpace();
  if (i !== xml.length) fail('Content after the root element');
  return root;
}

type AttributeType = 'string' | 'token' | 'int' | 'decimal' | 'timestamp';
const ATTRIBUTE_PATTERNS: Record<AttributeType, RegExp> = {
  string: /^/,
  token: /^\S(.*\S)?$|^$/,
  int: /^\d+$/,
  decimal: /^-?\d+(\.\d+)?$/,
  // Ant's ISO8601_DATETIME_PATTERN: no time zone.
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/,
};

interface ElementRule {
  required: Record<string, AttributeType>;
  optional: Record<string, AttributeType>;
  /** Children in order: [name, min, max]. */
  children: [string, number, number][];
  /** Children from a choice group (at most one of these, anywhere in the sequence). */
  choice?: string[];
  text: boolean;
}

/** Apache Ant's junit.xsd for a single <testsuite> document. */
const ANT_JUNIT: Record<string, ElementRule> = {
  testsuite: {
    required: { name: 'token', timestamp: 'timestamp', hostname: 'token', tests: 'int', failures: 'int', errors: 'int', time: 'decimal' },
    optional: {},
    children: [['properties', 1, 1], ['testcase', 0, Infinity], ['system-out', 1, 1], ['system-err', 1, 1]],
    text: false,
  },
  properties: { required: {}, optional: {}, children: [['property', 0, Infinity]], text: false },
  property: { required: { name: 'token', value: 'string' }, optional: {}, children: [], text: false },
  testcase: { required: { name: 'token', classname: 'token', time: 'decimal' }, optional: {}, children: [], choice: ['error', 'failure'], text: false },
  error: { required: { type: 'string' }, optional: { message: 'string' }, children: [], text: true },
  failure: { required: { type: 'string' }, optional: { message: 'string' }, children: [], text: true },
  'system-out': { required: {}, optional: {}, children: [], text: true },
  'system-err': { required: {}, optional: {}, children: [], text: true },
};

/** Every way the document breaks Ant's junit.xsd (empty when valid). */
export function junitSchemaProblems(xml: string): string[] {
  const problems: string[] = [];
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    return [(error as Error).message];
  }
  if (root.name !== 'testsuite') problems.push(`the root is <${root.name}>, not <testsuite>`);
  const check = (element: XmlElement, path: string) => {
    const rule = ANT_JUNIT[element.name];
    if (rule === undefined) return void problems.push(`${path}: <${element.name}> is not in the schema`);
    for (const [attr, type] of Object.entries(rule.required)) {
      const value = element.attributes[attr];
      if (value === undefined) problems.push(`${path}: required attribute ${attr} is missing`);
      else if (!ATTRIBUTE_PATTERNS[type].test(value)) problems.push(`${path}: ${attr}="${value}" is not a ${type}`);
    }
    for (const [attr, value] of Object.entries(element.attributes)) {
      const type = rule.required[attr] ?? rule.optional[attr];
      if (type === undefined) problems.push(`${path}: attribute ${attr} is not allowed`);
      else if (!ATTRIBUTE_PATTERNS[type].test(value)) problems.push(`${path}: ${attr}="${value}" is not a ${type}`);
    }
    if (!rule.text && element.text.trim() !== '') problems.push(`${path}: text is not allowed in <${element.name}>`);
    let index = 0;
    const kids = element.children;
    const choiceSeen = kids.filter((k) => rule.choice?.includes(k.name)).length;
    if (choiceSeen > 1) problems.push(`${path}: at most one of ${rule.choice!.join('/')}`);
    const ordered = kids.filter((k) => !rule.choice?.includes(k.name));
    for (const [name, min, max] of rule.children) {
      let count = 0;
      while (index < ordered.length && ordered[index]!.name === name) {
        count++;
        index++;
      }
      if (count < min || count > max) problems.push(`${path}: <${name}> appears ${count} times (allowed ${min}..${max === Infinity ? 'n' : max})`);
    }
    if (index < ordered.length) problems.push(`${path}: <${ordered[index]!.name}> is out of place`);
    kids.forEach((kid, n) => check(kid, `${path}/${kid.name}[${n}]`));
  };
  check(root, root.name);
  return problems;
}
