/**
 * Day-by-day replay of a demand series through a reorder rule, with stochastic lead times and lost sales
 * (no backorders): the engine of `replenishment-sim` and `retailos replenish simulate`. Pure and
 * deterministic for a seed; both rules of a comparison see the same demand and the same lead-time draws.
 */

/** Decides, on a day, how much to order given the inventory position (on hand + on order). */
export interface ReorderRule {
  /**
   * Units to order now (0: none). `demand` is the whole series: a rule reads only indices before `day`
   * (what was known at the review); passing the array, not a copy, keeps a replay linear.
   */
  order(state: { day: number; onHand: number; onOrder: number; demand: readonly number[] }): number;
}

export interface SimSeries {
  id: string;
  /** Daily demand; the replay covers `demand[start ..]`, the rest is history the rules may read. */
  demand: readonly number[];
  unitValue: number;
}

export interface SimOptions {
  /** First day measured (index into demand); days before it from `warmupStart` are simulated unmeasured. */
  start: number;
  warmupStart: number;
  initialStock: number;
  /** Draws one lead time in whole days (≥ 1). */
  leadTime: () => number;
}

export interface SimResult {
  demand: number;
  served: number;
  stockoutDays: number;
  /** Σ over measured days of end-of-day on-hand units. */
  inventoryUnitDays: number;
  inventoryValueDays: number;
  orders: number;
  days: number;
}

export function simulateSeries(series: SimSeries, rule: ReorderRule, options: SimOptions): SimResult {
  const arrivals = new Map<number, number>();
  let onHand = options.initialStock;
  let onOrder = 0;
  const result: SimResult = {
    demand: 0,
    served: 0,
    stockoutDays: 0,
    inventoryUnitDays: 0,
    inventoryValueDays: 0,
    orders: 0,
    days: 0,
  };
  const history = series.demand;
  for (let day = options.warmupStart; day < history.length; day++) {
    const arriving = arrivals.get(day) ?? 0;
    if (arriving > 0) {
      onHand += arriving;
      onOrder -= arriving;
      arrivals.delete(day);
    }
    // Review before the day's sales, on what was known up to yesterday.
    const qty = rule.order({ day, onHand, onOrder, demand: history });
    if (qty > 0) {
      const due = day + Math.max(1, options.leadTime());
      arrivals.set(due, (arrivals.get(due) ?? 0) + qty);
      onOrder += qty;
      if (day >= options.start) result.orders++;
    }
    const wanted = history[day]!;
    const served = Math.min(onHand, wanted);
    onHand -= served;
    if (day >= options.start) {
      result.demand += wanted;
      result.served += served;
      if (wanted > served) result.stockoutDays++;
      result.inventoryUnitDays += onHand;
      result.inventoryValueDays += onHand * series.unitValue;
      result.days++;
    }
  }
  return result;
}

/** A small seeded generator (mulberry32): identical draws for both rules of a comparison. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Lead times of a supplier as the supplier model sees them: a gamma distribution with the given mean and
 * std (shape k = (mean/std)², Marsaglia–Tsang), rounded to whole days, at least 1.
 */
export function gammaLeadTimes(meanDays: number, stdDays: number, random: () => number): () => number {
  const shape = (meanDays / stdDays) ** 2;
  const scale = meanDays / shape;
  const normal = (): number => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const gamma = (k: number): number => {
    if (k < 1) return gamma(k + 1) * random() ** (1 / k);
    const d = k - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = random();
      if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return () => Math.max(1, Math.round(gamma(shape) * scale));
}
