import { type Forecast, type ForecastOptions, normalForecast, residualSigma } from './types.ts';

export interface MovingAverageOptions extends ForecastOptions {
  /**
   * Window length. Absent: chosen from 2–14 by the smallest in-sample one-step MSE, as the M5 "MA"
   * benchmark does.
   */
  window?: number;
}

/** Moving average: the mean of the last k observations, flat over the horizon. */
export function movingAverage(history: ArrayLike<number>, options: MovingAverageOptions): Forecast {
  const n = history.length;
  const k = Math.max(1, Math.min(n, options.window ?? bestWindow(history)));
  let sum = 0;
  for (let t = n - k; t < n; t++) sum += history[t]!;
  const level = n > 0 ? sum / k : 0;
  const sigma = residualSigma(oneStepErrors(history, k));
  // the error of a k-mean used h steps ahead: noise of the new value plus that of the mean
  return normalForecast(new Float64Array(options.horizon).fill(level), () => sigma);
}

function oneStepErrors(history: ArrayLike<number>, k: number): number[] {
  const errors: number[] = [];
  let sum = 0;
  for (let t = 0; t < history.length; t++) {
    if (t >= k) {
      errors.push(history[t]! - sum / k);
      sum -= history[t - k]!;
    }
    sum += history[t]!;
  }
  return errors;
}

function bestWindow(history: ArrayLike<number>): number {
  let best = 2;
  let bestMse = Number.POSITIVE_INFINITY;
  for (let k = 2; k <= 14; k++) {
    if (k >= history.length) break;
    // score every window on the same periods (after the longest window) so they compare fairly
    const errors = oneStepErrors(history, k).slice(Math.max(0, 14 - k));
    const mse = errors.reduce((s, e) => s + e * e, 0) / Math.max(1, errors.length);
    if (mse < bestMse) {
      bestMse = mse;
      best = k;
    }
  }
  return best;
}
