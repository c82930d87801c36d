/**
 * What every forecaster returns: the mean path and an 80% interval (the 10% and 90% quantiles), which
 * planners turn into safety stock. Values are clipped at zero: demand is never negative.
 */
export interface Forecast {
  mean: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

export interface ForecastOptions {
  horizon: number;
  /** Season length in periods (7 for daily data with a weekly cycle, 52 for weekly data). */
  seasonality: number;
}

export type SeriesForecaster = (history: ArrayLike<number>, options: ForecastOptions) => Forecast;

/** z of the 90% quantile of a normal: the 80% central interval is mean ± Z80·σ. */
export const Z80 = 1.2815515655446004;
export const INTERVAL_QUANTILES = { lower: 0.1, upper: 0.9 } as const;

/** Builds a forecast from a mean path and the standard deviation of each step's error. */
export function normalForecast(mean: Float64Array, sigma: (step: number) => number): Forecast {
  const lower = new Float64Array(mean.length);
  const upper = new Float64Array(mean.length);
  for (let i = 0; i < mean.length; i++) {
    const m = Math.max(0, mean[i]!);
    mean[i] = m;
    const s = sigma(i + 1);
    lower[i] = Math.max(0, m - Z80 * s);
    upper[i] = m + Z80 * s;
  }
  return { mean, lower, upper };
}

/** Standard deviation of in-sample one-step errors (NaN-safe); 0 when there are none. */
export function residualSigma(errors: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i]!;
    if (Number.isFinite(e)) {
      sum += e * e;
      count++;
    }
  }
  return count > 0 ? Math.sqrt(sum / count) : 0;
}
