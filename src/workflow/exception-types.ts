/**
 * Every type of exception the queue holds, with what raises it: the one list that the CLI's help and its
 * `--type` check read. The conditions are derived in SQL (sql/marts/exceptions.sql, demand sensing's
 * migration 0071) and by the allocator (src/allocation/exceptions.ts); config/exceptions.json gives each an
 * owner and SLA. test/unit/cli/exception-types.test.ts keeps this list equal to the types those raise and
 * configure, so a new type is added here once and shows everywhere.
 */
export const EXCEPTION_TYPES = {
  oversell: 'available below zero at a node',
  negative_stock: 'a stock bucket (or in transit) below zero',
  inventory_mismatch: 'a cycle-count variance beyond tolerance',
  transfer_overdue: 'units still in transit after their due time',
  transfer_short_received: 'a transfer received short of what shipped, past its due date',
  po_overdue: 'an open purchase quantity after its expected date',
  unknown_reference: 'an sku or node named by events but never upserted',
  quarantined_event: 'an event the ledger could not apply, set aside with its reason',
  master_data: 'an item without cost or price; a shipping node without lanes',
  backorder: 'units no eligible node can give now',
  promise_at_risk: 'allocated units that cannot arrive by the promised date',
  substitution_offered: 'substitutes that would arrive in time, offered',
  fulfilment_hold: 'an order held for a high-risk approval',
  delayed_receipt: 'an open PO pushed later by its supplier, not yet overdue',
  damaged_stock: 'units in the damaged bucket awaiting a disposition',
  anomaly: 'a detector anomaly of the last 7 days',
  demand_above_plan: 'sales running above the forecast past stock and inbound cover',
} as const satisfies Record<string, string>;

export type ExceptionType = keyof typeof EXCEPTION_TYPES;

export const EXCEPTION_TYPE_NAMES = Object.keys(EXCEPTION_TYPES) as ExceptionType[];
