// Which test sets run: `npm test` runs a representative part of the long matrices (every
// slip under the lab's SDK and one under each other SDK, a live cross-SDK check, ...);
// `npm run test:full` sets HED_FULL=1 and runs them whole (every slip under every SDK,
// every SDK x scenario of the live agreement test, ...). docs/testing.md lists both.

/** True when the full sets run (HED_FULL=1, as `npm run test:full` sets it). */
export const FULL = process.env.HED_FULL === '1';

/**
 * Skip options for a case that belongs to the full set only: it runs under HED_FULL=1.
 *
 * @example
 * t.test('slip-cursor under SDK 2.13.1', fullOnly(), async (t) => { ... })
 */
export function fullOnly(): { skip: string | false } {
  return { skip: FULL ? false : 'in the full set only: npm run test:full (HED_FULL=1)' };
}

/**
 * The cases of a matrix to run: all under HED_FULL=1, else those `representative` keeps.
 *
 * @example
 * for (const slip of selected(SLIPS, (slip, i) => i === 0)) { ... }
 */
export function selected<T>(cases: readonly T[], representative: (item: T, index: number) => boolean): readonly T[] {
  return FULL ? cases : cases.filter(representative);
}
