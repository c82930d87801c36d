/**
 * The allocator's domain types: what it is given (master data, positions, open order lines, existing
 * reservations) and what it decides (allocations, releases, explanations, exceptions). Plain data, no
 * warehouse: the core in this folder is pure and the adapter (`load.ts`, `service.ts`) fills these in.
 */
import type { Lookahead } from './lookahead.ts';

/** Whole days since 1970-01-01 (UTC). */
export type Day = number;

export interface NodeInfo {
  nodeId: string;
  region: string;
  canShip: boolean;
  canPickup: boolean;
  /** Units picked per day; null = unlimited. */
  capacityPerDay: number | null;
  /** Per unit. */
  pickCost: number;
}

export interface LaneInfo {
  nodeId: string;
  region: string;
  transitDays: number;
  costPerOrder: number;
  costPerUnit: number;
}

export interface ChannelInfo {
  channelId: string;
  /** Eligible fulfilment nodes; null = every can_ship node. */
  nodeIds: readonly string[] | null;
  bufferUnits: number;
  bufferPct: number;
}

export interface ItemInfo {
  sku: string;
  category: string;
  brand: string | null;
  packSize: number;
  listPrice: number;
}

/** Stock of one sku at one node, as the ledger shows it now. available = sellable − reserved. */
export interface PositionInfo {
  sku: string;
  nodeId: string;
  sellable: number;
  reserved: number;
}

/**
 * A reservation of one order line at one node (the ledger's claim): what is reserved now, what was shipped
 * against it, and counters that make event ids deterministic.
 */
export interface ClaimInfo {
  orderId: string;
  lineId: string;
  nodeId: string;
  sku: string;
  /** Units reserved now. */
  reserved: number;
  /** Units shipped from this node for this line (capped at what was allocated). */
  shipped: number;
  /** How many `allocated` / `allocation_released` events this claim has had. */
  allocatedEvents: number;
  releasedEvents: number;
  /** Business day of the claim's latest `allocated` event (the day whose capacity it uses). */
  allocatedDay: Day | null;
  /**
   * Every `allocated` event of the claim came from another system (not the allocator): a marketplace
   * fulfilling its own order at its node, an outside OMS. Absent = false.
   */
  external?: boolean;
}

export type ServiceLevel = 'standard' | 'express' | 'pickup';

export interface OrderLineInput {
  lineId: string;
  /** The sku to allocate (an accepted substitute replaces the ordered one). */
  sku: string;
  /** The ordered sku when a substitute was accepted. */
  orderedSku?: string | undefined;
  /** Ordered units. */
  qty: number;
  /** Units still to allocate: ordered − reserved − shipped (≥ 0). */
  open: number;
  unitPrice: number;
}

export interface OrderInput {
  orderId: string;
  channelId: string;
  shipToRegion: string;
  serviceLevel: ServiceLevel;
  promisedBy: Day | null;
  pickupNodeId: string | null;
  /** Business time of `order_placed` (ISO-8601) and its arrival sequence: the FIFO priority. */
  placedAt: string;
  placedSeq: number;
  /** On a fulfilment hold (awaiting approval): not allocated until released. */
  onHold?: boolean | undefined;
  lines: OrderLineInput[];
}

export interface AllocationInput {
  /** The run's business time (ISO-8601): allocations are made, and ship, on this day. */
  asOf: string;
  nodes: readonly NodeInfo[];
  lanes: readonly LaneInfo[];
  channels: readonly ChannelInfo[];
  positions: readonly PositionInfo[];
  /** Existing reservations (at least those with reserved > 0, and any allocated today). */
  claims: readonly ClaimInfo[];
  /** Orders with an open line or a live reservation, with every line not cancelled. */
  orders: readonly OrderInput[];
  /** Expected demand still to come (lookahead.ts): protects scarce cheap stock for it. None: myopic. */
  lookahead?: Lookahead | undefined;
}

/** Why a node was not a candidate for a line. */
export type ExclusionReason =
  | 'cannot_ship'
  | 'not_in_channel'
  | 'no_lane'
  | 'not_pickup_node'
  | 'no_stock'
  | 'no_capacity'
  | 'channel_buffer';

/** One candidate node of a line with its economics. */
export interface CandidateView {
  nodeId: string;
  /** Cost per unit: lane.cost_per_unit + node.pick_cost (pickup: pick_cost only). */
  unitCost: number;
  /** lane.cost_per_order, or 0 when the order already has an open shipment from this node. */
  shipmentFee: number;
  transitDays: number;
  /** Delivery day if shipped on the run's day. */
  eta: Day;
  onTime: boolean;
  /** Units this node could give the line when the run started (stock, capacity, buffer). */
  availableUnits: number;
  capacityLeft: number | null;
  /**
   * The look-ahead's value of a unit of this node's stock for the orders still to come (0 without a
   * look-ahead or when the stock is not scarce): the allocator weighs it as a cost on top of `unitCost`.
   */
  reservationValue: number;
}

export interface Allocation {
  orderId: string;
  lineId: string;
  sku: string;
  nodeId: string;
  qty: number;
  unitCost: number;
  /** The shipment fee this allocation opened (0 when it joins a shipment already paid for). */
  shipmentFee: number;
  eta: Day;
  onTime: boolean;
}

export type ReleaseReason = 'node_stopped_shipping' | 'capacity_reduced' | 'substitution_accepted';

export interface Release {
  orderId: string;
  lineId: string;
  sku: string;
  nodeId: string;
  qty: number;
  reason: ReleaseReason;
}

export type LineOutcome = 'allocated' | 'late' | 'partial' | 'backordered' | 'held';

export interface LineExplanation {
  orderId: string;
  lineId: string;
  sku: string;
  /** Units ordered on the line. */
  orderedQty: number;
  /** Units that were open at the start of the run (after releases). */
  openQty: number;
  allocatedQty: number;
  onTimeQty: number;
  outcome: LineOutcome;
  promisedBy: Day | null;
  /** The chosen nodes with their share. */
  chosen: { nodeId: string; qty: number; unitCost: number; shipmentFee: number; eta: Day; onTime: boolean }[];
  /** The best candidates considered (cheapest on-time first), at most `EXPLAIN_CANDIDATES`. */
  candidates: CandidateView[];
  /** Candidate count beyond those listed. */
  moreCandidates: number;
  /** Nodes that were not candidates, counted by reason. */
  excluded: Partial<Record<ExclusionReason, number>>;
  /** Why the chosen node(s) won, in words. */
  reasons: string[];
}

export type ExceptionType = 'promise_at_risk' | 'backorder' | 'substitution_offered';

/** An exception the allocator opens; shaped like the contract's `exceptions` read model. */
export interface AllocationException {
  exceptionId: string;
  exceptionType: ExceptionType;
  severity: 'low' | 'medium' | 'high';
  sku: string;
  nodeId: string | null;
  orderId: string;
  lineId: string;
  detail: Record<string, unknown>;
}

export interface SubstituteOffer {
  sku: string;
  listPrice: number;
  /** |price − original| / original. */
  priceDelta: number;
  /** Best node that has it within the promise, and its cost. */
  nodeId: string;
  unitCost: number;
  eta: Day;
  availableUnits: number;
}

export interface DisruptionReport {
  releasedUnits: number;
  releasedLines: number;
  byReason: Partial<Record<ReleaseReason, number>>;
  /** Of the released units: re-allocated on time, re-allocated late, left backordered. */
  reallocatedOnTime: number;
  reallocatedLate: number;
  backordered: number;
  /** Fulfilment cost of the released allocations, and of what replaced them. */
  costBefore: number;
  costAfter: number;
  /** Per affected line: where it was and where it went. */
  lines: {
    orderId: string;
    lineId: string;
    sku: string;
    from: { nodeId: string; qty: number; reason: ReleaseReason }[];
    to: { nodeId: string; qty: number; onTime: boolean }[];
  }[];
}

export interface SolverStats {
  strategy: string;
  /** Lines that went through the exact MILP / the greedy. */
  milpLines: number;
  greedyLines: number;
  components: number;
  milpSolves: number;
  /** Components whose MILP stopped at a limit (solution feasible, optimality not proven). */
  milpLimited: number;
  /** Proven lower bound on the cost of the plan's units (MILP dual bounds + settled components). */
  lpBound: number | null;
  /** Components too large for one model, solved in FIFO chunks. */
  chunkedComponents: number;
  seconds: number;
}

export interface AllocationStats {
  orders: number;
  lines: number;
  heldLines: number;
  unitsOpen: number;
  unitsAllocated: number;
  unitsOnTime: number;
  unitsBackordered: number;
  /** Fulfilment cost of this run's allocations (shipment fees + per-unit costs). */
  cost: number;
  /** Shipments opened (order × node pairs with a fee). */
  shipments: number;
  /** Orders allocated in this run that ship from more than one node. */
  splitOrders: number;
  ordersAllocated: number;
}

export interface AllocationResult {
  asOf: string;
  day: Day;
  allocations: Allocation[];
  releases: Release[];
  explanations: LineExplanation[];
  exceptions: AllocationException[];
  /** Lines that could not be served within their promise (input to the substitution search). */
  needsSubstitute: { orderId: string; lineId: string; sku: string; qty: number }[];
  disruption: DisruptionReport;
  stats: AllocationStats;
  solver: SolverStats;
}
