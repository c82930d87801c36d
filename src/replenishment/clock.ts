import type { Warehouse } from '../warehouse/warehouse.ts';

/**
 * Replenishment's business "now": the ledger's pinned `clock` setting, else the time of the latest
 * operational event (sales, shipments, receipts, transfers, orders, counts) — so replays and imported
 * history plan as of their own data — else the wall clock. Workflow events are left out: a decision taken
 * today on a replayed history must not move the plan to today.
 */
export const BUSINESS_NOW_SQL = `SELECT coalesce(
  (SELECT TRY_CAST(nullif(trim(value), '') AS TIMESTAMPTZ) FROM ledger_settings WHERE key = 'clock'),
  (SELECT max(occurred_at) FROM event_log
   WHERE type IN ('pos_sale', 'shipped', 'receipt', 'transfer_shipped', 'transfer_received', 'order_placed',
                  'adjustment', 'cycle_count', 'po_created', 'po_updated'))) AS at`;

export function toBusinessNow(at: unknown): Date {
  return at === null || at === undefined ? new Date() : new Date(at as Date);
}

export async function businessNow(warehouse: Warehouse): Promise<Date> {
  return toBusinessNow((await warehouse.one<{ at: unknown }>(BUSINESS_NOW_SQL))?.at);
}
