import { createHash } from 'node:crypto';
import type { DateFormat, FieldDefinition, FieldGenerator, Follows, VerticalDefinition, VerticalRecord } from './definition.js';
import { createVerticalRandom, verticalRandomState, type VerticalRandom } from './random.js';
import { digitCount, putDigits, putWhole } from './digits.js';

/** A definition the generic generator cannot build (an external generator, a dependency on a missing field). */
export class VerticalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerticalError';
  }
}

type Value = string | number | boolean;

/**
 * What one record's draws hold, field by field (a field's slot is its position in the
 * definition): each step stores what it drew in the cheapest form (a number, four uuid
 * words, a text), the JSON is written as bytes from these slots, and the values a
 * record object needs are made from them only when asked for.
 */
interface Draw {
  r: VerticalRandom;
  index: number;
  /** The record's hidden risk factor, uniform in [0, 1). */
  risk: number;
  /**
   * Per field: a decimal's value times 10^decimals (an integer, what its JSON is written
   * from), an integer, an epoch, a date's seconds since 1970, an enum's position, or 1/0.
   */
  num: Float64Array;
  /** Per field: the four 32-bit words of a uuid. */
  words: Uint32Array;
  /** Per field: a text drawn whole (composed ids, e-mails, JSON lists). */
  text: string[];
}

type Step = (d: Draw) => void;
/** A field's value as the record object holds it. */
type Reader = (d: Draw) => Value;
/** Writes a field's JSON value into the output bytes. */
type ByteWriter = (d: Draw) => void;

/** A definition turned into draw steps and JSON writers, made once per build. */
export interface CompiledVertical {
  readonly definition: VerticalDefinition;
  /** Draws record `index` into `values` (one per field, in field order). */
  draw(r: VerticalRandom, index: number, values: Value[]): void;
  /**
   * The JSON of a record from its values (one per field, in field order), as the hosted
   * API writes it (decimals keep a `.0`). The values may be the draw's or changed ones
   * (a mutation keeps some of an old record's and stamps a new change time).
   */
  json(values: readonly Value[]): string;
  /** The record as an object from its values. */
  record(values: readonly Value[]): VerticalRecord;
}

const DAY = 86_400;
const SECONDS_PER_RECORD = 6;
const HEX = [...Array(256).keys()].map((n) => n.toString(16).padStart(2, '0'));

const utcDay = (text: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new VerticalError(`"${text}" is not a day written YYYY-MM-DD; write dates in definitions that way.`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000;
};

// Day strings repeat across records (a few hundred distinct days), so each is made once.
const dayCache = new Map<number, string>();
function dayText(seconds: number): string {
  const day = Math.floor(seconds / DAY);
  let text = dayCache.get(day);
  if (text === undefined) {
    text = new Date(day * DAY * 1000).toISOString().slice(0, 10);
    dayCache.set(day, text);
  }
  return text;
}
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * A time in one of the lab's writings.
 *
 * @example
 * formatTime(1731818760, 'datetime') // '2024-11-17 04:46:00'
 */
export function formatTime(seconds: number, format: DateFormat): string {
  const day = dayText(seconds);
  if (format === 'date') return day;
  const inDay = seconds - Math.floor(seconds / DAY) * DAY;
  const h = Math.floor(inDay / 3600);
  const clock = `${two(Math.floor((inDay % 3600) / 60))}:${two(inDay % 60)}`;
  switch (format) {
    case 'datetime':
      return `${day} ${two(h)}:${clock}`;
    case 'iso':
      return `${day}T${two(h)}:${clock}`;
    case 'datetime-millis':
      return `${day} ${two(h)}:${clock}.000`;
    case 'loose-datetime':
      return `${day} ${h}:${clock}`;
  }
}

/** A uniform draw moved toward the record's risk (or against it) by `follows`. */
const mix = (own: number, risk: number, follows: Follows | undefined) => {
  if (!follows) return own;
  const toward = follows > 0 ? risk : 1 - risk;
  const w = Math.min(1, Math.abs(follows));
  return w * toward + (1 - w) * own;
};

const uniform = (r: VerticalRandom, bell: boolean | undefined) => (bell ? (r.float() + r.float()) / 2 : r.float());

/** The text of a v4 uuid from four words: 8-4-4-4-12 hex digits, version 4, variant 10. */
function uuidText(words: Uint32Array, at: number): string {
  const a = words[at]!;
  const b = words[at + 1]!;
  const c = words[at + 2]!;
  const d = words[at + 3]!;
  const byte = (w: number, i: number) => HEX[(w >>> (24 - 8 * i)) & 0xff]!;
  return (
    `${byte(a, 0)}${byte(a, 1)}${byte(a, 2)}${byte(a, 3)}-${byte(b, 0)}${byte(b, 1)}-` +
    `${HEX[0x40 | ((b >>> 8) & 0x0f)]}${byte(b, 3)}-${HEX[0x80 | ((c >>> 24) & 0x3f)]}${byte(c, 1)}-` +
    `${byte(c, 2)}${byte(c, 3)}${byte(d, 0)}${byte(d, 1)}${byte(d, 2)}${byte(d, 3)}`
  );
}

/** The fields a generator reads from its own record: they are drawn first. */
function dependencies(gen: FieldGenerator): string[] {
  if (gen.kind === 'date' && gen.after) return [gen.after.field];
  if (gen.kind === 'email') return [gen.first, gen.last];
  if (gen.kind === 'number' && gen.zeroUnless) return [gen.zeroUnless];
  return [];
}

/** A field compiled: its draw step and how to read its value back from the draw. */
interface FieldPlan {
  step: Step;
  read: Reader;
}

function planFor(field: FieldDefinition, at: number, indexOf: (name: string) => number, definition: VerticalDefinition, readers: Reader[]): FieldPlan {
  const gen = field.gen;
  switch (gen.kind) {
    case 'uuid': {
      const w = 4 * at;
      return {
        step: (d) => {
          d.words[w] = d.r.uint32();
          d.words[w + 1] = d.r.uint32();
          d.words[w + 2] = d.r.uint32();
          d.words[w + 3] = d.r.uint32();
        },
        read: (d) => uuidText(d.words, w),
      };
    }
    case 'sequence': {
      const offset = gen.offset ?? 0;
      return { step: () => {}, read: (d) => gen.prefix + String(d.index + offset).padStart(gen.digits, '0') };
    }
    case 'indexed': {
      const [before, after] = gen.template.split('{n}') as [string, string];
      return { step: () => {}, read: (d) => before + String(d.index + gen.offset) + after };
    }
    case 'compose': {
      const parts = gen.parts;
      return {
        step: (d) => {
          let text = '';
          for (const part of parts) {
            if (typeof part === 'string') text += part;
            else if ('pick' in part) text += part.pick[Math.floor(d.r.float() * part.pick.length)]!;
            else {
              const n = part.int[0] + Math.floor(d.r.float() * (part.int[1] - part.int[0] + 1));
              text += part.pad ? String(n).padStart(part.pad, '0') : String(n);
            }
          }
          d.text[at] = text;
        },
        read: (d) => d.text[at]!,
      };
    }
    case 'enum': {
      const weights = gen.weights ?? gen.values.map(() => 1);
      if (weights.length !== gen.values.length) throw new VerticalError(`${definition.prefix}.${field.name}: ${weights.length} weights for ${gen.values.length} values; give one weight per value.`);
      const total = weights.reduce((a, b) => a + b, 0);
      let acc = 0;
      const bounds = weights.map((w) => (acc += w / total));
      const last = bounds.length - 1;
      return {
        step: (d) => {
          const u = mix(d.r.float(), d.risk, gen.follows);
          let i = 0;
          while (i < last && u >= bounds[i]!) i++;
          d.num[at] = i;
        },
        read: (d) => gen.values[d.num[at]!]!,
      };
    }
    case 'number': {
      if (!Number.isInteger(gen.decimals) || gen.decimals < 0 || gen.decimals > MAX_DECIMALS) {
        throw new VerticalError(`${definition.prefix}.${field.name}: decimals must be a whole number from 0 to ${MAX_DECIMALS}; got ${gen.decimals}.`);
      }
      const scale = 10 ** gen.decimals;
      const low = Math.round(gen.min * scale);
      const high = Math.round(gen.max * scale);
      const gate = gen.zeroUnless === undefined ? -1 : indexOf(gen.zeroUnless);
      // Only a boolean field is ever true: gated by any other, the number is always 0.
      const gateIsFlag = gate >= 0 && definition.fields[gate]!.gen.kind === 'boolean';
      return {
        step: (d) => {
          if (gate >= 0 && (!gateIsFlag || d.num[gate] !== 1)) {
            d.num[at] = 0;
            return;
          }
          // `+ 0` turns a -0 from rounding into 0.
          d.num[at] = Math.min(high, Math.max(low, Math.round((gen.min + mix(uniform(d.r, gen.bell), d.risk, gen.follows) * (gen.max - gen.min)) * scale))) + 0;
        },
        read: (d) => d.num[at]! / scale,
      };
    }
    case 'integer': {
      const span = gen.max - gen.min + 1;
      return {
        step: (d) => void (d.num[at] = Math.min(gen.max, gen.min + Math.floor(mix(uniform(d.r, gen.bell), d.risk, gen.follows) * span))),
        read: (d) => d.num[at]!,
      };
    }
    case 'boolean':
      return { step: (d) => void (d.num[at] = mix(d.r.float(), d.risk, gen.follows) > 1 - gen.p ? 1 : 0), read: (d) => d.num[at] === 1 };
    case 'date': {
      const format = field.format?.kind === 'date' ? field.format.format : 'date';
      const read: Reader = (d) => formatTime(d.num[at]!, format);
      if (gen.after) {
        const from = indexOf(gen.after.field);
        const { minDays, maxDays } = gen.after;
        return { step: (d) => void (d.num[at] = d.num[from]! + (minDays + Math.floor(d.r.float() * (maxDays - minDays + 1))) * DAY), read };
      }
      const step = gen.stepSeconds ?? DAY;
      const start = utcDay(gen.from);
      const slots = Math.floor((utcDay(gen.to) + DAY - 1 - start) / step) + 1;
      return { step: (d) => void (d.num[at] = start + Math.min(slots - 1, Math.floor(mix(d.r.float(), d.risk, gen.follows) * slots)) * step), read };
    }
    case 'epoch':
      return { step: (d) => void (d.num[at] = definition.startEpoch + d.index * SECONDS_PER_RECORD + Math.floor(d.r.float() * SECONDS_PER_RECORD)), read: (d) => d.num[at]! };
    case 'email': {
      const first = indexOf(gen.first);
      const last = indexOf(gen.last);
      return {
        step: (d) => {
          const domain = gen.domains[Math.floor(d.r.float() * gen.domains.length)]!;
          d.text[at] = `${String(readers[first]!(d)).toLowerCase()}.${String(readers[last]!(d)).toLowerCase()}@${domain}`;
        },
        read: (d) => d.text[at]!,
      };
    }
    case 'json-list': {
      const n = gen.values.length;
      return {
        step: (d) => {
          const k = gen.min + Math.floor(d.r.float() * (gen.max - gen.min + 1));
          const order = [...gen.values];
          // A partial Fisher-Yates: the first k of a seeded shuffle.
          for (let i = 0; i < k; i++) {
            const j = i + Math.floor(d.r.float() * (n - i));
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          d.text[at] = `[${order.slice(0, k).map((v) => JSON.stringify(v)).join(', ')}]`;
        },
        read: (d) => d.text[at]!,
      };
    }
    case 'external':
      throw new VerticalError(`${definition.prefix}: its records come from ${gen.module}, not from the generic generator; build them there.`);
  }
}

const MAX_DECIMALS = 10;
const CHUNK = 5;
const CHUNK_SCALE = 10 ** CHUNK;
// padded[w][x]: x written in w digits; trimmed[w][x]: the same without trailing zeros.
const padded: string[][] = [];
const trimmed: string[][] = [];
function digitTables(width: number): [string[], string[]] {
  if (padded[width] === undefined) {
    const pad = new Array<string>(10 ** width);
    const trim = new Array<string>(10 ** width);
    for (let x = 0; x < pad.length; x++) {
      pad[x] = String(x).padStart(width, '0');
      trim[x] = pad[x]!.replace(/0+$/, '');
    }
    padded[width] = pad;
    trimmed[width] = trim;
  }
  return [padded[width]!, trimmed[width]!];
}

/**
 * Writes a decimal from its value in units of 10^-decimals, as the hosted API (Python)
 * writes a float: shortest digits, and `.0` when whole. The fraction is written from
 * tables of five-digit chunks, three times faster than String(number) for ten decimals,
 * and equal to it (a test holds the two side by side).
 *
 * @example
 * decimalWriter(2)(1338_71) // '1338.71'
 */
export function decimalWriter(decimals: number): (units: number) => string {
  const scale = 10 ** decimals;
  const hiWidth = Math.max(0, decimals - CHUNK);
  const loWidth = Math.min(decimals, CHUNK);
  const [hiPad, hiTrim] = hiWidth > 0 ? digitTables(hiWidth) : [[], []];
  const [, loTrim] = loWidth > 0 ? digitTables(loWidth) : [[], []];
  const positive = (k: number): string => {
    const whole = Math.floor(k / scale);
    const fraction = k - whole * scale;
    if (fraction === 0) return `${whole}.0`;
    if (hiWidth === 0) return `${whole}.${loTrim[fraction]!}`;
    const hi = Math.floor(fraction / CHUNK_SCALE);
    const lo = fraction - hi * CHUNK_SCALE;
    return lo === 0 ? `${whole}.${hiTrim[hi]!}` : `${whole}.${hiPad[hi]!}${loTrim[lo]!}`;
  };
  return (k) => (k < 0 ? `-${positive(-k)}` : positive(k));
}

/** Whether a field's strings can be written between quotes as they are (no character JSON escapes). */
function plainStrings(field: FieldDefinition): boolean {
  // Printable ASCII but for the quote and the backslash: JSON writes these as they are.
  const plain = (s: string) => [...s].every((c) => c >= ' ' && c <= '~' && c !== '"' && c !== '\\');
  const gen = field.gen;
  switch (gen.kind) {
    case 'uuid':
    case 'date':
      return true;
    case 'sequence':
      return plain(gen.prefix);
    case 'indexed':
      return plain(gen.template);
    case 'enum':
      return gen.values.every((v) => typeof v === 'string' && plain(v));
    case 'compose':
      return gen.parts.every((p) => (typeof p === 'string' ? plain(p) : 'pick' in p ? p.pick.every(plain) : true));
    default:
      return false;
  }
}

// The JSON of a record is written as bytes into one growing buffer and read back as one
// flat string: a few times faster than joining some sixty short strings per record, and
// the server keeps a million of them. Only ASCII goes through the bytes; a record with
// any other character is written as text instead (no definition has one today).
let out = Buffer.allocUnsafe(1 << 16);
let pos = 0;
/** Set when a text written holds a character beyond ASCII: the record is then written as text. */
let wide = false;

function room(bytes: number): void {
  if (pos + bytes <= out.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, pos + bytes));
  out.copy(bigger, 0, 0, pos);
  out = bigger;
}

function writeBytes(bytes: Uint8Array): void {
  room(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[pos++] = bytes[i]!;
}

function writeAscii(text: string): void {
  room(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) wide = true;
    out[pos++] = c;
  }
}

/** The decimal digits of a whole number from 0 to 2^53, as String(n) writes them (putWhole, below). */
function writeWhole(n: number): void {
  room(17);
  pos = putWhole(out, pos, n);
}

/** An integer as String(n) writes it (a safe integer: sign and digits). */
function writeInteger(n: number): void {
  room(18);
  pos = putInteger(out, pos, n);
}

/** `n` in at least `width` digits, zeros in front, as String(n).padStart(width, '0') for n >= 0. */
function writePadded(n: number, width: number): void {
  room(Math.max(width, 17));
  pos = putPadded(out, pos, n, width);
}

/** decimalWriter(decimals)(k) as bytes. */
function writeDecimal(k: number, decimals: number, scale: number): void {
  room(decimals + 20);
  pos = putDecimal(out, pos, k, decimals, scale);
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const isAscii = (text: string) => [...text].every((c) => c.charCodeAt(0) <= 0x7f);
const QUOTE = 34;
const TRUE = ascii('true');
const FALSE = ascii('false');
const HEX_BYTES = HEX.map(ascii);
const DAY_BYTES = new Map<number, Uint8Array>();

function writeHex(byte: number): void {
  const pair = HEX_BYTES[byte]!;
  out[pos++] = pair[0]!;
  out[pos++] = pair[1]!;
}

/** uuidText as bytes, quoted. */
function writeUuid(words: Uint32Array, at: number): void {
  room(38);
  const a = words[at]!;
  const b = words[at + 1]!;
  const c = words[at + 2]!;
  const d = words[at + 3]!;
  out[pos++] = QUOTE;
  writeHex(a >>> 24);
  writeHex((a >>> 16) & 0xff);
  writeHex((a >>> 8) & 0xff);
  writeHex(a & 0xff);
  out[pos++] = 45;
  writeHex(b >>> 24);
  writeHex((b >>> 16) & 0xff);
  out[pos++] = 45;
  writeHex(0x40 | ((b >>> 8) & 0x0f));
  writeHex(b & 0xff);
  out[pos++] = 45;
  writeHex(0x80 | ((c >>> 24) & 0x3f));
  writeHex((c >>> 16) & 0xff);
  out[pos++] = 45;
  writeHex((c >>> 8) & 0xff);
  writeHex(c & 0xff);
  writeHex(d >>> 24);
  writeHex((d >>> 16) & 0xff);
  writeHex((d >>> 8) & 0xff);
  writeHex(d & 0xff);
  out[pos++] = QUOTE;
}

const two2 = (n: number) => {
  out[pos++] = 48 + Math.floor(n / 10);
  out[pos++] = 48 + (n % 10);
};

/** formatTime(seconds, format) as bytes, quoted. */
function writeTime(seconds: number, format: DateFormat): void {
  room(32);
  const dayNumber = Math.floor(seconds / DAY);
  let day = DAY_BYTES.get(dayNumber);
  if (day === undefined) {
    day = ascii(dayText(seconds));
    DAY_BYTES.set(dayNumber, day);
  }
  out[pos++] = QUOTE;
  for (let i = 0; i < day.length; i++) out[pos++] = day[i]!;
  if (format !== 'date') {
    const inDay = seconds - dayNumber * DAY;
    const h = Math.floor(inDay / 3600);
    out[pos++] = format === 'iso' ? 84 : 32;
    if (format === 'loose-datetime') writeWhole(h);
    else two2(h);
    out[pos++] = 58;
    two2(Math.floor((inDay % 3600) / 60));
    out[pos++] = 58;
    two2(inDay % 60);
    if (format === 'datetime-millis') writeBytes(MILLIS);
  }
  out[pos++] = QUOTE;
}
const MILLIS = ascii('.000');

/**
 * How a field's JSON value is written as bytes: straight from the draw for the kinds
 * that are written often, else the text writer's output copied (the same text either way).
 */
function byteWriterFor(field: FieldDefinition, at: number, read: Reader, text: (v: Value) => string): ByteWriter {
  const gen = field.gen;
  const generic: ByteWriter = (d) => writeAscii(text(read(d)));
  if (field.type === 'number' && gen.kind === 'number') {
    const { decimals } = gen;
    const scale = 10 ** decimals;
    return (d) => writeDecimal(d.num[at]!, decimals, scale);
  }
  if (field.type === 'integer' && (gen.kind === 'integer' || gen.kind === 'epoch')) return (d) => writeInteger(d.num[at]!);
  if (field.type === 'boolean' && gen.kind === 'boolean') return (d) => writeBytes(d.num[at] === 1 ? TRUE : FALSE);
  if (gen.kind === 'enum') {
    const texts = gen.values.map((v) => text(v));
    if (!texts.every(isAscii)) return generic;
    const bytes = texts.map(ascii);
    return (d) => writeBytes(bytes[d.num[at]!]!);
  }
  if (field.type !== 'string' || !plainStrings(field)) return generic;
  switch (gen.kind) {
    case 'uuid':
      return (d) => writeUuid(d.words, 4 * at);
    case 'date': {
      const format = field.format?.kind === 'date' ? field.format.format : 'date';
      return (d) => writeTime(d.num[at]!, format);
    }
    case 'sequence': {
      if (!isAscii(gen.prefix)) return generic;
      const prefix = ascii(`"${gen.prefix}`);
      const offset = gen.offset ?? 0;
      return (d) => {
        const n = d.index + offset;
        if (n < 0) return generic(d);
        writeBytes(prefix);
        writePadded(n, gen.digits);
        room(1);
        out[pos++] = QUOTE;
      };
    }
    case 'indexed': {
      const [before, after] = gen.template.split('{n}');
      if (after === undefined || !isAscii(gen.template)) return generic;
      const head = ascii(`"${before}`);
      const tail = ascii(`${after}"`);
      return (d) => {
        const n = d.index + gen.offset;
        if (n < 0) return generic(d);
        writeBytes(head);
        writeWhole(n);
        writeBytes(tail);
      };
    }
    default:
      return generic;
  }
}

/**
 * Compiles a definition: the draw steps in an order where every field a step reads is
 * drawn before it, and a JSON writer in the definition's field order.
 *
 * @example
 * const c = compileVertical(agr); const values = []; c.draw(createVerticalRandom(42, 'agr'), 0, values); c.json(values)
 */
export function compileVertical(definition: VerticalDefinition): CompiledVertical {
  const compiled = compileDraws(definition);
  return {
    definition,
    draw(r, index, values) {
      compiled.draw(r, index);
      compiled.fill(values);
    },
    json: (values) => compiled.jsonOf(values),
    record: (values) => compiled.record(values),
  };
}

/** The compiled draws of a definition: draw a record, then read its values or write its JSON. */
interface CompiledDraws {
  draw(r: VerticalRandom, index: number): void;
  /** The values of the record last drawn, in field order. */
  fill(values: Value[]): void;
  /** The JSON of the record last drawn. */
  json(): string;
  /** The JSON of a record from its values (slower than json(); for records a draw did not make whole). */
  jsonOf(values: readonly Value[]): string;
  record(values: readonly Value[]): VerticalRecord;
  /** The fields' positions in draw order. */
  readonly order: readonly number[];
  /** Each field's JSON text of a value (a number field's of the record last drawn). */
  readonly texts: readonly ((v: Value) => string)[];
}

function compileDraws(definition: VerticalDefinition): CompiledDraws {
  const fields = definition.fields;
  const indexOf = (name: string) => {
    const i = fields.findIndex((f) => f.name === name);
    if (i < 0) throw new VerticalError(`${definition.prefix}: a field reads "${name}", which the definition does not have.`);
    return i;
  };
  // Draw order: every field after the fields it reads (depth first), cycles refused.
  const order: number[] = [];
  const state = new Array<'open' | 'done' | undefined>(fields.length);
  const visit = (i: number) => {
    if (state[i] === 'done') return;
    if (state[i] === 'open') throw new VerticalError(`${definition.prefix}.${fields[i]!.name} reads itself through other fields; break the cycle.`);
    state[i] = 'open';
    for (const dep of dependencies(fields[i]!.gen)) visit(indexOf(dep));
    state[i] = 'done';
    order.push(i);
  };
  for (const i of fields.keys()) visit(i);
  const readers: Reader[] = new Array<Reader>(fields.length);
  const steps = order.map((i) => {
    const plan = planFor(fields[i]!, i, indexOf, definition, readers);
    readers[i] = plan.read;
    return plan.step;
  });
  const keys = fields.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
  const d: Draw = { r: createVerticalRandom(0, ''), index: 0, risk: 0, num: new Float64Array(fields.length), words: new Uint32Array(4 * fields.length), text: new Array<string>(fields.length) };
  // Each field's JSON as text: what the bytes below must equal, and the writer of a record that is not all ASCII.
  const texts = fields.map((f, i): ((v: Value) => string) => {
    if (f.type === 'number') {
      if (f.gen.kind !== 'number') throw new VerticalError(`${definition.prefix}.${f.name}: a number field is drawn by a number generator; got ${f.gen.kind}.`);
      const write = decimalWriter(f.gen.decimals);
      return () => write(d.num[i]!);
    }
    if (f.type === 'string') return plainStrings(f) ? (v) => `"${v as string}"` : (v) => JSON.stringify(v);
    return (v) => String(v);
  });
  const keyBytes = keys.map((k) => (isAscii(k) ? ascii(k) : undefined));
  const writers = fields.map((f, i) => byteWriterFor(f, i, readers[i]!, texts[i]!));
  const asText = () => {
    let text = '';
    for (let i = 0; i < keys.length; i++) text += keys[i]! + texts[i]!(readers[i]!(d));
    return `${text}}`;
  };
  const bytesWork = keyBytes.every((k) => k !== undefined);
  // A number field's value is its units over 10^decimals: round back to the units and write them as the draw does.
  const valueTexts = fields.map((f, i): ((v: Value) => string) => {
    if (f.type !== 'number' || f.gen.kind !== 'number') return texts[i]!;
    const write = decimalWriter(f.gen.decimals);
    const scale = 10 ** f.gen.decimals;
    return (v) => write(Math.round((v as number) * scale));
  });
  const names = fields.map((f) => f.name);

  return {
    order,
    texts,
    draw(r, index) {
      d.r = r;
      d.index = index;
      d.risk = r.float();
      for (const step of steps) step(d);
    },
    fill(values) {
      for (let i = 0; i < readers.length; i++) values[i] = readers[i]!(d);
    },
    json() {
      if (!bytesWork) return asText();
      pos = 0;
      wide = false;
      for (let i = 0; i < writers.length; i++) {
        writeBytes(keyBytes[i]!);
        writers[i]!(d);
      }
      room(1);
      out[pos++] = 125;
      return wide ? asText() : out.toString('latin1', 0, pos);
    },
    jsonOf(values) {
      let text = '';
      for (let i = 0; i < keys.length; i++) text += keys[i]! + valueTexts[i]!(values[i]!);
      return `${text}}`;
    },
    record(values) {
      const record: VerticalRecord = {};
      for (let i = 0; i < names.length; i++) record[names[i]!] = values[i]!;
      return record;
    },
  };
}

/**
 * The records of a vertical for a seed, in change-sequence order: record i is the same
 * whatever the count. Pure: the same (definition, seed, count) gives the same records.
 *
 * @example
 * [...generateRecords(agr, 42, 2)].map((r) => r.animal_id) // ['ANIMAL_000000', 'ANIMAL_000001']
 */
export function* generateRecords(definition: VerticalDefinition, seed: number, count: number): Generator<VerticalRecord> {
  const compiled = compileDraws(definition);
  const r = createVerticalRandom(seed, definition.prefix);
  const values: Value[] = new Array<Value>(definition.fields.length);
  for (let i = 0; i < count; i++) {
    compiled.draw(r, i);
    compiled.fill(values);
    yield compiled.record(values);
  }
}

/**
 * The same records as JSON text, one string each, without building objects: what the
 * server stores and serves (a million in a few seconds).
 *
 * @example
 * JSON.parse([...generateRecordJson(agr, 42, 1)][0]).animal_id // 'ANIMAL_000000'
 */
export function* generateRecordJson(definition: VerticalDefinition, seed: number, count: number): Generator<string> {
  const compiled = compileDraws(definition);
  const batch = compileBatch(definition, compiled.order, compiled.texts);
  if (batch === undefined) {
    const r = createVerticalRandom(seed, definition.prefix);
    for (let i = 0; i < count; i++) {
      compiled.draw(r, i);
      yield compiled.json();
    }
    return;
  }
  const state = verticalRandomState(seed, definition.prefix);
  // io: the next record, the end, and the most records of this batch.
  const io = Float64Array.of(0, count, WARM_BATCH);
  const out = Buffer.allocUnsafe(batch.bufferBytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const ends = new Int32Array(batch.maxRecords);
  while (io[0]! < count) {
    const n = batch.run(state, io, out, view, ends);
    if (io[0]! >= WARM_RECORDS) io[2] = batch.maxRecords;
    const text = out.toString('latin1', 0, ends[n - 1]);
    let start = 0;
    for (let i = 0; i < n; i++) {
      const end = ends[i]!;
      yield text.slice(start, end);
      start = end;
    }
  }
}

/**
 * sha256 of a vertical's records as served, one JSON per line: the dataset's identity.
 * fixtures/vertical-checksums.json keeps the seed-42 value of each vertical.
 */
export function verticalChecksum(definition: VerticalDefinition, seed: number, count: number): string {
  const hash = createHash('sha256');
  for (const json of generateRecordJson(definition, seed, count)) hash.update(`${json}\n`);
  return hash.digest('hex');
}

// The fast path of generateRecordJson: a definition compiled to the source of one
// function that draws and writes a batch of records as bytes, its random state in
// locals and every constant inlined (no call per draw, no closure per field), then one
// latin1 string per batch that each record's JSON is a slice of (V8 keeps a slice as a
// reference into the batch, so a million kept records are not a million copies for the
// collector to move). It writes exactly what the closures above write: a test holds the
// two side by side, and fixtures/vertical-checksums.json holds the result. A definition
// it cannot write as ASCII bytes (a character beyond ASCII, a negative sequence) keeps
// the closures.

/**
 * Whether generateRecordJson writes a definition's records with the compiled batch writer
 * (else one record at a time, as text when a character is beyond ASCII).
 *
 * @example
 * writesInBatches(agr) // true
 */
export function writesInBatches(definition: VerticalDefinition): boolean {
  const compiled = compileDraws(definition);
  return compileBatch(definition, compiled.order, compiled.texts) !== undefined;
}

/** Runs a batch: draws records from io[0] until io[1] (or the buffer is full), returns how many; ends[i] is where record i's JSON ends. */
type BatchRun = (state: Int32Array, io: Float64Array, out: Uint8Array, view: DataView, ends: Int32Array) => number;

interface CompiledBatch {
  run: BatchRun;
  /** The batch buffer's size: room for a full batch and one record more. */
  bufferBytes: number;
  /** Most records one batch writes (ends' length). */
  maxRecords: number;
}

/**
 * A batch's bytes: its string stays under Node's 1 MB threshold for external strings
 * (each external string is memory outside V8's heap that sets off a full collection).
 */
const BATCH_BYTES = 1 << 19;
/**
 * The first records are drawn in batches of WARM_BATCH, so V8 compiles the batch function
 * whole (its exit included) between calls rather than in the middle of a long loop.
 */
const WARM_RECORDS = 4096;
const WARM_BATCH = 64;
/** The RNG step on the locals a, b, c, d: t holds the next output (as int32). */
const RNG = 't = (((a + b) | 0) + d) | 0; d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (((c << 21) | (c >>> 11)) + t) | 0;';
const FLOAT = '(t >>> 0) / 4294967296';
/** JSON's escape of a text without the quotes: per character, so escaped parts join into the escape of the whole. */
const esc = (text: string) => JSON.stringify(text).slice(1, -1);
/** A number as a source literal that reads back as the same double. */
const lit = (n: number) => (Object.is(n, -0) ? '(-0)' : `(${String(n)})`);
const DATE_FORMATS: readonly DateFormat[] = ['date', 'datetime', 'iso', 'datetime-millis', 'loose-datetime'];

function putInteger(out: Uint8Array, p: number, n: number): number {
  if (n < 0) {
    out[p] = 45;
    return putWhole(out, p + 1, -n);
  }
  return putWhole(out, p, n);
}

function putPadded(out: Uint8Array, p: number, n: number, width: number): number {
  if (n < 2_147_483_648) {
    const digits = Math.max(width, digitCount(n));
    putDigits(out, p + digits, n | 0, digits);
    return p + digits;
  }
  let digits = 1;
  for (let q = 10; q <= n; q *= 10) digits++;
  for (let i = digits; i < width; i++) out[p++] = 48;
  return putWhole(out, p, n);
}

/** decimalWriter(decimals)(k) as bytes at `p` of a given buffer; returns the end. */
function putDecimal(out: Uint8Array, p: number, k: number, decimals: number, scale: number): number {
  if (k < 0) {
    out[p++] = 45;
    k = -k;
  }
  const whole = Math.floor(k / scale);
  let fraction = k - whole * scale;
  p = putWhole(out, p, whole);
  out[p++] = 46;
  if (fraction === 0) {
    out[p] = 48;
    return p + 1;
  }
  if (fraction < 2_147_483_648) {
    // The fraction without its trailing zeros, in the digits that remain.
    let f = fraction | 0;
    let width = decimals;
    for (let q = (f / 10) | 0; f === q * 10; q = (f / 10) | 0) {
      f = q;
      width--;
    }
    putDigits(out, p + width, f, width);
    return p + width;
  }
  let at = p + decimals;
  let end = 0;
  while (at > p) {
    const q = Math.floor(fraction / 10);
    const digit = fraction - q * 10;
    out[--at] = 48 + digit;
    if (end === 0 && digit !== 0) end = at + 1;
    fraction = q;
  }
  return end;
}

const HEX_FLAT = Uint8Array.from(HEX.join(''), (c) => c.charCodeAt(0));

function putHex(out: Uint8Array, p: number, byte: number): void {
  out[p] = HEX_FLAT[2 * byte]!;
  out[p + 1] = HEX_FLAT[2 * byte + 1]!;
}

/** uuidText of four words as bytes, quoted. */
function putUuid(out: Uint8Array, p: number, a: number, b: number, c: number, d: number): number {
  out[p] = QUOTE;
  putHex(out, p + 1, a >>> 24);
  putHex(out, p + 3, (a >>> 16) & 0xff);
  putHex(out, p + 5, (a >>> 8) & 0xff);
  putHex(out, p + 7, a & 0xff);
  out[p + 9] = 45;
  putHex(out, p + 10, b >>> 24);
  putHex(out, p + 12, (b >>> 16) & 0xff);
  out[p + 14] = 45;
  putHex(out, p + 15, 0x40 | ((b >>> 8) & 0x0f));
  putHex(out, p + 17, b & 0xff);
  out[p + 19] = 45;
  putHex(out, p + 20, 0x80 | ((c >>> 24) & 0x3f));
  putHex(out, p + 22, (c >>> 16) & 0xff);
  out[p + 24] = 45;
  putHex(out, p + 25, (c >>> 8) & 0xff);
  putHex(out, p + 27, c & 0xff);
  putHex(out, p + 29, d >>> 24);
  putHex(out, p + 31, (d >>> 16) & 0xff);
  putHex(out, p + 33, (d >>> 8) & 0xff);
  putHex(out, p + 35, d & 0xff);
  out[p + 37] = QUOTE;
  return p + 38;
}

/** formatTime(seconds, DATE_FORMATS[format]) as bytes, quoted; `days` holds each day's ten bytes from day `day0`. */
function putTime(out: Uint8Array, p: number, seconds: number, format: number, days: Uint8Array, day0: number): number {
  const dayNumber = Math.floor(seconds / DAY);
  const at = (dayNumber - day0) * 10;
  if (!(at >= 0 && at < days.length)) throw new VerticalError(`a date (${seconds} s) outside the days compiled for its field; this is a bug in verticals/generate.ts.`);
  out[p++] = QUOTE;
  for (let i = 0; i < 10; i++) out[p++] = days[at + i]!;
  if (format !== 0) {
    const inDay = seconds - dayNumber * DAY;
    const h = Math.floor(inDay / 3600);
    out[p++] = format === 2 ? 84 : 32;
    if (format === 4) p = putWhole(out, p, h);
    else {
      out[p++] = 48 + Math.floor(h / 10);
      out[p++] = 48 + (h % 10);
    }
    const m = Math.floor((inDay % 3600) / 60);
    const s = inDay % 60;
    out[p++] = 58;
    out[p++] = 48 + Math.floor(m / 10);
    out[p++] = 48 + (m % 10);
    out[p++] = 58;
    out[p++] = 48 + Math.floor(s / 10);
    out[p++] = 48 + (s % 10);
    if (format === 3) {
      out[p++] = 46;
      out[p++] = 48;
      out[p++] = 48;
      out[p++] = 48;
    }
  }
  out[p++] = QUOTE;
  return p;
}


/** The pieces of the generated source: constant bytes gathered into one pool, code around them. */
class BatchSource {
  /** Table entries as little-endian 32-bit words, each entry starting on a word. */
  readonly words: number[] = [];
  readonly tables: Int32Array[] = [];
  readonly arrays: Float64Array[] = [];
  private pending: number[] = [];
  readonly write: string[] = [];
  /** An upper bound on one record's bytes. */
  maxBytes = 0;
  /** Constant text to write next. False when it is not ASCII. */
  text(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) return false;
      this.pending.push(c);
    }
    this.maxBytes += text.length;
    return true;
  }
  /** Code that writes at `p`, after the constant text before it. */
  code(code: string, maxBytes: number): void {
    this.flush();
    this.write.push(code);
    this.maxBytes += maxBytes;
  }
  /**
   * The constant text gathered, stored four bytes at a time by the code itself. The last
   * store may run up to three bytes past the text: what comes next is written over them
   * (the buffer has room beyond any record).
   */
  flush(): void {
    const bytes = this.pending;
    if (bytes.length === 0) return;
    this.pending = [];
    const stores = wordsOf(bytes).map((w, k) => `view.setUint32(p${k ? ` + ${4 * k}` : ''}, ${w}, true);`);
    this.write.push(`${stores.join(' ')} p += ${bytes.length};`);
  }
  /** A table of texts written by index: its name in the source, or undefined when one is not ASCII. */
  table(texts: readonly string[]): { name: string; longest: number } | undefined {
    if (!texts.every(isAscii)) return undefined;
    // Per entry: its first word and its length in bytes.
    const entries = new Int32Array(2 * texts.length);
    texts.forEach((text, i) => {
      entries[2 * i] = this.words.length;
      entries[2 * i + 1] = text.length;
      this.words.push(...wordsOf(Array.from(text, (c) => c.charCodeAt(0))));
    });
    this.tables.push(entries);
    return { name: `T${this.tables.length - 1}`, longest: Math.max(0, ...texts.map((t) => t.length)) };
  }
  /** Code writing entry `index` (an expression) of a table, word by word (the last may run past it, as flush's). */
  entry(table: { name: string; longest: number }, index: string): void {
    this.code(`x = 2 * ${index}; z = ${table.name}[x]; y = p + ${table.name}[x + 1]; while (p < y) { view.setUint32(p, W[z++], true); p += 4; } p = y;`, table.longest + 3);
  }
  array(values: readonly number[]): string {
    this.arrays.push(Float64Array.from(values));
    return `F${this.arrays.length - 1}`;
  }
}

/** Bytes as little-endian 32-bit words, the last padded with zeros. */
function wordsOf(bytes: readonly number[]): number[] {
  const words: number[] = [];
  for (let k = 0; k < bytes.length; k += 4) words.push(((bytes[k] ?? 0) | ((bytes[k + 1] ?? 0) << 8) | ((bytes[k + 2] ?? 0) << 16) | ((bytes[k + 3] ?? 0) << 24)) >>> 0);
  return words;
}

/** `draw` code for a uniform draw (two, averaged, when bell) moved by `follows`, into g. */
function mixCode(bell: boolean | undefined, follows: Follows | undefined): string {
  let code = bell ? `${RNG} g = ${FLOAT}; ${RNG} g = (g + ${FLOAT}) / 2;` : `${RNG} g = ${FLOAT};`;
  if (follows) {
    const toward = follows > 0 ? 'risk' : '(1 - risk)';
    const w = Math.min(1, Math.abs(follows));
    code += ` g = ${lit(w)} * ${toward} + ${lit(1 - w)} * g;`;
  }
  return code;
}

/**
 * The batch writer of a definition, or undefined when a field is one it does not write
 * (the closures then write the records).
 */
function compileBatch(definition: VerticalDefinition, order: readonly number[], texts: readonly ((v: Value) => string)[]): CompiledBatch | undefined {
  const fields = definition.fields;
  const src = new BatchSource();
  const draw: string[] = [];
  const locals: string[] = [];
  const indexOf = (name: string) => fields.findIndex((f) => f.name === name);
  // Each date field's range of seconds, in draw order, for the table of day texts.
  const dateRange = new Map<number, [number, number]>();

  for (const i of order) {
    const field = fields[i]!;
    const gen = field.gen;
    const n = `n${i}`;
    locals.push(n);
    switch (gen.kind) {
      case 'uuid':
        locals.push(`w${i}a`, `w${i}b`, `w${i}c`, `w${i}d`);
        draw.push(`${RNG} w${i}a = t; ${RNG} w${i}b = t; ${RNG} w${i}c = t; ${RNG} w${i}d = t;`);
        break;
      case 'sequence':
      case 'indexed':
        break;
      case 'compose':
        gen.parts.forEach((part, j) => {
          if (typeof part === 'string') return;
          locals.push(`c${i}_${j}`);
          if ('pick' in part) draw.push(`${RNG} c${i}_${j} = Math.floor(${FLOAT} * ${part.pick.length});`);
          else draw.push(`${RNG} c${i}_${j} = ${lit(part.int[0])} + Math.floor(${FLOAT} * ${lit(part.int[1] - part.int[0] + 1)});`);
        });
        break;
      case 'enum': {
        const weights = gen.weights ?? gen.values.map(() => 1);
        const total = weights.reduce((x, y) => x + y, 0);
        let acc = 0;
        const bounds = src.array(weights.map((w) => (acc += w / total)));
        draw.push(`${mixCode(false, gen.follows)} x = 0; while (x < ${weights.length - 1} && g >= ${bounds}[x]) x++; ${n} = x;`);
        break;
      }
      case 'number': {
        const scale = 10 ** gen.decimals;
        const value = `Math.min(${lit(Math.round(gen.max * scale))}, Math.max(${lit(Math.round(gen.min * scale))}, Math.round((${lit(gen.min)} + g * ${lit(gen.max - gen.min)}) * ${lit(scale)}))) + 0`;
        const drawn = `${mixCode(gen.bell, gen.follows)} ${n} = ${value};`;
        if (gen.zeroUnless === undefined) draw.push(drawn);
        else {
          const gate = indexOf(gen.zeroUnless);
          draw.push(fields[gate]!.gen.kind === 'boolean' ? `if (n${gate} !== 1) ${n} = 0; else { ${drawn} }` : `${n} = 0;`);
        }
        break;
      }
      case 'integer':
        draw.push(`${mixCode(gen.bell, gen.follows)} ${n} = Math.min(${lit(gen.max)}, ${lit(gen.min)} + Math.floor(g * ${lit(gen.max - gen.min + 1)}));`);
        break;
      case 'boolean':
        draw.push(`${mixCode(false, gen.follows)} ${n} = g > ${lit(1 - gen.p)} ? 1 : 0;`);
        break;
      case 'date': {
        if (gen.after) {
          const from = indexOf(gen.after.field);
          const base = dateRange.get(from);
          if (!base) return undefined;
          const { minDays, maxDays } = gen.after;
          dateRange.set(i, [base[0] + minDays * DAY, base[1] + maxDays * DAY]);
          draw.push(`${RNG} ${n} = n${from} + (${lit(minDays)} + Math.floor(${FLOAT} * ${lit(maxDays - minDays + 1)})) * ${DAY};`);
        } else {
          const step = gen.stepSeconds ?? DAY;
          const start = utcDay(gen.from);
          const slots = Math.floor((utcDay(gen.to) + DAY - 1 - start) / step) + 1;
          dateRange.set(i, [start, start + (slots - 1) * step]);
          draw.push(`${mixCode(false, gen.follows)} ${n} = ${lit(start)} + Math.min(${lit(slots - 1)}, Math.floor(g * ${lit(slots)})) * ${lit(step)};`);
        }
        break;
      }
      case 'epoch':
        draw.push(`${RNG} ${n} = ${lit(definition.startEpoch)} + index * ${SECONDS_PER_RECORD} + Math.floor(${FLOAT} * ${SECONDS_PER_RECORD});`);
        break;
      case 'email':
        draw.push(`${RNG} ${n} = Math.floor(${FLOAT} * ${gen.domains.length});`);
        break;
      case 'json-list': {
        const k = gen.values.length;
        locals.push(`k${i}`);
        draw.push(
          `${RNG} k${i} = ${lit(gen.min)} + Math.floor(${FLOAT} * ${lit(gen.max - gen.min + 1)}); ` +
            `for (x = 0; x < ${k}; x++) P${i}[x] = x; ` +
            `for (x = 0; x < k${i}; x++) { ${RNG} y = x + Math.floor(${FLOAT} * (${k} - x)); z = P${i}[x]; P${i}[x] = P${i}[y]; P${i}[y] = z; }`,
        );
        break;
      }
      default:
        return undefined;
    }
  }

  // The day texts every date field can reach, ten bytes each.
  let day0 = 0;
  let days = new Uint8Array(0);
  if (dateRange.size > 0) {
    const ranges = [...dateRange.values()];
    day0 = Math.floor(Math.min(...ranges.map((r) => r[0])) / DAY);
    const dayCount = Math.floor(Math.max(...ranges.map((r) => r[1])) / DAY) - day0 + 1;
    if (day0 < 0 || dayCount > 100_000) return undefined;
    days = new Uint8Array(dayCount * 10);
    for (let k = 0; k < dayCount; k++) {
      const text = dayText((day0 + k) * DAY);
      for (let j = 0; j < 10; j++) days[10 * k + j] = text.charCodeAt(j);
    }
  }

  const lists: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const gen = field.gen;
    const n = `n${i}`;
    if (!src.text(`${i === 0 ? '{' : ','}${JSON.stringify(field.name)}:`)) return undefined;
    const okType =
      gen.kind === 'enum'
        ? true
        : field.type === 'number'
          ? gen.kind === 'number'
          : field.type === 'integer'
            ? gen.kind === 'integer' || gen.kind === 'epoch'
            : field.type === 'boolean'
              ? gen.kind === 'boolean'
              : ['uuid', 'date', 'sequence', 'indexed', 'compose', 'email', 'json-list'].includes(gen.kind);
    if (!okType) return undefined;
    switch (gen.kind) {
      case 'number':
        src.code(`p = putDecimal(out, p, ${n}, ${gen.decimals}, ${lit(10 ** gen.decimals)});`, 40 + gen.decimals);
        break;
      case 'integer':
      case 'epoch':
        src.code(`p = putInteger(out, p, ${n});`, 24);
        break;
      case 'boolean': {
        const table = src.table(['false', 'true']);
        if (!table) return undefined;
        src.entry(table, n);
        break;
      }
      case 'enum': {
        const table = src.table(gen.values.map((v) => texts[i]!(v)));
        if (!table) return undefined;
        src.entry(table, n);
        break;
      }
      case 'uuid':
        src.code(`p = putUuid(out, p, w${i}a, w${i}b, w${i}c, w${i}d);`, 38);
        break;
      case 'date': {
        const format = field.format?.kind === 'date' ? field.format.format : 'date';
        src.code(`p = putTime(out, p, ${n}, ${DATE_FORMATS.indexOf(format)}, D, ${day0});`, 32);
        break;
      }
      case 'sequence': {
        const offset = gen.offset ?? 0;
        if (offset < 0 || !src.text(`"${esc(gen.prefix)}`)) return undefined;
        src.code(`p = putPadded(out, p, index + ${lit(offset)}, ${gen.digits});`, Math.max(gen.digits, 17));
        src.text('"');
        break;
      }
      case 'indexed': {
        // As the reader writes it: a template without `{n}` ends in "undefined".
        const [before, after] = gen.template.split('{n}') as [string, string | undefined];
        if (!src.text(`"${esc(before)}`)) return undefined;
        src.code(`p = putInteger(out, p, index + ${lit(gen.offset)});`, 24);
        if (!src.text(`${esc(String(after))}"`)) return undefined;
        break;
      }
      case 'compose': {
        src.text('"');
        for (const [j, part] of gen.parts.entries()) {
          if (typeof part === 'string') {
            if (!src.text(esc(part))) return undefined;
          } else if ('pick' in part) {
            const table = src.table(part.pick.map(esc));
            if (!table) return undefined;
            src.entry(table, `c${i}_${j}`);
          } else if (part.pad) {
            if (part.int[0] < 0) return undefined;
            src.code(`p = putPadded(out, p, c${i}_${j}, ${part.pad});`, Math.max(part.pad, 17));
          } else src.code(`p = putInteger(out, p, c${i}_${j});`, 24);
        }
        src.text('"');
        break;
      }
      case 'email': {
        const names = [gen.first, gen.last].map(indexOf);
        const tables = names.map((at) => {
          const named = fields[at]!.gen;
          return named.kind === 'enum' ? src.table(named.values.map((v) => esc(String(v).toLowerCase()))) : undefined;
        });
        const domains = src.table(gen.domains.map(esc));
        if (!tables[0] || !tables[1] || !domains) return undefined;
        src.text('"');
        src.entry(tables[0], `n${names[0]}`);
        src.text('.');
        src.entry(tables[1], `n${names[1]}`);
        src.text('@');
        src.entry(domains, n);
        src.text('"');
        break;
      }
      case 'json-list': {
        const items = src.table(gen.values.map((v) => esc(JSON.stringify(v))));
        if (!items) return undefined;
        lists.push(`P${i}`);
        src.text(`"${esc('[')}`);
        const loop = `for (let e = 0; e < k${i}; e++) { if (e > 0) {`;
        src.code(loop, 0);
        src.text(esc(', '));
        src.code('}', 0);
        src.entry(items, `P${i}[e]`);
        src.code('}', gen.values.reduce((sum, v) => sum + esc(JSON.stringify(v)).length + 4, 0));
        src.text(`${esc(']')}"`);
        break;
      }
      default:
        return undefined;
    }
  }
  src.text('}');
  src.flush();

  // A record is at least its keys and braces long.
  const maxRecords = Math.ceil(BATCH_BYTES / fields.reduce((sum, f) => sum + JSON.stringify(f.name).length + 2, 1)) + 1;
  const body = [
    `let a = state[0], b = state[1], c = state[2], d = state[3];`,
    `let index = io[0]; const end = io[1]; const most = io[2]; let p = 0; let count = 0; let t = 0, g = 0, x = 0, y = 0, z = 0, risk = 0;`,
    ...(locals.length ? [`let ${locals.map((l) => `${l} = 0`).join(', ')};`] : []),
    `while (index < end && p < ${BATCH_BYTES} && count < most) {`,
    `${RNG} risk = ${FLOAT};`,
    ...draw,
    ...src.write,
    `ends[count++] = p; index++;`,
    `}`,
    `state[0] = a; state[1] = b; state[2] = c; state[3] = d; io[0] = index;`,
    `return count;`,
  ].join('\n');
  const names = ['W', 'D', 'putDecimal', 'putInteger', 'putPadded', 'putUuid', 'putTime', ...src.tables.map((_, k) => `T${k}`), ...src.arrays.map((_, k) => `F${k}`), ...lists];
  const values: unknown[] = [
    Uint32Array.from(src.words),
    days,
    putDecimal,
    putInteger,
    putPadded,
    putUuid,
    putTime,
    ...src.tables,
    ...src.arrays,
    ...lists.map((l) => new Int32Array(fields[Number(l.slice(1))]!.gen.kind === 'json-list' ? (fields[Number(l.slice(1))]!.gen as { values: readonly string[] }).values.length : 0)),
  ];
  // The one place code is made from a definition: every name and text in it is a number or comes from JSON.stringify.
  const make = new Function(...names, `return function batch(state, io, out, view, ends) {\n${body}\n};`) as (...args: unknown[]) => BatchRun;
  return { run: make(...values), bufferBytes: BATCH_BYTES + src.maxBytes + 64, maxRecords };
}
