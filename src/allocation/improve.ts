/**
 * Local search after the greedy: FIFO-first decisions are myopic (an early order takes the last units at a
 * node a later order needed more, while it had an almost as cheap alternative). The move — an exchange: an
 * order whose cheaper candidate is blocked (its stock or its node's capacity is used up) and an order
 * holding that resource are both taken out and decided again, the blocked one first. It is accepted only
 * when no line of the two loses units, their units on time do not drop, and their cost falls.
 * Every move keeps the plan feasible, so the search can stop anywhere.
 */
import type { Plan } from './evaluate.ts';
import { allocateOrder } from './greedy.ts';
import { type Problem, type ProblemOrder, type Remaining, room, take } from './problem.ts';

export interface ImproveOptions {
  /** Passes over all orders. Default 1. */
  passes?: number;
  /** Exchange partners tried per order and pass. Default 4. */
  trialsPerOrder?: number;
}

export interface ImproveStats {
  moves: number;
  trials: number;
  saved: number;
}

interface OrderState {
  takes: [cand: number, line: number, qty: number][];
  units: number[];
  onTime: number;
  cost: number;
}

export function improvePlan(
  problem: Problem,
  remaining: Remaining,
  plan: Plan,
  options: ImproveOptions = {},
): ImproveStats {
  const passes = options.passes ?? 1;
  const trialsPerOrder = options.trialsPerOrder ?? 4;
  const stats: ImproveStats = { moves: 0, trials: 0, saved: 0 };

  const state = (order: ProblemOrder): OrderState => {
    const takes: OrderState['takes'] = [];
    const units: number[] = [];
    let onTime = 0;
    let cost = 0;
    const fees = new Map<number, number>();
    for (const l of order.lines) {
      let got = 0;
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
        const qty = plan[c]!;
        if (qty <= 0) continue;
        takes.push([c, l, qty]);
        got += qty;
        if (problem.candOnTime[c] === 1) onTime += qty;
        cost += qty * problem.candPrice[c]!;
        fees.set(problem.candNode[c]!, problem.candFee[c]!);
      }
      units.push(got);
    }
    for (const fee of fees.values()) cost += fee;
    return { takes, units, onTime, cost };
  };
  const remove = (before: OrderState) => {
    for (const [c, l, qty] of before.takes) {
      plan[c] = plan[c]! - qty;
      take(problem, remaining, l, c, -qty);
    }
  };
  const restore = (before: OrderState) => {
    for (const [c, l, qty] of before.takes) {
      plan[c] = plan[c]! + qty;
      take(problem, remaining, l, c, qty);
    }
  };
  /** Decides `orders` again in the given sequence; keeps the result if it is no worse in units and cheaper. */
  const attempt = (orders: ProblemOrder[]): boolean => {
    stats.trials++;
    const before = orders.map(state);
    for (const s of before) remove(s);
    for (const order of orders) allocateOrder(problem, remaining, plan, order);
    const after = orders.map(state);
    let ok = true;
    let onTimeBefore = 0;
    let onTimeAfter = 0;
    let costBefore = 0;
    let costAfter = 0;
    for (let i = 0; i < orders.length; i++) {
      const b = before[i]!;
      const a = after[i]!;
      if (a.units.some((units, k) => units < b.units[k]!)) ok = false;
      onTimeBefore += b.onTime;
      onTimeAfter += a.onTime;
      costBefore += b.cost;
      costAfter += a.cost;
    }
    const gain =
      ok && (onTimeAfter > onTimeBefore || (onTimeAfter === onTimeBefore && costAfter < costBefore - 1e-9));
    if (gain) {
      stats.moves++;
      stats.saved += costBefore - costAfter;
      return true;
    }
    for (const s of after) remove(s);
    for (const s of before) restore(s);
    return false;
  };

  const candOrder = new Int32Array(problem.candNode.length);
  for (const order of problem.orders) {
    for (const l of order.lines) {
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) candOrder[c] = order.index;
    }
  }
  for (let pass = 0; pass < passes; pass++) {
    const movesBefore = stats.moves;
    // Who holds each stock and each node's capacity (rebuilt per pass; checked again at trial time).
    const resHolders = new Map<number, Set<number>>();
    const nodeHolders = new Map<number, Set<number>>();
    for (let c = 0; c < plan.length; c++) {
      if (plan[c]! <= 0) continue;
      const order = candOrder[c]!;
      addTo(resHolders, problem.candRes[c]!, order);
      addTo(nodeHolders, problem.candNode[c]!, order);
    }
    for (const order of problem.orders) {
      const current = state(order);
      if (current.takes.length === 0) continue;
      const partners = blockingOrders(problem, remaining, plan, order, current, resHolders, nodeHolders);
      let tried = 0;
      for (const partner of partners) {
        if (tried++ >= trialsPerOrder) break;
        if (attempt([order, problem.orders[partner]!])) break;
      }
    }
    if (stats.moves === movesBefore) break;
  }
  return stats;
}

function addTo(map: Map<number, Set<number>>, key: number, value: number): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

/**
 * Orders holding what blocks this order's cheaper candidates: for each line, candidates it does not use,
 * at least as timely as what it uses and cheaper per unit (or at a node the order already ships from),
 * whose stock or node capacity is used up; cheapest first.
 */
function blockingOrders(
  problem: Problem,
  remaining: Remaining,
  plan: Plan,
  order: ProblemOrder,
  current: OrderState,
  resHolders: Map<number, Set<number>>,
  nodeHolders: Map<number, Set<number>>,
): number[] {
  const nodes = new Set(current.takes.map(([c]) => problem.candNode[c]!));
  const blocked: [gain: number, holders: Set<number>][] = [];
  for (const l of order.lines) {
    let worstUnit = 0;
    let onTime = 1;
    for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
      if (plan[c]! <= 0) continue;
      worstUnit = Math.max(worstUnit, problem.candPrice[c]! + Math.max(problem.candFee[c]!, 0));
      onTime = Math.min(onTime, problem.candOnTime[c]!);
    }
    for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
      if (plan[c]! > 0 || problem.candOnTime[c]! < onTime) continue;
      const rate = problem.candPrice[c]! + (nodes.has(problem.candNode[c]!) ? 0 : problem.candFee[c]!);
      if (rate >= worstUnit - 1e-9) continue;
      if (room(problem, remaining, l, c) >= problem.lines[l]!.open) continue;
      const holders =
        remaining.stock[problem.candRes[c]!]! <= 0
          ? resHolders.get(problem.candRes[c]!)
          : remaining.cap[problem.candNode[c]!]! <= 0
            ? nodeHolders.get(problem.candNode[c]!)
            : undefined;
      if (holders) blocked.push([worstUnit - rate, holders]);
    }
  }
  blocked.sort((a, b) => b[0] - a[0]);
  const partners: number[] = [];
  const seen = new Set<number>([order.index]);
  for (const [, holders] of blocked) {
    for (const holder of holders) {
      if (seen.has(holder)) continue;
      seen.add(holder);
      partners.push(holder);
    }
  }
  return partners;
}
