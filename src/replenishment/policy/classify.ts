import type { AbcClass, PolicyConfig, XyzClass } from './config.ts';

/**
 * ABC by value: keys sorted by revenue (descending, ties by key), each is A while the cumulative share
 * before it is below `abc.a`, B below `abc.b`, else C — so the top item is always A.
 */
export function abcClasses(
  revenue: ReadonlyMap<string, number>,
  config: PolicyConfig,
): Map<string, AbcClass> {
  const sorted = [...revenue.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  const total = sorted.reduce((sum, [, value]) => sum + Math.max(0, value), 0);
  const classes = new Map<string, AbcClass>();
  let before = 0;
  for (const [key, value] of sorted) {
    const share = total > 0 ? before / total : 1;
    classes.set(key, share < config.abc.a ? 'A' : share < config.abc.b ? 'B' : 'C');
    before += Math.max(0, value);
  }
  return classes;
}

/** XYZ by predictability: the coefficient of variation of daily demand (no demand: Z). */
export function xyzClass(dailyMean: number, dailyStd: number, config: PolicyConfig): XyzClass {
  if (dailyMean <= 0) return 'Z';
  const cv = dailyStd / dailyMean;
  return cv <= config.xyz.x ? 'X' : cv <= config.xyz.y ? 'Y' : 'Z';
}
