/**
 * Small builders for allocator inputs, so a test reads like its hand computation: nodes with their lanes,
 * stock per node, orders with their lines.
 */
import { toDay } from '../../../src/allocation/days.ts';
import type {
  AllocationInput,
  ChannelInfo,
  ClaimInfo,
  LaneInfo,
  NodeInfo,
  OrderInput,
  PositionInfo,
  ServiceLevel,
} from '../../../src/allocation/types.ts';

export const AS_OF = '2025-03-10T12:00:00Z';
export const TODAY = toDay(AS_OF);

export interface NodeSpec {
  region?: string;
  canShip?: boolean;
  canPickup?: boolean;
  capacity?: number | null;
  pickCost?: number;
  /** Lanes by region: [transit_days, cost_per_order, cost_per_unit]. */
  lanes?: Record<string, [number, number, number]>;
  /** Sellable units by sku. */
  stock?: Record<string, number>;
}

export interface OrderSpec {
  channel?: string;
  region?: string;
  service?: ServiceLevel;
  /** Days after today, or a date. */
  promise?: number | string | null;
  pickup?: string;
  placedAt?: string;
  hold?: boolean;
  /** [sku, qty] or [sku, qty, open]. */
  lines: [string, number, number?][];
}

export interface Scenario {
  nodes: Record<string, NodeSpec>;
  channels?: ChannelInfo[];
  orders: Record<string, OrderSpec>;
  claims?: Partial<ClaimInfo>[];
  asOf?: string;
}

export function scenario(spec: Scenario): AllocationInput {
  const nodes: NodeInfo[] = [];
  const lanes: LaneInfo[] = [];
  const positions: PositionInfo[] = [];
  for (const [nodeId, node] of Object.entries(spec.nodes)) {
    nodes.push({
      nodeId,
      region: node.region ?? 'east',
      canShip: node.canShip ?? true,
      canPickup: node.canPickup ?? false,
      capacityPerDay: node.capacity ?? null,
      pickCost: node.pickCost ?? 0,
    });
    for (const [region, [transitDays, costPerOrder, costPerUnit]] of Object.entries(node.lanes ?? {})) {
      lanes.push({ nodeId, region, transitDays, costPerOrder, costPerUnit });
    }
    for (const [sku, sellable] of Object.entries(node.stock ?? {})) {
      positions.push({ sku, nodeId, sellable, reserved: 0 });
    }
  }
  const claims: ClaimInfo[] = (spec.claims ?? []).map((claim) => ({
    orderId: 'X',
    lineId: '1',
    nodeId: 'N1',
    sku: 'A',
    reserved: 0,
    shipped: 0,
    allocatedEvents: 1,
    releasedEvents: 0,
    allocatedDay: TODAY,
    ...claim,
  }));
  // Reservations are claims on sellable units.
  for (const claim of claims) {
    const position = positions.find((p) => p.sku === claim.sku && p.nodeId === claim.nodeId);
    if (position) position.reserved += claim.reserved;
    else positions.push({ sku: claim.sku, nodeId: claim.nodeId, sellable: 0, reserved: claim.reserved });
  }
  let seq = 0;
  const orders: OrderInput[] = Object.entries(spec.orders).map(([orderId, order]) => {
    seq++;
    const promise = order.promise;
    return {
      orderId,
      channelId: order.channel ?? 'web',
      shipToRegion: order.region ?? 'east',
      serviceLevel: order.service ?? (order.pickup ? 'pickup' : 'standard'),
      promisedBy:
        promise === undefined || promise === null
          ? null
          : typeof promise === 'number'
            ? TODAY + promise
            : toDay(promise),
      pickupNodeId: order.pickup ?? null,
      placedAt: order.placedAt ?? new Date(Date.parse('2025-03-10T08:00:00Z') + seq * 60_000).toISOString(),
      placedSeq: seq,
      onHold: order.hold ?? false,
      lines: order.lines.map(([sku, qty, open], index) => ({
        lineId: String(index + 1),
        sku,
        qty,
        open: open ?? qty,
        unitPrice: 10,
      })),
    };
  });
  return {
    asOf: spec.asOf ?? AS_OF,
    nodes,
    lanes,
    channels: spec.channels ?? [{ channelId: 'web', nodeIds: null, bufferUnits: 0, bufferPct: 0 }],
    positions,
    claims,
    orders,
  };
}

/** Allocations as compact `order/line@node×qty` strings, sorted. */
export function picks(result: {
  allocations: { orderId: string; lineId: string; nodeId: string; qty: number }[];
}) {
  return result.allocations.map((a) => `${a.orderId}/${a.lineId}@${a.nodeId}x${a.qty}`).sort();
}
