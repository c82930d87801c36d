import { ERFC_COEFFICIENTS } from './onnx-builder.ts';

/** log erfc(x) for x ≥ 0 (Numerical Recipes erfcc, fractional error < 1.2e-7), no cancellation. */
export function logErfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  let poly = ERFC_COEFFICIENTS[ERFC_COEFFICIENTS.length - 1]!;
  for (let k = ERFC_COEFFICIENTS.length - 2; k >= 0; k--) poly = ERFC_COEFFICIENTS[k]! + t * poly;
  return Math.log(t) - x * x + poly;
}

/**
 * Numenta-style likelihood (float64 mirror of GraphBuilder.likelihood): the average of the last `window`
 * raw scores against the long-term distribution of that average; the Gaussian tail probability in log
 * space, mapped to nl/(1 + nl) with nl = −log(tail)/log(1e10) (0.2 ⇔ tail ≈ 0.003; 0.5 ⇔ 1e-10).
 */
export function likelihoodScore(
  raw: number,
  prevSum: number,
  mean: number,
  std: number,
  window: number,
  stdFloor: number,
): number {
  const avg = (prevSum + raw) / window;
  const z = Math.max(0, (avg - mean) / Math.max(std, stdFloor));
  const nl = -(Math.log(0.5) + logErfc(z / Math.SQRT2)) / Math.log(1e10);
  return nl / (1 + nl);
}

/** Range check: 0 inside [lo − margin, hi + margin], else 1 − (1 − floor)·exp(−excess / (scale × range)). */
export function spatialScore(
  value: number,
  lo: number,
  hi: number,
  margin: number,
  scale: number,
  floor: number,
): number {
  const width = hi - lo;
  const excess = Math.max(value - hi - margin * width, lo - margin * width - value, 0);
  return excess > 0 ? 1 - (1 - floor) * Math.exp(-excess / (scale * Math.max(width, 1e-9))) : 0;
}
