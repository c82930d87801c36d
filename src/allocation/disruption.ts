/**
 * Disruption: reservations a node can no longer honour are released so the run re-allocates them.
 * - A node that stopped shipping (`can_ship` false now) releases every unshipped reservation of ship
 *   orders (pickup orders collect in store and are not affected) — except a claim another system made at a
 *   node that ships for none of our channels: a marketplace fulfilling its own order from its own
 *   warehouse (Amazon FBA, docs/channels-inbound.md). Releasing it would book the same units at one of
 *   our nodes too, while the marketplace ships them anyway.
 * - A node whose `ship_capacity_per_day` dropped below what is allocated for the day releases the excess:
 *   the latest orders first (reverse FIFO), so earlier orders keep their place.
 * Released lines are open again and compete in the same run with their original placement priority.
 */
import { compareOrders } from './problem.ts';
import type { AllocationInput, ClaimInfo, Day, OrderInput, Release } from './types.ts';

/** Units of a node's capacity used by the day's claims (reserved + shipped against them). */
export function capacityUsed(claims: readonly ClaimInfo[], day: Day): Map<string, number> {
  const used = new Map<string, number>();
  for (const claim of claims) {
    if (claim.allocatedDay !== day) continue;
    const units = claim.reserved + claim.shipped;
    if (units > 0) used.set(claim.nodeId, (used.get(claim.nodeId) ?? 0) + units);
  }
  return used;
}

export function planReleases(input: AllocationInput, day: Day): Release[] {
  const nodes = new Map(input.nodes.map((node) => [node.nodeId, node]));
  const orders = new Map(input.orders.map((order) => [order.orderId, order]));
  const releases: Release[] = [];
  const released = new Map<ClaimInfo, number>();
  for (const claim of input.claims) {
    if (claim.reserved <= 0) continue;
    const node = nodes.get(claim.nodeId);
    const order = orders.get(claim.orderId);
    if (!node || !order || order.serviceLevel === 'pickup' || node.canShip || claim.external) continue;
    releases.push({ ...claimKey(claim), qty: claim.reserved, reason: 'node_stopped_shipping' });
    released.set(claim, claim.reserved);
  }
  const used = capacityUsed(input.claims, day);
  for (const node of input.nodes) {
    if (node.capacityPerDay === null) continue;
    let excess = (used.get(node.nodeId) ?? 0) - node.capacityPerDay;
    if (excess <= 0) continue;
    // Latest placement first; within an order, last line first.
    const todays = input.claims
      .filter((claim) => claim.nodeId === node.nodeId && claim.allocatedDay === day && claim.reserved > 0)
      .map((claim) => ({ claim, order: orders.get(claim.orderId) }))
      .filter((entry): entry is { claim: ClaimInfo; order: OrderInput } => entry.order !== undefined)
      .sort(
        (a, b) =>
          compareOrders(b.order, a.order) ||
          lineIndex(b.order, b.claim.lineId) - lineIndex(a.order, a.claim.lineId) ||
          (a.claim.sku < b.claim.sku ? 1 : a.claim.sku > b.claim.sku ? -1 : 0),
      );
    for (const { claim } of todays) {
      if (excess <= 0) break;
      const already = released.get(claim) ?? 0;
      const qty = Math.min(excess, claim.reserved - already);
      if (qty <= 0) continue;
      releases.push({ ...claimKey(claim), qty, reason: 'capacity_reduced' });
      released.set(claim, already + qty);
      excess -= qty;
    }
  }
  return releases;
}

function claimKey(claim: ClaimInfo) {
  return { orderId: claim.orderId, lineId: claim.lineId, sku: claim.sku, nodeId: claim.nodeId };
}

function lineIndex(order: OrderInput, lineId: string): number {
  return order.lines.findIndex((line) => line.lineId === lineId);
}

/** The input as it stands once `releases` took effect: stock and capacity freed, lines open again. */
export function applyReleases(input: AllocationInput, releases: readonly Release[]): AllocationInput {
  if (releases.length === 0) return input;
  const key = (...parts: string[]) => parts.join('\u0000');
  const byClaim = new Map<string, number>();
  const byPosition = new Map<string, number>();
  const byLine = new Map<string, number>();
  for (const release of releases) {
    const claim = key(release.orderId, release.lineId, release.nodeId, release.sku);
    byClaim.set(claim, (byClaim.get(claim) ?? 0) + release.qty);
    const position = key(release.sku, release.nodeId);
    byPosition.set(position, (byPosition.get(position) ?? 0) + release.qty);
    const line = key(release.orderId, release.lineId);
    byLine.set(line, (byLine.get(line) ?? 0) + release.qty);
  }
  return {
    ...input,
    claims: input.claims.map((claim) => {
      const qty = byClaim.get(key(claim.orderId, claim.lineId, claim.nodeId, claim.sku));
      return qty ? { ...claim, reserved: claim.reserved - qty } : claim;
    }),
    positions: input.positions.map((position) => {
      const qty = byPosition.get(key(position.sku, position.nodeId));
      return qty ? { ...position, reserved: position.reserved - qty } : position;
    }),
    orders: input.orders.map((order) => {
      if (!order.lines.some((line) => byLine.has(key(order.orderId, line.lineId)))) return order;
      return {
        ...order,
        lines: order.lines.map((line) => {
          const qty = byLine.get(key(order.orderId, line.lineId));
          return qty ? { ...line, open: line.open + qty } : line;
        }),
      };
    }),
  };
}
