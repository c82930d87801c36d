import { likelihoodScore, spatialScore } from '../likelihood.ts';
import type { EnsembleParams } from './params.ts';
import { ENSEMBLE_FEATURE_COUNT, LIKELIHOOD_BLOCKS } from './state.ts';

/** Value rarity from the bin features (mirror of the graph's rarity branch). */
export function rarityScore(count: number, total: number, age: number, p: EnsembleParams): number {
  const surprise = -Math.log10((count + 0.5) / (total + 1)) * (1 - Math.exp(-age / p.rarityRecency));
  return p.rarityWeight * Math.min(1.5, surprise / p.rarityScale);
}

/** min(1, largest + weight × second largest): the graph's agreement step. */
export function combineSignals(signals: readonly number[], weight: number): number {
  let first = 0;
  let second = 0;
  for (const s of signals) {
    if (s > first) {
      second = first;
      first = s;
    } else if (s > second) second = s;
  }
  return Math.min(1, first + weight * second);
}

/** TypeScript mirror (float64) of the ensemble's ONNX graph, for the round-trip test and quick runs. */
export function scoreEnsembleFeatures(features: Float32Array, n: number, p: EnsembleParams): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = i * ENSEMBLE_FEATURE_COUNT;
    if (!(features[f + 3]! > 0)) continue;
    const signals = [
      spatialScore(features[f]!, features[f + 1]!, features[f + 2]!, 0, p.spatialScale, p.spatialFloor),
      rarityScore(features[f + 4]!, features[f + 5]!, features[f + 6]!, p),
      ...Object.values(LIKELIHOOD_BLOCKS).map((b) => {
        const k = f + b;
        return likelihoodScore(
          features[k]!,
          features[k + 1]!,
          features[k + 2]!,
          features[k + 3]!,
          p.likelihoodWindow,
          p.stdFloor,
        );
      }),
    ];
    out[i] = combineSignals(signals, p.agreeWeight);
  }
  return out;
}
