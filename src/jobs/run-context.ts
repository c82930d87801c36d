import { type OperationsContext, operationsContext, SCHEDULER } from '../operations/context.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/**
 * A run's operations context, built once when the run starts: the scheduler acting, and the business clock
 * (src/clock) — what the run dates its plans, alerts, scores and workflow events with.
 */
export function runContext(ctx: {
  warehouse: Warehouse;
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}): Promise<OperationsContext> {
  const write = ctx.exclusive ?? (<T>(work: () => Promise<T>) => work());
  return write(() => operationsContext(ctx.warehouse, SCHEDULER));
}
