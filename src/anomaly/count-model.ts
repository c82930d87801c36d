/**
 * A streaming model for daily counts that are small or intermittent (a slow-moving SKU, shrink at one store):
 * exponentially weighted mean and variance of the counts, and the tail probability of a new count under a
 * negative binomial with that mean and variance (Poisson when the counts are not over-dispersed). A Gaussian
 * on such series calls every sale of a slow mover an anomaly; the count model knows that 0, 0, 2, 0, 1 is
 * ordinary and that 14 is not.
 */
export interface CountModelOptions {
  /** EW weight of the mean and variance (daily: 0.05 ≈ the last 20 days). */
  alpha: number;
  /** Points before anything is scored. */
  warmup: number;
}

export const DAILY_COUNT_OPTIONS: CountModelOptions = { alpha: 0.05, warmup: 21 };

export interface CountReading {
  /** The expected count (the EW mean before the point), and the variance the tail uses. */
  expected: number;
  variance: number;
  /** P(X ≥ count) when the count is above the expected one, P(X ≤ count) when below (1 when equal). */
  tail: number;
  direction: 'up' | 'down';
  ready: boolean;
}

export class CountSeriesState {
  private mean = 0;
  private variance = 0;
  private n = 0;

  constructor(readonly options: CountModelOptions = DAILY_COUNT_OPTIONS) {}

  /** Reads `count` against the state before it, then learns it. Counts are rounded and floored at 0. */
  push(count: number): CountReading {
    const x = Math.max(0, Math.round(count));
    // The rate cannot be known below one event per history length (Laplace): a quiet series is not certain.
    const expected = Math.max(this.mean, 1 / (this.n + 1));
    const variance = Math.max(this.variance, expected);
    const reading: CountReading = {
      expected,
      variance,
      tail: countTail(x, expected, variance),
      direction: x >= expected ? 'up' : 'down',
      ready: this.n >= this.options.warmup,
    };
    if (this.n === 0) this.mean = x;
    else {
      // cumulative average until 1/alpha points, then exponentially weighted
      const a = Math.max(this.options.alpha, 1 / (this.n + 1));
      const d = x - this.mean;
      this.mean += a * d;
      this.variance = (1 - a) * (this.variance + a * d * d);
    }
    this.n++;
    return reading;
  }
}

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error ≈ 1e-15). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** log P(X = k) for a negative binomial with mean m and variance v > m, or a Poisson when v ≤ m. */
export function logCountPmf(k: number, m: number, v: number): number {
  if (v <= m * (1 + 1e-9)) return -m + k * Math.log(m) - logGamma(k + 1);
  const r = (m * m) / (v - m);
  const p = r / (r + m);
  return logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log(p) + k * Math.log(1 - p);
}

/**
 * The tail probability of `x` on its side of the mean: P(X ≥ x) above it, P(X ≤ x) below it, summed term by
 * term in the tail itself (no 1 − CDF cancellation, so 1e-30 is as accurate as 0.3). 1 at the mean.
 */
export function countTail(x: number, m: number, v: number): number {
  if (x === m) return 1;
  const terms: number[] = [];
  if (x > m) {
    // terms decrease past the mode; stop when they no longer matter
    for (let k = x; k < x + 100_000; k++) {
      const t = logCountPmf(k, m, v);
      terms.push(t);
      if (k > m && t < terms[0]! - 40) break;
    }
  } else {
    for (let k = 0; k <= x; k++) terms.push(logCountPmf(k, m, v));
  }
  const top = Math.max(...terms);
  const sum = terms.reduce((s, t) => s + Math.exp(t - top), 0);
  return Math.min(1, Math.exp(top) * sum);
}

/** The tail on the detector's score scale: nl/(1 + nl), nl = −log10(tail)/10 (0.2 ⇔ tail ≈ 0.003). */
export function tailScore(tail: number): number {
  const nl = -Math.log10(Math.max(tail, 1e-300)) / 10;
  return nl / (1 + nl);
}
