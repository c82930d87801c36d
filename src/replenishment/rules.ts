import { type BaselineSettings, DEFAULT_BASELINE } from './policy/baseline.ts';
import type { PolicyConfig } from './policy/config.ts';
import { demandFromBaseline, demandFromHistory, stdOverPeriod } from './policy/demand.ts';
import { computeLevels, orderQuantity, roundOrderQty } from './policy/levels.ts';
import type { ReorderRule } from './simulate.ts';

/**
 * The static reorder level of ERPNext (Item Reorder: reorder level, reorder qty) and Odoo (min/max):
 * set once, from the average daily demand of a past window: level = avg × lead time + min qty; when the
 * projected quantity (on hand + on order) is at or below it, order up to level + reorder qty.
 */
export function staticReorderRule(params: {
  avgDaily: number;
  leadTimeDays: number;
  minQty: number;
  reorderQty: number;
}): ReorderRule {
  const level = params.avgDaily * params.leadTimeDays + params.minQty;
  return {
    order({ onHand, onOrder }) {
      const position = onHand + onOrder;
      return position <= level ? roundOrderQty(level + params.reorderQty - position) : 0;
    },
  };
}

/**
 * retailos' policy in a replay: every `reviewPeriodDays` (levels recomputed every `refreshDays`, default 7,
 * from the last `baselineDays` of demand known at the review — no model in the replay) it orders up to S
 * when the position is below s. Demand (policy/baseline.ts): `'seasonal'` (default) the series' seasonal
 * baseline, `'pooled'` its window mean × the seasonal change of `pool` (what the plan uses without a model,
 * its node's total as the pool: plan.ts), `'flat'` the window's mean and std (the plan's rule before the
 * pooled one). Lead time: the supplier model's mean and std.
 */
export function policyRule(params: {
  config: PolicyConfig;
  serviceLevel: number;
  leadTimeDays: number;
  leadTimeStdDays: number;
  packSize?: number;
  moq?: number;
  /** Days between recomputing the levels (demand re-estimated). */
  refreshDays?: number;
  baseline?: 'seasonal' | 'flat' | 'pooled';
  baselineSettings?: BaselineSettings;
  /** `baseline: 'pooled'`: the group's total demand, day for day beside the series' (same indices). */
  pool?: readonly number[];
}): ReorderRule {
  const { config } = params;
  const refresh = params.refreshDays ?? 7;
  let levels: { reorderPoint: number; orderUpTo: number } | undefined;
  let computedAt = Number.NEGATIVE_INFINITY;
  return {
    order({ day, onHand, onOrder, demand }) {
      if (day % config.reviewPeriodDays !== 0) return 0;
      if (!levels || day - computedAt >= refresh) {
        const window = demand.slice(Math.max(0, day - config.baselineDays), day);
        const estimate =
          params.baseline === 'flat'
            ? demandFromHistory(window)
            : demandFromBaseline(
                window,
                params.leadTimeDays + config.reviewPeriodDays,
                params.baselineSettings ?? DEFAULT_BASELINE,
                params.baseline === 'pooled' && params.pool
                  ? params.pool.slice(Math.max(0, day - config.baselineDays), day)
                  : undefined,
              );
        levels = computeLevels({
          dailyDemand: estimate.dailyDemand,
          demandStdOverPeriod: stdOverPeriod(
            estimate.dailyStd,
            params.leadTimeDays + config.reviewPeriodDays,
          ),
          leadTimeDays: params.leadTimeDays,
          leadTimeStdDays: params.leadTimeStdDays,
          reviewPeriodDays: config.reviewPeriodDays,
          serviceLevel: params.serviceLevel,
          orderCycleDays: config.orderCycleDays,
        });
        computedAt = day;
      }
      return orderQuantity(onHand + onOrder, levels, params.packSize, params.moq);
    },
  };
}
