import { DEFAULT_PARAMS, type DetectorParams } from './params.ts';

/** Feature layout of one scored point: what the ONNX graph reads. */
export const FEATURES = [
  'value',
  'forecast',
  'scale',
  'prev_raw_sum',
  'long_mean',
  'long_std',
  'min',
  'max',
  'ready',
] as const;
export const FEATURE_COUNT = FEATURES.length;

/**
 * The streaming state of one series: a level (+ optional seasonal profile) forecast, a robust
 * residual scale, the recent raw scores and the long-term distribution of raw scores. `push`
 * writes the features of the new point (state before it) and then learns from it: each point
 * costs O(1) and no history is refitted.
 */
export class SeriesState {
  private level = Number.NaN;
  private readonly season: Float64Array;
  private scale = 0;
  private readonly recent: Float64Array;
  private recentPos = 0;
  private recentSum = 0;
  private longMean = 0;
  private longVar = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private n = 0;

  constructor(readonly params: DetectorParams = DEFAULT_PARAMS) {
    this.season = new Float64Array(Math.max(1, params.period));
    this.recent = new Float64Array(Math.max(1, params.shortWindow - 1));
  }

  get count(): number {
    return this.n;
  }

  private seasonal(): number {
    return this.params.period > 0 ? this.season[this.n % this.params.period]! : 0;
  }

  /** Writes FEATURE_COUNT features for `value` at `out[offset…]`, then updates the state. */
  push(value: number, out: Float32Array, offset: number): void {
    const p = this.params;
    const first = Number.isNaN(this.level);
    const forecast = first ? value : this.level + this.seasonal();
    const scale = Math.max(this.scale, 1e-9 + 1e-6 * Math.abs(this.level || 0));
    out[offset] = value;
    out[offset + 1] = forecast;
    out[offset + 2] = scale;
    out[offset + 3] = this.recentSum;
    out[offset + 4] = this.longMean;
    out[offset + 5] = Math.sqrt(this.longVar);
    out[offset + 6] = Number.isFinite(this.min) ? this.min : value;
    out[offset + 7] = Number.isFinite(this.max) ? this.max : value;
    out[offset + 8] = this.n >= p.warmup ? 1 : 0;
    // Learn from the point (after its features were taken: the score never sees its own value).
    const raw = rawScore(value, forecast, scale, p.rawDivisor);
    const avg = (this.recentSum + raw) / p.shortWindow;
    if (this.n === 0) {
      this.longMean = avg;
    } else {
      const d = avg - this.longMean;
      this.longMean += p.longAlpha * d;
      this.longVar = (1 - p.longAlpha) * (this.longVar + p.longAlpha * d * d);
    }
    if (this.recent.length > 0 && p.shortWindow > 1) {
      this.recentSum += raw - this.recent[this.recentPos]!;
      this.recent[this.recentPos] = raw;
      this.recentPos = (this.recentPos + 1) % this.recent.length;
    }
    if (first) {
      this.level = value;
    } else {
      const residual = value - forecast;
      this.scale =
        this.n === 1 ? Math.abs(residual) : this.scale + p.scaleAlpha * (Math.abs(residual) - this.scale);
      const deseason = value - this.seasonal();
      this.level += p.levelAlpha * (deseason - this.level);
      if (p.period > 0) {
        const k = this.n % p.period;
        this.season[k]! += p.seasonAlpha * (value - this.level - this.season[k]!);
      }
    }
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.n++;
  }
}

/** |residual| in units of rawDivisor × scale, capped at 1. Mirrored in the ONNX graph. */
export function rawScore(value: number, forecast: number, scale: number, divisor: number): number {
  return Math.min(1, Math.abs(value - forecast) / (divisor * scale));
}
