import { generateMersenne53Randomizer } from '@faker-js/faker';
import { X_SLOTS, Y_SLOT } from './mersenne.js';

export { Mersenne53, UUID_DRAWS } from './mersenne.js';

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
