import type { Frequency } from '../features/frequency.ts';
import type { CalendarDay, RegionDay, SeriesInput } from '../features/load-series.ts';
import type { ForecasterConfig } from '../forecaster/gbdt-forecaster.ts';

/** A collection of series for rolling-origin evaluation, with the GBDT settings that suit it. */
export interface EvalDataset {
  name: string;
  description: string;
  frequency: Frequency;
  /** Season length for the baselines (7 daily, 52 weekly). */
  seasonality: number;
  horizon: number;
  series: SeriesInput[];
  calendar: CalendarDay[];
  regionDays?: RegionDay[];
  gbdt: {
    config: ForecasterConfig;
    /** Training origins: how many, how far apart, share of rows kept (per mille). */
    origins: number;
    spacing: number;
    keepPerMille: number;
  };
}

/** The last period index over all series. */
export function lastPeriod(dataset: EvalDataset): number {
  return Math.max(...dataset.series.map((s) => s.start + s.values.length - 1));
}

/** The dataset as known at `origin`: every series cut after it (series starting later are dropped). */
export function truncate(dataset: EvalDataset, origin: number): EvalDataset {
  const series: SeriesInput[] = [];
  for (const s of dataset.series) {
    const keep = origin - s.start + 1;
    if (keep < 2) continue;
    series.push({
      ...s,
      values: Array.prototype.slice.call(s.values, 0, keep) as number[],
      ...(s.inStock ? { inStock: Array.prototype.slice.call(s.inStock, 0, keep) as boolean[] } : {}),
      // prices and promotions stay: they are planned, known ahead of the origin
    });
  }
  return { ...dataset, series };
}
