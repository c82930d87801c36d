import type { DetectorParams } from './params.ts';
import { FEATURE_COUNT, rawScore } from './state.ts';

/**
 * TypeScript mirror of the ONNX scoring graph (float64): for tuning runs and the round-trip test.
 * tail = P(avg ≥ observed) under N(long_mean, long_std); score = −log(tail + 1e-10)/log(1e10),
 * a monotone map of Numenta's log-likelihood; a value outside the seen range scores by how far out it is.
 */
export function scoreFeatures(features: Float32Array, n: number, p: DetectorParams): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = i * FEATURE_COUNT;
    const value = features[f]!;
    const raw = rawScore(value, features[f + 1]!, features[f + 2]!, p.rawDivisor);
    const avg = (features[f + 3]! + raw) / p.shortWindow;
    const std = Math.max(features[f + 5]!, p.stdFloor);
    const z = Math.max(0, (avg - features[f + 4]!) / std);
    const logTail = Math.log(0.5) + logErfc(z / Math.SQRT2);
    const nl = -logTail / Math.log(1e10);
    const loglik = nl / (1 + nl);
    const lo = features[f + 6]!;
    const hi = features[f + 7]!;
    const range = Math.max(hi - lo, 1e-9);
    const excess = Math.max(
      value - hi - p.spatialMargin * (hi - lo),
      lo - p.spatialMargin * (hi - lo) - value,
      0,
    );
    const spatial = excess > 0 ? 1 - (1 - p.spatialFloor) * Math.exp(-excess / (p.spatialScale * range)) : 0;
    out[i] = features[f + 8]! > 0 ? Math.max(loglik, spatial) : 0.5;
  }
  return out;
}

/** log erfc(x) for x ≥ 0 (Numerical Recipes erfcc, fractional error < 1.2e-7), no cancellation. */
export function logErfc(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - x * x + poly;
}
