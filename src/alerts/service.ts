import { businessNow } from '../clock/business-clock.ts';
import type { Clock } from '../clock/sources.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import type { AlertConfig } from './config.ts';
import { evaluateRules } from './evaluate.ts';
import { type DispatchSummary, dispatch, type NotifyDeps } from './notify.ts';
import { reconcileAlerts } from './store.ts';
import { listSubscriptions } from './subscriptions.ts';

export interface AlertRunSummary {
  asOf: string;
  conditions: number;
  opened: number;
  escalated: number;
  resolved: number;
  open: number;
  errors: { rule_id: string; error: string }[];
  notifications: DispatchSummary;
}

/**
 * One alerting pass: evaluate the rules as of `asOf` (default: the business clock, src/clock — never the wall
 * clock, or a replayed history would alert that every PO is years late), fold the conditions into alert
 * episodes (dedup, dated `asOf`), and notify the matching subscriptions of what opened or escalated. `clock` is
 * the delivery clock (sent times, quiet hours, throttles), which runs in real time.
 */
export async function runAlerts(
  warehouse: Warehouse,
  config: AlertConfig,
  deps: Omit<NotifyDeps, 'warehouse'> & { clock: Clock; asOf?: Date },
): Promise<AlertRunSummary> {
  // Inside the server every use of the write connection, reads included, goes through its writer;
  // deliveries (network, retries) happen outside it so ingest never waits on a slow receiver.
  const write = deps.write ?? ((work) => work());
  const { asOf, conditions, errors, reconciled, subs } = await write(async () => {
    const asOf = deps.asOf ?? (await businessNow(warehouse));
    const evaluation = await evaluateRules(warehouse, config, asOf);
    const folded = await warehouse.transaction(() =>
      reconcileAlerts(warehouse, evaluation.conditions, evaluation.evaluated, asOf),
    );
    return { ...evaluation, asOf, reconciled: folded, subs: await listSubscriptions(warehouse) };
  });
  const notifications = await dispatch(reconciled.events, subs, { ...deps, warehouse });
  return {
    asOf: asOf.toISOString(),
    conditions: conditions.length,
    opened: reconciled.events.filter((e) => e.reason === 'opened').length,
    escalated: reconciled.events.filter((e) => e.reason === 'escalated').length,
    resolved: reconciled.resolved,
    open: reconciled.open,
    errors,
    notifications,
  };
}
