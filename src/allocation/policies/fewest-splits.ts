/**
 * Baseline "fewest splits, then closest node" — the default of Shopify's order routing rules (minimize split
 * fulfillment, then ship from the location closest to the customer, then location priority). For each order
 * in FIFO order: the smallest set of nodes that can ship every open line in full (greedy set cover when no
 * single node can), ties broken by transit days to the customer, then by the priority list. Lines nobody
 * can ship in full take what the closest nodes have. Costs and promises play no part in the choice; the same
 * eligibility, capacity and buffer rules apply as for retailos.
 */
import { emptyPlan } from '../evaluate.ts';
import { type Problem, type ProblemOrder, type Remaining, remainingOf, room, take } from '../problem.ts';
import { type AllocationStrategy, noSolverStats, type StrategyOutcome } from '../strategy.ts';

export class FewestSplitsStrategy implements AllocationStrategy {
  readonly name = 'fewest-splits-closest';
  /** Node ids in priority order (the last tie-break); nodes not listed come after, by id. */
  constructor(private readonly priority: readonly string[] = []) {}

  async solve(problem: Problem): Promise<StrategyOutcome> {
    const rank = priorityRank(problem, this.priority);
    const remaining = remainingOf(problem);
    const plan = emptyPlan(problem);
    for (const order of problem.orders) {
      const chosen = coverOrder(problem, remaining, order, rank);
      for (const l of order.lines) {
        let need = problem.lines[l]!.open;
        // Within the chosen nodes first (closest first), then any other node, closest first.
        for (const c of byCloseness(problem, l, rank, chosen)) {
          if (need <= 0) break;
          const qty = Math.min(need, room(problem, remaining, l, c));
          if (qty <= 0) continue;
          plan[c] = plan[c]! + qty;
          take(problem, remaining, l, c, qty);
          need -= qty;
        }
      }
    }
    return { plan, stats: noSolverStats(problem.lines.length) };
  }
}

export function priorityRank(problem: Problem, priority: readonly string[]): Int32Array {
  const listed = new Map(priority.map((id, index) => [id, index]));
  return Int32Array.from(problem.nodes, (node, index) => listed.get(node.nodeId) ?? priority.length + index);
}

/** The nodes that cover the order's lines in full with as few shipments as possible (greedy set cover). */
function coverOrder(
  problem: Problem,
  remaining: Remaining,
  order: ProblemOrder,
  rank: Int32Array,
): Set<number> {
  const uncovered = new Set(order.lines);
  const chosen = new Set<number>();
  while (uncovered.size > 0) {
    let best = -1;
    let bestCovers = 0;
    let bestTransit = Number.POSITIVE_INFINITY;
    const covers = new Map<number, { lines: number; transit: number }>();
    for (const l of uncovered) {
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
        if (room(problem, remaining, l, c) < problem.lines[l]!.open) continue;
        const n = problem.candNode[c]!;
        const entry = covers.get(n) ?? { lines: 0, transit: problem.candTransit[c]! };
        entry.lines++;
        covers.set(n, entry);
      }
    }
    for (const [n, entry] of covers) {
      if (
        entry.lines > bestCovers ||
        (entry.lines === bestCovers && entry.transit < bestTransit) ||
        (entry.lines === bestCovers && entry.transit === bestTransit && rank[n]! < rank[best]!)
      ) {
        best = n;
        bestCovers = entry.lines;
        bestTransit = entry.transit;
      }
    }
    if (best < 0) break;
    chosen.add(best);
    for (const l of [...uncovered]) {
      for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) {
        if (problem.candNode[c] === best && room(problem, remaining, l, c) >= problem.lines[l]!.open)
          uncovered.delete(l);
      }
    }
  }
  return chosen;
}

function byCloseness(problem: Problem, l: number, rank: Int32Array, chosen: Set<number>): number[] {
  const cands: number[] = [];
  for (let c = problem.candStart[l]!; c < problem.candStart[l + 1]!; c++) cands.push(c);
  return cands.sort((a, b) => {
    const na = problem.candNode[a]!;
    const nb = problem.candNode[b]!;
    return (
      Number(chosen.has(nb)) - Number(chosen.has(na)) ||
      problem.candTransit[a]! - problem.candTransit[b]! ||
      rank[na]! - rank[nb]!
    );
  });
}
