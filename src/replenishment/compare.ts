/**
 * Policy vs static reorder level on the same demand (the `replenishment-sim` benchmark and
 * `retailos replenish simulate`): each rule's one free parameter is tuned to the smallest value that reaches
 * a target fill rate, and the average inventory held there is compared.
 */
import fs from 'node:fs';
import { type BaselineSettings, DEFAULT_BASELINE } from './policy/baseline.ts';
import { abcClasses, xyzClass } from './policy/classify.ts';
import { type PolicyConfig, parsePolicyConfig, serviceLevel } from './policy/config.ts';
import { mean, std } from './policy/stats.ts';
import { policyRule, staticReorderRule } from './rules.ts';
import {
  gammaLeadTimes,
  type ReorderRule,
  type SimResult,
  type SimSeries,
  seededRandom,
  simulateSeries,
} from './simulate.ts';

export interface CompareOptions {
  replayDays: number;
  warmupDays: number;
  estimationDays: number;
  leadMean: number;
  leadStd: number;
  cycleDays: number;
  targets: number[];
  /** Past POs the policy's lead-time estimate is made from. */
  pastOrders: number;
  /**
   * The policy's demand estimate without a model: the series' seasonal baseline, the flat window mean, or
   * pooled (the flat mean × the seasonal change of all series' total; policy/baseline.ts).
   */
  baseline: 'seasonal' | 'flat' | 'pooled';
  baselineSettings: BaselineSettings;
  /** Days between the policy's re-estimates of its levels (its plan runs; the static rule's are fixed). */
  refreshDays: number;
}

export const DEFAULT_COMPARE: CompareOptions = {
  replayDays: 180,
  warmupDays: 28,
  estimationDays: 56,
  leadMean: 7,
  leadStd: 2.5,
  cycleDays: 7,
  targets: [0.95, 0.97, 0.98],
  pastOrders: 30,
  // the flat window mean, re-estimated at every daily review as every plan run does; chosen on other seeds
  // (bench/replenishment-tune.ts, docs/replenishment.md: the replays hold no post-peak January, where the
  // plan's pooled seasonal fallback differs). The plan itself now uses 'pooled' (its node's total).
  baseline: 'flat',
  baselineSettings: DEFAULT_BASELINE,
  refreshDays: 1,
};

export interface Run {
  fill: number;
  avgInventoryUnits: number;
  avgInventoryValue: number;
  stockoutDays: number;
  orders: number;
}

export interface Comparison {
  target_fill: number;
  static: Run & { min_qty_days: number };
  policy: Run & { service_level: number };
  inventory_value_reduction: number;
  inventory_units_reduction: number;
}

export interface CompareResult {
  series: number;
  start: number;
  length: number;
  leadEstimate: { mean: number; std: number };
  comparisons: Comparison[];
  policyDefault: Run;
  staticReestimated: Run & { min_qty_days: number; target_fill: number };
}

/** Series of an M5-style wide CSV (`id,…,d_1,d_2,…`): the `d_` columns are the demand; prices optional. */
export function loadWideSales(salesFile: string, pricesFile?: string): SimSeries[] {
  const prices = new Map<string, { week: number; price: number }>();
  if (pricesFile) {
    const lines = fs.readFileSync(pricesFile, 'utf8').trim().split('\n');
    for (const line of lines.slice(1)) {
      const [store, item, week, price] = line.split(',');
      const key = `${item}_${store}`;
      const seen = prices.get(key);
      if (!seen || Number(week) > seen.week) prices.set(key, { week: Number(week), price: Number(price) });
    }
  }
  const lines = fs.readFileSync(salesFile, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const first = header.findIndex((name) => /^d_\d+$/.test(name));
  if (first < 0) throw new Error(`${salesFile}: no d_1, d_2, … columns (M5 wide format expected)`);
  const itemCol = header.indexOf('item_id');
  const storeCol = header.indexOf('store_id');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    const key = `${cells[itemCol]}_${cells[storeCol]}`;
    return { id: cells[0]!, demand: cells.slice(first).map(Number), unitValue: prices.get(key)?.price ?? 1 };
  });
}

function runAll(
  series: readonly SimSeries[],
  start: number,
  o: CompareOptions,
  ruleFor: (s: SimSeries, i: number) => ReorderRule,
): Run {
  const total: SimResult = {
    demand: 0,
    served: 0,
    stockoutDays: 0,
    inventoryUnitDays: 0,
    inventoryValueDays: 0,
    orders: 0,
    days: 0,
  };
  series.forEach((s, i) => {
    const avg = mean(s.demand.slice(start - o.warmupDays - o.estimationDays, start - o.warmupDays));
    const r = simulateSeries(s, ruleFor(s, i), {
      start,
      warmupStart: start - o.warmupDays,
      initialStock: Math.round(avg * (o.leadMean + o.cycleDays)),
      // the same lead-time draws for every rule: one stream per series
      leadTime: gammaLeadTimes(o.leadMean, o.leadStd, seededRandom(1000 + i)),
    });
    for (const key of Object.keys(total) as (keyof SimResult)[]) total[key] += r[key];
  });
  return {
    fill: total.demand > 0 ? total.served / total.demand : 1,
    avgInventoryUnits: total.inventoryUnitDays / o.replayDays,
    avgInventoryValue: total.inventoryValueDays / o.replayDays,
    stockoutDays: total.stockoutDays,
    orders: total.orders,
  };
}

/** Smallest parameter in [lo, hi] whose run reaches `target` fill (fill grows with the parameter). */
function tune(target: number, lo: number, hi: number, run: (p: number) => Run): { param: number; run: Run } {
  let best = { param: hi, run: run(hi) };
  if (best.run.fill < target) return best;
  for (let i = 0; i < 22; i++) {
    const mid = (lo + hi) / 2;
    const r = run(mid);
    if (r.fill >= target) {
      hi = mid;
      best = { param: mid, run: r };
    } else lo = mid;
  }
  return best;
}

export function compareRules(
  all: readonly SimSeries[],
  options: Partial<CompareOptions> = {},
  onProgress?: (message: string) => void,
): CompareResult {
  const o = { ...DEFAULT_COMPARE, ...options };
  const length = all[0]?.demand.length ?? 0;
  const start = length - o.replayDays;
  const estStart = start - o.warmupDays - o.estimationDays;
  if (estStart < 0) {
    throw new Error(
      `The series have ${length} days: a ${o.replayDays}-day replay needs ${o.replayDays + o.warmupDays + o.estimationDays}.`,
    );
  }
  const window = (s: SimSeries) => s.demand.slice(estStart, start - o.warmupDays);
  // Series that sold in the estimation window (items not yet launched have nothing to plan from).
  const series = all.filter((s) => window(s).some((q) => q > 0));
  const config: PolicyConfig = parsePolicyConfig({
    reviewPeriodDays: 1,
    orderCycleDays: o.cycleDays,
    baselineDays: o.estimationDays,
  });

  // The supplier model: lead-time mean and std estimated from past POs of the same supplier.
  const past = Array.from({ length: o.pastOrders }, gammaLeadTimes(o.leadMean, o.leadStd, seededRandom(7)));
  const leadEstimate = { mean: mean(past), std: std(past) };
  const avgDaily = series.map((s) => mean(window(s)));
  const abc = abcClasses(new Map(series.map((s, i) => [s.id, avgDaily[i]! * s.unitValue])), config);
  const classLevel = series.map((s, i) =>
    serviceLevel(config, abc.get(s.id)!, xyzClass(avgDaily[i]!, std(window(s)), config)),
  );

  const staticRule = (avg: number, minDays: number) =>
    staticReorderRule({
      avgDaily: avg,
      leadTimeDays: o.leadMean,
      minQty: minDays * avg,
      reorderQty: Math.max(1, Math.round(avg * o.cycleDays)),
    });
  const staticRun = (minDays: number) =>
    runAll(series, start, o, (_s, i) => staticRule(avgDaily[i]!, minDays));
  // A stronger baseline than ERPs ship: the same rule with its average re-estimated every 28 days.
  const refreshedStaticRun = (minDays: number) =>
    runAll(series, start, o, (s) => {
      let rule: ReorderRule | undefined;
      let at = Number.NEGATIVE_INFINITY;
      return {
        order(state) {
          if (!rule || state.day - at >= 28) {
            rule = staticRule(mean(s.demand.slice(state.day - o.estimationDays, state.day)), minDays);
            at = state.day;
          }
          return rule.order(state);
        },
      };
    });
  // the retailer's total demand per day: the pool whose seasonal change the pooled baseline applies
  const pool = new Array<number>(length).fill(0);
  for (const s of series) for (let d = 0; d < length; d++) pool[d] = pool[d]! + (s.demand[d] ?? 0);
  const policyRun = (level: (i: number) => number) =>
    runAll(series, start, o, (_s, i) =>
      policyRule({
        config,
        serviceLevel: level(i),
        leadTimeDays: leadEstimate.mean,
        leadTimeStdDays: leadEstimate.std,
        baseline: o.baseline,
        baselineSettings: o.baselineSettings,
        pool,
        refreshDays: o.refreshDays,
      }),
    );

  const comparisons: Comparison[] = [];
  for (const target of o.targets) {
    onProgress?.(`tuning both rules to ${(target * 100).toFixed(1)}% fill`);
    const s = tune(target, 0, 60, staticRun);
    const p = tune(target, 0.5, 0.9999, (level) => policyRun(() => level));
    comparisons.push({
      target_fill: target,
      static: { min_qty_days: s.param, ...s.run },
      policy: { service_level: p.param, ...p.run },
      inventory_value_reduction: 1 - p.run.avgInventoryValue / s.run.avgInventoryValue,
      inventory_units_reduction: 1 - p.run.avgInventoryUnits / s.run.avgInventoryUnits,
    });
  }
  onProgress?.('the re-estimated static baseline and the default service levels');
  const first = o.targets[0] ?? 0.95;
  const refreshed = tune(first, 0, 60, refreshedStaticRun);
  return {
    series: series.length,
    start,
    length,
    leadEstimate,
    comparisons,
    policyDefault: policyRun((i) => classLevel[i]!),
    staticReestimated: { target_fill: first, min_qty_days: refreshed.param, ...refreshed.run },
  };
}
