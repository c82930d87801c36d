import { likelihoodScore, spatialScore } from '../likelihood.ts';
import type { DetectorParams } from './params.ts';
import { FEATURE_COUNT, rawScore } from './state.ts';

export { logErfc } from '../likelihood.ts';

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
    const loglik = likelihoodScore(
      raw,
      features[f + 3]!,
      features[f + 4]!,
      features[f + 5]!,
      p.shortWindow,
      p.stdFloor,
    );
    const spatial = spatialScore(
      value,
      features[f + 6]!,
      features[f + 7]!,
      p.spatialMargin,
      p.spatialScale,
      p.spatialFloor,
    );
    out[i] = features[f + 8]! > 0 ? Math.max(loglik, spatial) : 0.5;
  }
  return out;
}
