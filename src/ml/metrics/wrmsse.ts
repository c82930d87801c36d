import { rmsse } from './accuracy.ts';

/** One series of a hierarchy level, ready to score. */
export interface WeightedSeries {
  key: string;
  /** Share of the level's dollar sales (the weights of a level sum to 1). */
  weight: number;
  /** The RMSSE denominator: mean squared naive error over the history (see `naiveScale`). */
  scale: number;
  actual: ArrayLike<number>;
  forecast: ArrayLike<number>;
}

/**
 * WRMSSE of one level: Σ weight·RMSSE over its series (M5 guidelines, eq. 2). The weights are used as
 * given — the official files already normalise each level to 1 — so a missing series shows up as a
 * lower total weight instead of being silently re-spread.
 */
export function levelWrmsse(series: readonly WeightedSeries[]): number {
  let total = 0;
  for (const s of series) {
    if (s.weight === 0) continue;
    total += s.weight * rmsse(s.actual, s.forecast, s.scale);
  }
  return total;
}

/** The M5 score: the mean of the per-level WRMSSE over the levels given. */
export function meanOverLevels(scores: ReadonlyMap<number, number>, levels: readonly number[]): number {
  let sum = 0;
  for (const level of levels) {
    const score = scores.get(level);
    if (score === undefined) throw new Error(`no WRMSSE for level ${level}`);
    sum += score;
  }
  return sum / levels.length;
}
