import { describe, expect, it } from 'vitest';
import {
  baselineForecast,
  DEFAULT_BASELINE,
  fitSeasonalBaseline,
  pooledSeasonalDemand,
  seasonalDemand,
  seasonalRatio,
} from '../../../src/replenishment/policy/baseline.ts';
import { parsePolicyConfig } from '../../../src/replenishment/policy/config.ts';
import { demandFromBaseline, demandFromHistory } from '../../../src/replenishment/policy/demand.ts';
import { policyRule } from '../../../src/replenishment/rules.ts';

const repeat = (value: number, days: number): number[] => Array.from({ length: days }, () => value);
const noTrend = { ...DEFAULT_BASELINE, damping: 0 };

/**
 * 56 days ending on 12 January: 13 November days at 10, 1–14 December at 12, the run-up 15–24 December at
 * 20, closed on the 25th, 26–31 December at 16, January at 10 again.
 */
const decemberPeak = [
  ...repeat(10, 13),
  ...repeat(12, 14),
  ...repeat(20, 10),
  0,
  ...repeat(16, 6),
  ...repeat(10, 12),
];

describe('seasonal demand baseline (the no-model fallback)', () => {
  it('a December peak in the window: January is planned near January, not at the peak or the flat mean', () => {
    expect(decemberPeak).toHaveLength(56);
    const flat = demandFromHistory(decemberPeak).dailyDemand;
    expect(flat).toBeCloseTo(714 / 56, 12); // 12.75: what the old fallback planned with
    const peakAverage = (10 * 20 + 0 + 6 * 16) / 17; // 15–31 December: 17.41
    const january = demandFromBaseline(decemberPeak, 14);
    expect(january.source).toBe('baseline');
    // the level of the last 14 days (two whole weeks, so the weekday profile sums to 14 over them):
    // 2 days at 16 and 12 at 10 → 152 / 14
    const fit = fitSeasonalBaseline(decemberPeak);
    expect(fit.level).toBeCloseTo(152 / 14, 9);
    // the demand falls from the peak (previous 14 days: 244 units), so the level is falling
    expect(fit.slope).toBeLessThan(0);
    // planned within 15% of January's 10 a day; far from the peak average and below the flat mean
    expect(Math.abs(january.dailyDemand - 10)).toBeLessThan(1.5);
    expect(january.dailyDemand).toBeLessThan(flat - 1.5);
    expect(january.dailyDemand).toBeLessThan(peakAverage / 1.5);
  });

  it('given/expected: a steady weekly pattern is kept, shrunk toward flat by 2 pseudo-weeks', () => {
    // 8 weeks, the window ending on a Sunday: Mon–Fri 10, Sat–Sun 20 (mean 90/7). The day after the
    // window is a Monday (profile index 0). Profile: weekday (8·10 + 2·90/7) / (10·90/7) = 37/45,
    // weekend (8·20 + 2·90/7) / (10·90/7) = 65/45; their mean is 1 already.
    const week = [10, 10, 10, 10, 10, 20, 20];
    const daily = Array.from({ length: 8 }, () => week).flat();
    const fit = fitSeasonalBaseline(daily, noTrend);
    const weekday = 37 / 45;
    const weekend = 65 / 45;
    expect(fit.profile.map((p) => Number(p.toFixed(12)))).toEqual(
      [weekday, weekday, weekday, weekday, weekday, weekend, weekend].map((p) => Number(p.toFixed(12))),
    );
    // level: Σ y / Σ p over the last 14 days = 180 / (10 · 37/45 + 4 · 65/45) = 180 / 14
    expect(fit.level).toBeCloseTo(180 / 14, 12);
    expect(fit.slope).toBe(0);
    // residuals over 28 days: weekdays 10 − 740/70 = −4/7, weekends 20 − 1300/70 = 10/7
    // → √((20 · 16/49 + 8 · 100/49) / 27)
    expect(fit.dailyStd).toBeCloseTo(Math.sqrt((20 * 16 + 8 * 100) / 49 / 27), 12);
    const ahead = baselineForecast(fit, 7, noTrend);
    expect(ahead.map((v) => Number(v.toFixed(9)))).toEqual(
      [74, 74, 74, 74, 74, 130, 130].map((v) => Number((v / 7).toFixed(9))),
    );
    // the mean over a full week is the level
    expect(seasonalDemand(daily, 7, noTrend).dailyDemand).toBeCloseTo(180 / 14, 12);
  });

  it('constant demand: that constant ahead, no spread; no demand: zero', () => {
    const fit = fitSeasonalBaseline(repeat(4, 56));
    expect(fit.profile.every((p) => Math.abs(p - 1) < 1e-12)).toBe(true);
    expect(seasonalDemand(repeat(4, 56), 14)).toEqual({ dailyDemand: 4, dailyStd: 0 });
    expect(seasonalDemand(repeat(0, 56), 14)).toEqual({ dailyDemand: 0, dailyStd: 0 });
    expect(seasonalDemand([], 14)).toEqual({ dailyDemand: 0, dailyStd: 0 });
  });

  it('a trend is followed but damped, and never takes the level below the floor share', () => {
    // rising 1 a day: last 14 days mean 48.5, previous 28–41 → 34.5, slope 1/day
    const rising = Array.from({ length: 56 }, (_, i) => i);
    const fit = fitSeasonalBaseline(rising, { ...DEFAULT_BASELINE, profileShrink: 1e9 });
    expect(fit.level).toBeCloseTo(48.5, 6);
    expect(fit.slope).toBeCloseTo(1, 6);
    const settings = { ...DEFAULT_BASELINE, damping: 0.5, profileShrink: 1e9 };
    // day k: 48.5 + Σ_{j=1..k} 0.5^j → 49, 49.25, 49.375
    expect(baselineForecast(fit, 3, settings).map((v) => Number(v.toFixed(6)))).toEqual([49, 49.25, 49.375]);
    // a collapse (100 → 0) with a strong damping: the level is held at floorShare of the recent level
    const collapse = [...repeat(100, 28), ...repeat(30, 14), ...repeat(2, 14)];
    const steep = { ...DEFAULT_BASELINE, damping: 0.99, profileShrink: 1e9 };
    const down = baselineForecast(fitSeasonalBaseline(collapse, steep), 28, steep);
    expect(Math.min(...down)).toBeCloseTo(2 * steep.floorShare, 9);
    expect(down.every((v) => v >= 0)).toBe(true);
  });

  it('reads only the days given: later demand cannot change the estimate (no look-ahead)', () => {
    const before = decemberPeak.slice(0, 40);
    // the replay rule at day 40 sees days 40 − 56 … 39 only: a different future gives the same order
    const config = parsePolicyConfig({ reviewPeriodDays: 1, baselineDays: 56 });
    const orderAt = (demand: number[]) =>
      policyRule({ config, serviceLevel: 0.95, leadTimeDays: 7, leadTimeStdDays: 2 }).order({
        day: 40,
        onHand: 0,
        onOrder: 0,
        demand,
      });
    expect(orderAt(decemberPeak)).toBe(orderAt([...before, ...repeat(500, 16)]));
  });

  it('the replay rule uses the seasonal baseline by default and the flat mean on request', () => {
    const config = parsePolicyConfig({ reviewPeriodDays: 1, baselineDays: 56 });
    const state = { day: 56, onHand: 0, onOrder: 0, demand: decemberPeak };
    const seasonal = policyRule({ config, serviceLevel: 0.95, leadTimeDays: 7, leadTimeStdDays: 2 });
    const flat = policyRule({
      config,
      serviceLevel: 0.95,
      leadTimeDays: 7,
      leadTimeStdDays: 2,
      baseline: 'flat',
    });
    // with nothing on hand both order up to S; the flat mean (12.75/day) sets a higher S
    expect(seasonal.order(state)).toBeGreaterThan(0);
    expect(flat.order(state)).toBeGreaterThan(seasonal.order(state));
  });

  it("pooled: a slow mover gets its own window mean × its group total's seasonal change", () => {
    // a slow mover: 1 unit every 4th day over the 56 days (mean 0.25), whatever the season
    const slow = Array.from({ length: 56 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    // its store's total has the December peak: the store's seasonal baseline ahead ÷ its window mean
    const ratio = seasonalDemand(decemberPeak, 14).dailyDemand / (714 / 56);
    expect(ratio).toBeLessThan(0.9);
    const pooled = pooledSeasonalDemand(slow, decemberPeak, 14);
    expect(pooled.ratio).toBeCloseTo(ratio, 12);
    expect(pooled.dailyDemand).toBeCloseTo(0.25 * ratio, 12);
    expect(pooled.dailyStd).toBeCloseTo(demandFromHistory(slow).dailyStd, 12);
    // through demand.ts: the same estimate, marked as the baseline
    expect(demandFromBaseline(slow, 14, DEFAULT_BASELINE, decemberPeak)).toEqual({
      source: 'baseline',
      dailyDemand: pooled.dailyDemand,
      dailyStd: pooled.dailyStd,
    });
    // a flat pool changes nothing: the series' flat mean; a pool without demand neither
    expect(pooledSeasonalDemand(slow, repeat(50, 56), 14).dailyDemand).toBeCloseTo(0.25, 12);
    expect(pooledSeasonalDemand(slow, repeat(0, 56), 14).ratio).toBe(1);
    expect(() => pooledSeasonalDemand(slow, repeat(1, 28), 14)).toThrow(/same days/);
    // the ratio alone (what the plan applies per node): the same number; 1 for a node that sold nothing
    expect(seasonalRatio(decemberPeak, 14)).toBeCloseTo(ratio, 12);
    expect(seasonalRatio([], 14)).toBe(1);
    expect(seasonalRatio(repeat(0, 56), 14)).toBe(1);
  });
});
