import { autoEts } from '../baselines/ets.ts';
import { seasonalNaive } from '../baselines/naive.ts';
import { levelGroups } from './evaluate.ts';
import { groupHistory } from './pipeline.ts';
import type { M5Aggregates, M5Wide } from './wide.ts';

/**
 * The M5 benchmarks computed the same way as our forecaster (same history, same origin), as item ×
 * store forecasts that the evaluation sums up:
 * - sNaive: last week repeated, per item.
 * - ES_bu: automatic ETS per item on the item file's history, summed bottom-up (M5's ES_bu).
 * - ES_md: automatic ETS per store × department on the full-history aggregates, split to items by
 *   their share of the last 28 days (middle-out with historical proportions; levels 1–9 come only from
 *   the aggregate fits).
 */
export function m5Benchmarks(
  wide: M5Wide,
  aggregates: M5Aggregates | undefined,
  origin: number,
  horizon: number,
  options: { ets: boolean; onProgress?: (done: number, total: number) => void },
): Map<string, Float64Array[]> {
  const end = origin - wide.firstDay + 1;
  const out = new Map<string, Float64Array[]>();
  out.set(
    'sNaive',
    wide.values.map((values) => seasonalNaive(values.subarray(0, end), { horizon, seasonality: 7 }).mean),
  );
  if (!options.ets) return out;
  const esBu: Float64Array[] = [];
  wide.values.forEach((values, i) => {
    esBu.push(autoEts(values.subarray(0, end), { horizon, seasonality: 7 }).mean);
    if (i % 1000 === 0) options.onProgress?.(i, wide.values.length);
  });
  out.set('ES_bu', esBu);
  const esMd = wide.values.map(() => new Float64Array(horizon));
  for (const [key, members] of levelGroups(wide.keys).get(9)!) {
    const history = groupHistory(wide, aggregates, key, members, origin);
    const total = autoEts(history.values, { horizon, seasonality: 7 }).mean;
    const shares = members.map((m) => {
      let sum = 0;
      for (let k = Math.max(0, end - 28); k < end; k++) sum += wide.values[m]![k]!;
      return sum;
    });
    const all = shares.reduce((a, b) => a + b, 0);
    members.forEach((m, j) => {
      for (let h = 0; h < horizon; h++)
        esMd[m]![h] = all > 0 ? (total[h]! * shares[j]!) / all : total[h]! / members.length;
    });
  }
  out.set('ES_md', esMd);
  return out;
}
