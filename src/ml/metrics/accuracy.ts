/**
 * Point and interval accuracy measures. Series are plain number arrays; `NaN` in an actual marks a day
 * that is not scored (a stockout, a closed store) and is skipped by every measure here.
 */

/**
 * The RMSSE denominator of M5: the mean squared one-step naive error over the in-sample history,
 * counted from the first non-zero observation (leading zeros are days before the product existed).
 * `seasonality` > 1 gives the seasonal-naive version used for weekly data.
 */
export function naiveScale(history: ArrayLike<number>, seasonality = 1, fromFirstNonZero = true): number {
  let start = 0;
  if (fromFirstNonZero) {
    while (start < history.length && !(history[start]! !== 0)) start++;
  }
  let sum = 0;
  let count = 0;
  for (let t = start + seasonality; t < history.length; t++) {
    const a = history[t]!;
    const b = history[t - seasonality]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    sum += (a - b) * (a - b);
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}

/** Root mean squared scaled error: RMSE over the horizon divided by sqrt(scale). */
export function rmsse(actual: ArrayLike<number>, forecast: ArrayLike<number>, scale: number): number {
  return Math.sqrt(mse(actual, forecast) / scale);
}

export function mse(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    if (Number.isNaN(a)) continue;
    const e = a - forecast[i]!;
    sum += e * e;
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}

export function mae(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    if (Number.isNaN(a)) continue;
    sum += Math.abs(a - forecast[i]!);
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}

/** Mean forecast minus actual: positive means the forecast runs high (over-stock), negative low. */
export function bias(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    if (Number.isNaN(a)) continue;
    sum += forecast[i]! - a;
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}

/** Share of actuals inside [lower, upper] (both ends included). */
export function coverage(
  actual: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): number {
  let inside = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    if (Number.isNaN(a)) continue;
    if (a >= lower[i]! && a <= upper[i]!) inside++;
    count++;
  }
  return count > 0 ? inside / count : Number.NaN;
}

/** Mean pinball (quantile) loss of a quantile forecast at level `q`. */
export function pinball(actual: ArrayLike<number>, quantile: ArrayLike<number>, q: number): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    if (Number.isNaN(a)) continue;
    const e = a - quantile[i]!;
    sum += e >= 0 ? q * e : (q - 1) * e;
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}
