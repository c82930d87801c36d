/**
 * Seeded pseudo-random numbers for the simulator: sfc32 (a 128-bit-state generator that passes PractRand,
 * faster than Math.random and reproducible), seeded through splitmix32, plus the draws a retail model needs
 * (normal, gamma, Poisson, negative binomial, lognormal, weighted choice).
 *
 * Streams are derived by name (`Rng.derive(seed, 'demand', day)`), so one concern drawing more or fewer
 * numbers never shifts another concern's numbers: a scenario that changes demand leaves PO lead times alone.
 */

/** 32-bit FNV-1a of a string, for deriving stream seeds from names. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    h ^= text.charCodeAt(index);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    const mix = splitmix32(seed);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix() | 1;
    for (let index = 0; index < 12; index++) this.next();
  }

  /** An independent stream for `seed` and a name (and optional numbers, e.g. a day). */
  static derive(seed: number, name: string, ...parts: number[]): Rng {
    return new Rng(hash32(`${seed >>> 0}/${name}/${parts.join('/')}`));
  }

  /** Uniform in [0, 1). */
  next(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = ((c << 21) | (c >>> 11)) + t;
    this.c |= 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max] (inclusive). */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)]!;
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    const spare = this.spareNormal;
    if (spare !== undefined) {
      this.spareNormal = undefined;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  /** Lognormal: exp(mu + sigma · N(0,1)). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** A multiplicative shock with mean 1 and log-sd `sigma`. */
  shock(sigma: number): number {
    return sigma === 0 ? 1 : Math.exp(sigma * this.normal() - (sigma * sigma) / 2);
  }

  /** Gamma(shape, scale) by Marsaglia & Tsang (shape < 1 boosted). */
  gamma(shape: number, scale = 1): number {
    if (shape < 1) {
      const boost = this.next() ** (1 / shape);
      return this.gamma(shape + 1, scale) * boost;
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Poisson(lambda): inversion for small means, a normal approximation with continuity beyond 500. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      let p = Math.exp(-lambda);
      let cdf = p;
      const u = this.next();
      let n = 0;
      while (u > cdf && n < 1000) {
        n++;
        p *= lambda / n;
        cdf += p;
      }
      return n;
    }
    if (lambda > 500) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    // split into halves: each below 30 after a few steps, exact in distribution
    return this.poisson(lambda / 2) + this.poisson(lambda / 2);
  }

  /**
   * Negative binomial with mean `mean` and shape `k` (variance mean + mean²/k): gamma-mixed Poisson, the
   * standard model of over-dispersed retail counts. Inversion for means below 40 (one uniform when the
   * answer is 0, which it mostly is), gamma-Poisson above.
   */
  negBinomial(mean: number, k: number): number {
    if (mean <= 0) return 0;
    if (mean >= 40) return this.poisson(this.gamma(k, mean / k));
    const ratio = mean / (k + mean);
    let p = (k / (k + mean)) ** k;
    const u = this.next();
    if (u < p) return 0;
    let cdf = p;
    let n = 0;
    while (u > cdf && n < 10_000) {
      p *= ((k + n) / (n + 1)) * ratio;
      n++;
      cdf += p;
    }
    return n;
  }

  /** Binomial(n, p) by summing Bernoulli trials (n is small where the simulator uses it). */
  binomial(n: number, p: number): number {
    if (p <= 0 || n <= 0) return 0;
    if (n > 200) return Math.min(n, this.poisson(n * p));
    let count = 0;
    for (let index = 0; index < n; index++) if (this.next() < p) count++;
    return count;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(values: T[]): T[] {
    for (let index = values.length - 1; index > 0; index--) {
      const other = Math.floor(this.next() * (index + 1));
      const swap = values[index]!;
      values[index] = values[other]!;
      values[other] = swap;
    }
    return values;
  }
}

/**
 * Walker's alias table: O(1) draws from a fixed discrete distribution (which SKU the next web order line
 * is for, among thousands, weighted by demand).
 */
export class AliasTable {
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;
  readonly size: number;
  readonly total: number;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    this.size = n;
    this.probability = new Float64Array(n);
    this.alias = new Int32Array(n);
    let total = 0;
    for (let index = 0; index < n; index++) total += Math.max(0, weights[index]!);
    this.total = total;
    if (n === 0 || total <= 0) return;
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let index = 0; index < n; index++) {
      scaled[index] = (Math.max(0, weights[index]!) * n) / total;
      (scaled[index]! < 1 ? small : large).push(index);
    }
    while (small.length > 0 && large.length > 0) {
      const less = small.pop()!;
      const more = large.pop()!;
      this.probability[less] = scaled[less]!;
      this.alias[less] = more;
      scaled[more] = scaled[more]! + scaled[less]! - 1;
      (scaled[more]! < 1 ? small : large).push(more);
    }
    for (const index of [...small, ...large]) {
      this.probability[index] = 1;
      this.alias[index] = index;
    }
  }

  draw(rng: Rng): number {
    const u = rng.next() * this.size;
    const column = Math.floor(u);
    return u - column < this.probability[column]! ? column : this.alias[column]!;
  }
}
