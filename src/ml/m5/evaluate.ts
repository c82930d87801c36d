import { naiveScale } from '../metrics/accuracy.ts';
import { levelWrmsse, meanOverLevels, type WeightedSeries } from '../metrics/wrmsse.ts';
import { LEVELS_1_TO_9, LEVELS_1_TO_12, M5_LEVELS, weightKey } from './levels.ts';
import type { M5Weights } from './weights.ts';
import type { M5Aggregates, M5Ids } from './wide.ts';

/** Item × store series grouped into the series of each level: key → member indices. */
export function levelGroups(keys: readonly M5Ids[]): Map<number, Map<string, number[]>> {
  const out = new Map<number, Map<string, number[]>>();
  for (const level of M5_LEVELS) {
    const groups = new Map<string, number[]>();
    keys.forEach((ids, index) => {
      const key = weightKey(level, ids);
      const members = groups.get(key);
      if (members) members.push(index);
      else groups.set(key, [index]);
    });
    out.set(level.level, groups);
  }
  return out;
}

/** Element-wise sum of members' arrays over [from, to) of each. */
function sumMembers(
  arrays: readonly ArrayLike<number>[],
  members: number[],
  from: number,
  to: number,
): Float64Array {
  const out = new Float64Array(Math.max(0, to - from));
  for (const m of members) {
    const values = arrays[m]!;
    for (let k = from; k < to; k++) out[k - from] = out[k - from]! + values[k]!;
  }
  return out;
}

export interface M5Scores {
  perLevel: Map<number, number>;
  mean1to9: number;
  mean1to12: number;
}

export interface M5EvaluationInput {
  keys: readonly M5Ids[];
  /** Item × store sales over days firstDay.. (at least through origin + horizon). */
  values: readonly Float64Array[];
  firstDay: number;
  /** Last day of the training history; days origin+1..origin+horizon are scored. */
  origin: number;
  horizon: number;
  /** Item × store forecasts, one array of `horizon` per series. */
  forecasts: readonly ArrayLike<number>[];
  weights: M5Weights;
  /** Full-history aggregates for the level 1–9 scales (else the item file's history is used). */
  aggregates?: M5Aggregates;
}

/**
 * WRMSSE of item × store forecasts at all 12 levels (forecasts summed bottom-up). Each series' scale is
 * its mean squared naive error from its first non-zero day to the origin: exact at levels 1–9 when the
 * full-history aggregates are given, else (and always at levels 10–12 with the 180-day file) measured
 * on the history the file holds — documented as an approximation in docs/forecasting.md.
 */
export function evaluateM5(input: M5EvaluationInput): M5Scores {
  const groups = levelGroups(input.keys);
  const originIndex = input.origin - input.firstDay + 1; // days in the item history through the origin
  const perLevel = new Map<number, number>();
  for (const level of M5_LEVELS) {
    const levelWeights = input.weights.get(level.level);
    if (!levelWeights) throw new Error(`no weights for level ${level.level}`);
    const series: WeightedSeries[] = [];
    for (const [key, members] of groups.get(level.level)!) {
      const actual = sumMembers(input.values, members, originIndex, originIndex + input.horizon);
      const forecast = sumMembers(input.forecasts, members, 0, input.horizon);
      const history = levelHistory(input, level.level, key, members, originIndex);
      series.push({ key, weight: levelWeights.get(key) ?? 0, scale: seriesScale(history), actual, forecast });
    }
    perLevel.set(level.level, levelWrmsse(series));
  }
  return {
    perLevel,
    mean1to9: meanOverLevels(perLevel, LEVELS_1_TO_9),
    mean1to12: meanOverLevels(perLevel, LEVELS_1_TO_12),
  };
}

/**
 * M5's scale; a handful of items sold nothing (or once) in a short history file, so it is undefined
 * there: then the whole window counts (leading zeros included), and an all-zero window gets scale 1.
 */
function seriesScale(history: Float64Array): number {
  const scale = naiveScale(history);
  if (scale > 0) return scale;
  const whole = naiveScale(history, 1, false);
  return whole > 0 ? whole : 1;
}

function levelHistory(
  input: M5EvaluationInput,
  level: number,
  key: string,
  members: number[],
  originIndex: number,
): Float64Array {
  const items = sumMembers(input.values, members, 0, originIndex);
  const aggregate = input.aggregates?.levels.get(level)?.get(key);
  if (!aggregate || !input.aggregates) return items;
  const agg = input.aggregates;
  // aggregate days agg.firstDay..min(agg.lastDay, origin), then item sums for any later days
  const aggEnd = Math.min(agg.lastDay, input.origin);
  const fromItems = Math.max(0, input.origin - aggEnd);
  const out = new Float64Array(aggEnd - agg.firstDay + 1 + fromItems);
  out.set(aggregate.subarray(0, aggEnd - agg.firstDay + 1));
  if (fromItems > 0) out.set(items.subarray(items.length - fromItems), aggEnd - agg.firstDay + 1);
  return out;
}
