import { type Forecast, type ForecastOptions, normalForecast, residualSigma } from './types.ts';

export interface CrostonOptions extends ForecastOptions {
  /** Smoothing of demand sizes (and of intervals, for Croston). Default 0.1, as in the M5 benchmarks. */
  alpha?: number;
  /** TSB: smoothing of the demand probability. Default 0.1. */
  beta?: number;
  /** Croston only: apply the Syntetos–Boylan bias correction (1 − α/2). */
  sba?: boolean;
}

/**
 * Croston's method for intermittent demand: smooth the non-zero demand sizes z and the intervals p
 * between them, updated only in periods with demand; forecast z / p per period, flat. Initialised
 * with the first demand and the first interval (periods up to and including it).
 */
export function croston(history: ArrayLike<number>, options: CrostonOptions): Forecast {
  const alpha = options.alpha ?? 0.1;
  let z = Number.NaN;
  let p = Number.NaN;
  let sinceLast = 0;
  const errors: number[] = [];
  for (let t = 0; t < history.length; t++) {
    const y = history[t]!;
    sinceLast++;
    if (!Number.isNaN(z)) errors.push(y - z / p);
    if (y > 0) {
      if (Number.isNaN(z)) {
        z = y;
        p = sinceLast;
      } else {
        z += alpha * (y - z);
        p += alpha * (sinceLast - p);
      }
      sinceLast = 0;
    }
  }
  const rate = Number.isNaN(z) ? 0 : (z / p) * (options.sba ? 1 - alpha / 2 : 1);
  const sigma = residualSigma(errors);
  return normalForecast(new Float64Array(options.horizon).fill(rate), () => sigma);
}

/**
 * TSB (Teunter–Syntetos–Babai): smooth the probability of demand every period (towards 1 on demand,
 * 0 otherwise) and the size on demand periods; forecast probability × size. Unlike Croston it decays
 * towards zero when an item stops selling. Initial probability: share of periods with demand.
 */
export function tsb(history: ArrayLike<number>, options: CrostonOptions): Forecast {
  const alpha = options.alpha ?? 0.1;
  const beta = options.beta ?? 0.1;
  const n = history.length;
  let nonZero = 0;
  let firstSize = Number.NaN;
  for (let t = 0; t < n; t++) {
    if (history[t]! > 0) {
      nonZero++;
      if (Number.isNaN(firstSize)) firstSize = history[t]!;
    }
  }
  if (nonZero === 0) return normalForecast(new Float64Array(options.horizon), () => 0);
  let p = nonZero / n;
  let z = firstSize;
  const errors: number[] = [];
  for (let t = 0; t < n; t++) {
    const y = history[t]!;
    errors.push(y - p * z);
    if (y > 0) {
      p += beta * (1 - p);
      z += alpha * (y - z);
    } else {
      p += beta * (0 - p);
    }
  }
  const sigma = residualSigma(errors);
  return normalForecast(new Float64Array(options.horizon).fill(p * z), () => sigma);
}
