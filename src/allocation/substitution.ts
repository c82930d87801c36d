/**
 * Substitutes for a line that cannot be served in time: items of the same category and attributes
 * (pack size, and brand when the ordered item has one) at a similar list price, that an eligible node can
 * deliver within the order's promise right now (after this run's allocations). Ranked by price closeness,
 * then cost. Offering is all this does; accepting one is a workflow action (`acceptSubstitution` in
 * service.ts) that amends the line and re-allocates it.
 */
import { buildProblem, remainingOf, room } from './problem.ts';
import type {
  Allocation,
  ChannelInfo,
  Day,
  ItemInfo,
  LaneInfo,
  NodeInfo,
  OrderInput,
  PositionInfo,
  SubstituteOffer,
} from './types.ts';

export interface SubstitutionPolicy {
  /** Largest |price − original| / original. Default 0.15. */
  maxPriceDelta: number;
  /** Require the same brand when the ordered item has one. Default true. */
  sameBrand: boolean;
  /** Offers per line. Default 3. */
  maxOffers: number;
}

export const DEFAULT_SUBSTITUTION_POLICY: SubstitutionPolicy = {
  maxPriceDelta: 0.15,
  sameBrand: true,
  maxOffers: 3,
};

export interface SubstitutionRequest {
  orderId: string;
  lineId: string;
  sku: string;
  /** Units that could not be served in time. */
  qty: number;
}

export interface SubstitutionContext {
  day: Day;
  items: readonly ItemInfo[];
  nodes: readonly NodeInfo[];
  lanes: readonly LaneInfo[];
  channels: readonly ChannelInfo[];
  /** Positions of the candidate skus (at least), as the ledger shows them. */
  positions: readonly PositionInfo[];
  /** This run's allocations (they reserve stock the positions do not show yet). */
  allocations: readonly Allocation[];
  /** Units already allocated today per node. */
  capacityUsed: ReadonlyMap<string, number>;
  orders: ReadonlyMap<string, OrderInput>;
}

/** Skus that may stand in for `sku` by category, attributes and price (before availability). */
export function similarItems(
  sku: string,
  items: readonly ItemInfo[],
  policy: SubstitutionPolicy = DEFAULT_SUBSTITUTION_POLICY,
): ItemInfo[] {
  const original = items.find((item) => item.sku === sku);
  if (!original) return [];
  return items.filter(
    (item) =>
      item.sku !== sku &&
      item.category === original.category &&
      item.packSize === original.packSize &&
      (!policy.sameBrand || original.brand === null || item.brand === original.brand) &&
      priceDelta(item, original) <= policy.maxPriceDelta + 1e-12,
  );
}

function priceDelta(item: ItemInfo, original: ItemInfo): number {
  if (original.listPrice <= 0) return item.listPrice <= 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(item.listPrice - original.listPrice) / original.listPrice;
}

export function findSubstitutes(
  requests: readonly SubstitutionRequest[],
  context: SubstitutionContext,
  policy: SubstitutionPolicy = DEFAULT_SUBSTITUTION_POLICY,
): Map<string, SubstituteOffer[]> {
  const offers = new Map<string, SubstituteOffer[]>();
  const itemBySku = new Map(context.items.map((item) => [item.sku, item]));
  // Stock this run just reserved is not available to substitutes.
  const reservedNow = new Map<string, number>();
  for (const allocation of context.allocations) {
    const key = `${allocation.sku}\u0000${allocation.nodeId}`;
    reservedNow.set(key, (reservedNow.get(key) ?? 0) + allocation.qty);
  }
  const positions = context.positions.map((position) => {
    const extra = reservedNow.get(`${position.sku}\u0000${position.nodeId}`) ?? 0;
    return extra > 0 ? { ...position, reserved: position.reserved + extra } : position;
  });
  const capacityUsed = new Map(context.capacityUsed);
  for (const allocation of context.allocations) {
    capacityUsed.set(allocation.nodeId, (capacityUsed.get(allocation.nodeId) ?? 0) + allocation.qty);
  }
  // One pseudo order per (line, substitute): same channel, region, service level and promise.
  const pseudo: OrderInput[] = [];
  const meta: { key: string; request: SubstitutionRequest; item: ItemInfo; original: ItemInfo }[] = [];
  for (const request of requests) {
    const order = context.orders.get(request.orderId);
    const original = itemBySku.get(request.sku);
    if (!order || !original) continue;
    for (const item of similarItems(request.sku, context.items, policy)) {
      meta.push({ key: `${request.orderId}\u0000${request.lineId}`, request, item, original });
      pseudo.push({
        ...order,
        orderId: `${order.orderId}\u0000${request.lineId}\u0000${item.sku}`,
        onHold: false,
        lines: [{ lineId: request.lineId, sku: item.sku, qty: request.qty, open: request.qty, unitPrice: 0 }],
      });
    }
  }
  if (pseudo.length === 0) return offers;
  const problem = buildProblem({
    day: context.day,
    nodes: context.nodes,
    lanes: context.lanes,
    channels: context.channels,
    positions,
    capacityUsed,
    openShipments: new Map(),
    orders: pseudo,
  });
  const remaining = remainingOf(problem);
  const byPseudoId = new Map(pseudo.map((order, index) => [order.orderId, meta[index]!]));
  for (const line of problem.lines) {
    const entry = byPseudoId.get(problem.orders[line.order]!.order.orderId)!;
    let best: SubstituteOffer | null = null;
    for (let c = problem.candStart[line.index]!; c < problem.candStart[line.index + 1]!; c++) {
      if (problem.candOnTime[c] !== 1) continue;
      const units = room(problem, remaining, line.index, c);
      if (units < entry.request.qty) continue;
      const unitCost = problem.candUnit[c]!;
      if (best && unitCost >= best.unitCost) continue;
      best = {
        sku: entry.item.sku,
        listPrice: entry.item.listPrice,
        priceDelta: priceDelta(entry.item, entry.original),
        nodeId: problem.nodes[problem.candNode[c]!]!.nodeId,
        unitCost,
        eta: problem.day + problem.candTransit[c]!,
        availableUnits: units,
      };
    }
    if (!best) continue;
    let list = offers.get(entry.key);
    if (!list) {
      list = [];
      offers.set(entry.key, list);
    }
    list.push(best);
  }
  for (const [key, list] of offers) {
    list.sort((a, b) => a.priceDelta - b.priceDelta || a.unitCost - b.unitCost || (a.sku < b.sku ? -1 : 1));
    offers.set(key, list.slice(0, policy.maxOffers));
  }
  return offers;
}
