/**
 * Fulfilment holds (high-risk orders awaiting approval) are the workflow's (issue 8); the allocator only
 * asks which orders are held. The default reads the relation `fulfilment_holds(order_id, status)` when the
 * warehouse has one (an order is held while a row of it says 'held'), and holds nothing otherwise.
 */
import type { Warehouse } from '../warehouse/warehouse.ts';
import { hasRelation } from './positions.ts';
import { allocationSql } from './sql.ts';

export interface HoldSource {
  heldOrders(warehouse: Warehouse): Promise<Set<string>>;
}

export class RelationHolds implements HoldSource {
  async heldOrders(warehouse: Warehouse): Promise<Set<string>> {
    if (!(await hasRelation(warehouse, 'fulfilment_holds'))) return new Set();
    const rows = await warehouse.all<{ order_id: string }>(allocationSql('held_orders'));
    return new Set(rows.map((row) => row.order_id));
  }
}
