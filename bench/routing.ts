/**
 * `routing` (BENCHMARKS.md): one seeded order stream, three policies side by side — retailos' default
 * allocator, "fewest splits, then closest node" (Shopify's default routing rules) and "fixed node priority,
 * spill to the next" (Saleor's default allocation strategy). All three see the same orders, stock,
 * replenishment, capacities and eligibility rules; only the choice of nodes differs. retailos runs with its
 * look-ahead (lookahead.ts), fed at each batch only what a live system knows then: the demand rate and mix
 * of the last 7 days' orders and the date of the DCs' next delivery; it also runs without, for comparison.
 *
 * The network: 6 regions on a 3 × 2 grid; 2 DCs in the middle regions (cheap picking, high capacity,
 * negotiated carrier rates) and 4 stores per region (ship-from-store: dearer picking and parcel rates,
 * 40–80 units a day, 60% of the assortment). Lanes: transit 1 + distance days; cost per order and per unit
 * growing with distance. Demand: 300 skus with Zipf popularity, regional
 * weights, 1–4 lines per order, standard (3–4 days) and express (1–2 days) promises, 20% through a
 * marketplace channel limited to the DCs with a buffer. Orders arrive over 10 days and are decided in
 * micro-batches of 2 hours; what cannot be allocated waits for the next batch (FIFO); the DCs get
 * `supply` × the demand (default 100%) in deliveries every 5 days, stores hold some local stock. Allocated
 * units ship on the batch's day.
 *
 * Metrics per policy: fulfilment cost (shipment fees + per-unit costs, per unit shipped), split rate (orders
 * shipped from more than one node), on-time rate (units delivered by their promise, of units shipped),
 * units backordered at the end.
 */

import { AutoStrategy } from '../src/allocation/auto.ts';
import { toDay } from '../src/allocation/days.ts';
import { type DemandHistory, demandOutlook } from '../src/allocation/demand.ts';
import { evaluate } from '../src/allocation/evaluate.ts';
import type { Lookahead, LookaheadSettings } from '../src/allocation/lookahead.ts';
import { FewestSplitsStrategy } from '../src/allocation/policies/fewest-splits.ts';
import { PrioritySpillStrategy } from '../src/allocation/policies/priority-spill.ts';
import { buildProblem } from '../src/allocation/problem.ts';
import type { AllocationStrategy } from '../src/allocation/strategy.ts';
import type { ChannelInfo, LaneInfo, NodeInfo, OrderInput, PositionInfo } from '../src/allocation/types.ts';
import type { BenchReport } from './lib/report.ts';
import { seededRandom } from './lib/rng.ts';

const START = Date.parse('2025-09-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DELIVERY_EVERY_DAYS = 5;

export interface Network {
  nodes: NodeInfo[];
  lanes: LaneInfo[];
  channels: ChannelInfo[];
  /** Node ids in the merchant's priority order (DCs, then stores) — the baselines' tie-break and list. */
  priority: string[];
}

export interface Stream {
  orders: OrderInput[];
  /** Initial stock and replenishments: [time ms, position]. */
  receipts: [number, PositionInfo][];
  days: number;
  /** The DCs get a delivery every this many days, from day 0. */
  deliveryEveryDays: number;
}

export interface RoutingOptions {
  days?: number;
  ordersPerDay?: number;
  seed?: number;
  /** DC deliveries as a multiple of the horizon's demand per sku. Default 1.0. */
  supply?: number;
}

export function network(rng: () => number): Network {
  const regions = Array.from({ length: 6 }, (_, i) => ({ id: `R${i + 1}`, x: i % 3, y: Math.floor(i / 3) }));
  const nodes: NodeInfo[] = [];
  const where = new Map<string, { x: number; y: number }>();
  // Two DCs in the middle of the map (R2, R5): at most 2 regions from any customer.
  [1, 4].forEach((r, i) => {
    const nodeId = `DC-${i + 1}`;
    nodes.push({
      nodeId,
      region: regions[r]!.id,
      canShip: true,
      canPickup: false,
      capacityPerDay: 1500,
      pickCost: 0.4,
    });
    where.set(nodeId, regions[r]!);
  });
  for (const region of regions) {
    for (let s = 1; s <= 4; s++) {
      const nodeId = `ST-${region.id}-${s}`;
      nodes.push({
        nodeId,
        region: region.id,
        canShip: true,
        canPickup: true,
        capacityPerDay: 40 + Math.floor(rng() * 40),
        pickCost: Math.round((1.6 + rng() * 0.6) * 100) / 100,
      });
      where.set(nodeId, region);
    }
  }
  // DCs ship on negotiated carrier rates (zone-skipping); stores on parcel rates.
  const lanes: LaneInfo[] = [];
  for (const node of nodes) {
    const from = where.get(node.nodeId)!;
    const dc = node.nodeId.startsWith('DC');
    for (const to of regions) {
      const distance = Math.abs(from.x - to.x) + Math.abs(from.y - to.y);
      lanes.push({
        nodeId: node.nodeId,
        region: to.id,
        transitDays: 1 + distance,
        costPerOrder: Math.round(((dc ? 4.5 : 6.5) + (dc ? 0.8 : 1.2) * distance) * 100) / 100,
        costPerUnit: Math.round(((dc ? 0.25 : 0.3) + 0.2 * distance) * 100) / 100,
      });
    }
  }
  const dcs = nodes.filter((node) => node.nodeId.startsWith('DC')).map((node) => node.nodeId);
  return {
    nodes,
    lanes,
    channels: [
      { channelId: 'web', nodeIds: null, bufferUnits: 0, bufferPct: 0 },
      { channelId: 'marketplace', nodeIds: dcs, bufferUnits: 2, bufferPct: 10 },
    ],
    // The merchant's list: DCs first, then stores.
    priority: nodes.map((node) => node.nodeId),
  };
}

export function stream(
  rng: () => number,
  net: Network,
  days: number,
  ordersPerDay: number,
  supply: number,
): Stream {
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const skus = 300;
  const weights = Array.from({ length: skus }, (_, i) => 1 / (i + 1) ** 0.9);
  const total = weights.reduce((a, b) => a + b, 0);
  const pickSku = () => {
    let u = rng() * total;
    for (let i = 0; i < skus; i++) {
      u -= weights[i]!;
      if (u <= 0) return i;
    }
    return skus - 1;
  };
  const regions = [...new Set(net.lanes.map((lane) => lane.region))];
  const regionWeights = regions.map((_, i) => [1.6, 1.0, 0.7, 1.3, 0.9, 0.5][i] ?? 1);
  const regionTotal = regionWeights.reduce((a, b) => a + b, 0);
  const pickRegion = () => {
    let u = rng() * regionTotal;
    for (let i = 0; i < regions.length; i++) {
      u -= regionWeights[i]!;
      if (u <= 0) return regions[i]!;
    }
    return regions.at(-1)!;
  };
  const sku = (i: number) => `SKU-${String(i + 1).padStart(3, '0')}`;
  const orders: OrderInput[] = [];
  const demand = new Float64Array(skus);
  for (let d = 0; d < days; d++) {
    for (let k = 0; k < ordersPerDay; k++) {
      const placed = START + d * 24 * HOUR + Math.floor(rng() * 24 * HOUR);
      const day = toDay(new Date(placed).toISOString());
      const express = rng() < 0.2;
      const lineCount = Math.min(4, 1 + Math.floor(-Math.log(1 - rng()) * 0.9));
      const chosen = new Set<number>();
      while (chosen.size < lineCount) chosen.add(pickSku());
      orders.push({
        orderId: `O${orders.length + 1}`,
        channelId: rng() < 0.2 ? 'marketplace' : 'web',
        shipToRegion: pickRegion(),
        serviceLevel: express ? 'express' : 'standard',
        promisedBy: day + (express ? int(1, 2) : int(3, 4)),
        pickupNodeId: null,
        placedAt: new Date(placed).toISOString(),
        placedSeq: 0,
        lines: [...chosen].map((s, index) => {
          const qty = rng() < 0.8 ? 1 : 2;
          demand[s] = demand[s]! + qty;
          return { lineId: String(index + 1), sku: sku(s), qty, open: qty, unitPrice: 25 };
        }),
      });
    }
  }
  orders.sort((a, b) => Date.parse(a.placedAt) - Date.parse(b.placedAt));
  orders.forEach((order, index) => {
    order.placedSeq = index + 1;
  });
  // Supply: the DCs get `supply` × each sku's demand over the horizon, split unevenly, in deliveries every 5
  // days; each store carries 60% of the skus, stocked for a share of its region's demand.
  const receipts: [number, PositionInfo][] = [];
  const dcs = net.nodes.filter((node) => node.nodeId.startsWith('DC'));
  const stores = net.nodes.filter((node) => !node.nodeId.startsWith('DC'));
  const deliveries = Math.ceil(days / DELIVERY_EVERY_DAYS);
  const regionShare = new Map(regions.map((region, i) => [region, regionWeights[i]! / regionTotal]));
  for (let s = 0; s < skus; s++) {
    const split = dcs.map(() => 0.5 + rng());
    const splitTotal = split.reduce((a, b) => a + b, 0);
    for (let r = 0; r < deliveries; r++) {
      dcs.forEach((dc, i) => {
        const qty = Math.round(((demand[s]! * supply) / deliveries) * (split[i]! / splitTotal));
        if (qty > 0)
          receipts.push([
            START + r * DELIVERY_EVERY_DAYS * DAY,
            { sku: sku(s), nodeId: dc.nodeId, sellable: qty, reserved: 0 },
          ]);
      });
    }
    for (const store of stores) {
      if (rng() >= 0.6) continue;
      const local = (demand[s]! * regionShare.get(store.region)!) / 4;
      const qty = Math.round(1 + local * 0.5 * (0.5 + rng()));
      receipts.push([START, { sku: sku(s), nodeId: store.nodeId, sellable: qty, reserved: 0 }]);
    }
  }
  return { orders, receipts, days, deliveryEveryDays: DELIVERY_EVERY_DAYS };
}

export interface PolicyResult {
  policy: string;
  cost: number;
  unitsShipped: number;
  unitsOnTime: number;
  ordersShipped: number;
  splitOrders: number;
  backordered: number;
  seconds: number;
}

export interface SimulateOptions {
  /**
   * Give the strategy a look-ahead built from what a live system knows at each batch: the demand rate of
   * the orders placed so far (no forecasts here) and the date of the next DC delivery (its purchase order).
   */
  lookahead?: Partial<LookaheadSettings> | undefined;
  /** Days of order history the demand rate looks back over. Default 7. */
  historyDays?: number;
}

/** Recent orders as the look-ahead sees them: a sliding window over the orders placed so far. */
class OrderHistory {
  private readonly window: OrderInput[] = [];
  private head = 0;
  private readonly skuUnits = new Map<string, number>();
  private readonly mix = new Map<
    string,
    { channelId: string; region: string; promiseDays: number; units: number }
  >();
  private orders = 0;
  private units = 0;

  constructor(private readonly days: number) {}

  add(order: OrderInput): void {
    this.window.push(order);
    this.count(order, 1);
  }

  /** The history at time `t` (ms): orders placed in the last `days` days. */
  at(t: number): { history: DemandHistory; unitsPerOrder: number } {
    while (
      this.head < this.window.length &&
      Date.parse(this.window[this.head]!.placedAt) <= t - this.days * DAY
    ) {
      this.count(this.window[this.head]!, -1);
      this.head++;
    }
    const covered = Math.min(this.days, (t - START) / DAY);
    return {
      // At least a day: the first hours' few orders would otherwise inflate the rate.
      history: { days: Math.max(covered, 1), skuUnits: this.skuUnits, mix: [...this.mix.values()] },
      unitsPerOrder: this.orders > 0 ? this.units / this.orders : 1,
    };
  }

  private count(order: OrderInput, sign: number): void {
    const promiseDays = order.promisedBy! - toDay(order.placedAt);
    const key = `${order.channelId}\u0000${order.shipToRegion}\u0000${promiseDays}`;
    const entry = this.mix.get(key) ?? {
      channelId: order.channelId,
      region: order.shipToRegion,
      promiseDays,
      units: 0,
    };
    this.mix.set(key, entry);
    this.orders += sign;
    for (const line of order.lines) {
      entry.units += sign * line.qty;
      this.units += sign * line.qty;
      this.skuUnits.set(line.sku, (this.skuUnits.get(line.sku) ?? 0) + sign * line.qty);
    }
  }
}

export async function simulate(
  net: Network,
  s: Stream,
  strategy: AllocationStrategy,
  label: string,
  options: SimulateOptions = {},
): Promise<PolicyResult> {
  const started = performance.now();
  const stock = new Map<string, number>();
  const key = (sku: string, nodeId: string) => `${sku}\u0000${nodeId}`;
  const receipts = [...s.receipts].sort((a, b) => a[0] - b[0]);
  let nextReceipt = 0;
  const open = new Map<string, OrderInput>();
  const shippedFrom = new Map<string, Set<string>>();
  let nextOrder = 0;
  let cost = 0;
  let unitsShipped = 0;
  let unitsOnTime = 0;
  let capacityDay = -1;
  const capacityUsed = new Map<string, number>();
  const history = new OrderHistory(options.historyDays ?? 7);
  // The DCs are replenished every `deliveryEveryDays` days and their purchase orders are known ahead, as in
  // a live system — including the one due when the simulated days end (a retailer's replenishment goes on).
  const deliveryEvery = s.deliveryEveryDays * DAY;
  const batchHours = 2;
  for (let t = START + batchHours * HOUR; t <= START + s.days * 24 * HOUR; t += batchHours * HOUR) {
    while (nextReceipt < receipts.length && receipts[nextReceipt]![0] <= t) {
      const [, position] = receipts[nextReceipt++]!;
      const k = key(position.sku, position.nodeId);
      stock.set(k, (stock.get(k) ?? 0) + position.sellable);
    }
    while (nextOrder < s.orders.length && Date.parse(s.orders[nextOrder]!.placedAt) <= t) {
      const order = s.orders[nextOrder++]!;
      open.set(order.orderId, { ...order, lines: order.lines.map((line) => ({ ...line })) });
      history.add(order);
    }
    const asOf = new Date(t - 1).toISOString();
    const day = toDay(asOf);
    if (day !== capacityDay) {
      capacityDay = day;
      capacityUsed.clear();
    }
    const positions: PositionInfo[] = [];
    for (const [k, sellable] of stock) {
      if (sellable <= 0) continue;
      const [sku, nodeId] = k.split('\u0000') as [string, string];
      positions.push({ sku, nodeId, sellable, reserved: 0 });
    }
    let lookahead: Lookahead | undefined;
    if (options.lookahead) {
      const { history: recent, unitsPerOrder } = history.at(t);
      const skus = new Set<string>();
      for (const order of open.values())
        for (const line of order.lines) if (line.open > 0) skus.add(line.sku);
      const nextDelivery = START + (Math.floor((t - START) / deliveryEvery) + 1) * deliveryEvery;
      const nextInboundDays = new Map([...skus].map((sku) => [sku, (nextDelivery - t) / DAY]));
      lookahead = {
        demand: demandOutlook(recent, [], skus),
        nextInboundDays,
        settings: { unitsPerShipment: unitsPerOrder, ...options.lookahead },
      };
    }
    const problem = buildProblem({
      lookahead,
      day,
      nodes: net.nodes,
      lanes: net.lanes,
      channels: net.channels,
      positions,
      capacityUsed,
      openShipments: new Map(),
      orders: [...open.values()],
    });
    const outcome = await strategy.solve(problem);
    const evaluation = evaluate(problem, outcome.plan);
    cost += evaluation.cost;
    for (let l = 0; l < problem.lines.length; l++) {
      const line = problem.lines[l]!;
      const order = problem.orders[line.order]!.order;
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
        const qty = outcome.plan[c]!;
        if (qty <= 0) continue;
        const nodeId = problem.nodes[problem.candNode[c]!]!.nodeId;
        const k = key(line.line.sku, nodeId);
        stock.set(k, stock.get(k)! - qty);
        capacityUsed.set(nodeId, (capacityUsed.get(nodeId) ?? 0) + qty);
        line.line.open -= qty;
        unitsShipped += qty;
        if (problem.candOnTime[c] === 1) unitsOnTime += qty;
        let nodes = shippedFrom.get(order.orderId);
        if (!nodes) {
          nodes = new Set();
          shippedFrom.set(order.orderId, nodes);
        }
        nodes.add(nodeId);
      }
    }
    for (const [orderId, order] of open)
      if (order.lines.every((line) => line.open <= 0)) open.delete(orderId);
  }
  let backordered = 0;
  for (const order of open.values()) for (const line of order.lines) backordered += Math.max(line.open, 0);
  const splitOrders = [...shippedFrom.values()].filter((nodes) => nodes.size > 1).length;
  return {
    policy: label,
    cost,
    unitsShipped,
    unitsOnTime,
    ordersShipped: shippedFrom.size,
    splitOrders,
    backordered,
    seconds: (performance.now() - started) / 1000,
  };
}

export async function benchRouting(options: RoutingOptions & { events?: number } = {}): Promise<BenchReport> {
  const days = options.days ?? 10;
  const ordersPerDay = options.ordersPerDay ?? 600;
  const seed = options.seed ?? 7;
  const supply = options.supply ?? 1.0;
  const startedAt = new Date().toISOString();
  const rng = seededRandom(seed);
  const net = network(rng);
  const orders = stream(rng, net, days, ordersPerDay, supply);
  // retailos runs with its look-ahead at the default settings (lookahead.ts), fed what a live system knows
  // at each batch; the myopic run beside it shows what the look-ahead adds.
  const policies: [string, AllocationStrategy, SimulateOptions][] = [
    ['retailos', new AutoStrategy(), { lookahead: {} }],
    ['fewest splits, then closest (Shopify default)', new FewestSplitsStrategy(net.priority), {}],
    ['node priority, spill (Saleor default)', new PrioritySpillStrategy(net.priority), {}],
    ['retailos without look-ahead', new AutoStrategy(), {}],
  ];
  const results: PolicyResult[] = [];
  for (const [label, strategy, simulateOptions] of policies) {
    const result = await simulate(net, orders, strategy, label, simulateOptions);
    process.stderr.write(
      `${label}: cost ${result.cost.toFixed(2)}, ${result.unitsShipped} units, on time ${((100 * result.unitsOnTime) / result.unitsShipped).toFixed(1)}%, ` +
        `splits ${((100 * result.splitOrders) / result.ordersShipped).toFixed(1)}%, backordered ${result.backordered} (${result.seconds.toFixed(1)} s)\n`,
    );
    results.push(result);
  }
  const [ours, shopify, saleor] = results as [PolicyResult, PolicyResult, PolicyResult, PolicyResult];
  const perUnit = (r: PolicyResult) => r.cost / r.unitsShipped;
  const onTime = (r: PolicyResult) => r.unitsOnTime / r.unitsShipped;
  const saving = (other: PolicyResult) => 1 - perUnit(ours) / perUnit(other);
  const rows: BenchReport['rows'] = [];
  for (const r of results) {
    rows.push(
      { metric: `${r.policy}: fulfilment cost`, value: Math.round(r.cost * 100) / 100, unit: 'money' },
      { metric: `${r.policy}: cost per unit shipped`, value: Number(perUnit(r).toFixed(3)), unit: 'money' },
      { metric: `${r.policy}: on-time rate`, value: Number((100 * onTime(r)).toFixed(2)), unit: '%' },
      {
        metric: `${r.policy}: split rate`,
        value: Number(((100 * r.splitOrders) / r.ordersShipped).toFixed(2)),
        unit: '%',
      },
      { metric: `${r.policy}: units shipped`, value: r.unitsShipped, unit: 'units' },
      { metric: `${r.policy}: units backordered at the end`, value: r.backordered, unit: 'units' },
    );
  }
  rows.push(
    {
      metric: 'retailos cost per unit below fewest-splits',
      value: Number((100 * saving(shopify)).toFixed(2)),
      unit: '%',
      target: '>= 10%',
      ok: saving(shopify) >= 0.1,
    },
    {
      metric: 'retailos cost per unit below node-priority',
      value: Number((100 * saving(saleor)).toFixed(2)),
      unit: '%',
      target: '>= 10%',
      ok: saving(saleor) >= 0.1,
    },
    {
      metric: 'retailos on-time rate',
      value: Number((100 * onTime(ours)).toFixed(2)),
      unit: '%',
      target: '>= 98%',
      ok: onTime(ours) >= 0.98,
    },
    {
      metric: 'retailos units backordered minus the best baseline',
      value: ours.backordered - Math.min(shopify.backordered, saleor.backordered),
      unit: 'units',
      target: '<= 0',
      ok: ours.backordered <= Math.min(shopify.backordered, saleor.backordered),
    },
    {
      metric: 'retailos on-time rate minus the better baseline',
      value: Number((100 * (onTime(ours) - Math.max(onTime(shopify), onTime(saleor)))).toFixed(2)),
      unit: 'points',
      target: '>= 0',
      ok: onTime(ours) >= Math.max(onTime(shopify), onTime(saleor)),
    },
  );
  return {
    name: 'routing',
    description: `one order stream (${orders.orders.length.toLocaleString('en-US')} orders over ${days} days, 2-hour batches), three policies side by side (and retailos without its look-ahead)`,
    startedAt,
    parameters: { days, ordersPerDay, seed, supply, nodes: net.nodes.length, orders: orders.orders.length },
    rows,
  };
}
