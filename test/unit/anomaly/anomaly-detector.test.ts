import { describe, expect, it } from 'vitest';
import { AnomalyDetector } from '../../../src/anomaly/detector/detector.ts';
import { scoreFeatures } from '../../../src/anomaly/detector/reference.ts';
import { FEATURE_COUNT, SeriesState } from '../../../src/anomaly/detector/state.ts';

function series(n: number, spikeAt?: number): number[] {
  // deterministic noise: a daily-like sine plus a small LCG jitter
  let seed = 7;
  return Array.from({ length: n }, (_, i) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const v = 100 + 10 * Math.sin((2 * Math.PI * i) / 24) + (seed / 2 ** 31 - 0.5) * 4;
    return i === spikeAt ? v + 80 : v;
  });
}

describe('anomaly detector (ONNX)', () => {
  it('the ONNX graph agrees with the TypeScript reference', async () => {
    const detector = await AnomalyDetector.create();
    const values = series(800, 600);
    const state = new SeriesState(detector.params);
    const features = new Float32Array(values.length * FEATURE_COUNT);
    for (const [i, v] of values.entries()) state.push(v, features, i * FEATURE_COUNT);
    const onnx = await detector.scoreFeatures(features, values.length);
    const reference = scoreFeatures(features, values.length, detector.params);
    for (let i = 0; i < values.length; i++) expect(onnx[i]!).toBeCloseTo(reference[i]!, 4);
    await detector.release();
  });

  it('scores a spike far above normal points, 0.5 during warm-up', async () => {
    const detector = await AnomalyDetector.create();
    const scores = await detector.scoreSeries(series(800, 600));
    expect(scores[10]).toBe(0.5);
    expect(scores[600]!).toBeGreaterThan(0.9);
    // a new extreme of plain noise can tie it (the range check), but rarely
    const asHigh = Array.from(scores.slice(400, 590)).filter((s) => s >= scores[600]!);
    expect(asHigh.length).toBeLessThanOrEqual(2);
    expect(scores[300]!).toBeLessThan(0.5);
    await detector.release();
  });

  it('streaming one point at a time gives the batch scores', async () => {
    const detector = await AnomalyDetector.create({ warmup: 50 });
    const values = series(200, 150);
    const batch = await detector.scoreSeries(values);
    const next = detector.stream();
    const streamed: number[] = [];
    for (const v of values) streamed.push(await next(v));
    for (const [i, s] of streamed.entries()) expect(s).toBeCloseTo(batch[i]!, 6);
    await detector.release();
  });
});
