/**
 * The plan: from positions, demand, supplier lead times and lanes to recommendations (pure; the loader
 * in service.ts reads the warehouse). Per sku × node it sets levels (policy/levels.ts), finds what is short,
 * covers it by a transfer from a node with spare stock when that is cheaper and faster, else by buying, and
 * groups the lines into purchase orders per supplier × node and transfers per lane.
 */

import { lineWhy, recommendationSummary } from './explain.ts';
import { seasonalRatio } from './policy/baseline.ts';
import { abcClasses, xyzClass } from './policy/classify.ts';
import { type AbcClass, type PolicyConfig, serviceLevel, type XyzClass } from './policy/config.ts';
import { type LeadTimeHistory, leadTimeEstimate, stdOverPeriod } from './policy/demand.ts';
import { computeLevels, type Levels, roundOrderQty } from './policy/levels.ts';
import { chooseSource, type Donor } from './policy/transfer.ts';

export interface PlanPosition {
  sku: string;
  node_id: string;
  node_type: string | null;
  region: string | null;
  available: number;
  in_transit_in: number;
  on_order: number;
  unit_cost: number;
  list_price: number;
  pack_size: number;
  moq: number;
  supplier_id: string | null;
  nominal_lead_time_days: number | null;
  demand_sum: number;
  demand_sumsq: number;
  transfer_sum: number;
  transfer_sumsq: number;
  customer_sum: number;
  forecast_mean: number | null;
  forecast_var: number | null;
  forecast_days: number;
  /** Demand sensing: the pace of a series running above plan (units/day), its uplift and driver. */
  sensed_daily?: number | null;
  sensed_uplift?: number | null;
  sensed_driver?: string | null;
}

export interface Lane {
  node_id: string;
  region: string;
  transit_days: number;
  cost_per_order: number;
  cost_per_unit: number;
}

export interface PlanInput {
  asOf: Date;
  /** Days of the demand window behind demand_sum. */
  windowDays: number;
  positions: PlanPosition[];
  /** Lead-time history by `supplier` and `supplier|node`. */
  leadTimes: Map<string, LeadTimeHistory>;
  lanes: Lane[];
  /** Units due per `sku|node` and day offset from asOf (0 = today). */
  inbound: Map<string, Map<number, number>>;
  /** Nodes bought for directly (DCs, 3PLs, nodes with PO history); others are fed by transfers. */
  purchaseNodes: Set<string>;
  /**
   * Each node's total daily outflow over the window, oldest first (sql/replenishment/plan_node_demand.sql):
   * the group whose seasonal change scales a no-forecast series' window mean. A node absent here (or no map)
   * plans that series at its flat window mean.
   */
  nodeDemand?: Map<string, readonly number[]>;
}

export interface CurvePoint {
  day: string;
  without: number;
  with: number;
}

export interface PlanLine {
  sku: string;
  qty: number;
  unit_cost: number;
  cost: number;
  pack_size: number;
  moq: number;
  abc: AbcClass;
  xyz: XyzClass;
  service_level: number;
  demand_source: 'forecast' | 'baseline';
  daily_demand: number;
  daily_std: number;
  lead_time_days: number;
  lead_time_std_days: number;
  lead_time_source: string;
  levels: Levels;
  inventory_position: number;
  stockout_without: string | null;
  stockout_with: string | null;
  revenue_at_risk: number;
  curve: CurvePoint[];
  why: string;
}

export interface Recommendation {
  kind: 'purchase_order' | 'transfer';
  supplier_id: string | null;
  from_node_id: string | null;
  node_id: string;
  qty: number;
  cost: number;
  lead_days: number;
  expected_arrival: string;
  explanation: string;
  lines: PlanLine[];
}

export interface PlanResult {
  recommendations: Recommendation[];
  positions: number;
  demandSource: 'forecast' | 'baseline' | 'mixed';
}

const DAY = 86_400_000;
const isoDay = (date: Date, plus = 0): string =>
  new Date(date.getTime() + plus * DAY).toISOString().slice(0, 10);

interface Planned {
  p: PlanPosition;
  key: string;
  daily: number;
  dailyStd: number;
  source: 'forecast' | 'baseline';
  /** Baseline only: the node's seasonal change the window mean was multiplied by. */
  seasonalRatio: number | null;
  abc: AbcClass;
  xyz: XyzClass;
  level: number;
  lead: { meanDays: number; stdDays: number; source: string };
  levels: Levels;
  position: number;
}

/**
 * Daily demand and its std for one sku × node. With the active model's forecasts: the forecast (plus the
 * transfers the node ships on, from history). Without: the pooled seasonal baseline — the series' own mean
 * over the window × `ratio`, its node's seasonal change (policy/baseline.ts, seasonalRatio), so a peak that
 * has passed (January after Christmas) is not ordered again; the std stays the series' own over the window.
 */
function demandOf(
  p: PlanPosition,
  days: number,
  ratio: number,
): { daily: number; std: number; source: 'forecast' | 'baseline' } {
  const variance = (sum: number, sumsq: number) =>
    days > 1 ? Math.max(0, (sumsq - (sum * sum) / days) / (days - 1)) : 0;
  if (p.forecast_days > 0 && p.forecast_mean !== null) {
    // The model forecasts customer demand; units shipped on to other nodes come from the history.
    const daily = p.forecast_mean + p.transfer_sum / days;
    const v = (p.forecast_var ?? 0) + variance(p.transfer_sum, p.transfer_sumsq);
    return { daily, std: Math.sqrt(v), source: 'forecast' };
  }
  return {
    daily: (p.demand_sum / days) * ratio,
    std: Math.sqrt(variance(p.demand_sum, p.demand_sumsq)),
    source: 'baseline',
  };
}

/** The projected on-hand curve over `horizon` days, without and with `qty` arriving on day `arrival`. */
export function projectCurve(
  start: number,
  daily: number,
  inbound: Map<number, number> | undefined,
  horizon: number,
  asOf: Date,
  qty: number,
  arrival: number,
): { curve: CurvePoint[]; stockoutWithout: string | null; stockoutWith: string | null; shortUnits: number } {
  const curve: CurvePoint[] = [];
  let without = start;
  let withIt = start;
  let stockoutWithout: string | null = null;
  let stockoutWith: string | null = null;
  let shortUnits = 0;
  for (let day = 0; day <= horizon; day++) {
    const due = inbound?.get(day) ?? 0;
    without += due - (day > 0 ? daily : 0);
    withIt += due - (day > 0 ? daily : 0) + (day === arrival ? qty : 0);
    if (without < 0 && stockoutWithout === null) stockoutWithout = isoDay(asOf, day);
    if (withIt < 0 && stockoutWith === null) stockoutWith = isoDay(asOf, day);
    if (day > 0 && without < 0) shortUnits += Math.min(daily, -without);
    curve.push({
      day: isoDay(asOf, day),
      without: Math.round(without * 10) / 10,
      with: Math.round(withIt * 10) / 10,
    });
  }
  return { curve, stockoutWithout, stockoutWith, shortUnits };
}

export function buildPlan(input: PlanInput, config: PolicyConfig): PlanResult {
  const days = Math.max(1, input.windowDays);
  const revenue = new Map<string, number>();
  for (const p of input.positions)
    revenue.set(p.sku, (revenue.get(p.sku) ?? 0) + p.customer_sum * (p.list_price ?? 0));
  const abc = abcClasses(revenue, config);
  const lanes = new Map(input.lanes.map((lane) => [`${lane.node_id}|${lane.region}`, lane]));
  const regionOf = new Map(input.positions.map((p) => [p.node_id, p.region]));
  const dcTransit = (region: string | null): number => {
    const found = input.lanes.filter(
      (lane) => lane.region === region && input.purchaseNodes.has(lane.node_id),
    );
    return found.length > 0 ? Math.min(...found.map((lane) => lane.transit_days)) : 2;
  };

  // the node's seasonal change over the protection period P = L + R (rounded to days), computed once per pair
  const ratios = new Map<string, number>();
  const ratioOf = (nodeId: string, protectionDays: number): number => {
    const pool = input.nodeDemand?.get(nodeId);
    if (!pool) return 1;
    const horizon = Math.max(1, Math.round(protectionDays));
    const key = `${nodeId}|${horizon}`;
    let ratio = ratios.get(key);
    if (ratio === undefined) {
      ratio = seasonalRatio(pool, horizon);
      ratios.set(key, ratio);
    }
    return ratio;
  };

  const planned: Planned[] = input.positions.map((p) => {
    const bought = input.purchaseNodes.has(p.node_id);
    const lead = bought
      ? leadTimeEstimate(
          p.nominal_lead_time_days ?? 7,
          {
            supplierNode: input.leadTimes.get(`${p.supplier_id}|${p.node_id}`),
            supplier: input.leadTimes.get(`${p.supplier_id}`),
          },
          config.minLeadTimeObservations,
          config.defaultLeadTimeCv,
        )
      : { source: 'lane', meanDays: dcTransit(p.region), stdDays: 0 };
    const hasForecast = p.forecast_days > 0 && p.forecast_mean !== null;
    const ratio = hasForecast ? 1 : ratioOf(p.node_id, lead.meanDays + config.reviewPeriodDays);
    const d = demandOf(p, days, ratio);
    // Demand sensing outruns the plan: plan at the sensed pace (never below the forecast or baseline).
    const sensed = p.sensed_daily ?? 0;
    if (sensed > d.daily) d.daily = sensed;
    const cls = abc.get(p.sku) ?? 'C';
    const xyz = xyzClass(d.daily, d.std, config);
    const level = serviceLevel(config, cls, xyz);
    const levels = computeLevels({
      dailyDemand: d.daily,
      demandStdOverPeriod: stdOverPeriod(d.std, lead.meanDays + config.reviewPeriodDays),
      leadTimeDays: lead.meanDays,
      leadTimeStdDays: lead.stdDays,
      reviewPeriodDays: config.reviewPeriodDays,
      serviceLevel: level,
      orderCycleDays: config.orderCycleDays,
    });
    return {
      p,
      key: `${p.sku}|${p.node_id}`,
      daily: d.daily,
      dailyStd: d.std,
      source: d.source,
      seasonalRatio: d.source === 'baseline' ? ratio : null,
      abc: cls,
      xyz,
      level,
      lead,
      levels,
      position: p.available + p.in_transit_in + p.on_order,
    };
  });

  // What each node can give: DCs feed the network, so all but their safety stock; stores only what is
  // above both their order-up-to level and `excessWeeks` of their demand.
  const spare = new Map<string, number>();
  for (const x of planned) {
    const keep = input.purchaseNodes.has(x.p.node_id)
      ? x.levels.safetyStock
      : Math.max(x.levels.orderUpTo, x.daily * 7 * config.transfer.excessWeeks);
    spare.set(x.key, Math.max(0, Math.floor(x.p.available - keep)));
  }
  const bySku = new Map<string, Planned[]>();
  for (const x of planned) bySku.set(x.p.sku, [...(bySku.get(x.p.sku) ?? []), x]);

  // Returns centres are not replenished (their stock flows back to the DC) and give nothing.
  const stocked = (x: Planned) => x.p.node_type !== 'returns_center';
  const short = planned
    .filter((x) => stocked(x) && x.position < x.levels.reorderPoint && x.levels.orderUpTo > 0)
    .sort(
      (a, b) =>
        a.position / Math.max(a.daily, 1e-9) - b.position / Math.max(b.daily, 1e-9) ||
        (a.key < b.key ? -1 : 1),
    );

  const groups = new Map<string, Recommendation>();
  const add = (
    kind: Recommendation['kind'],
    x: Planned,
    qty: number,
    unitCost: number,
    cost: number,
    leadDays: number,
    from: string | null,
    reason: string,
  ) => {
    const arrival = Math.max(1, Math.ceil(leadDays));
    const horizon = Math.min(90, Math.ceil(x.lead.meanDays + config.reviewPeriodDays) + 7);
    const projection = projectCurve(
      x.p.available,
      x.daily,
      input.inbound.get(x.key),
      Math.max(horizon, arrival),
      input.asOf,
      qty,
      arrival,
    );
    const why = lineWhy({
      sku: x.p.sku,
      nodeId: x.p.node_id,
      kind,
      from,
      qty,
      packSize: x.p.pack_size,
      moq: x.p.moq,
      position: x.position,
      available: x.p.available,
      inbound: x.p.in_transit_in + x.p.on_order,
      levels: x.levels,
      daily: x.daily,
      leadDays: x.lead.meanDays,
      leadStdDays: x.lead.stdDays,
      reviewDays: config.reviewPeriodDays,
      serviceLevel: x.level,
      abc: x.abc,
      xyz: x.xyz,
      demandFrom:
        x.source === 'forecast'
          ? 'the forecast'
          : `the last ${days} days' mean × ${(x.seasonalRatio ?? 1).toFixed(2)}, ${x.p.node_id}'s seasonal change`,
      sensed:
        x.p.sensed_daily && x.p.sensed_daily >= x.daily - 1e-9
          ? { uplift: x.p.sensed_uplift ?? 0, driver: x.p.sensed_driver ?? 'other' }
          : null,
      reason,
      stockoutWithout: projection.stockoutWithout,
      stockoutWith: projection.stockoutWith,
    });
    const line: PlanLine = {
      sku: x.p.sku,
      qty,
      unit_cost: unitCost,
      cost,
      pack_size: x.p.pack_size,
      moq: x.p.moq,
      abc: x.abc,
      xyz: x.xyz,
      service_level: x.level,
      demand_source: x.source,
      daily_demand: x.daily,
      daily_std: x.dailyStd,
      lead_time_days: x.lead.meanDays,
      lead_time_std_days: x.lead.stdDays,
      lead_time_source: x.lead.source,
      levels: x.levels,
      inventory_position: x.position,
      stockout_without: projection.stockoutWithout,
      stockout_with: projection.stockoutWith,
      revenue_at_risk: projection.shortUnits * (x.p.list_price ?? 0),
      curve: projection.curve,
      why,
    };
    const groupKey = `${kind}|${kind === 'transfer' ? from : x.p.supplier_id}|${x.p.node_id}`;
    const group = groups.get(groupKey) ?? {
      kind,
      supplier_id: kind === 'purchase_order' ? x.p.supplier_id : null,
      from_node_id: from,
      node_id: x.p.node_id,
      qty: 0,
      cost: 0,
      lead_days: 0,
      expected_arrival: '',
      explanation: '',
      lines: [],
    };
    group.lines.push(line);
    group.qty += qty;
    group.cost += cost;
    group.lead_days = Math.max(group.lead_days, arrival);
    group.expected_arrival = isoDay(input.asOf, group.lead_days);
    groups.set(groupKey, group);
  };

  for (const x of short) {
    const needed = x.levels.orderUpTo - x.position;
    const region = regionOf.get(x.p.node_id) ?? null;
    const donors: Donor[] = [];
    for (const other of bySku.get(x.p.sku) ?? []) {
      if (other.p.node_id === x.p.node_id || !stocked(other)) continue;
      // A DC is rebalanced from other DCs only, never from the stores it feeds.
      if (input.purchaseNodes.has(x.p.node_id) && !input.purchaseNodes.has(other.p.node_id)) continue;
      const lane = region ? lanes.get(`${other.p.node_id}|${region}`) : undefined;
      const give = spare.get(other.key) ?? 0;
      if (!lane || give <= 0) continue;
      donors.push({
        nodeId: other.p.node_id,
        spareQty: give,
        transitDays: lane.transit_days,
        costPerOrder: lane.cost_per_order,
        costPerUnit: lane.cost_per_unit,
      });
    }
    const canBuy = input.purchaseNodes.has(x.p.node_id) && x.p.supplier_id !== null;
    const decisions = chooseSource(
      needed,
      { unitCost: x.p.unit_cost, leadDays: canBuy ? x.lead.meanDays : Number.POSITIVE_INFINITY },
      donors,
      config.transfer.minQty,
    );
    for (const decision of decisions) {
      if (decision.kind === 'transfer') {
        const qty = Math.ceil(decision.qty);
        spare.set(
          `${x.p.sku}|${decision.fromNodeId}`,
          (spare.get(`${x.p.sku}|${decision.fromNodeId}`) ?? 0) - qty,
        );
        add('transfer', x, qty, 0, decision.cost, decision.leadDays, decision.fromNodeId!, decision.reason);
      } else if (canBuy) {
        const qty = roundOrderQty(decision.qty, x.p.pack_size, x.p.moq);
        add(
          'purchase_order',
          x,
          qty,
          x.p.unit_cost,
          qty * x.p.unit_cost,
          x.lead.meanDays,
          null,
          decision.reason,
        );
      }
    }
  }

  const recommendations = [...groups.values()].sort((a, b) =>
    (a.kind + a.node_id + (a.supplier_id ?? a.from_node_id)).localeCompare(
      b.kind + b.node_id + (b.supplier_id ?? b.from_node_id),
    ),
  );
  for (const rec of recommendations) rec.explanation = recommendationSummary(rec);
  const sources = new Set(planned.map((x) => x.source));
  return {
    recommendations,
    positions: planned.length,
    demandSource: sources.size > 1 ? 'mixed' : sources.has('forecast') ? 'forecast' : 'baseline',
  };
}
