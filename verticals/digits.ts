/**
 * Decimal digits written as ASCII bytes into a buffer, two at a time: the one copy shared
 * by the verticals' batch writer (./generate.ts) and HED's byte writer
 * (./hed/fast-writer.ts). Imports nothing, so HED's dataset worker loads it without the
 * definitions.
 */

/** Two ASCII digits per number from 0 to 99. */
export const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/** How many digits a whole number from 0 to 2^31 - 1 has. */
export const digitCount = (v: number) => (v < 100 ? (v < 10 ? 1 : 2) : v < 10_000 ? (v < 1000 ? 3 : 4) : v < 1_000_000 ? (v < 100_000 ? 5 : 6) : v < 100_000_000 ? (v < 10_000_000 ? 7 : 8) : v < 1_000_000_000 ? 9 : 10);

/** Writes v (0 to 2^31 - 1) in exactly `width` digits ending at `end`, two at a time in 32-bit arithmetic. */
export function putDigits(out: Uint8Array, end: number, v: number, width: number): void {
  let at = end;
  const start = end - width;
  while (v >= 100) {
    const q = (v / 100) | 0;
    const r = 2 * (v - q * 100);
    out[--at] = PAIRS[r + 1]!;
    out[--at] = PAIRS[r]!;
    v = q;
  }
  if (v >= 10) {
    out[--at] = PAIRS[2 * v + 1]!;
    out[--at] = PAIRS[2 * v]!;
  } else out[--at] = 48 + v;
  while (at > start) out[--at] = 48;
}

/**
 * The decimal digits of a whole number from 0 to 2^53 at `p`, as String(n) writes them;
 * returns the end.
 */
export function putWhole(out: Uint8Array, p: number, n: number): number {
  if (n < 2_147_483_648) {
    const digits = digitCount(n);
    putDigits(out, p + digits, n | 0, digits);
    return p + digits;
  }
  let digits = 1;
  for (let q = 10; q <= n; q *= 10) digits++;
  const end = p + digits;
  let at = end;
  while (n >= 10) {
    const q = Math.floor(n / 10);
    out[--at] = 48 + (n - q * 10);
    n = q;
  }
  out[--at] = 48 + n;
  return end;
}
