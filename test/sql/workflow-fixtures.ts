/** Shared by the workflow tests: replaying a warehouse's event log into another, and its workflow state. */
import { refreshLedger } from '../../src/ledger/refresh.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { land, rows } from '../unit/ledger/fixtures.ts';

/** Lands every event of `from`'s log into `to` (in arrival order, through the normal validator and lander). */
export async function replayInto(from: Warehouse, to: Warehouse): Promise<void> {
  const events = await from.all<{ payload: string }>('SELECT payload FROM event_log ORDER BY seq');
  await land(
    to,
    events.map((row) => JSON.parse(row.payload) as Record<string, unknown>),
  );
  await refreshLedger(to);
}

/** Every workflow state: tracked exceptions, approval requests, fulfilment holds, graded returns. */
export async function workflowState(warehouse: Warehouse) {
  return {
    exceptions: await rows(
      warehouse,
      `SELECT exception_id, exception_type, severity, status, owner_role, assignee, escalation_level,
              last_escalated_at, acknowledged_at, resolved_at, resolution_code, note
       FROM exceptions WHERE tracked ORDER BY exception_id`,
    ),
    approvals: await rows(
      warehouse,
      `SELECT request_id, kind, amount, status, approvals, required_approvals, requested_by, decided_at,
              decisions::VARCHAR AS decisions, outcome::VARCHAR AS outcome
       FROM workflow_approvals ORDER BY request_id`,
    ),
    holds: await rows(warehouse, 'SELECT order_id, status FROM fulfilment_holds ORDER BY ALL'),
    positions: await rows(
      warehouse,
      `SELECT sku, node_id, sellable, repair, returns_pending, on_order, inventory_value
       FROM inventory_positions ORDER BY sku, node_id`,
    ),
  };
}
