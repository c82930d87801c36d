import type { Plan } from './evaluate.ts';
import type { Problem } from './problem.ts';
import type { SolverStats } from './types.ts';

export interface StrategyOutcome {
  plan: Plan;
  stats: Omit<SolverStats, 'seconds' | 'strategy'>;
  /** The strategy that actually decided, when it differs from the one asked (`auto/greedy`). */
  used?: string;
}

/**
 * Where to allocate (Vendure's habit: a policy as a small strategy interface). A strategy reads the flat
 * problem and returns units per candidate; it must respect every resource (stock, capacity, buffer) and
 * never allocate more than a line has open. The default is `AutoStrategy` (auto.ts): the exact solver for
 * batches, the greedy for single orders and huge batches.
 */
export interface AllocationStrategy {
  readonly name: string;
  solve(problem: Problem): Promise<StrategyOutcome>;
}

export function noSolverStats(lines: number): StrategyOutcome['stats'] {
  return {
    milpLines: 0,
    greedyLines: lines,
    components: 0,
    milpSolves: 0,
    milpLimited: 0,
    lpBound: null,
    chunkedComponents: 0,
  };
}
