/**
 * The seeded source of every draw of a vertical's records: sfc32 (a small, fast 32-bit
 * generator that passes PractRand) started from splitmix32 of the seed and the vertical's
 * prefix, so each vertical has its own stream for the same seed and a seed replays exactly
 * on every machine. No Math.random, no clock.
 *
 * @example
 * const r = createVerticalRandom(42, 'agr'); r.float() // the same value everywhere
 */
export interface VerticalRandom {
  /** Uniform in [0, 1), 32 bits. */
  float(): number;
  /** A uniform 32-bit unsigned integer. */
  uint32(): number;
}

/** FNV-1a of a stream name: a stable 32-bit number. */
export function streamNumber(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createVerticalRandom(seed: number, stream: string): VerticalRandom {
  let s = (seed ^ Math.imul(streamNumber(stream), 0x9e3779b1)) >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const uint32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm-up: the first outputs of sfc32 still carry the seed's structure.
  for (let i = 0; i < 12; i++) uint32();
  return { uint32, float: () => uint32() / 4_294_967_296 };
}
