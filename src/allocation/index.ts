/** The allocator's public surface (docs/allocation.md). */
export { allocate, solveProblem } from './allocate.ts';
export { AutoStrategy } from './auto.ts';
export { GreedyStrategy } from './greedy.ts';
export { type HoldSource, RelationHolds } from './holds.ts';
export { OptimalStrategy } from './optimal.ts';
export { FewestSplitsStrategy } from './policies/fewest-splits.ts';
export { PrioritySpillStrategy } from './policies/priority-spill.ts';
export { AutoPositions, EventLogPositions, LedgerPositions, type PositionSource } from './positions.ts';
export { AllocationScheduler } from './scheduler.ts';
export {
  acceptSubstitution,
  type OrderAllocation,
  orderAllocation,
  type RunOptions,
  type RunReport,
  runAllocation,
  SubstitutionError,
} from './service.ts';
export type { AllocationStrategy } from './strategy.ts';
export type * from './types.ts';
