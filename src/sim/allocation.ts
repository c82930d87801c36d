/**
 * Where an order line is fulfilled from: a small strategy interface (Vendure's habit) with the simulator's
 * stand-in as default — the nearest eligible node (fewest transit days to the customer's region, then the
 * cheapest lane) that the ledger shows with enough free stock and that has not already queued a day's
 * picking; failing that, the nearest with stock whatever its queue. The whole line goes to one node. When
 * retailos' own allocator lands (src/allocation), an adapter implementing `AllocationPolicy` replaces this.
 */
import type { Catalog } from './catalog.ts';
import type { Stock } from './stock.ts';

export interface AllocationRequest {
  item: number;
  qty: number;
  channel: number;
  region: number;
  /** For pickup orders, the store the customer collects at. */
  pickupNode: number | undefined;
}

export interface AllocationPolicy {
  readonly name: string;
  /** The node to reserve at, or undefined when no eligible node has the units. */
  choose(request: AllocationRequest): number | undefined;
}

/** Nearest eligible node with stock (the stand-in until the real allocator exists). */
export class NearestNodeWithStock implements AllocationPolicy {
  readonly name = 'nearest-node-with-stock';
  /** Candidate nodes per channel and region, nearest first. */
  private readonly candidates = new Map<number, number[]>();

  /**
   * @param spare units a node can still take today before its queue exceeds a day's ship capacity
   *   (Infinity: no limit)
   */
  constructor(
    private readonly catalog: Catalog,
    private readonly stock: Stock,
    private readonly spare: (node: number) => number = () => Number.POSITIVE_INFINITY,
  ) {}

  /** Eligible nodes for a channel and region, nearest first (cached). */
  nodesFor(channel: number, region: number): number[] {
    const key = channel * 1000 + region;
    let nodes = this.candidates.get(key);
    if (nodes) return nodes;
    const lanes = this.catalog.lanes.filter((lane) => lane.region === region);
    nodes = this.catalog.channels[channel]!.nodes.filter(
      (node) => this.catalog.nodes[node]!.canShip && this.catalog.transitDays(node, region) >= 0,
    );
    const laneOf = (node: number) => lanes.find((lane) => lane.node === node)!;
    nodes.sort(
      (a, b) =>
        laneOf(a).transitDays - laneOf(b).transitDays ||
        laneOf(a).costPerOrder - laneOf(b).costPerOrder ||
        a - b,
    );
    this.candidates.set(key, nodes);
    return nodes;
  }

  choose(request: AllocationRequest): number | undefined {
    if (
      request.pickupNode !== undefined &&
      this.stock.available(request.pickupNode, request.item) >= request.qty
    ) {
      return request.pickupNode;
    }
    const nodes = this.nodesFor(request.channel, request.region);
    let fallback: number | undefined;
    for (const node of nodes) {
      if (this.stock.available(node, request.item) < request.qty) continue;
      if (this.spare(node) >= request.qty) return node;
      // a congested DC still takes the order (a backlog), a congested store does not
      if (fallback === undefined && this.catalog.nodes[node]!.type !== 'store') fallback = node;
    }
    return fallback;
  }

  /** Units the channel can promise in a region: free stock over its eligible nodes. */
  channelAvailable(channel: number, region: number, item: number, pickupNode: number | undefined): number {
    let total = pickupNode === undefined ? 0 : Math.max(0, this.stock.available(pickupNode, item));
    for (const node of this.nodesFor(channel, region)) total += Math.max(0, this.stock.available(node, item));
    return total;
  }
}
