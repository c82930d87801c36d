/**
 * Shape novelty: the last `window` values, scaled to the range seen so far, against the nearest of the
 * last `memory` windows (a streaming left discord). Windows enter the memory only once they no longer
 * overlap the current one (no trivial self-match). Raw score: distance / (divisor × EW mean distance),
 * capped at 1. Catches a burst, a change of rhythm or a new waveform that stays inside the seen range.
 * Cost per point: memory × window; state: memory × window numbers.
 */
export interface ShapeMemoryOptions {
  warmup: number;
  window: number;
  memory: number;
  divisor: number;
  scaleAlpha: number;
}

export class ShapeMemory {
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private readonly recent: Float64Array;
  private recentCount = 0;
  private readonly stored: Float64Array;
  private storedCount = 0;
  private storedPos = 0;
  /** Windows waiting to enter the memory (a ring of `window` + 1). */
  private readonly pending: Float64Array;
  private pendingCount = 0;
  private pendingPos = 0;
  private scale = 0;
  private scaled = false;
  private t = 0;

  constructor(readonly options: ShapeMemoryOptions) {
    this.recent = new Float64Array(options.window);
    this.stored = new Float64Array(options.memory * options.window);
    this.pending = new Float64Array((options.window + 1) * options.window);
  }

  /** Raw score of the window ending at `value`, then learns it. */
  push(value: number): number {
    const o = this.options;
    const w = o.window;
    const t = this.t++;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    this.recent.copyWithin(0, 1);
    this.recent[w - 1] = value;
    this.recentCount = Math.min(w, this.recentCount + 1);
    if (this.recentCount < w) return 0;
    const range = this.hi - this.lo || 1;
    const slot = this.pendingPos * w;
    for (let k = 0; k < w; k++) this.pending[slot + k] = (this.recent[k]! - this.lo) / range;
    let best = Number.POSITIVE_INFINITY;
    for (let m = 0; m < this.storedCount; m++) {
      const base = m * w;
      let d = 0;
      for (let k = 0; k < w && d < best; k++) {
        const e = this.pending[slot + k]! - this.stored[base + k]!;
        d += e * e;
      }
      if (d < best) best = d;
    }
    const distance = this.storedCount > 0 ? Math.sqrt(best / w) : 0;
    const raw = t >= o.warmup && this.scale > 0 ? Math.min(1, distance / (o.divisor * this.scale)) : 0;
    if (this.storedCount > 0) {
      this.scale = this.scaled ? this.scale + o.scaleAlpha * (distance - this.scale) : distance;
      this.scaled = true;
    }
    // the window written now leaves the pending ring w steps later, when it no longer overlaps
    this.pendingPos = (this.pendingPos + 1) % (w + 1);
    this.pendingCount++;
    if (this.pendingCount > w) {
      const from = this.pendingPos * w;
      this.stored.set(this.pending.subarray(from, from + w), this.storedPos * w);
      this.storedPos = (this.storedPos + 1) % o.memory;
      this.storedCount = Math.min(o.memory, this.storedCount + 1);
    }
    return raw;
  }
}

/**
 * Numenta-style likelihood inputs for a raw score: the sum of the previous window − 1 raw scores and the
 * EW mean and standard deviation of window averages. The graph turns them into a tail probability.
 */
export class RawLikelihood {
  private readonly ring: Float64Array;
  private pos = 0;
  private sum = 0;
  private mean = 0;
  private variance = 0;
  private n = 0;

  constructor(
    private readonly window: number,
    private readonly alpha: number,
  ) {
    this.ring = new Float64Array(Math.max(1, window - 1));
  }

  /** Writes [raw, prevSum, mean, std] at out[offset…], then learns the raw score. */
  push(raw: number, out: Float32Array, offset: number): void {
    out[offset] = raw;
    out[offset + 1] = this.sum;
    out[offset + 2] = this.mean;
    out[offset + 3] = Math.sqrt(this.variance);
    const avg = (this.sum + raw) / this.window;
    if (this.n === 0) this.mean = avg;
    else {
      const d = avg - this.mean;
      this.mean += this.alpha * d;
      this.variance = (1 - this.alpha) * (this.variance + this.alpha * d * d);
    }
    this.n++;
    if (this.window > 1) {
      this.sum += raw - this.ring[this.pos]!;
      this.ring[this.pos] = raw;
      this.pos = (this.pos + 1) % this.ring.length;
    }
  }
}
