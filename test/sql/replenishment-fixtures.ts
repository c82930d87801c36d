import { at, type EventBody, type EventFactory } from '../unit/ledger/fixtures.ts';

/**
 * A DC and two stores. B at the DC runs low (a purchase); A at ST1 runs low while ST2 sits on 24 weeks of
 * it (a transfer); a slipped PO of A at the DC exposes the DC and the web channel's open order.
 */
export function world(f: EventFactory): EventBody[] {
  const lane = (
    node_id: string,
    region: string,
    transit_days: number,
    cost_per_order: number,
    cost_per_unit: number,
  ) => f.make('lane_upserted', at(1), { node_id, region, transit_days, cost_per_order, cost_per_unit });
  const events: EventBody[] = [
    f.make('supplier_upserted', at(1), { supplier_id: 'S1', name: 'Acme', lead_time_days: 10 }),
    f.item('A', 2, 5, at(1), { supplier_id: 'S1' }),
    f.item('B', 2, 5, at(1), { supplier_id: 'S1', pack_size: 6, moq: 12 }),
    f.node('DC', { node_type: 'dc', region: 'east', can_ship: true }),
    f.node('ST1', { node_type: 'store', region: 'east', can_ship: false }),
    f.node('ST2', { node_type: 'store', region: 'west', can_ship: false }),
    lane('DC', 'east', 1, 5, 0.1),
    lane('DC', 'west', 2, 5, 0.1),
    lane('ST2', 'east', 1, 2, 0.05),
    lane('ST1', 'west', 1, 2, 0.05),
    f.make('channel_upserted', at(1), { channel_id: 'W', name: 'Web', channel_type: 'web' }),
    f.make('receipt', at(1, 6), { node_id: 'DC', sku: 'A', qty: 30, unit_cost: 2 }),
    f.make('receipt', at(1, 6), { node_id: 'DC', sku: 'B', qty: 40, unit_cost: 2 }),
    f.make('receipt', at(1, 6), { node_id: 'ST1', sku: 'A', qty: 60, unit_cost: 2 }),
    f.make('receipt', at(1, 6), { node_id: 'ST2', sku: 'A', qty: 200, unit_cost: 2 }),
    f.make('po_created', at(5), {
      po_id: 'P9',
      supplier_id: 'S1',
      node_id: 'DC',
      expected_at: '2024-01-20',
      lines: [{ line_id: '1', sku: 'A', qty: 50, unit_cost: 2 }],
    }),
    f.make('po_updated', at(15), { po_id: 'P9', expected_at: '2024-02-09' }),
    f.make('order_placed', at(28), {
      order_id: 'O1',
      channel_id: 'W',
      ship_to_region: 'east',
      service_level: 'standard',
      lines: [{ line_id: '1', sku: 'A', qty: 3, unit_price: 5 }],
    }),
  ];
  for (let day = 2; day <= 29; day++) {
    events.push(
      f.make('pos_sale', at(day, 12), { node_id: 'ST1', sku: 'A', qty: 2, unit_price: 5 }),
      f.make('pos_sale', at(day, 12), { node_id: 'ST2', sku: 'A', qty: 1, unit_price: 5 }),
      f.make('pos_sale', at(day, 12), { node_id: 'DC', sku: 'A', qty: 1, unit_price: 5 }),
      f.make('pos_sale', at(day, 12), { node_id: 'DC', sku: 'B', qty: 1, unit_price: 5 }),
    );
  }
  return events;
}
