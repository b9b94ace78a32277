// Plain statistics the tests compute by hand to check what SQL and the generator produce.

/** The arithmetic mean. */
export const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** Pearson's r of two series of the same length. */
export function pearson(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
