/**
 * The adapter's read side: the allocator's input from the warehouse, one query file per question
 * (`sql/allocation/`). Claims and lines are materialized as connection-local temp tables first
 * (temp.alloc_claims, temp.alloc_lines) because several queries read them.
 */
import type { Warehouse } from '../warehouse/warehouse.ts';
import { toDay } from './days.ts';
import type { HoldSource } from './holds.ts';
import { type LookaheadOptions, loadLookahead } from './lookahead-source.ts';
import type { PositionSource } from './positions.ts';
import { allocationSql } from './sql.ts';
import type {
  AllocationInput,
  ChannelInfo,
  ClaimInfo,
  Day,
  ItemInfo,
  LaneInfo,
  NodeInfo,
  OrderInput,
  ServiceLevel,
} from './types.ts';

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/** The business time a run uses unless told: the latest event's, capped at now. Null when there are no events. */
export async function defaultAsOf(warehouse: Warehouse): Promise<string | null> {
  const row = await warehouse.one<{ as_of_ms: bigint | null }>(allocationSql('as_of'));
  return row?.as_of_ms === null || row?.as_of_ms === undefined
    ? null
    : new Date(Number(row.as_of_ms)).toISOString();
}

/** Materializes temp.alloc_claims and temp.alloc_lines for a run at `asOf`. */
export async function stageClaimsAndLines(warehouse: Warehouse, asOf: string): Promise<void> {
  await warehouse.run(`CREATE OR REPLACE TEMP TABLE alloc_claims AS\n${allocationSql('claims')}`);
  await warehouse.run(`CREATE OR REPLACE TEMP TABLE alloc_lines AS\n${allocationSql('order_lines')}`, {
    as_of_ms: Date.parse(asOf),
  });
}

export async function loadClaims(warehouse: Warehouse, day: Day): Promise<ClaimInfo[]> {
  const rows = await warehouse.all<Record<string, unknown>>(allocationSql('run_claims'), { day });
  return rows.map((row) => ({
    orderId: row.order_id as string,
    lineId: row.line_id as string,
    nodeId: row.node_id as string,
    sku: row.sku as string,
    reserved: num(row.reserved),
    shipped: num(row.shipped),
    allocatedEvents: num(row.allocated_events),
    releasedEvents: num(row.released_events),
    allocatedDay: row.allocated_day === null ? null : num(row.allocated_day),
    external: row.external === true,
  }));
}

export async function loadOrders(warehouse: Warehouse, held: ReadonlySet<string>): Promise<OrderInput[]> {
  const rows = await warehouse.all<Record<string, unknown>>(allocationSql('run_lines'));
  const orders = new Map<string, OrderInput>();
  for (const row of rows) {
    const orderId = row.order_id as string;
    let order = orders.get(orderId);
    if (!order) {
      const promisedBy = row.promised_by as string | null;
      order = {
        orderId,
        channelId: row.channel_id as string,
        shipToRegion: row.ship_to_region as string,
        serviceLevel: row.service_level as ServiceLevel,
        promisedBy: promisedBy === null ? null : toDay(promisedBy),
        pickupNodeId: (row.pickup_node_id as string | null) ?? null,
        placedAt: new Date(num(row.placed_ms)).toISOString(),
        placedSeq: num(row.placed_seq),
        onHold: held.has(orderId),
        lines: [],
      };
      orders.set(orderId, order);
    }
    const sku = row.sku as string;
    const orderedSku = row.ordered_sku as string;
    order.lines.push({
      lineId: row.line_id as string,
      sku,
      orderedSku: orderedSku === sku ? undefined : orderedSku,
      qty: num(row.qty),
      open: num(row.open_qty),
      unitPrice: num(row.unit_price),
    });
  }
  return [...orders.values()];
}

export async function loadNodes(warehouse: Warehouse): Promise<NodeInfo[]> {
  const rows = await warehouse.all<Record<string, unknown>>(allocationSql('nodes'));
  return rows.map((row) => ({
    nodeId: row.node_id as string,
    region: row.region as string,
    canShip: row.can_ship === true,
    canPickup: row.can_pickup === true,
    capacityPerDay: row.ship_capacity_per_day === null ? null : num(row.ship_capacity_per_day),
    pickCost: num(row.pick_cost),
  }));
}

export async function loadLanes(warehouse: Warehouse): Promise<LaneInfo[]> {
  const rows = await warehouse.all<Record<string, unknown>>(allocationSql('lanes'));
  return rows.map((row) => ({
    nodeId: row.node_id as string,
    region: row.region as string,
    transitDays: num(row.transit_days),
    costPerOrder: num(row.cost_per_order),
    costPerUnit: num(row.cost_per_unit),
  }));
}

export async function loadChannels(warehouse: Warehouse): Promise<ChannelInfo[]> {
  const rows = await warehouse.all<Record<string, unknown>>(allocationSql('channels'));
  return rows.map((row) => ({
    channelId: row.channel_id as string,
    nodeIds: (row.node_ids as string[] | null) ?? null,
    bufferUnits: num(row.buffer_units),
    bufferPct: num(row.buffer_pct),
  }));
}

export async function loadItems(warehouse: Warehouse): Promise<ItemInfo[]> {
  const rows = await warehouse.all<Record<string, unknown>>(allocationSql('items'));
  return rows.map((row) => ({
    sku: row.sku as string,
    category: row.category as string,
    brand: (row.brand as string | null) ?? null,
    packSize: num(row.pack_size) || 1,
    listPrice: num(row.list_price),
  }));
}

/** The skus of lines with units still to allocate (those the look-ahead prices). */
function openSkus(orders: readonly OrderInput[]): string[] {
  const skus = new Set<string>();
  for (const order of orders)
    for (const line of order.lines) if (line.open > 0 && !order.onHold) skus.add(line.sku);
  return [...skus].sort();
}

/** Everything a run needs, read at `asOf` (the look-ahead too unless `lookahead` is false). */
export async function loadAllocationInput(
  warehouse: Warehouse,
  asOf: string,
  sources: { positions: PositionSource; holds: HoldSource },
  lookahead: LookaheadOptions | false = false,
): Promise<AllocationInput> {
  const day = toDay(asOf);
  await stageClaimsAndLines(warehouse, asOf);
  const held = await sources.holds.heldOrders(warehouse);
  const orders = await loadOrders(warehouse, held);
  const claims = await loadClaims(warehouse, day);
  const skus = new Set<string>();
  for (const order of orders) for (const line of order.lines) skus.add(line.sku);
  for (const claim of claims) skus.add(claim.sku);
  return {
    asOf,
    nodes: await loadNodes(warehouse),
    lanes: await loadLanes(warehouse),
    channels: await loadChannels(warehouse),
    positions: await sources.positions.read(warehouse, [...skus].sort()),
    claims,
    orders,
    lookahead:
      lookahead === false ? undefined : await loadLookahead(warehouse, asOf, openSkus(orders), lookahead),
  };
}
