import { describe, expect, it } from 'vitest';
import { predict, predictRaw } from '../../../src/ml/gbdt/tree.ts';
import { OnnxScorer } from '../../../src/ml/onnx/session.ts';
import { poissonRandom, seededRandom } from '../../../src/ml/random.ts';
import { binOf, fitBins, MISSING_BIN } from '../../../src/ml/train/binning.ts';
import { rowMajor, type TrainingSet, trainGbdt } from '../../../src/ml/train/gbdt.ts';
import { exportOnnx } from '../../../src/ml/train/onnx-export.ts';

/** Poisson counts with a log-linear mean, a step, and 5% missing values in every feature. */
function synthetic(n: number, seed: number): TrainingSet & { mean: Float64Array } {
  const random = seededRandom(seed);
  const columns = Array.from({ length: 4 }, () => new Float32Array(n));
  const label = new Float64Array(n);
  const mean = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const column of columns) column[i] = random() < 0.05 ? Number.NaN : random() * 10;
    const x0 = Number.isNaN(columns[0]![i]!) ? 5 : columns[0]![i]!;
    mean[i] = Math.exp(0.25 * x0 - 1 + (columns[1]![i]! > 5 ? 0.7 : 0));
    label[i] = poissonRandom(random, mean[i]!);
  }
  return { featureNames: ['x0', 'x1', 'x2', 'x3'], columns, label, mean };
}

describe('binning', () => {
  it('gives every distinct value its own bin when they fit, and x <= upper[b] ⇔ bin <= b', () => {
    const bins = fitBins([3, 1, 2, 2, 1, Number.NaN]);
    expect(bins.count).toBe(3);
    expect(Array.from(bins.uppers)).toEqual([1.5, 2.5]);
    expect([1, 2, 3, 0.2, 99].map((x) => binOf(bins, x))).toEqual([0, 1, 2, 0, 2]);
    expect(binOf(bins, Number.NaN)).toBe(MISSING_BIN);
  });

  it('gives a heavy value (zero demand) a bin of its own among many distinct values', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i < 6_000 ? 0 : i));
    const bins = fitBins(values, 32);
    expect(bins.count).toBeLessThanOrEqual(32);
    expect(binOf(bins, 0)).toBe(0);
    expect(binOf(bins, 6_000)).toBe(1);
  });
});

describe('histogram GBDT', () => {
  it('learns a step function with L2 loss', () => {
    const n = 2_000;
    const x = new Float32Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = i / n;
      y[i] = x[i]! > 0.5 ? 5 : 1;
    }
    const { model } = trainGbdt(
      { featureNames: ['x'], columns: [x], label: y },
      {
        objective: 'l2',
        numTrees: 60,
        learningRate: 0.3,
        baggingFraction: 1,
        featureFraction: 1,
        minDataInLeaf: 5,
      },
    );
    const out = predict(model, new Float32Array([0.1, 0.49, 0.51, 0.9]), 4);
    expect(out[0]).toBeCloseTo(1, 3);
    expect(out[1]).toBeCloseTo(1, 3);
    expect(out[2]).toBeCloseTo(5, 3);
    expect(out[3]).toBeCloseTo(5, 3);
  });

  it('fits Poisson counts with Tweedie loss, routes missing values, and is deterministic per seed', () => {
    const train = synthetic(6_000, 1);
    const valid = synthetic(2_000, 2);
    const params = { numTrees: 150, numLeaves: 15, learningRate: 0.1, minDataInLeaf: 20 };
    const first = trainGbdt(train, params, valid);
    const again = trainGbdt(train, params, valid);
    expect(JSON.stringify(again.model)).toBe(JSON.stringify(first.model));
    const n = valid.label.length;
    const predicted = predict(first.model, rowMajor(valid.columns, n), n);
    // closer to the true mean than the constant (overall mean) is
    let modelError = 0;
    let constantError = 0;
    const overall = valid.mean.reduce((s, v) => s + v, 0) / n;
    for (let i = 0; i < n; i++) {
      modelError += (predicted[i]! - valid.mean[i]!) ** 2;
      constantError += (overall - valid.mean[i]!) ** 2;
    }
    expect(modelError).toBeLessThan(0.2 * constantError);
    // rows whose x0 is missing (true x0 effect fixed at 5) are routed to a sensible side
    let missingError = 0;
    let missingConstant = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isNaN(valid.columns[0]![i]!)) continue;
      missingError += (predicted[i]! - valid.mean[i]!) ** 2;
      missingConstant += (overall - valid.mean[i]!) ** 2;
    }
    expect(missingConstant).toBeGreaterThan(0);
    expect(missingError).toBeLessThan(0.5 * missingConstant);
    // early stopping kept the best iteration of the validation curve
    expect(first.model.trees.length).toBe(first.bestIteration);
    const best = Math.min(...first.validCurve);
    expect(first.validCurve[first.bestIteration - 1]).toBe(best);
  });
});

describe('histogram worker thread', () => {
  it('builds the same model with and without the second thread', () => {
    const data = synthetic(120_000, 9);
    const params = { numTrees: 8, numLeaves: 15, learningRate: 0.2 };
    const one = trainGbdt(data, { ...params, threads: 1 });
    const two = trainGbdt(data, { ...params, threads: 2 });
    expect(JSON.stringify(two.model)).toBe(JSON.stringify(one.model));
  });
});

describe('ONNX export', () => {
  it('round-trips: onnxruntime predictions equal the TypeScript model to 1e-5', async () => {
    const train = synthetic(5_000, 3);
    const { model } = trainGbdt(train, { numTrees: 120, numLeaves: 31, learningRate: 0.1 });
    const test = synthetic(3_000, 4);
    const n = test.label.length;
    const rows = rowMajor(test.columns, n);
    const expected = predict(model, rows, n);
    const scorer = await OnnxScorer.load(exportOnnx(model));
    try {
      const actual = await scorer.run(rows, n, 1_000);
      let worst = 0;
      for (let i = 0; i < n; i++)
        worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1, expected[i]!));
      expect(worst).toBeLessThanOrEqual(1e-5);
      // rows with missing features were among those compared
      expect(rows.some(Number.isNaN)).toBe(true);
      // the raw score is the log of the mean
      const raw = predictRaw(model, rows, n);
      expect(Math.exp(raw[7]!)).toBeCloseTo(expected[7]!, 10);
    } finally {
      await scorer.release();
    }
  });
});
