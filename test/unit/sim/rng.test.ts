import { describe, expect, it } from 'vitest';
import { AliasTable, hash32, Rng } from '../../../src/sim/rng.ts';

function moments(draw: () => number, n: number): { mean: number; variance: number; zeros: number } {
  let sum = 0;
  let sumSq = 0;
  let zeros = 0;
  for (let index = 0; index < n; index++) {
    const value = draw();
    sum += value;
    sumSq += value * value;
    if (value === 0) zeros++;
  }
  const mean = sum / n;
  return { mean, variance: sumSq / n - mean * mean, zeros: zeros / n };
}

describe('Rng', () => {
  it('repeats its sequence for a seed and differs for another', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first);
    for (const value of first) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('derives independent named streams', () => {
    const x = Rng.derive(1, 'demand', 3).next();
    expect(Rng.derive(1, 'demand', 3).next()).toBe(x);
    expect(Rng.derive(1, 'demand', 4).next()).not.toBe(x);
    expect(Rng.derive(1, 'orders', 3).next()).not.toBe(x);
    expect(hash32('a')).not.toBe(hash32('b'));
  });

  it('draws uniform numbers with the right mean and spread', () => {
    const rng = new Rng(1);
    const { mean, variance } = moments(() => rng.next(), 100_000);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
    const ints = new Set(Array.from({ length: 1000 }, () => rng.between(3, 5)));
    expect([...ints].sort()).toEqual([3, 4, 5]);
  });

  it('draws normal, gamma and lognormal values with their moments', () => {
    const rng = new Rng(2);
    const normal = moments(() => rng.normal(), 100_000);
    expect(normal.mean).toBeCloseTo(0, 1);
    expect(normal.variance).toBeCloseTo(1, 1);
    const gamma = moments(() => rng.gamma(2.5, 2), 100_000);
    expect(gamma.mean).toBeCloseTo(5, 0);
    expect(gamma.variance / 10).toBeCloseTo(1, 1);
    const small = moments(() => rng.gamma(0.5, 1), 100_000);
    expect(small.mean).toBeCloseTo(0.5, 1);
    const shock = moments(() => rng.shock(0.3), 100_000);
    expect(shock.mean).toBeCloseTo(1, 1);
  });

  it('draws Poisson and negative binomial counts with their mean, variance and zero share', () => {
    const rng = new Rng(3);
    for (const lambda of [0.2, 4, 80, 700]) {
      const { mean, variance } = moments(() => rng.poisson(lambda), 50_000);
      expect(Math.abs(mean / lambda - 1)).toBeLessThan(0.03);
      expect(Math.abs(variance / lambda - 1)).toBeLessThan(0.08);
    }
    const k = 2.16;
    for (const mu of [0.1, 1.3, 12, 60]) {
      const { mean, variance, zeros } = moments(() => rng.negBinomial(mu, k), 50_000);
      expect(Math.abs(mean / mu - 1)).toBeLessThan(0.04);
      const expected = mu + (mu * mu) / k;
      expect(Math.abs(variance / expected - 1)).toBeLessThan(0.12);
      expect(Math.abs(zeros - (k / (k + mu)) ** k)).toBeLessThan(0.01);
    }
    expect(rng.negBinomial(0, k)).toBe(0);
    const binomial = moments(() => rng.binomial(10, 0.3), 50_000);
    expect(binomial.mean).toBeCloseTo(3, 1);
  });

  it('draws from an alias table in proportion to the weights', () => {
    const rng = new Rng(4);
    const table = new AliasTable([1, 0, 3, 6]);
    expect(table.total).toBe(10);
    const counts = [0, 0, 0, 0];
    for (let index = 0; index < 100_000; index++) counts[table.draw(rng)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[0]! / 100_000).toBeCloseTo(0.1, 2);
    expect(counts[2]! / 100_000).toBeCloseTo(0.3, 2);
    expect(counts[3]! / 100_000).toBeCloseTo(0.6, 2);
  });

  it('shuffles in place, keeping every element', () => {
    const values = Array.from({ length: 50 }, (_, index) => index);
    const shuffled = new Rng(5).shuffle([...values]);
    expect(shuffled).not.toEqual(values);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(values);
  });
});
