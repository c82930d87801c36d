import { describe, expect, it } from 'vitest';
import { CountSeriesState, countTail, logGamma, tailScore } from '../../../src/anomaly/count-model.ts';
import { familyScore, type SeriesPoint, scoreDailySeries } from '../../../src/anomaly/operational.ts';

/** A deterministic Poisson stream (inverse transform on an LCG). */
function poisson(rate: number, n: number, seed = 11): number[] {
  let s = seed;
  const uniform = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s + 0.5) / 2 ** 31;
  };
  return Array.from({ length: n }, () => {
    const u = uniform();
    let k = 0;
    let p = Math.exp(-rate);
    let cdf = p;
    while (u > cdf) {
      k++;
      p *= rate / k;
      cdf += p;
    }
    return k;
  });
}

describe('count tails (given/expected)', () => {
  it('log Γ matches factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it('Poisson and negative binomial tails on each side of the mean', () => {
    expect(countTail(3, 0.5, 0.5)).toBeCloseTo(0.014387677966970713, 12);
    expect(countTail(12, 2, 2) / 1.3646151595381184e-6).toBeCloseTo(1, 9);
    expect(countTail(10, 2, 6)).toBeCloseTo(0.017341529915832488, 12);
    expect(countTail(1, 8, 20)).toBeCloseTo(0.03168856533870519, 12);
    // far in the tail: no 1 − CDF cancellation
    expect(countTail(40, 3, 3) / 8.003095092522075e-31).toBeCloseTo(1, 9);
  });

  it('maps a tail to the detector scale: 0.2 ⇔ 10^-2.5, 0.5 ⇔ 1e-10', () => {
    expect(tailScore(10 ** -2.5)).toBeCloseTo(0.2, 12);
    expect(tailScore(1e-10)).toBeCloseTo(0.5, 12);
    expect(tailScore(1)).toBe(0);
  });

  it('family-wise calibration: m series divide the tail by m; 1 stays 1', () => {
    // 1e-10 for one of 100 series ⇔ 1e-8 for the family: nl 0.8 → 0.8/1.8
    expect(familyScore(0.5, 100)).toBeCloseTo(0.8 / 1.8, 12);
    expect(familyScore(0.2, 1000)).toBe(0); // 0.003 among 1000 series is no news
    expect(familyScore(1, 1000)).toBe(1);
    expect(familyScore(0.3, 1)).toBe(0.3);
  });
});

describe('count model on intermittent series', () => {
  it('learns the rate and dispersion of a stream; a quiet slow mover is never flagged', () => {
    const state = new CountSeriesState({ alpha: 0.05, warmup: 21 });
    let worst = 1;
    for (const [day, x] of poisson(0.3, 365).entries()) {
      const r = state.push(x)!;
      if (day >= 21) worst = Math.min(worst, r.tail);
    }
    // a year of a 0.3-a-day seller: nothing below 1e-4 (a Gaussian on it calls every 2-unit day a spike)
    expect(worst).toBeGreaterThan(1e-4);
  });

  it('finds a planted spike in a slow mover', () => {
    const state = new CountSeriesState({ alpha: 0.05, warmup: 21 });
    const days = poisson(0.3, 90);
    days[70] = 9;
    const tails = days.map((x) => state.push(x)!.tail);
    expect(tails[70]!).toBeLessThan(1e-6);
    expect(Math.min(...tails.slice(21, 70), ...tails.slice(71))).toBeGreaterThan(1e-4);
  });

  it('rates with an exposure: 6 cancelled of 40 lines where 1 % is usual is news; 1 of 40 is not', () => {
    const state = new CountSeriesState({ alpha: 0.05, warmup: 21 });
    for (let day = 0; day < 60; day++) state.push(day % 5 === 0 ? 1 : 0, 20); // 1 % of 20 lines a day
    expect(state.push(1, 40)!.tail).toBeGreaterThan(0.1);
    expect(state.push(6, 40)!.tail).toBeLessThan(1e-3);
    expect(state.push(3, 0)).toBeNull(); // no lines placed: nothing to score
  });
});

describe('operational scoring of count series', () => {
  const series = (id: string, counts: number[]): SeriesPoint[] =>
    counts.map((x, day) => ({
      metric: 'sales_units',
      scope_kind: 'sku',
      scope_id: id,
      day: new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10),
      value: x,
      events: x,
      exposure: 1,
    }));

  it('flags the planted spike of a slow mover and nothing in 20 quiet ones', async () => {
    const spiky = poisson(0.4, 90, 5);
    spiky[75] = 14;
    // quiet: 0.2–1.15 units a day, never more than 2 on a day
    const quiet = (i: number) => poisson(0.2 + i * 0.05, 90, 100 + i).map((x) => Math.min(x, 2));
    const points = [
      ...series('SPIKE', spiky),
      ...Array.from({ length: 20 }, (_, i) => series(`QUIET-${i}`, quiet(i))).flat(),
    ];
    const rows = await scoreDailySeries(points);
    const flagged = rows.filter((r) => r.is_anomaly).map((r) => `${r.scope_id} ${r.day}`);
    expect(flagged).toEqual(['SPIKE 2024-03-16']);
    const spike = rows.find((r) => r.scope_id === 'SPIKE' && r.day === '2024-03-16')!;
    expect(spike).toMatchObject({ value: 14, direction: 'up' });
    expect(spike.expected).toBeLessThan(1);
    // the warm-up scores 0
    expect(rows.filter((r) => r.day < '2024-01-22').every((r) => r.score === 0)).toBe(true);
  });
});
