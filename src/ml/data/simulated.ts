import type { EvalDataset } from '../evaluate/dataset.ts';
import { DAILY } from '../features/frequency.ts';
import { dailyCalendar, type SeriesInput } from '../features/load-series.ts';
import { normalRandom, poissonRandom, seededRandom } from '../random.ts';

/**
 * Simulated item × store demand with what real item data has and the benchmarks ignore: a weekly
 * pattern, slow level drift, promotions planned ahead (price −25%, demand lift ×1.8) and stockouts
 * (sales censored to 0 for a few days when stock runs out). Demand is gamma–Poisson (overdispersed),
 * from a fixed seed. Sales are what would be recorded: zero during a stockout.
 */
export function simulateItems(
  options: { items?: number; stores?: number; days?: number; seed?: number } = {},
): EvalDataset {
  const items = options.items ?? 60;
  const stores = options.stores ?? 5;
  const days = options.days ?? 730;
  const random = seededRandom(options.seed ?? 11);
  const normal = normalRandom(random);
  const weekly = [0.8, 0.9, 0.9, 1.0, 1.1, 1.4, 1.3];
  const series: SeriesInput[] = [];
  for (let item = 0; item < items; item++) {
    const base = Math.exp(normal() * 1.1 - 0.3); // median ~0.75 units/day: mostly slow movers
    const price = Math.round((2 + random() * 18) * 100) / 100;
    const category = `C${item % 4}`;
    for (let store = 0; store < stores; store++) {
      const storeFactor = 0.6 + random() * 0.9;
      let drift = 0;
      const values: number[] = [];
      const inStock: boolean[] = [];
      const prices: number[] = [];
      const promos: boolean[] = [];
      let stockoutLeft = 0;
      const horizonDays = days + 60;
      for (let t = 0; t < horizonDays; t++) {
        // promotions: 7-day blocks, ~1 in 8 weeks, planned (known in the future too)
        const promo = Math.floor(t / 7) % 8 === (item + store) % 8 && (item + store) % 3 !== 0;
        promos.push(promo);
        prices.push(promo ? Math.round(price * 75) / 100 : price);
        if (t >= days) continue;
        drift = 0.995 * drift + 0.02 * normal();
        const mean = base * storeFactor * weekly[t % 7]! * Math.exp(drift) * (promo ? 1.8 : 1);
        const gamma = mean * gammaUnit(random, 2);
        const demand = poissonRandom(random, gamma);
        if (stockoutLeft === 0 && random() < 0.01) stockoutLeft = 2 + Math.floor(random() * 5);
        const out = stockoutLeft > 0;
        if (out) stockoutLeft--;
        values.push(out ? 0 : demand);
        inStock.push(!out);
      }
      series.push({
        key: `item${item}_store${store}`,
        sku: `item${item}`,
        location: `store${store}`,
        category,
        region: `store${store}`,
        listPrice: price,
        start: 1,
        values,
        inStock,
        prices,
        promos,
      });
    }
  }
  return {
    name: 'simulated-items',
    description: `simulated item × store demand, ${items * stores} series, promotions and stockouts (seeded)`,
    frequency: DAILY,
    seasonality: 7,
    horizon: 28,
    series,
    calendar: dailyCalendar('2023-01-02', 1, days + 60),
    gbdt: {
      config: {
        target: 'raw',
        validPeriods: 28,
        params: {
          objective: 'tweedie',
          tweediePower: 1.2,
          numTrees: 500,
          learningRate: 0.05,
          numLeaves: 31,
          minDataInLeaf: 100,
          featureFraction: 0.8,
          baggingFraction: 0.7,
          earlyStoppingRounds: 50,
        },
      },
      origins: 60,
      spacing: 7,
      keepPerMille: 400,
    },
  };
}

/** Gamma(shape k, mean 1) by Marsaglia–Tsang. */
function gammaUnit(random: () => number, k: number): number {
  const normal = normalRandom(random);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / k;
  }
}
