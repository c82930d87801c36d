/**
 * Baseline "fixed node priority order, spill to the next" — Saleor's default allocation strategy
 * ("prioritize sorting order": warehouses in the channel's configured order). Line by line in FIFO order,
 * each line takes what the first node in the list has, then the next, until it is filled. Costs, promises
 * and consolidation play no part; the same eligibility, capacity and buffer rules apply as for retailos.
 */
import { emptyPlan } from '../evaluate.ts';
import type { Problem } from '../problem.ts';
import { remainingOf, room, take } from '../problem.ts';
import { type AllocationStrategy, noSolverStats, type StrategyOutcome } from '../strategy.ts';
import { priorityRank } from './fewest-splits.ts';

export class PrioritySpillStrategy implements AllocationStrategy {
  readonly name = 'priority-spill';
  /** Node ids in priority order; nodes not listed come after, by id. */
  constructor(private readonly priority: readonly string[] = []) {}

  async solve(problem: Problem): Promise<StrategyOutcome> {
    const rank = priorityRank(problem, this.priority);
    const remaining = remainingOf(problem);
    const plan = emptyPlan(problem);
    for (const line of problem.lines) {
      const cands: number[] = [];
      for (let c = problem.candStart[line.index]!; c < problem.candStart[line.index + 1]!; c++) cands.push(c);
      cands.sort((a, b) => rank[problem.candNode[a]!]! - rank[problem.candNode[b]!]!);
      let need = line.open;
      for (const c of cands) {
        if (need <= 0) break;
        const qty = Math.min(need, room(problem, remaining, line.index, c));
        if (qty <= 0) continue;
        plan[c] = plan[c]! + qty;
        take(problem, remaining, line.index, c, qty);
        need -= qty;
      }
    }
    return { plan, stats: noSolverStats(problem.lines.length) };
  }
}
