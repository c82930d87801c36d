import { describe, expect, it } from 'vitest';
import {
  applyIntervals,
  applyIntervalsMany,
  calibrateIntervals,
  type IntervalCalibration,
} from '../../../src/ml/forecaster/intervals.ts';
import { rowMajor } from '../../../src/ml/train/gbdt.ts';

describe('interval calibration', () => {
  // horizon bands ≤ 7 and beyond; size bands ≤ 1, ≤ 5 and beyond: 6 cells
  const calibration: IntervalCalibration = {
    horizonEdges: [7, 1_000_000],
    sizeEdges: [1, 5],
    quantiles: [
      { q: 0.1, ratios: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] },
      { q: 0.5, ratios: [1, 1, 1, 1, 1, 1] },
      { q: 0.9, ratios: [2, 3, 4, 5, 6, 7] },
    ],
  };

  it('puts each forecast in its horizon × size cell (NaN and beyond-the-edges in the last bands)', () => {
    const h = [1, 7, 8, 28, 3, 40];
    const mean = [0.5, 5, 1, 10, Number.NaN, 2_000_000];
    expect(Array.from(applyIntervals(calibration, h, mean, 0.9))).toEqual([
      0.5 * 2,
      5 * 3,
      1 * 5,
      10 * 7,
      Number.NaN,
      2_000_000 * 7,
    ]);
  });

  it('gives the same quantiles one at a time or all at once', () => {
    const h = Array.from({ length: 200 }, (_, i) => 1 + (i % 28));
    const mean = Array.from({ length: 200 }, (_, i) => (i * 7919) % 13);
    const actual = mean.map((m, i) => m * (0.5 + ((i * 31) % 10) / 10));
    const fitted = calibrateIntervals(h, mean, actual);
    const many = applyIntervalsMany(fitted, h, mean, [0.1, 0.5, 0.9]);
    expect(many.map((a) => Array.from(a))).toEqual(
      [0.1, 0.5, 0.9].map((q) => Array.from(applyIntervals(fitted, h, mean, q))),
    );
    expect(() => applyIntervalsMany(fitted, h, mean, [0.25])).toThrow(/not calibrated/);
  });
});

describe('rowMajor', () => {
  it('interleaves columns into rows, across block boundaries', () => {
    const n = 700;
    const columns = [0, 1, 2].map((f) => Float32Array.from({ length: n }, (_, r) => r * 10 + f));
    const rows = rowMajor(columns, n);
    expect(rows.length).toBe(3 * n);
    for (const r of [0, 255, 256, 257, 511, 512, 699]) {
      expect(Array.from(rows.subarray(r * 3, r * 3 + 3))).toEqual([r * 10, r * 10 + 1, r * 10 + 2]);
    }
  });
});
