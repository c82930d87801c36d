/**
 * Candidate generation: turns the allocator's input into a flat, index-based problem that every strategy
 * (greedy, FIFO flow, MILP, the baselines) reads. For each open line: the nodes that may serve it, with their
 * unit cost, shipment fee, promise and the resources they draw on (stock of the sku at the node, the node's
 * capacity for the day, the channel's buffer), and a count of the nodes that may not, by reason.
 *
 * Rules (docs/allocation.md):
 * - Eligibility: ship orders from `can_ship` nodes in the channel's `node_ids` (all `can_ship` nodes when it
 *   lists none) that have a lane to the order's region; pickup orders only at `pickup_node_id`, which must be
 *   `can_pickup`.
 * - Cost: per unit `lane.cost_per_unit + node.pick_cost` (pickup: `pick_cost`); per shipment
 *   `lane.cost_per_order`, once per (order, node), waived when the order already has an open shipment there.
 * - Promise: shipping on the run's day, `day + transit_days <= promised_by` (no promise: always on time).
 * - Capacity: `ship_capacity_per_day` minus what is already allocated for the day (unlimited when absent).
 * - Channel buffer: the units a channel's lines take of a sku in one run never exceed that channel's
 *   availability (EVENTS.md `channel_availability`) at the start of the run.
 * - Look-ahead (optional, lookahead.ts): each stock's reservation value for the orders still to come; a
 *   candidate's decision cost per unit (`candPrice`) is its unit cost plus that value.
 */
import { type Lookahead, type ReservationValues, reservationValues } from './lookahead.ts';
import type {
  ChannelInfo,
  Day,
  ExclusionReason,
  LaneInfo,
  NodeInfo,
  OrderInput,
  OrderLineInput,
  PositionInfo,
} from './types.ts';

export interface ProblemOrder {
  index: number;
  order: OrderInput;
  /** Indices of this order's lines in `Problem.lines`. */
  lines: number[];
}

export interface ProblemLine {
  index: number;
  /** Index in `Problem.orders`. */
  order: number;
  line: OrderLineInput;
  /** Units to allocate. */
  open: number;
  /** Channel-buffer group, or −1. */
  group: number;
  /** Nodes that are not candidates, by reason. */
  excluded: Partial<Record<ExclusionReason, number>>;
}

/**
 * The problem in flat arrays. Lines are in FIFO priority order (order placement time, arrival, line order);
 * candidate `c` of line `l` is at `candStart[l] <= c < candStart[l + 1]`.
 */
export interface Problem {
  day: Day;
  nodes: readonly NodeInfo[];
  orders: ProblemOrder[];
  lines: ProblemLine[];
  candStart: Int32Array;
  candNode: Int32Array;
  /** Stock resource (sku at node) the candidate draws on. */
  candRes: Int32Array;
  candUnit: Float64Array;
  /**
   * What the strategies minimise per unit: `candUnit` plus the reservation value of the stock the candidate
   * draws on (the same array as `candUnit` when there is no look-ahead). Reported costs use `candUnit`.
   */
  candPrice: Float64Array;
  candFee: Float64Array;
  candTransit: Int32Array;
  candOnTime: Uint8Array;
  /** Stock resources: available units at the start of the run (≥ 0). */
  resSku: string[];
  resNode: Int32Array;
  resStock: Float64Array;
  /** The look-ahead's reservation values per stock resource (null without a look-ahead). */
  reservation: ReservationValues | null;
  /** Remaining capacity of each node for the day (Infinity when unlimited). */
  nodeCap: Float64Array;
  /** Channel-buffer groups (channel × sku): units the group's lines may take; Infinity when unbuffered. */
  groupKey: string[];
  groupCap: Float64Array;
}

export interface ProblemInput {
  day: Day;
  nodes: readonly NodeInfo[];
  lanes: readonly LaneInfo[];
  channels: readonly ChannelInfo[];
  positions: readonly PositionInfo[];
  /** Units already allocated today per node (capacity used). */
  capacityUsed: ReadonlyMap<string, number>;
  /** Per order: nodes it already has an open shipment from (reserved units). */
  openShipments: ReadonlyMap<string, ReadonlySet<string>>;
  /** Orders in any order; held orders and lines with nothing open are left out of the problem. */
  orders: readonly OrderInput[];
  /** Expected demand still to come: protects scarce cheap stock for it (lookahead.ts). */
  lookahead?: Lookahead | undefined;
}

/** FIFO priority: placement time, then arrival, then order id. */
export function compareOrders(a: OrderInput, b: OrderInput): number {
  const ta = Date.parse(a.placedAt);
  const tb = Date.parse(b.placedAt);
  if (ta !== tb) return ta - tb;
  if (a.placedSeq !== b.placedSeq) return a.placedSeq - b.placedSeq;
  return a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0;
}

/** The nodes holding a sku (ascending) and their stock resources. */
interface SkuStock {
  nodes: Int32Array;
  res: Int32Array;
}

/** Orders in FIFO priority (`compareOrders`), parsing each placement time once. */
function sortByPriority(orders: readonly OrderInput[]): OrderInput[] {
  const time = new Map(orders.map((order) => [order, Date.parse(order.placedAt)]));
  return [...orders].sort((a, b) => {
    const ta = time.get(a)!;
    const tb = time.get(b)!;
    if (ta !== tb) return ta - tb;
    if (a.placedSeq !== b.placedSeq) return a.placedSeq - b.placedSeq;
    return a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0;
  });
}

interface Route {
  /** lane index per node index, −1 when not eligible (static reasons). */
  laneOf: Int32Array;
  /** Per node over its lane: cost per unit (lane + pick), shipment fee, transit days. */
  unit: Float64Array;
  fee: Float64Array;
  transit: Int32Array;
  eligible: number;
  excluded: Partial<Record<ExclusionReason, number>>;
}

export function buildProblem(input: ProblemInput): Problem {
  const nodes = input.nodes;
  const nodeIndex = new Map(nodes.map((node, index) => [node.nodeId, index]));
  const channels = new Map(input.channels.map((channel) => [channel.channelId, channel]));
  const lanes = new Map(input.lanes.map((lane) => [`${lane.nodeId}\u0000${lane.region}`, lane]));
  const laneList = [...input.lanes];
  const laneIndex = new Map(laneList.map((lane, index) => [lane, index]));

  // Stock resources. Per sku, in node order (so candidates, and every tie-break after them, do not depend on
  // the input's row order): every node's availability (buffers read it, negative included) and the
  // resources — the nodes with units available.
  const resSku: string[] = [];
  const resNode: number[] = [];
  const resStock: number[] = [];
  // Only the skus some open line asks for.
  const wanted = new Set<string>();
  for (const order of input.orders) for (const line of order.lines) if (line.open > 0) wanted.add(line.sku);
  const rowsOf = new Map<string, number[]>();
  for (let p = 0; p < input.positions.length; p++) {
    const position = input.positions[p]!;
    if (!wanted.has(position.sku)) continue;
    let rows = rowsOf.get(position.sku);
    if (!rows) {
      rows = [];
      rowsOf.set(position.sku, rows);
    }
    rows.push(p);
  }
  const availableAt = new Map<string, Map<number, number>>();
  const stockOf = new Map<string, SkuStock>();
  for (const [sku, rows] of rowsOf) {
    const byNode = new Map<number, number>();
    for (const p of rows) {
      const position = input.positions[p]!;
      const node = nodeIndex.get(position.nodeId);
      if (node === undefined) continue;
      byNode.set(node, (byNode.get(node) ?? 0) + position.sellable - position.reserved);
    }
    availableAt.set(sku, byNode);
    const entries = [...byNode].filter(([, available]) => available > 0).sort((a, b) => a[0] - b[0]);
    if (entries.length === 0) continue;
    const skuNodes = new Int32Array(entries.length);
    const skuRes = new Int32Array(entries.length);
    entries.forEach(([node, available], k) => {
      skuNodes[k] = node;
      skuRes[k] = resSku.length;
      resSku.push(sku);
      resNode.push(node);
      resStock.push(available);
    });
    stockOf.set(sku, { nodes: skuNodes, res: skuRes });
  }

  const nodeCap = new Float64Array(nodes.length);
  nodes.forEach((node, index) => {
    nodeCap[index] =
      node.capacityPerDay === null
        ? Number.POSITIVE_INFINITY
        : Math.max(0, node.capacityPerDay - (input.capacityUsed.get(node.nodeId) ?? 0));
  });

  // Static eligibility per (channel, region): which nodes may ship, and over which lane.
  const routes = new Map<string, Route>();
  const routeFor = (channelId: string, region: string): Route => {
    const key = `${channelId}\u0000${region}`;
    let route = routes.get(key);
    if (route) return route;
    const channel = channels.get(channelId);
    const allowed = channel?.nodeIds ? new Set(channel.nodeIds) : null;
    const laneOf = new Int32Array(nodes.length).fill(-1);
    const unit = new Float64Array(nodes.length);
    const fee = new Float64Array(nodes.length);
    const transit = new Int32Array(nodes.length);
    const excluded: Partial<Record<ExclusionReason, number>> = {};
    let eligible = 0;
    nodes.forEach((node, index) => {
      let reason: ExclusionReason | null = null;
      const lane = lanes.get(`${node.nodeId}\u0000${region}`);
      if (!node.canShip) reason = 'cannot_ship';
      else if (allowed && !allowed.has(node.nodeId)) reason = 'not_in_channel';
      else if (!lane) reason = 'no_lane';
      if (reason) {
        excluded[reason] = (excluded[reason] ?? 0) + 1;
        return;
      }
      laneOf[index] = laneIndex.get(lane!)!;
      unit[index] = lane!.costPerUnit + node.pickCost;
      fee[index] = lane!.costPerOrder;
      transit[index] = lane!.transitDays;
      eligible++;
    });
    route = { laneOf, unit, fee, transit, eligible, excluded };
    routes.set(key, route);
    return route;
  };

  // Channel buffers: per (channel, sku) the channel's availability at the start of the run.
  const groupIndex = new Map<string, number>();
  const groupKey: string[] = [];
  const groupCap: number[] = [];
  const bufferNodes = new Map<string, number[]>();
  const groupFor = (channelId: string, sku: string): number => {
    const channel = channels.get(channelId);
    if (!channel || (channel.bufferUnits <= 0 && channel.bufferPct <= 0)) return -1;
    const key = `${channelId}\u0000${sku}`;
    const known = groupIndex.get(key);
    if (known !== undefined) return known;
    let members = bufferNodes.get(channelId);
    if (!members) {
      members = channel.nodeIds
        ? channel.nodeIds.map((id) => nodeIndex.get(id)).filter((index) => index !== undefined)
        : nodes.flatMap((node, index) => (node.canShip ? [index] : []));
      bufferNodes.set(channelId, members);
    }
    const bySku = availableAt.get(sku);
    let sum = 0;
    for (const node of members) sum += Math.max(bySku?.get(node) ?? 0, 0);
    const afterUnits = Math.max(sum - channel.bufferUnits, 0);
    const cap = Math.max(afterUnits - Math.floor((afterUnits * channel.bufferPct) / 100), 0);
    const index = groupKey.length;
    groupIndex.set(key, index);
    groupKey.push(key);
    groupCap.push(cap);
    return index;
  };

  const sorted = sortByPriority(input.orders.filter((order) => !order.onHold));
  const orders: ProblemOrder[] = [];
  const lines: ProblemLine[] = [];
  const candStart: number[] = [0];
  // At most one candidate per node holding the line's sku: sized once, never grown (millions at scale).
  let most = 0;
  for (const order of sorted) {
    for (const line of order.lines) if (line.open > 0) most += stockOf.get(line.sku)?.nodes.length ?? 0;
  }
  const cands = new CandidateBuffer(Math.max(most, 16));
  const day = input.day;

  for (const order of sorted) {
    const open = order.lines.filter((line) => line.open > 0);
    if (open.length === 0) continue;
    const problemOrder: ProblemOrder = { index: orders.length, order, lines: [] };
    orders.push(problemOrder);
    const paid = input.openShipments.get(order.orderId);
    const onTime = (transit: number) => order.promisedBy === null || day + transit <= order.promisedBy;
    for (const line of open) {
      const excluded: Partial<Record<ExclusionReason, number>> = {};
      const stock = stockOf.get(line.sku);
      let group = -1;
      if (order.serviceLevel === 'pickup') {
        const node = order.pickupNodeId === null ? undefined : nodeIndex.get(order.pickupNodeId);
        const usable = node !== undefined && nodes[node]!.canPickup;
        excluded.not_pickup_node = nodes.length - (usable ? 1 : 0);
        if (usable) {
          const at = stock ? stock.nodes.indexOf(node) : -1;
          const res = at < 0 ? undefined : stock!.res[at]!;
          if (res === undefined) excluded.no_stock = 1;
          else if (nodeCap[node]! <= 0) excluded.no_capacity = 1;
          else {
            cands.push(node, res, nodes[node]!.pickCost, 0, 0, onTime(0));
          }
        }
      } else {
        const route = routeFor(order.channelId, order.shipToRegion);
        Object.assign(excluded, route.excluded);
        group = groupFor(order.channelId, line.sku);
        let withStock = 0;
        let full = 0;
        if (stock) {
          const { laneOf, unit, fee, transit } = route;
          for (let k = 0; k < stock.nodes.length; k++) {
            const node = stock.nodes[k]!;
            if (laneOf[node]! < 0) continue;
            withStock++;
            if (nodeCap[node]! <= 0) {
              full++;
              continue;
            }
            const days = transit[node]!;
            cands.push(
              node,
              stock.res[k]!,
              unit[node]!,
              paid?.has(nodes[node]!.nodeId) ? 0 : fee[node]!,
              days,
              onTime(days),
            );
          }
        }
        if (route.eligible - withStock > 0) excluded.no_stock = route.eligible - withStock;
        if (full > 0) excluded.no_capacity = full;
      }
      if (group >= 0 && groupCap[group]! <= 0) excluded.channel_buffer = 1;
      const index = lines.length;
      lines.push({ index, order: problemOrder.index, line, open: line.open, group, excluded });
      problemOrder.lines.push(index);
      candStart.push(cands.length);
    }
  }

  const resources = { resSku, resNode: Int32Array.from(resNode), resStock: Float64Array.from(resStock) };
  const columns = cands.finish();
  const reservation = input.lookahead
    ? reservationValues(resources, nodes, lanes, channels, input.lookahead)
    : null;
  let candPrice = columns.candUnit;
  if (reservation) {
    candPrice = Float64Array.from(columns.candUnit);
    for (let c = 0; c < candPrice.length; c++)
      candPrice[c] = candPrice[c]! + reservation.value[columns.candRes[c]!]!;
  }
  return {
    day,
    nodes,
    orders,
    lines,
    candStart: Int32Array.from(candStart),
    ...columns,
    candPrice,
    ...resources,
    reservation,
    nodeCap,
    groupKey,
    groupCap: Float64Array.from(groupCap),
  };
}

/** Candidate columns in typed arrays, sized up front (millions of candidates at scale). */
class CandidateBuffer {
  length = 0;
  private readonly node: Int32Array;
  private readonly res: Int32Array;
  private readonly unit: Float64Array;
  private readonly fee: Float64Array;
  private readonly transit: Int32Array;
  private readonly onTime: Uint8Array;

  constructor(capacity: number) {
    this.node = new Int32Array(capacity);
    this.res = new Int32Array(capacity);
    this.unit = new Float64Array(capacity);
    this.fee = new Float64Array(capacity);
    this.transit = new Int32Array(capacity);
    this.onTime = new Uint8Array(capacity);
  }

  push(node: number, res: number, unit: number, fee: number, transit: number, onTime: boolean): void {
    const i = this.length++;
    this.node[i] = node;
    this.res[i] = res;
    this.unit[i] = unit;
    this.fee[i] = fee;
    this.transit[i] = transit;
    this.onTime[i] = onTime ? 1 : 0;
  }

  /** The filled part (views, not copies). */
  finish() {
    const n = this.length;
    return {
      candNode: this.node.subarray(0, n),
      candRes: this.res.subarray(0, n),
      candUnit: this.unit.subarray(0, n),
      candFee: this.fee.subarray(0, n),
      candTransit: this.transit.subarray(0, n),
      candOnTime: this.onTime.subarray(0, n),
    };
  }
}

/** Mutable remaining amounts of every resource (what strategies draw down while they decide). */
export interface Remaining {
  stock: Float64Array;
  cap: Float64Array;
  group: Float64Array;
}

export function remainingOf(problem: Problem): Remaining {
  return {
    stock: Float64Array.from(problem.resStock),
    cap: Float64Array.from(problem.nodeCap),
    group: Float64Array.from(problem.groupCap),
  };
}

/** Units candidate `c` of line `l` could take now. */
export function room(problem: Problem, remaining: Remaining, l: number, c: number): number {
  const line = problem.lines[l]!;
  const group = line.group < 0 ? Number.POSITIVE_INFINITY : remaining.group[line.group]!;
  return Math.min(remaining.stock[problem.candRes[c]!]!, remaining.cap[problem.candNode[c]!]!, group);
}

/** Draws `qty` units for candidate `c` of line `l` from every resource it uses. */
export function take(problem: Problem, remaining: Remaining, l: number, c: number, qty: number): void {
  remaining.stock[problem.candRes[c]!]! -= qty;
  remaining.cap[problem.candNode[c]!]! -= qty;
  const group = problem.lines[l]!.group;
  if (group >= 0) remaining.group[group]! -= qty;
}
