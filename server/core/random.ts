import { Faker, en } from '@faker-js/faker';

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

/**
 * A seeded Random backed by @faker-js/faker (its exact version is pinned in package.json:
 * the version decides the dataset).
 *
 * @example
 * const r = createRandom(42, 'mutations', 3); r.float() // same value on every machine
 */
export function createRandom(seed: number, ...stream: (string | number)[]): Random {
  const faker = new Faker({ locale: [en] });
  faker.seed(stream.length === 0 ? seed : [seed, ...stream.map(streamNumber)]);
  return {
    float: () => faker.number.float(),
    uuid: () => faker.string.uuid(),
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
