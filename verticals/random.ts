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

/**
 * The four words of sfc32's state for a seed and stream, after the warm-up: what
 * createVerticalRandom starts from, and what the compiled record writer of
 * verticals/generate.ts steps itself (the same draws, without a call per draw).
 *
 * @example
 * verticalRandomState(42, 'agr') // Int32Array(4), the same everywhere
 */
export function verticalRandomState(seed: number, stream: string): Int32Array {
  let s = (seed ^ Math.imul(streamNumber(stream), 0x9e3779b1)) >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const state = Int32Array.of(splitmix(), splitmix(), splitmix(), splitmix());
  // Warm-up: the first outputs of sfc32 still carry the seed's structure.
  for (let i = 0; i < 12; i++) sfc32(state);
  return state;
}

/** One sfc32 step on a state: the next uniform 32-bit unsigned integer. */
export function sfc32(state: Int32Array): number {
  const a = state[0]!;
  const b = state[1]!;
  const c = state[2]!;
  const d = state[3]!;
  const t = (((a + b) | 0) + d) | 0;
  state[3] = (d + 1) | 0;
  state[0] = b ^ (b >>> 9);
  state[1] = (c + (c << 3)) | 0;
  state[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t >>> 0;
}

export function createVerticalRandom(seed: number, stream: string): VerticalRandom {
  const state = verticalRandomState(seed, stream);
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  const uint32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  return { uint32, float: () => uint32() / 4_294_967_296 };
}
