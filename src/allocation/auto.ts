import { GreedyStrategy } from './greedy.ts';
import { type OptimalOptions, OptimalStrategy } from './optimal.ts';
import type { Problem } from './problem.ts';
import type { AllocationStrategy, StrategyOutcome } from './strategy.ts';

export interface AutoOptions extends OptimalOptions {
  /** Batches with more open lines than this use the greedy. Default 500. */
  maxSolverLines?: number;
}

/**
 * The default strategy: the exact solver for batches, the greedy for a single order (nothing to trade
 * off between orders; the greedy compares one-node and split plans) and for batches over
 * `maxSolverLines` lines.
 */
export class AutoStrategy implements AllocationStrategy {
  readonly name = 'auto';
  private readonly optimal: OptimalStrategy;
  private readonly greedy = new GreedyStrategy();
  private readonly maxSolverLines: number;

  constructor(options: AutoOptions = {}) {
    this.optimal = new OptimalStrategy(options);
    this.maxSolverLines = options.maxSolverLines ?? 500;
  }

  /** Which strategy a problem goes to. */
  pick(problem: Problem): AllocationStrategy {
    if (problem.orders.length <= 1 || problem.lines.length > this.maxSolverLines) return this.greedy;
    return this.optimal;
  }

  async solve(problem: Problem): Promise<StrategyOutcome> {
    const strategy = this.pick(problem);
    const outcome = await strategy.solve(problem);
    return { ...outcome, used: `auto/${strategy.name}` };
  }
}
