import { type Forecast, type ForecastOptions, normalForecast, residualSigma } from './types.ts';

/** Naive: every future period repeats the last observation; error spread grows like a random walk. */
export function naive(history: ArrayLike<number>, { horizon }: ForecastOptions): Forecast {
  const n = history.length;
  const last = n > 0 ? history[n - 1]! : 0;
  const errors: number[] = [];
  for (let t = 1; t < n; t++) errors.push(history[t]! - history[t - 1]!);
  const sigma = residualSigma(errors);
  return normalForecast(new Float64Array(horizon).fill(last), (step) => sigma * Math.sqrt(step));
}

/**
 * Seasonal naive: period t + h repeats the last observed period of the same season,
 * ŷ(n+h) = y(n + h − m·⌈h/m⌉). With less than one full season it falls back to naive.
 */
export function seasonalNaive(history: ArrayLike<number>, options: ForecastOptions): Forecast {
  const { horizon, seasonality: m } = options;
  const n = history.length;
  if (m <= 1 || n < m) return naive(history, options);
  const mean = new Float64Array(horizon);
  for (let h = 1; h <= horizon; h++) mean[h - 1] = history[n - m + ((h - 1) % m)]!;
  const errors: number[] = [];
  for (let t = m; t < n; t++) errors.push(history[t]! - history[t - m]!);
  const sigma = residualSigma(errors);
  return normalForecast(mean, (step) => sigma * Math.sqrt(Math.ceil(step / m)));
}
