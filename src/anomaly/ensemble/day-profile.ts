/**
 * Forecast from a time-of-day profile: level + the learnt deviation of the point's time-of-day bin (UTC),
 * both exponentially weighted; the raw score is |value − forecast| / (divisor × mean absolute residual),
 * capped at 1. Catches a daily rhythm that breaks inside the seen range (a missing peak, a flat afternoon).
 */
export interface DayProfileOptions {
  bins: number;
  alpha: number;
  levelAlpha: number;
  scaleAlpha: number;
  divisor: number;
}

const DAY_MS = 86_400_000;

export class DayProfile {
  private level = Number.NaN;
  private scale = 0;
  private readonly deviation: Float64Array;
  private readonly seen: Uint8Array;
  private n = 0;

  constructor(readonly options: DayProfileOptions) {
    this.deviation = new Float64Array(options.bins);
    this.seen = new Uint8Array(options.bins);
  }

  binOf(timeMs: number): number {
    const ofDay = (((timeMs % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
    return Math.min(this.options.bins - 1, Math.floor(ofDay * this.options.bins));
  }

  /** Raw score of `value` at `timeMs` from the state before it, then learns it. */
  push(value: number, timeMs: number): number {
    const o = this.options;
    const n = this.n++;
    if (n === 0) {
      this.level = value;
      return 0;
    }
    const bin = this.binOf(timeMs);
    const profile = this.seen[bin] ? this.deviation[bin]! : 0;
    const residual = value - (this.level + profile);
    const scale = Math.max(this.scale, 1e-9 + 1e-6 * Math.abs(this.level));
    const raw = Math.min(1, Math.abs(residual) / (o.divisor * scale));
    this.scale = n === 1 ? Math.abs(residual) : this.scale + o.scaleAlpha * (Math.abs(residual) - this.scale);
    this.level += o.levelAlpha * (value - profile - this.level);
    if (this.seen[bin]) this.deviation[bin]! += o.alpha * (value - this.level - this.deviation[bin]!);
    else {
      this.deviation[bin] = value - this.level;
      this.seen[bin] = 1;
    }
    return raw;
  }
}
