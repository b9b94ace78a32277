// The dataset build's random numbers without faker: this module imports nothing, so a
// dataset worker starts without loading faker (a third of a second of its start).

// Where the 30 "x" digits of faker's template "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" go.
export const X_SLOTS = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 15, 16, 17, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
/** Where faker's "y" (the variant digit) goes. */
export const Y_SLOT = 19;
/** Draws one uuid() takes: 30 hex digits and the variant digit. */
export const UUID_DRAWS = 31;

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
