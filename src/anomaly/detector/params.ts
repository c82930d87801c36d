/**
 * The detector's settings. The defaults were picked from a handful of whole-corpus NAB runs (see
 * docs/anomalies.md); nothing is fitted per series or to labels at run time.
 */
export interface DetectorParams {
  /** Slow EWMA weight of the level forecast. */
  levelAlpha: number;
  /** Seasonal profile: period in points (0 = none) and its learning rate. */
  period: number;
  seasonAlpha: number;
  /** EWMA weight of the robust scale (mean absolute residual). */
  scaleAlpha: number;
  /** Residuals are divided by `rawDivisor` × scale, then capped at 1: the raw anomaly score. */
  rawDivisor: number;
  /** Short-term average of raw scores (points) compared with the long-term distribution. */
  shortWindow: number;
  /** Long-term distribution: EW mean/variance of raw scores with this weight. */
  longAlpha: number;
  /** Points before the likelihood is trusted (score 0.5 before). */
  warmup: number;
  /**
   * Range check (spatial anomaly): a value beyond the seen range by more than `spatialMargin` × the range
   * scores 1 − (1 − spatialFloor)·exp(−excess / (spatialScale × range)): at least `spatialFloor`, more
   * the further out it lands.
   */
  spatialMargin: number;
  spatialScale: number;
  spatialFloor: number;
  /** Floor of the long-term standard deviation, so a flat history does not turn noise into certainty. */
  stdFloor: number;
}

export const DEFAULT_PARAMS: DetectorParams = {
  levelAlpha: 0.02,
  period: 0,
  seasonAlpha: 0.1,
  scaleAlpha: 0.01,
  rawDivisor: 8,
  shortWindow: 10,
  longAlpha: 0.002,
  warmup: 300,
  spatialMargin: 0,
  spatialScale: 0.02,
  spatialFloor: 0.5,
  stdFloor: 1e-4,
};
