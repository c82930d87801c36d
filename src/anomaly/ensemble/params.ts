/**
 * Settings of the ensemble detector (docs/anomalies.md). One set for every series: nothing is fitted per
 * series or to labels at run time. The defaults were chosen on the selection half of NAB (a fixed split
 * by file-name hash, `nab/split.ts`) and are reported on the held-out half and the whole corpus.
 */
export interface EnsembleParams {
  /** Points before anything is scored (score 0): the range, grid and likelihoods learn first. */
  warmup: number;

  /** Range check: a value beyond the seen range scores 1 − (1 − floor)·exp(−excess / (scale × range)). */
  spatialFloor: number;
  spatialScale: number;

  /** Value grid: `gridLevels` bins over the warm-up range, doubled whenever the range spans more than `gridMaxLevels`. */
  gridLevels: number;
  gridMaxLevels: number;

  /**
   * Value rarity: r = −log10((count of the value's bin + ½) / (points + 1)), damped by
   * 1 − exp(−age / rarityRecency) (a bin visited a moment ago is not news); score = rarityWeight × min(1.5, r / rarityScale).
   */
  rarityRecency: number;
  rarityScale: number;
  rarityWeight: number;

  /** Context model: orders 1…contextOrder of the last bins predict the next; a context needs contextMinCount visits. */
  contextOrder: number;
  contextMinCount: number;
  /** Weight of a neighbouring bin in the prediction (quantisation noise is not surprise). */
  contextNeighbour: number;
  /** Cap on remembered contexts per series (bounded state). */
  contextMaxEntries: number;

  /** Time-of-day profile: bins per day, profile / level / scale learning rates and the residual divisor. */
  dayBins: number;
  dayAlpha: number;
  dayLevelAlpha: number;
  dayScaleAlpha: number;
  dayDivisor: number;

  /** Shape memory: windows of `shapeWindow` points, the last `shapeMemory` kept; distance divisor and scale rate. */
  shapeWindow: number;
  shapeMemory: number;
  shapeDivisor: number;
  shapeScaleAlpha: number;

  /** Likelihood of each raw score: average of the last `likelihoodWindow` against an EW mean/variance (weight likelihoodAlpha). */
  likelihoodWindow: number;
  likelihoodAlpha: number;
  stdFloor: number;

  /**
   * Agreement: score = min(1, max of the five signals + agreeWeight × the second largest). Two signals that
   * agree are stronger evidence than one alone; 0 is the plain maximum.
   */
  agreeWeight: number;

  /** Post-processing: after a score ≥ restLevel, the next restPoints points report 0 (one alarm per event). */
  restPoints: number;
  restLevel: number;
}

export const ENSEMBLE_DEFAULTS: EnsembleParams = {
  warmup: 150,
  spatialFloor: 0.5,
  spatialScale: 0.02,
  gridLevels: 8,
  gridMaxLevels: 16,
  rarityRecency: 300,
  rarityScale: 3.5,
  rarityWeight: 0.55,
  contextOrder: 6,
  contextMinCount: 3,
  contextNeighbour: 0.5,
  contextMaxEntries: 200_000,
  dayBins: 48,
  dayAlpha: 0.1,
  dayLevelAlpha: 0.02,
  dayScaleAlpha: 0.01,
  dayDivisor: 8,
  shapeWindow: 8,
  shapeMemory: 1000,
  shapeDivisor: 4,
  shapeScaleAlpha: 0.01,
  likelihoodWindow: 10,
  likelihoodAlpha: 0.002,
  stdFloor: 1e-4,
  agreeWeight: 0.2,
  restPoints: 30,
  restLevel: 0.6,
};
