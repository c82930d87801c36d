import { GraphBuilder } from '../onnx-builder.ts';
import type { DetectorParams } from './params.ts';
import { FEATURE_COUNT, FEATURES } from './state.ts';

export const DETECTOR_INPUT = 'features';
export const DETECTOR_OUTPUT = 'score';

/**
 * The scoring graph: features of a point (FEATURES order, float32 [N, 9]) → anomaly score [N, 1].
 * raw = min(1, |value − forecast| / (divisor·scale)); the likelihood of the window average of raw scores
 * (GraphBuilder.likelihood); spatial = 1 − (1 − floor)·exp(−excess/(scale·range)) for a value beyond the
 * seen range; score = max(likelihood, spatial) once ready, else 0.5.
 * Mirrored by reference.ts (float64) for the round-trip test.
 */
export function buildDetectorGraph(p: DetectorParams): Uint8Array {
  const g = new GraphBuilder();
  const [value, forecast, scale, prevSum, longMean, longStd, lo, hi, ready] = g.split(
    DETECTOR_INPUT,
    FEATURES,
  ) as [string, string, string, string, string, string, string, string, string];
  const raw = g.op('Min', [
    g.op('Div', [
      g.op('Abs', [g.op('Sub', [value, forecast])]),
      g.op('Mul', [scale, g.constant(p.rawDivisor)]),
    ]),
    g.constant(1),
  ]);
  const loglik = g.likelihood(raw, prevSum, longMean, longStd, p.shortWindow, p.stdFloor);
  const spatial = g.spatial(value, lo, hi, p.spatialMargin, p.spatialScale, p.spatialFloor);
  const scored = g.max([loglik, spatial]);
  const warm = g.op('Mul', [g.op('Sub', [g.constant(1), ready]), g.constant(0.5)]);
  g.op('Add', [g.op('Mul', [ready, scored]), warm], [], DETECTOR_OUTPUT);
  return g.model({
    name: 'retailos_anomaly',
    input: DETECTOR_INPUT,
    inputWidth: FEATURE_COUNT,
    output: DETECTOR_OUTPUT,
    docString: 'forecast-residual likelihood anomaly score with a spatial (new range) check',
    metadata: { features: FEATURES.join(','), params: JSON.stringify(p) },
  });
}
