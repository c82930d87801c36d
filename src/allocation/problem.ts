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

interface Route {
  /** lane index per node index, −1 when not eligible (static reasons). */
  laneOf: Int32Array;
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

  // Stock resources: sku → node index → resource index.
  const resSku: string[] = [];
  const resNode: number[] = [];
  const resStock: number[] = [];
  const stockOf = new Map<string, Map<number, number>>();
  const availableAt = new Map<string, Map<number, number>>();
  // Only the skus some open line asks for.
  const wanted = new Set<string>();
  for (const order of input.orders) for (const line of order.lines) if (line.open > 0) wanted.add(line.sku);
  for (const position of input.positions) {
    if (!wanted.has(position.sku)) continue;
    const node = nodeIndex.get(position.nodeId);
    if (node === undefined) continue;
    const available = position.sellable - position.reserved;
    let bySku = availableAt.get(position.sku);
    if (!bySku) {
      bySku = new Map();
      availableAt.set(position.sku, bySku);
    }
    bySku.set(node, (bySku.get(node) ?? 0) + available);
  }
  for (const [sku, byNode] of availableAt) {
    const resources = new Map<number, number>();
    // Node order, so candidates (and every tie-break after them) do not depend on the input's row order.
    for (const [node, available] of [...byNode].sort((a, b) => a[0] - b[0])) {
      if (available <= 0) continue;
      resources.set(node, resSku.length);
      resSku.push(sku);
      resNode.push(node);
      resStock.push(available);
    }
    if (resources.size > 0) stockOf.set(sku, resources);
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
      eligible++;
    });
    route = { laneOf, eligible, excluded };
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

  const sorted = [...input.orders].filter((order) => !order.onHold).sort(compareOrders);
  const orders: ProblemOrder[] = [];
  const lines: ProblemLine[] = [];
  const candStart: number[] = [0];
  const cands = new CandidateBuffer();
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
          const res = stock?.get(node);
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
          for (const [node, res] of stock) {
            const lane = route.laneOf[node]!;
            if (lane < 0) continue;
            withStock++;
            if (nodeCap[node]! <= 0) {
              full++;
              continue;
            }
            const info = laneList[lane]!;
            cands.push(
              node,
              res,
              info.costPerUnit + nodes[node]!.pickCost,
              paid?.has(nodes[node]!.nodeId) ? 0 : info.costPerOrder,
              info.transitDays,
              onTime(info.transitDays),
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

/** Candidate columns in typed arrays that grow by doubling (millions of candidates at scale). */
class CandidateBuffer {
  length = 0;
  private node = new Int32Array(1024);
  private res = new Int32Array(1024);
  private unit = new Float64Array(1024);
  private fee = new Float64Array(1024);
  private transit = new Int32Array(1024);
  private onTime = new Uint8Array(1024);

  push(node: number, res: number, unit: number, fee: number, transit: number, onTime: boolean): void {
    if (this.length === this.node.length) this.grow();
    const i = this.length++;
    this.node[i] = node;
    this.res[i] = res;
    this.unit[i] = unit;
    this.fee[i] = fee;
    this.transit[i] = transit;
    this.onTime[i] = onTime ? 1 : 0;
  }

  private grow(): void {
    const size = this.node.length * 2;
    const widen = <T extends Int32Array | Float64Array | Uint8Array>(array: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(array);
      return next;
    };
    this.node = widen(this.node, (n) => new Int32Array(n));
    this.res = widen(this.res, (n) => new Int32Array(n));
    this.unit = widen(this.unit, (n) => new Float64Array(n));
    this.fee = widen(this.fee, (n) => new Float64Array(n));
    this.transit = widen(this.transit, (n) => new Int32Array(n));
    this.onTime = widen(this.onTime, (n) => new Uint8Array(n));
  }

  finish() {
    const n = this.length;
    return {
      candNode: this.node.slice(0, n),
      candRes: this.res.slice(0, n),
      candUnit: this.unit.slice(0, n),
      candFee: this.fee.slice(0, n),
      candTransit: this.transit.slice(0, n),
      candOnTime: this.onTime.slice(0, n),
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
