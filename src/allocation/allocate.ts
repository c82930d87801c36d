/**
 * The allocator's pure core: given master data, positions, reservations and open orders, decide what to
 * release (disruption), what to allocate where (a strategy), and explain it. No warehouse here; the
 * service (service.ts) loads the input and lands the decisions as events.
 *
 * Objective, lexicographic: (1) scarce stock to lines in placement order, (2) as many units within their
 * promise as possible, (3) the least fulfilment cost — plus, with a look-ahead, the reservation value of the
 * stock used (lookahead.ts). See docs/allocation.md.
 */
import { AutoStrategy } from './auto.ts';
import { toDay } from './days.ts';
import { applyReleases, capacityUsed, planReleases } from './disruption.ts';
import { type Evaluation, evaluate, type Plan, violations } from './evaluate.ts';
import { lineExceptions } from './exceptions.ts';
import { EXPLAIN_CANDIDATES, explainPlan } from './explain.ts';
import { buildProblem, type Problem } from './problem.ts';
import type { AllocationStrategy } from './strategy.ts';
import type {
  Allocation,
  AllocationInput,
  AllocationResult,
  ClaimInfo,
  DisruptionReport,
  LineExplanation,
  OrderInput,
  Release,
  ReleaseReason,
} from './types.ts';

export interface AllocateOptions {
  strategy?: AllocationStrategy;
  /** Candidates listed per line in explanations. */
  explainCandidates?: number;
}

export async function allocate(
  input: AllocationInput,
  options: AllocateOptions = {},
): Promise<AllocationResult> {
  const started = performance.now();
  const strategy = options.strategy ?? new AutoStrategy();
  const day = toDay(input.asOf);
  const nodes = [...input.nodes].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));

  const releases = mergeReleases([...substitutionReleases(input), ...planReleases(input, day)]);
  const state = applyReleases(input, releases);
  const problem = buildProblem({
    day,
    nodes,
    lanes: state.lanes,
    channels: state.channels,
    positions: state.positions,
    capacityUsed: capacityUsed(state.claims, day),
    openShipments: openShipments(state.claims, nodes),
    orders: state.orders,
    lookahead: input.lookahead,
  });
  const outcome = await strategy.solve(problem);
  const broken = violations(problem, outcome.plan);
  if (broken.length > 0) {
    throw new Error(
      `allocation strategy ${strategy.name} broke a constraint: ${broken.slice(0, 3).join('; ')}`,
    );
  }
  const evaluation = evaluate(problem, outcome.plan);
  const allocations = toAllocations(problem, outcome.plan);
  const explanations = [
    ...explainPlan(problem, outcome.plan, evaluation, options.explainCandidates ?? EXPLAIN_CANDIDATES),
    ...heldLines(state.orders),
  ];
  const orders = new Map(state.orders.map((order) => [order.orderId, order]));
  const exceptions = lineExceptions(explanations, orders);
  const needsSubstitute = explanations
    .filter((line) => line.outcome !== 'held' && line.onTimeQty < line.openQty)
    .map((line) => ({
      orderId: line.orderId,
      lineId: line.lineId,
      sku: line.sku,
      qty: line.openQty - line.onTimeQty,
    }));
  const heldLineCount = explanations.filter((line) => line.outcome === 'held').length;
  return {
    asOf: input.asOf,
    day,
    allocations,
    releases,
    explanations,
    exceptions,
    needsSubstitute,
    disruption: disruptionReport(input, releases, allocations),
    stats: {
      orders: problem.orders.length,
      lines: problem.lines.length,
      heldLines: heldLineCount,
      unitsOpen: problem.lines.reduce((sum, line) => sum + line.open, 0),
      unitsAllocated: evaluation.totalUnits,
      unitsOnTime: evaluation.totalOnTime,
      unitsBackordered: problem.lines.reduce((sum, line) => sum + line.open, 0) - evaluation.totalUnits,
      cost: round2(evaluation.cost),
      shipments: evaluation.shipments,
      splitOrders: evaluation.splitOrders,
      ordersAllocated: evaluation.ordersAllocated,
    },
    solver: {
      strategy: outcome.used ?? strategy.name,
      ...outcome.stats,
      seconds: (performance.now() - started) / 1000,
    },
  };
}

/** Decides a problem with a strategy and evaluates the plan (benchmarks and tests use this directly). */
export async function solveProblem(
  problem: Problem,
  strategy: AllocationStrategy,
): Promise<{ plan: Plan; evaluation: Evaluation }> {
  const outcome = await strategy.solve(problem);
  return { plan: outcome.plan, evaluation: evaluate(problem, outcome.plan) };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Per order, the nodes it has an open (reserved, unshipped) shipment from: their fee is already paid. */
function openShipments(claims: readonly ClaimInfo[], nodes: readonly { nodeId: string; canShip: boolean }[]) {
  const shipping = new Set(nodes.filter((node) => node.canShip).map((node) => node.nodeId));
  const open = new Map<string, Set<string>>();
  for (const claim of claims) {
    if (claim.reserved <= 0 || !shipping.has(claim.nodeId)) continue;
    let set = open.get(claim.orderId);
    if (!set) {
      set = new Set();
      open.set(claim.orderId, set);
    }
    set.add(claim.nodeId);
  }
  return open;
}

/** An accepted substitute amends the line's sku: reservations of the old sku go back. */
function substitutionReleases(input: AllocationInput): Release[] {
  const lines = new Map<string, string>();
  for (const order of input.orders) {
    for (const line of order.lines) {
      if (line.orderedSku !== undefined && line.orderedSku !== line.sku)
        lines.set(`${order.orderId}\u0000${line.lineId}`, line.sku);
    }
  }
  if (lines.size === 0) return [];
  return input.claims
    .filter((claim) => {
      const sku = lines.get(`${claim.orderId}\u0000${claim.lineId}`);
      return claim.reserved > 0 && sku !== undefined && claim.sku !== sku;
    })
    .map((claim) => ({
      orderId: claim.orderId,
      lineId: claim.lineId,
      sku: claim.sku,
      nodeId: claim.nodeId,
      qty: claim.reserved,
      reason: 'substitution_accepted' as const,
    }));
}

/** A claim released for two reasons releases at most what it holds (substitution wins). */
function mergeReleases(releases: Release[]): Release[] {
  const seen = new Set<string>();
  const merged: Release[] = [];
  for (const release of releases) {
    const key = `${release.orderId}\u0000${release.lineId}\u0000${release.nodeId}\u0000${release.sku}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(release);
  }
  return merged;
}

function toAllocations(problem: Problem, plan: Plan): Allocation[] {
  const allocations: Allocation[] = [];
  for (const order of problem.orders) {
    const feePaid = new Set<number>();
    for (const l of order.lines) {
      const line = problem.lines[l]!;
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
        const qty = plan[c]!;
        if (qty <= 0) continue;
        const node = problem.candNode[c]!;
        const fee = feePaid.has(node) ? 0 : problem.candFee[c]!;
        feePaid.add(node);
        allocations.push({
          orderId: order.order.orderId,
          lineId: line.line.lineId,
          sku: line.line.sku,
          nodeId: problem.nodes[node]!.nodeId,
          qty,
          unitCost: problem.candUnit[c]!,
          shipmentFee: fee,
          eta: problem.day + problem.candTransit[c]!,
          onTime: problem.candOnTime[c] === 1,
        });
      }
    }
  }
  return allocations;
}

function heldLines(orders: readonly OrderInput[]): LineExplanation[] {
  return orders
    .filter((order) => order.onHold)
    .flatMap((order) =>
      order.lines
        .filter((line) => line.open > 0)
        .map((line) => ({
          orderId: order.orderId,
          lineId: line.lineId,
          sku: line.sku,
          orderedQty: line.qty,
          openQty: line.open,
          allocatedQty: 0,
          onTimeQty: 0,
          outcome: 'held' as const,
          promisedBy: order.promisedBy,
          chosen: [],
          candidates: [],
          moreCandidates: 0,
          excluded: {},
          reasons: ['the order is on a fulfilment hold: it is allocated once the hold is released'],
        })),
    );
}

function disruptionReport(
  input: AllocationInput,
  releases: readonly Release[],
  allocations: readonly Allocation[],
): DisruptionReport {
  const report: DisruptionReport = {
    releasedUnits: 0,
    releasedLines: 0,
    byReason: {},
    reallocatedOnTime: 0,
    reallocatedLate: 0,
    backordered: 0,
    costBefore: 0,
    costAfter: 0,
    lines: [],
  };
  if (releases.length === 0) return report;
  const orders = new Map(input.orders.map((order) => [order.orderId, order]));
  const nodes = new Map(input.nodes.map((node) => [node.nodeId, node]));
  const lanes = new Map(input.lanes.map((lane) => [`${lane.nodeId}\u0000${lane.region}`, lane]));
  const byLine = new Map<string, DisruptionReport['lines'][number]>();
  const releasedByLine = new Map<string, number>();
  for (const release of releases) {
    report.releasedUnits += release.qty;
    report.byReason[release.reason] = (report.byReason[release.reason] ?? 0) + release.qty;
    const key = `${release.orderId}\u0000${release.lineId}`;
    let entry = byLine.get(key);
    if (!entry) {
      entry = { orderId: release.orderId, lineId: release.lineId, sku: release.sku, from: [], to: [] };
      byLine.set(key, entry);
    }
    entry.from.push({ nodeId: release.nodeId, qty: release.qty, reason: release.reason as ReleaseReason });
    releasedByLine.set(key, (releasedByLine.get(key) ?? 0) + release.qty);
    const order = orders.get(release.orderId);
    const node = nodes.get(release.nodeId);
    if (order && node) {
      const lane = lanes.get(`${release.nodeId}\u0000${order.shipToRegion}`);
      const unit = (order.serviceLevel === 'pickup' ? 0 : (lane?.costPerUnit ?? 0)) + node.pickCost;
      report.costBefore += release.qty * unit;
    }
  }
  // Shipments the releases emptied: their fee no longer buys anything.
  const remaining = new Map<string, number>();
  for (const claim of input.claims) {
    const key = `${claim.orderId}\u0000${claim.nodeId}`;
    remaining.set(key, (remaining.get(key) ?? 0) + claim.reserved);
  }
  const emptied = new Set<string>();
  for (const release of releases) {
    const key = `${release.orderId}\u0000${release.nodeId}`;
    remaining.set(key, (remaining.get(key) ?? 0) - release.qty);
  }
  for (const release of releases) {
    const key = `${release.orderId}\u0000${release.nodeId}`;
    if ((remaining.get(key) ?? 0) > 0 || emptied.has(key)) continue;
    emptied.add(key);
    const order = orders.get(release.orderId);
    const lane =
      order && order.serviceLevel !== 'pickup'
        ? lanes.get(`${release.nodeId}\u0000${order.shipToRegion}`)
        : undefined;
    report.costBefore += lane?.costPerOrder ?? 0;
  }
  for (const allocation of allocations) {
    const key = `${allocation.orderId}\u0000${allocation.lineId}`;
    const entry = byLine.get(key);
    if (!entry) continue;
    entry.to.push({ nodeId: allocation.nodeId, qty: allocation.qty, onTime: allocation.onTime });
    report.costAfter += allocation.qty * allocation.unitCost + allocation.shipmentFee;
  }
  for (const [key, entry] of byLine) {
    const released = releasedByLine.get(key)!;
    let placed = 0;
    for (const to of entry.to) {
      const units = Math.min(to.qty, released - placed);
      if (units <= 0) break;
      placed += units;
      if (to.onTime) report.reallocatedOnTime += units;
      else report.reallocatedLate += units;
    }
    report.backordered += released - placed;
  }
  report.releasedLines = byLine.size;
  report.lines = [...byLine.values()];
  report.costBefore = round2(report.costBefore);
  report.costAfter = round2(report.costAfter);
  return report;
}
