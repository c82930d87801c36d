/**
 * The fast greedy: orders in FIFO priority, each order decided once with what is left.
 *
 * For one order it builds a few plans and keeps the best by (units, units on time, cost):
 * - single node: the cheapest node that can ship every open line in full (one shipment fee);
 * - line by line: each line takes units from the candidate with the best (on time, marginal cost per
 *   unit), where the marginal cost counts the shipment fee only for a node the order does not use yet;
 *   then nodes are dropped while moving their units to the order's other nodes saves money;
 * - anchored (orders of several lines): the same, after first giving an anchor node every line it can ship
 *   in full — tried for the few nodes that can ship the most lines.
 *
 * Earlier orders are never left short to serve later ones (each order takes what it can when its turn
 * comes), but the greedy never re-routes an earlier order to make room, so it may serve fewer later lines
 * than the exact solver, and its cost is not proven optimal (`bench/allocate.ts` measures the gap).
 */
import { emptyPlan, type Plan } from './evaluate.ts';
import { type ImproveOptions, improvePlan } from './improve.ts';
import { type Problem, type ProblemOrder, type Remaining, remainingOf, room, take } from './problem.ts';
import { type AllocationStrategy, noSolverStats, type StrategyOutcome } from './strategy.ts';

export interface GreedyOptions {
  /** Local search after the greedy (improve.ts); false to skip. Default: one pass. */
  improve?: ImproveOptions | false;
}

export class GreedyStrategy implements AllocationStrategy {
  readonly name = 'greedy';
  constructor(private readonly options: GreedyOptions = {}) {}

  async solve(problem: Problem): Promise<StrategyOutcome> {
    const remaining = remainingOf(problem);
    const plan = greedyPlan(problem, remaining);
    if (this.options.improve !== false) improvePlan(problem, remaining, plan, this.options.improve);
    return { plan, stats: noSolverStats(problem.lines.length) };
  }
}

/** The greedy plan; `remaining` (default: everything) is drawn down as it goes. */
export function greedyPlan(
  problem: Problem,
  remaining: Remaining = remainingOf(problem),
  plan = emptyPlan(problem),
) {
  for (const order of problem.orders) allocateOrder(problem, remaining, plan, order);
  return plan;
}

interface Score {
  units: number;
  onTime: number;
  cost: number;
}

function better(a: Score, b: Score): boolean {
  if (a.units !== b.units) return a.units > b.units;
  if (a.onTime !== b.onTime) return a.onTime > b.onTime;
  return a.cost < b.cost - 1e-9;
}

const sortedCache = new WeakMap<Problem, Int32Array>();

/** Each line's candidates sorted by (on time first, unit cost, index): `sorted[candStart[l]..candStart[l+1])`. */
export function sortedCandidates(problem: Problem): Int32Array {
  let sorted = sortedCache.get(problem);
  if (sorted) return sorted;
  sorted = new Int32Array(problem.candNode.length);
  for (let l = 0; l < problem.lines.length; l++) {
    const start = problem.candStart[l]!;
    const end = problem.candStart[l + 1]!;
    const segment: number[] = [];
    for (let c = start; c < end; c++) segment.push(c);
    segment.sort(
      (a, b) =>
        problem.candOnTime[b]! - problem.candOnTime[a]! ||
        problem.candPrice[a]! - problem.candPrice[b]! ||
        a - b,
    );
    sorted.set(segment, start);
  }
  sortedCache.set(problem, sorted);
  return sorted;
}

/** Anchor nodes tried per multi-line order. */
const ANCHORS = 6;

/** Decides one order with what is left; writes into `plan` and draws down `remaining`. */
export function allocateOrder(problem: Problem, remaining: Remaining, plan: Plan, order: ProblemOrder): void {
  let best = lineByLine(problem, remaining, order, -1);
  const giveBack = (takes: Map<number, number>) => {
    for (const [c, qty] of takes) give(problem, remaining, candLine(problem, order, c), c, qty);
  };
  if (order.lines.length > 1) {
    giveBack(best.takes);
    for (const anchor of anchors(problem, order)) {
      const anchored = lineByLine(problem, remaining, order, anchor);
      giveBack(anchored.takes);
      if (better(anchored.score, best.score)) best = anchored;
    }
    for (const [c, qty] of best.takes) take(problem, remaining, candLine(problem, order, c), c, qty);
  }
  const single = bestSingleNode(problem, remaining, order);
  if (single && better(single.score, best.score)) {
    giveBack(best.takes);
    for (const [l, c] of single.choice) {
      const qty = problem.lines[l]!.open;
      plan[c] = plan[c]! + qty;
      take(problem, remaining, l, c, qty);
    }
    return;
  }
  for (const [c, qty] of best.takes) plan[c] = plan[c]! + qty;
}

/** Nodes that are candidates for the most of the order's lines (at least two), cheapest first. */
function anchors(problem: Problem, order: ProblemOrder): number[] {
  scratch.begin(problem.nodes.length);
  const { count, value: cost } = scratch;
  const touched: number[] = [];
  for (const l of order.lines) {
    const open = problem.lines[l]!.open;
    for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
      const n = problem.candNode[c]!;
      if (!scratch.has(n)) {
        scratch.mark(n);
        touched.push(n);
        count[n] = 0;
        cost[n] = problem.candFee[c]!;
      }
      count[n] = count[n]! + 1;
      cost[n] = cost[n]! + open * problem.candPrice[c]!;
    }
  }
  return touched
    .filter((n) => count[n]! >= 2)
    .sort((a, b) => count[b]! - count[a]! || cost[a]! - cost[b]! || a - b)
    .slice(0, ANCHORS);
}

const lineCache = new WeakMap<Problem, Int32Array>();

/** The line of every candidate (cached per problem). */
function candLines(problem: Problem): Int32Array {
  let lines = lineCache.get(problem);
  if (!lines) {
    lines = new Int32Array(problem.candNode.length);
    for (let l = 0; l < problem.lines.length; l++)
      lines.fill(l, problem.candStart[l]!, problem.candStart[l + 1]!);
    lineCache.set(problem, lines);
  }
  return lines;
}

function candLine(problem: Problem, _order: ProblemOrder, c: number): number {
  return candLines(problem)[c]!;
}

/**
 * Per-node scratch arrays reused across orders (allocating them per order is most of the greedy's garbage).
 * `stamp` marks which entries belong to the current use.
 */
class NodeScratch {
  stamp = new Int32Array(0);
  count = new Int32Array(0);
  value = new Float64Array(0);
  index = new Int32Array(0);
  current = 0;

  /** Starts a use over `size` nodes: every entry reads as unset. */
  begin(size: number): void {
    if (this.stamp.length < size) {
      this.stamp = new Int32Array(size);
      this.count = new Int32Array(size);
      this.value = new Float64Array(size);
      this.index = new Int32Array(size);
      this.current = 0;
    }
    this.current++;
  }

  has(n: number): boolean {
    return this.stamp[n] === this.current;
  }

  mark(n: number): void {
    this.stamp[n] = this.current;
  }
}

const scratch = new NodeScratch();

function give(problem: Problem, remaining: Remaining, l: number, c: number, qty: number): void {
  take(problem, remaining, l, c, -qty);
}

/** The cheapest node that can ship all open lines in full now, preferring on time. */
function bestSingleNode(
  problem: Problem,
  remaining: Remaining,
  order: ProblemOrder,
): { score: Score; choice: [number, number][] } | null {
  const first = order.lines[0]!;
  let best: { score: Score; choice: [number, number][] } | null = null;
  // Nodes that are a candidate of every other line: count[n] = how many of lines 1..k have n.
  const others = order.lines.length - 1;
  if (others > 0) {
    scratch.begin(problem.nodes.length);
    const { count } = scratch;
    for (let k = 1; k <= others; k++) {
      const l = order.lines[k]!;
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
        const n = problem.candNode[c]!;
        if (k === 1) {
          scratch.mark(n);
          count[n] = 1;
        } else if (scratch.has(n) && count[n] === k - 1) count[n] = k;
      }
    }
  }
  for (let c0 = problem.candStart[first]!; c0 < problem.candStart[first + 1]!; c0++) {
    const node = problem.candNode[c0]!;
    if (others > 0 && !(scratch.has(node) && scratch.count[node] === others)) continue;
    const choice: [number, number][] = [[first, c0]];
    for (let k = 1; k <= others; k++) {
      const l = order.lines[k]!;
      choice.push([l, findCandidate(problem, l, node)]);
    }
    if (!fits(problem, remaining, choice)) continue;
    let units = 0;
    let cost = problem.candFee[c0]!;
    for (const [l, c] of choice) {
      units += problem.lines[l]!.open;
      cost += problem.lines[l]!.open * problem.candPrice[c]!;
    }
    const score = { units, onTime: problem.candOnTime[c0] === 1 ? units : 0, cost };
    if (!best || better(score, best.score)) best = { score, choice };
  }
  return best;
}

function findCandidate(problem: Problem, l: number, node: number): number {
  for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
    if (problem.candNode[c] === node) return c;
  }
  return -1;
}

/** Whether every line can take its full open quantity at its chosen candidate at once. */
function fits(problem: Problem, remaining: Remaining, choice: [number, number][]): boolean {
  if (choice.length === 1) {
    const [l, c] = choice[0]!;
    return room(problem, remaining, l, c) >= problem.lines[l]!.open;
  }
  const stock = new Map<number, number>();
  const group = new Map<number, number>();
  let units = 0;
  let node = -1;
  for (const [l, c] of choice) {
    const open = problem.lines[l]!.open;
    node = problem.candNode[c]!;
    units += open;
    const r = problem.candRes[c]!;
    stock.set(r, (stock.get(r) ?? 0) + open);
    const g = problem.lines[l]!.group;
    if (g >= 0) group.set(g, (group.get(g) ?? 0) + open);
  }
  if (units > remaining.cap[node]!) return false;
  for (const [r, need] of stock) if (need > remaining.stock[r]!) return false;
  for (const [g, need] of group) if (need > remaining.group[g]!) return false;
  return true;
}

/**
 * Line by line with marginal costs (after giving `anchor`, when ≥ 0, every line it can ship in full), then
 * drop nodes whose units fit more cheaply elsewhere.
 */
function lineByLine(
  problem: Problem,
  remaining: Remaining,
  order: ProblemOrder,
  anchor: number,
): { score: Score; takes: Map<number, number> } {
  const takes = new Map<number, number>();
  const opened = new Set<number>();
  const sorted = sortedCandidates(problem);
  const need = new Map<number, number>(order.lines.map((l) => [l, problem.lines[l]!.open]));
  if (anchor >= 0) {
    for (const l of order.lines) {
      const c = findCandidate(problem, l, anchor);
      const open = need.get(l)!;
      if (c < 0 || room(problem, remaining, l, c) < open) continue;
      takes.set(c, open);
      take(problem, remaining, l, c, open);
      opened.add(anchor);
      need.set(l, 0);
    }
  }
  for (const l of order.lines) {
    let left = need.get(l)!;
    while (left > 0) {
      let bestC = -1;
      let bestOnTime = -1;
      let bestRate = Number.POSITIVE_INFINITY;
      let bestQty = 0;
      // Sorted by (on time, unit cost): the rate is at least the unit cost, so stop once it cannot win.
      for (let k = problem.candStart[l]!; k < problem.candStart[l + 1]!; k++) {
        const c = sorted[k]!;
        const onTime = problem.candOnTime[c]!;
        if (bestC >= 0 && (onTime < bestOnTime || problem.candPrice[c]! >= bestRate - 1e-12)) break;
        const qty = Math.min(room(problem, remaining, l, c), left);
        if (qty <= 0) continue;
        const fee = opened.has(problem.candNode[c]!) ? 0 : problem.candFee[c]!;
        const rate = problem.candPrice[c]! + fee / qty;
        if (onTime > bestOnTime || (onTime === bestOnTime && rate < bestRate - 1e-12)) {
          bestC = c;
          bestOnTime = onTime;
          bestRate = rate;
          bestQty = qty;
        }
      }
      if (bestC < 0) break;
      takes.set(bestC, (takes.get(bestC) ?? 0) + bestQty);
      take(problem, remaining, l, bestC, bestQty);
      opened.add(problem.candNode[bestC]!);
      left -= bestQty;
    }
  }
  if (opened.size > 1) consolidate(problem, remaining, order, takes, opened);
  return { score: scoreTakes(problem, takes), takes };
}

function scoreTakes(problem: Problem, takes: Map<number, number>): Score {
  let units = 0;
  let onTime = 0;
  let cost = 0;
  const fees = new Map<number, number>();
  for (const [c, qty] of takes) {
    units += qty;
    if (problem.candOnTime[c] === 1) onTime += qty;
    cost += qty * problem.candPrice[c]!;
    fees.set(problem.candNode[c]!, problem.candFee[c]!);
  }
  for (const fee of fees.values()) cost += fee;
  return { units, onTime, cost };
}

/**
 * Local search: for each node the order uses (dearest fee first), move all its units to the order's other
 * nodes when they have room, no unit becomes late, and the order gets cheaper.
 */
function consolidate(
  problem: Problem,
  remaining: Remaining,
  order: ProblemOrder,
  takes: Map<number, number>,
  opened: Set<number>,
): void {
  const nodes = [...opened];
  // An order pays one fee per node: the same on every candidate of the order there.
  const fees = new Map<number, number>();
  for (const [c] of takes) fees.set(problem.candNode[c]!, problem.candFee[c]!);
  const feeOf = (node: number) => fees.get(node) ?? 0;
  nodes.sort((a, b) => feeOf(b) - feeOf(a));
  for (const drop of nodes) {
    if (!opened.has(drop) || opened.size < 2) continue;
    const moves: [l: number, from: number, to: number, qty: number][] = [];
    const freed: [l: number, from: number, qty: number][] = [];
    let delta = -feeOf(drop);
    let ok = true;
    for (const [c, qty] of takes) {
      if (problem.candNode[c] !== drop || qty <= 0) continue;
      const l = candLine(problem, order, c);
      // Tentatively give the units back, so the moves see the room they free (a shared buffer).
      give(problem, remaining, l, c, qty);
      freed.push([l, c, qty]);
      let need = qty;
      // Cheapest other used node with room, never later than where the units are now.
      const options: number[] = [];
      for (let d = problem.candStart[l]!; d < problem.candStart[l + 1]!; d++) {
        const node = problem.candNode[d]!;
        if (node === drop || !opened.has(node)) continue;
        if (problem.candOnTime[d]! < problem.candOnTime[c]!) continue;
        options.push(d);
      }
      options.sort((a, b) => problem.candPrice[a]! - problem.candPrice[b]! || a - b);
      for (const d of options) {
        const moved = Math.min(need, room(problem, remaining, l, d));
        if (moved <= 0) continue;
        take(problem, remaining, l, d, moved);
        moves.push([l, c, d, moved]);
        delta += moved * (problem.candPrice[d]! - problem.candPrice[c]!);
        need -= moved;
        if (need === 0) break;
      }
      if (need > 0) {
        ok = false;
        break;
      }
    }
    if (!ok || delta >= -1e-9) {
      for (const [l, , d, moved] of moves) give(problem, remaining, l, d, moved);
      for (const [l, c, qty] of freed) take(problem, remaining, l, c, qty);
      continue;
    }
    for (const [, c, d, moved] of moves) {
      takes.set(c, takes.get(c)! - moved);
      takes.set(d, (takes.get(d) ?? 0) + moved);
    }
    for (const [c, qty] of [...takes]) if (qty === 0) takes.delete(c);
    opened.delete(drop);
  }
}
