/**
 * A streaming model for daily counts that are small or intermittent (a slow-moving SKU, shrink at one store):
 * exponentially weighted mean and variance of the counts, and the tail probability of a new count under a
 * negative binomial with that mean and variance (Poisson when the counts are not over-dispersed). A Gaussian
 * on such series calls every sale of a slow mover an anomaly; the count model knows that 0, 0, 2, 0, 1 is
 * ordinary and that 14 is not.
 */
export interface CountModelOptions {
  /** EW weight of the rate and the dispersion (daily: 0.05 ≈ the last 20 days). */
  alpha: number;
  /** Points before anything is scored. */
  warmup: number;
}

export const DAILY_COUNT_OPTIONS: CountModelOptions = { alpha: 0.05, warmup: 21 };

export interface CountReading {
  /** The expected count (rate × exposure, from the state before the point) and the variance the tail uses. */
  expected: number;
  variance: number;
  /** P(X ≥ count) when the count is above the expected one, P(X ≤ count) when below. */
  tail: number;
  direction: 'up' | 'down';
  ready: boolean;
}

/**
 * One count series: events per period out of an exposure (1 for plain counts; lines placed for cancelled
 * lines). The rate is the ratio of exponentially weighted sums of events and exposures (a cumulative average
 * until 1/alpha points); the dispersion is the EW mean of (x − E)²/E, at least 1 (Poisson).
 */
export class CountSeriesState {
  private events = 0;
  private exposure = 0;
  private dispersion = 1;
  /** All exposure so far (not weighted): the floor of the rate. */
  private seen = 0;
  private n = 0;

  constructor(readonly options: CountModelOptions = DAILY_COUNT_OPTIONS) {}

  /**
   * Reads `count` (rounded, floored at 0) out of `exposure` against the state before it, then learns it.
   * Null when there is no exposure (nothing could happen: a day without orders).
   */
  push(count: number, exposure = 1): CountReading | null {
    if (!(exposure > 0) || !Number.isFinite(count)) return null;
    const x = Math.max(0, Math.round(count));
    // The rate cannot be known below one event per exposure seen (Laplace): a quiet series is not certain.
    const rate = Math.max(this.exposure > 0 ? this.events / this.exposure : 0, 1 / (this.seen + 1));
    const expected = rate * exposure;
    const variance = expected * this.dispersion;
    const reading: CountReading = {
      expected,
      variance,
      tail: countTail(x, expected, variance),
      direction: x >= expected ? 'up' : 'down',
      ready: this.n >= this.options.warmup,
    };
    const a = Math.max(this.options.alpha, 1 / (this.n + 1));
    if (this.n > 0) {
      const d = x - expected;
      this.dispersion = Math.max(1, (1 - a) * this.dispersion + (a * d * d) / expected);
    }
    this.events = (1 - a) * this.events + a * x;
    this.exposure = (1 - a) * this.exposure + a * exposure;
    this.seen += exposure;
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
  const nl = Math.max(0, -Math.log10(Math.max(tail, 1e-300)) / 10);
  return nl / (1 + nl);
}
