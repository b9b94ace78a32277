import { createHash } from 'node:crypto';
import type { DateFormat, FieldDefinition, FieldGenerator, Follows, VerticalDefinition, VerticalRecord } from './definition.js';
import { createVerticalRandom, type VerticalRandom } from './random.js';

/** A definition the generic generator cannot build (an external generator, a dependency on a missing field). */
export class VerticalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerticalError';
  }
}

type Value = string | number | boolean;

/** What one record's draws share: the stream, the record's index and risk, and the values drawn so far. */
interface Draw {
  r: VerticalRandom;
  index: number;
  /** The record's hidden risk factor, uniform in [0, 1). */
  risk: number;
  values: Value[];
  /** Seconds since 1970 of each date field, for `after`. */
  times: number[];
  /** Each decimal field's value times 10^decimals, an integer: what its JSON is written from. */
  units: Float64Array;
}

type Step = (d: Draw) => void;

/** A definition turned into draw steps and JSON writers, made once per build. */
export interface CompiledVertical {
  readonly definition: VerticalDefinition;
  /** Draws record `index` into `values` (one per field, in field order). */
  draw(r: VerticalRandom, index: number, values: Value[]): void;
  /**
   * The JSON of the record last drawn, as the hosted API writes it (decimals keep a `.0`);
   * `values` are those the draw filled (decimals are written from the draw's exact units).
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

function uuid(r: VerticalRandom): string {
  const a = r.uint32();
  const b = r.uint32();
  const c = r.uint32();
  const d = r.uint32();
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

function stepFor(field: FieldDefinition, at: number, indexOf: (name: string) => number, definition: VerticalDefinition): Step {
  const gen = field.gen;
  switch (gen.kind) {
    case 'uuid':
      return (d) => void (d.values[at] = uuid(d.r));
    case 'sequence': {
      const offset = gen.offset ?? 0;
      return (d) => void (d.values[at] = gen.prefix + String(d.index + offset).padStart(gen.digits, '0'));
    }
    case 'indexed': {
      const [before, after] = gen.template.split('{n}') as [string, string];
      return (d) => void (d.values[at] = before + String(d.index + gen.offset) + after);
    }
    case 'compose': {
      const parts = gen.parts;
      return (d) => {
        let text = '';
        for (const part of parts) {
          if (typeof part === 'string') text += part;
          else if ('pick' in part) text += part.pick[Math.floor(d.r.float() * part.pick.length)]!;
          else {
            const n = part.int[0] + Math.floor(d.r.float() * (part.int[1] - part.int[0] + 1));
            text += part.pad ? String(n).padStart(part.pad, '0') : String(n);
          }
        }
        d.values[at] = text;
      };
    }
    case 'enum': {
      const weights = gen.weights ?? gen.values.map(() => 1);
      if (weights.length !== gen.values.length) throw new VerticalError(`${definition.prefix}.${field.name}: ${weights.length} weights for ${gen.values.length} values; give one weight per value.`);
      const total = weights.reduce((a, b) => a + b, 0);
      let acc = 0;
      const bounds = weights.map((w) => (acc += w / total));
      return (d) => {
        const u = mix(d.r.float(), d.risk, gen.follows);
        let i = 0;
        while (i < bounds.length - 1 && u >= bounds[i]!) i++;
        d.values[at] = gen.values[i]!;
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
      return (d) => {
        if (gate >= 0 && d.values[gate] !== true) {
          d.units[at] = 0;
          d.values[at] = 0;
          return;
        }
        // `+ 0` turns a -0 from rounding into 0.
        const k = Math.min(high, Math.max(low, Math.round((gen.min + mix(uniform(d.r, gen.bell), d.risk, gen.follows) * (gen.max - gen.min)) * scale))) + 0;
        d.units[at] = k;
        d.values[at] = k / scale;
      };
    }
    case 'integer': {
      const span = gen.max - gen.min + 1;
      return (d) => void (d.values[at] = Math.min(gen.max, gen.min + Math.floor(mix(uniform(d.r, gen.bell), d.risk, gen.follows) * span)));
    }
    case 'boolean':
      return (d) => void (d.values[at] = mix(d.r.float(), d.risk, gen.follows) > 1 - gen.p);
    case 'date': {
      const format = field.format?.kind === 'date' ? field.format.format : 'date';
      if (gen.after) {
        const from = indexOf(gen.after.field);
        const { minDays, maxDays } = gen.after;
        return (d) => {
          const t = d.times[from]! + (minDays + Math.floor(d.r.float() * (maxDays - minDays + 1))) * DAY;
          d.times[at] = t;
          d.values[at] = formatTime(t, format);
        };
      }
      const step = gen.stepSeconds ?? DAY;
      const start = utcDay(gen.from);
      const slots = Math.floor((utcDay(gen.to) + DAY - 1 - start) / step) + 1;
      return (d) => {
        const t = start + Math.min(slots - 1, Math.floor(mix(d.r.float(), d.risk, gen.follows) * slots)) * step;
        d.times[at] = t;
        d.values[at] = formatTime(t, format);
      };
    }
    case 'epoch':
      return (d) => void (d.values[at] = definition.startEpoch + d.index * SECONDS_PER_RECORD + Math.floor(d.r.float() * SECONDS_PER_RECORD));
    case 'email': {
      const first = indexOf(gen.first);
      const last = indexOf(gen.last);
      return (d) => {
        const domain = gen.domains[Math.floor(d.r.float() * gen.domains.length)]!;
        d.values[at] = `${String(d.values[first]).toLowerCase()}.${String(d.values[last]).toLowerCase()}@${domain}`;
      };
    }
    case 'json-list': {
      const n = gen.values.length;
      return (d) => {
        const k = gen.min + Math.floor(d.r.float() * (gen.max - gen.min + 1));
        const order = [...gen.values];
        // A partial Fisher-Yates: the first k of a seeded shuffle.
        for (let i = 0; i < k; i++) {
          const j = i + Math.floor(d.r.float() * (n - i));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        d.values[at] = `[${order.slice(0, k).map((v) => JSON.stringify(v)).join(', ')}]`;
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

/**
 * Compiles a definition: the draw steps in an order where every field a step reads is
 * drawn before it, and a JSON writer in the definition's field order.
 *
 * @example
 * const c = compileVertical(agr); const values = []; c.draw(createVerticalRandom(42, 'agr'), 0, values); c.json(values)
 */
export function compileVertical(definition: VerticalDefinition): CompiledVertical {
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
  const steps = order.map((i) => stepFor(fields[i]!, i, indexOf, definition));
  const keys = fields.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
  const units = new Float64Array(fields.length);
  const writers = fields.map((f, i): ((v: Value) => string) => {
    if (f.type === 'number') {
      if (f.gen.kind !== 'number') throw new VerticalError(`${definition.prefix}.${f.name}: a number field is drawn by a number generator; got ${f.gen.kind}.`);
      const write = decimalWriter(f.gen.decimals);
      return () => write(units[i]!);
    }
    if (f.type === 'string') return plainStrings(f) ? (v) => `"${v as string}"` : (v) => JSON.stringify(v);
    return (v) => String(v);
  });
  const names = fields.map((f) => f.name);
  const d: Draw = { r: createVerticalRandom(0, ''), index: 0, risk: 0, values: [], times: new Array<number>(fields.length), units };

  return {
    definition,
    draw(r, index, values) {
      d.r = r;
      d.index = index;
      d.risk = r.float();
      d.values = values;
      for (const step of steps) step(d);
    },
    json(values) {
      let text = '';
      for (let i = 0; i < keys.length; i++) text += keys[i]! + writers[i]!(values[i]!);
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
  const compiled = compileVertical(definition);
  const r = createVerticalRandom(seed, definition.prefix);
  const values: Value[] = new Array<Value>(definition.fields.length);
  for (let i = 0; i < count; i++) {
    compiled.draw(r, i, values);
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
  const compiled = compileVertical(definition);
  const r = createVerticalRandom(seed, definition.prefix);
  const values: Value[] = new Array<Value>(definition.fields.length);
  for (let i = 0; i < count; i++) {
    compiled.draw(r, i, values);
    yield compiled.json(values);
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
