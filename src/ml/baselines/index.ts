import { croston, tsb } from './croston.ts';
import { autoEts, holtWinters, ses } from './ets.ts';
import { movingAverage } from './moving-average.ts';
import { naive, seasonalNaive } from './naive.ts';
import type { SeriesForecaster } from './types.ts';

/** The baselines by the names used in reports, the registry and `retailos forecast evaluate --models`. */
export const BASELINES: Readonly<Record<string, SeriesForecaster>> = {
  naive,
  snaive: seasonalNaive,
  ma: (history, options) => movingAverage(history, options),
  ses: (history, options) => ses(history, options),
  holt_winters: (history, options) => holtWinters(history, { ...options, seasonal: 'M', damped: true }),
  ets: autoEts,
  croston: (history, options) => croston(history, options),
  sba: (history, options) => croston(history, { ...options, sba: true }),
  tsb: (history, options) => tsb(history, options),
};

export type BaselineName = keyof typeof BASELINES;
