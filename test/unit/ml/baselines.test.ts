import { describe, expect, it } from 'vitest';
import { croston, tsb } from '../../../src/ml/baselines/croston.ts';
import { autoEtsFit, fitEts, forecastEts, holtWinters, ses } from '../../../src/ml/baselines/ets.ts';
import { movingAverage } from '../../../src/ml/baselines/moving-average.ts';
import { naive, seasonalNaive } from '../../../src/ml/baselines/naive.ts';
import { nelderMead } from '../../../src/ml/optim/nelder-mead.ts';
import { normalRandom, seededRandom } from '../../../src/ml/random.ts';

const list = (values: Float64Array): number[] => Array.from(values, (v) => Number(v.toFixed(10)));

describe('naive and seasonal naive', () => {
  it('repeat the last value / the last season', () => {
    expect(list(naive([1, 2, 3], { horizon: 3, seasonality: 1 }).mean)).toEqual([3, 3, 3]);
    const f = seasonalNaive([1, 2, 3, 4, 5, 6, 7, 8, 9], { horizon: 4, seasonality: 3 });
    expect(list(f.mean)).toEqual([7, 8, 9, 7]);
    // seasonal differences are all 3 → σ = 3; 80% interval = mean ± 1.2816·3 (one season ahead)
    expect(f.upper[0]! - f.mean[0]!).toBeCloseTo(1.2815515655 * 3, 8);
    // the second season ahead doubles the variance
    expect(f.upper[3]! - f.mean[3]!).toBeCloseTo(1.2815515655 * 3 * Math.SQRT2, 8);
    // shorter than a season: naive
    expect(list(seasonalNaive([4, 5], { horizon: 2, seasonality: 7 }).mean)).toEqual([5, 5]);
  });
});

describe('moving average', () => {
  it('averages the last k values; picks the window with the best one-step MSE', () => {
    expect(list(movingAverage([1, 2, 3, 4, 5, 6], { horizon: 2, seasonality: 1, window: 3 }).mean)).toEqual([
      5, 5,
    ]);
    // on a straight line the shortest window lags least → k = 2 → mean(19, 20)
    const line = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(movingAverage(line, { horizon: 1, seasonality: 1 }).mean[0]).toBe(19.5);
  });
});

describe('exponential smoothing', () => {
  it('SES with α = 0.5 from the first value: levels 2 → 2 → 3 → 4.5', () => {
    expect(list(ses([2, 4, 6], { horizon: 2, seasonality: 1, alpha: 0.5 }).mean)).toEqual([4.5, 4.5]);
  });

  it('SES fits α: a random walk gets α near 1', () => {
    const walk = [10, 12, 11, 15, 14, 18, 17, 21, 20, 24];
    const fit = fitEts(walk, { trend: 'N', season: 'N' }, 1);
    expect(fit.params.alpha).toBeGreaterThan(0.8);
  });

  it('Holt–Winters reproduces a linear trend with an additive season exactly', () => {
    // level +0.5 per period, season −0.75 / +0.75
    const f = holtWinters([1, 3, 2, 4, 3, 5], { horizon: 4, seasonality: 2 });
    expect(list(f.mean)).toEqual([4, 6, 5, 7]);
  });

  it('Holt–Winters updates level, trend and season by hand', () => {
    // first five periods fit exactly; at t = 5 the forecast is 5, the actual 6: e = 1
    // level 4.25 + 0.5·1 = 4.75, slope 0.5 + 0.1·1 = 0.6, season(odd) 0.75 + 0.2·1 = 0.95
    const fit = fitEts([1, 3, 2, 4, 3, 6], { trend: 'A', season: 'A' }, 2, {
      params: { alpha: 0.5, beta: 0.1, gamma: 0.2 },
    });
    expect(fit.level).toBeCloseTo(4.75, 12);
    expect(fit.slope).toBeCloseTo(0.6, 12);
    expect(fit.sse).toBeCloseTo(1, 12);
    const f = forecastEts(fit, 2);
    expect(f.mean[0]).toBeCloseTo(4.75 + 0.6 - 0.75, 12);
    expect(f.mean[1]).toBeCloseTo(4.75 + 1.2 + 0.95, 12);
  });

  it('automatic ETS picks a seasonal model for a seasonal series and none for white noise', () => {
    const pattern = [10, 12, 14, 13, 20, 30, 25];
    const noise = normalRandom(seededRandom(7));
    const seasonal = Array.from({ length: 84 }, (_, t) => pattern[t % 7]! + 0.5 * noise());
    expect(autoEtsFit(seasonal, 7).spec.season).not.toBe('N');
    const flat = Array.from({ length: 84 }, () => 20 + 3 * noise());
    expect(autoEtsFit(flat, 7).spec).toEqual({ trend: 'N', season: 'N' });
  });
});

describe('intermittent demand', () => {
  const history = [0, 0, 3, 0, 5, 0];

  it('Croston: z 3 → 3.2, p 3 → 2.9 (α = 0.1); SBA scales by 0.95', () => {
    const f = croston(history, { horizon: 3, seasonality: 1, alpha: 0.1 });
    expect(f.mean[0]).toBeCloseTo(3.2 / 2.9, 12);
    expect(f.mean[2]).toBeCloseTo(3.2 / 2.9, 12);
    expect(croston(history, { horizon: 1, seasonality: 1, alpha: 0.1, sba: true }).mean[0]).toBeCloseTo(
      (0.95 * 3.2) / 2.9,
      12,
    );
    expect(croston([0, 0, 0], { horizon: 1, seasonality: 1 }).mean[0]).toBe(0);
  });

  it('TSB: probability decays on zero periods, size on demand (α = 0.1, β = 0.2)', () => {
    let p = 2 / 6;
    let z = 3;
    for (const y of history) {
      if (y > 0) {
        p += 0.2 * (1 - p);
        z += 0.1 * (y - z);
      } else p *= 0.8;
    }
    expect(p * z).toBeCloseTo(0.34978133333 * 3.2, 8);
    expect(tsb(history, { horizon: 2, seasonality: 1, alpha: 0.1, beta: 0.2 }).mean[1]).toBeCloseTo(
      p * z,
      12,
    );
  });
});

describe('Nelder–Mead', () => {
  it('finds the minimum of a shifted quadratic', () => {
    const result = nelderMead((x) => (x[0]! - 3) ** 2 + 2 * (x[1]! + 1) ** 2, [0, 0], {
      maxEvaluations: 500,
    });
    expect(result.x[0]).toBeCloseTo(3, 3);
    expect(result.x[1]).toBeCloseTo(-1, 3);
  });
});
