import { GraphBuilder } from '../onnx-builder.ts';
import type { EnsembleParams } from './params.ts';
import { ENSEMBLE_FEATURE_COUNT, ENSEMBLE_FEATURES } from './state.ts';

export const ENSEMBLE_INPUT = 'features';
export const ENSEMBLE_OUTPUT = 'score';

/**
 * The ensemble's scoring graph: features (ENSEMBLE_FEATURES, float32 [N, 19]) → score [N, 1]:
 *  - range check: 1 − (1 − floor)·exp(−excess/(scale·range)) beyond the seen range;
 *  - value rarity: r = −log10((bin_count + ½)/(bin_total + 1))·(1 − exp(−bin_age/recency)),
 *    weight·min(1.5, r/scale);
 *  - the likelihood of the time-of-day, context and shape raw scores (GraphBuilder.likelihood);
 *  - score = ready · min(1, max of the five + agreeWeight × the second largest).
 * Mirrored by reference.ts (float64) for the round-trip test.
 */
export function buildEnsembleGraph(p: EnsembleParams): Uint8Array {
  const g = new GraphBuilder();
  const f = g.split(ENSEMBLE_INPUT, ENSEMBLE_FEATURES);
  const col = (name: (typeof ENSEMBLE_FEATURES)[number]) => f[ENSEMBLE_FEATURES.indexOf(name)]!;
  const value = col('value');
  const lo = col('min');
  const hi = col('max');
  const spatial = g.spatial(value, lo, hi, 0, p.spatialScale, p.spatialFloor);
  // value rarity
  const share = g.op('Div', [
    g.op('Add', [col('bin_count'), g.constant(0.5)]),
    g.op('Add', [col('bin_total'), g.constant(1)]),
  ]);
  const surprise = g.op('Div', [g.op('Neg', [g.op('Log', [share])]), g.constant(Math.LN10)]);
  const fresh = g.op('Sub', [
    g.constant(1),
    g.op('Exp', [g.op('Neg', [g.op('Div', [col('bin_age'), g.constant(p.rarityRecency)])])]),
  ]);
  const rarity = g.op('Mul', [
    g.op('Min', [g.op('Div', [g.op('Mul', [surprise, fresh]), g.constant(p.rarityScale)]), g.constant(1.5)]),
    g.constant(p.rarityWeight),
  ]);
  const likelihoods = (['day', 'context', 'shape'] as const).map((k) =>
    g.likelihood(
      col(`${k}_raw`),
      col(`${k}_prev_sum`),
      col(`${k}_mean`),
      col(`${k}_std`),
      p.likelihoodWindow,
      p.stdFloor,
    ),
  );
  // agreement: the second largest of the five is the largest of their pairwise minima
  const signals = [spatial, rarity, ...likelihoods];
  const pairs = signals.flatMap((a, i) => signals.slice(i + 1).map((b) => g.op('Min', [a, b])));
  const combined = g.op('Min', [
    g.op('Add', [g.max(signals), g.op('Mul', [g.max(pairs), g.constant(p.agreeWeight)])]),
    g.constant(1),
  ]);
  g.op('Mul', [col('ready'), combined], [], ENSEMBLE_OUTPUT);
  return g.model({
    name: 'retailos_anomaly_ensemble',
    input: ENSEMBLE_INPUT,
    inputWidth: ENSEMBLE_FEATURE_COUNT,
    output: ENSEMBLE_OUTPUT,
    docString: 'range check, value rarity and the likelihoods of time-of-day, context and shape surprises',
    metadata: { features: ENSEMBLE_FEATURES.join(','), params: JSON.stringify(p) },
  });
}
