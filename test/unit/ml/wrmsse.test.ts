import { describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataPath } from '../../../src/ml/data/shared-data.ts';
import { checkPool } from '../../../src/ml/m5/pool-check.ts';
import { bias, coverage, mae, naiveScale, pinball, rmsse } from '../../../src/ml/metrics/accuracy.ts';
import { levelWrmsse, meanOverLevels } from '../../../src/ml/metrics/wrmsse.ts';

describe('accuracy measures on hand-checked series', () => {
  it('scales by the naive error from the first non-zero observation', () => {
    // leading zeros dropped: 2,4,1,1 → diffs 2,-3,0 → (4+9+0)/3
    expect(naiveScale([0, 0, 2, 4, 1, 1])).toBeCloseTo(13 / 3, 12);
    expect(naiveScale([0, 0, 2, 4, 1, 1], 1, false)).toBeCloseTo((0 + 4 + 4 + 9 + 0) / 5, 12);
    // seasonal (m = 2): 1,2,3,5 → diffs 2,3 → 13/2
    expect(naiveScale([1, 2, 3, 5], 2)).toBeCloseTo(6.5, 12);
  });

  it('computes RMSSE, MAE, bias, coverage and pinball loss', () => {
    const actual = [3, 0, 5, Number.NaN];
    const forecast = [2, 1, 5, 100];
    // squared errors 1, 1, 0 (the NaN day is not scored) → mse 2/3, scale 4 → sqrt(1/6)
    expect(rmsse(actual, forecast, 4)).toBeCloseTo(Math.sqrt(2 / 3 / 4), 12);
    expect(mae(actual, forecast)).toBeCloseTo(2 / 3, 12);
    expect(bias(actual, forecast)).toBeCloseTo(0, 12);
    expect(bias([1, 1], [2, 4])).toBeCloseTo(2, 12);
    expect(coverage(actual, [2, 1, 4, 0], [4, 2, 5, 0])).toBeCloseTo(2 / 3, 12);
    // q = 0.9: errors a−q = 1 (under) → 0.9; −1 (over) → 0.1; 0 → 0
    expect(pinball(actual, forecast, 0.9)).toBeCloseTo(1 / 3, 12);
  });

  it('weights RMSSE within a level and averages levels', () => {
    const score = levelWrmsse([
      { key: 'a', weight: 0.25, scale: 1, actual: [1, 1], forecast: [2, 2] },
      { key: 'b', weight: 0.75, scale: 4, actual: [0, 0], forecast: [4, 4] },
    ]);
    // a: RMSSE 1; b: RMSE 4 / 2 = 2 → 0.25 + 1.5
    expect(score).toBeCloseTo(1.75, 12);
    expect(
      meanOverLevels(
        new Map([
          [1, 0.5],
          [2, 1.5],
        ]),
        [1, 2],
      ),
    ).toBe(1);
    expect(() => meanOverLevels(new Map([[1, 0.5]]), [1, 2])).toThrow(/level 2/);
  });
});

describe.skipIf(!hasSharedData('m5', 'pool_inference_levels1-9'))(
  'WRMSSE golden test (official M5 scores)',
  () => {
    it('reproduces the top-50 teams at levels 1–9 within 1e-6', () => {
      const result = checkPool(sharedDataPath('m5'));
      expect(result.teams).toBe(50);
      expect(result.rows).toHaveLength(50 * 9);
      expect(result.maxAbsDiff).toBeLessThanOrEqual(1e-6);
      const winnerL1 = result.rows.find((row) => row.rank === 1 && row.level === 1)!;
      expect(winnerL1.team).toBe('YJ_STU');
      expect(winnerL1.recomputed).toBeCloseTo(0.198935149916345, 9);
    });
  },
);
