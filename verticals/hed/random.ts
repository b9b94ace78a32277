import { generateMersenne53Randomizer } from '@faker-js/faker';

/**
 * The draws the generators need. Every value in the dataset, in mutations and in fault
 * schedules comes through one of these, so a seed replays exactly.
 */
export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** A UUID v4 string. */
  uuid(): string;
}

const HEX_CODES = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const DASH = '-'.charCodeAt(0);
const FOUR = '4'.charCodeAt(0);
// Where the 30 "x" digits of faker's template "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" go.
export const X_SLOTS = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 15, 16, 17, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
const Y_SLOT = 19;
/** Draws one uuid() takes: 30 hex digits and the variant digit. */
export const UUID_DRAWS = 31;

/**
 * A seeded Random on @faker-js/faker's Mersenne Twister (its exact version is pinned in
 * package.json: the version decides the dataset). It draws from faker's randomizer
 * directly and gives the values `faker.number.float()` and `faker.string.uuid()` give
 * for the same seed (a test holds the two side by side), without faker's per-call option
 * handling, which was a third of the time to build a large dataset.
 *
 * @example
 * const r = createRandom(42, 'mutations', 3); r.float() // same value on every machine
 */
export function createRandom(seed: number, ...stream: (string | number)[]): Random {
  const randomizer = generateMersenne53Randomizer();
  randomizer.seed(stream.length === 0 ? seed : [seed, ...stream.map(streamNumber)]);
  const next = () => randomizer.next();
  return {
    float: next,
    uuid() {
      // faker fills every x first, left to right (a hex digit each: floor(u * 16)), then
      // y (floor(u * 4 + 8)); the characters are collected as codes and made a string once.
      const codes = new Array<number>(36);
      codes[8] = codes[13] = codes[18] = codes[23] = DASH;
      codes[14] = FOUR;
      for (let i = 0; i < 30; i++) codes[X_SLOTS[i]!] = HEX_CODES[Math.floor(next() * 16)]!;
      codes[Y_SLOT] = HEX_CODES[Math.floor(next() * 4 + 8)]!;
      return String.fromCharCode(...codes);
    },
  };
}

/**
 * Mersenne Twister MT19937 with faker's 53-bit floats, seeded with a number as faker's
 * generateMersenne53Randomizer().seed(n) seeds it: the same draws, in a typed array and
 * without faker's wrapper calls, for the dataset build's byte writer (./fast-writer.ts).
 * A test holds it beside faker's randomizer.
 *
 * @example
 * const mt = new Mersenne53(42); mt.float() === createRandom(42).float() // true
 */
export class Mersenne53 {
  private readonly state = new Int32Array(624);
  private index = 0;

  constructor(seed: number) {
    const s = this.state;
    // init_genrand: the values wrap to 32 bits as faker's do under its bit operations.
    s[0] = seed;
    for (let i = 1; i < 624; i++) {
      const n = s[i - 1]! ^ (s[i - 1]! >>> 30);
      s[i] = Math.imul(1812433253, n) + i;
    }
    this.twist();
  }

  /** Uniform in [0, 1): two 32-bit outputs, 27 and 26 bits of them, as faker's nextF53. */
  float(): number {
    const a = this.u32() >>> 5;
    const b = this.u32() >>> 6;
    return (a * 67108864 + b) * 11102230246251565e-32;
  }

  /**
   * Math.floor(float() * 16), a hex digit: the top 4 bits of the first output (the second
   * cannot change them, so it is passed over untempered).
   */
  nibble(): number {
    const a = this.u32();
    if (this.index === 624) {
      this.twist();
      this.index = 0;
    }
    this.index += 1;
    return a >>> 28;
  }

  /** Passes over `count` float() draws without tempering them. */
  discard(count: number): void {
    let left = 2 * count;
    while (this.index + left > 624) {
      left -= 624 - this.index;
      this.twist();
      this.index = 0;
    }
    this.index += left;
  }

  /** The next tempered output as a signed 32-bit integer (its bits are the unsigned one's). */
  private u32(): number {
    if (this.index === 624) {
      this.twist();
      this.index = 0;
    }
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    return y ^ (y >>> 18);
  }

  // The upper bit of one word and the lower 31 of the next (an OR: the bits are disjoint),
  // shifted, and the matrix where its low bit is set: the words stay 32-bit integers.
  private twist(): void {
    const s = this.state;
    for (let k = 0; k < 227; k++) {
      const y = (s[k]! & 0x80000000) | (s[k + 1]! & 0x7fffffff);
      s[k] = s[k + 397]! ^ (y >>> 1) ^ (((y << 31) >> 31) & 0x9908b0df);
    }
    for (let k = 227; k < 623; k++) {
      const y = (s[k]! & 0x80000000) | (s[k + 1]! & 0x7fffffff);
      s[k] = s[k - 227]! ^ (y >>> 1) ^ (((y << 31) >> 31) & 0x9908b0df);
    }
    const y = (s[623]! & 0x80000000) | (s[0]! & 0x7fffffff);
    s[623] = s[396]! ^ (y >>> 1) ^ (((y << 31) >> 31) & 0x9908b0df);
  }
}

function streamNumber(part: string | number): number {
  if (typeof part === 'number') return part >>> 0;
  // FNV-1a: a stable 32-bit number for a stream name.
  let h = 0x811c9dc5;
  for (let i = 0; i < part.length; i++) {
    h ^= part.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An integer in [min, max], both inclusive. */
export function randomInt(r: Random, min: number, max: number): number {
  return min + Math.floor(r.float() * (max - min + 1));
}

/** A normal draw (Box-Muller), clamped to [min, max]. */
export function randomNormal(r: Random, mean: number, sd: number, min = -Infinity, max = Infinity): number {
  const u = 1 - r.float();
  const v = r.float();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(max, Math.max(min, mean + z * sd));
}

/** One element of a non-empty list. */
export function randomPick<T>(r: Random, items: readonly T[]): T {
  return items[Math.floor(r.float() * items.length)] as T;
}
