import { DayProfile } from './day-profile.ts';
import { ENSEMBLE_DEFAULTS, type EnsembleParams } from './params.ts';
import { RawLikelihood, ShapeMemory } from './shape-memory.ts';
import { NEVER, ValueContext } from './value-context.ts';

/** Feature layout of one point: what the ONNX graph reads (float32 [N, 19]). */
export const ENSEMBLE_FEATURES = [
  'value',
  'min',
  'max',
  'ready',
  'bin_count',
  'bin_total',
  'bin_age',
  'day_raw',
  'day_prev_sum',
  'day_mean',
  'day_std',
  'context_raw',
  'context_prev_sum',
  'context_mean',
  'context_std',
  'shape_raw',
  'shape_prev_sum',
  'shape_mean',
  'shape_std',
] as const;
export const ENSEMBLE_FEATURE_COUNT = ENSEMBLE_FEATURES.length;
/** Offsets of the three likelihood blocks (raw, prev_sum, mean, std). */
export const LIKELIHOOD_BLOCKS = { day: 7, context: 11, shape: 15 } as const;

/**
 * The streaming state of one series for the ensemble detector. `push` writes the features of a new
 * point from the state before it, then learns the point: O(1) per point apart from the shape memory
 * (bounded: memory × window), no history refitted, memory bounded (docs/anomalies.md).
 */
export class EnsembleState {
  private readonly values: ValueContext;
  private readonly day: DayProfile;
  private readonly shape: ShapeMemory;
  private readonly likelihoods: RawLikelihood[];
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private n = 0;

  constructor(readonly params: EnsembleParams = ENSEMBLE_DEFAULTS) {
    const p = params;
    this.values = new ValueContext({
      warmup: p.warmup,
      levels: p.gridLevels,
      maxLevels: p.gridMaxLevels,
      order: p.contextOrder,
      minCount: p.contextMinCount,
      neighbour: p.contextNeighbour,
      maxEntries: p.contextMaxEntries,
    });
    this.day = new DayProfile({
      bins: p.dayBins,
      alpha: p.dayAlpha,
      levelAlpha: p.dayLevelAlpha,
      scaleAlpha: p.dayScaleAlpha,
      divisor: p.dayDivisor,
    });
    this.shape = new ShapeMemory({
      warmup: p.warmup,
      window: p.shapeWindow,
      memory: p.shapeMemory,
      divisor: p.shapeDivisor,
      scaleAlpha: p.shapeScaleAlpha,
    });
    this.likelihoods = [0, 1, 2].map(() => new RawLikelihood(p.likelihoodWindow, p.likelihoodAlpha));
  }

  get count(): number {
    return this.n;
  }

  /**
   * Writes ENSEMBLE_FEATURE_COUNT features for `value` at `timeMs` into out[offset…], then learns it.
   * A missing value (NaN, ±Infinity) is written as not ready and not learnt.
   */
  push(value: number, timeMs: number, out: Float32Array, offset: number): void {
    if (!Number.isFinite(value)) {
      out.fill(0, offset, offset + ENSEMBLE_FEATURE_COUNT);
      return;
    }
    out[offset] = value;
    out[offset + 1] = Number.isFinite(this.min) ? this.min : value;
    out[offset + 2] = Number.isFinite(this.max) ? this.max : value;
    out[offset + 3] = this.n >= this.params.warmup ? 1 : 0;
    const reading = this.values.push(value);
    out[offset + 4] = reading?.binCount ?? 0;
    out[offset + 5] = reading?.total ?? 0;
    out[offset + 6] = reading?.age ?? NEVER;
    const [day, context, shape] = this.likelihoods as [RawLikelihood, RawLikelihood, RawLikelihood];
    day.push(this.day.push(value, timeMs), out, offset + LIKELIHOOD_BLOCKS.day);
    context.push(reading?.contextError ?? 0, out, offset + LIKELIHOOD_BLOCKS.context);
    shape.push(this.shape.push(value), out, offset + LIKELIHOOD_BLOCKS.shape);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.n++;
  }
}
