import { once } from 'node:events';
import fs from 'node:fs';
import { seededRandom } from './rng.ts';

/**
 * Writes `count` valid events of the contract's common operational types, in
 * a realistic mix (sales and order flow dominate, master data is rare), as
 * JSON Lines. Deterministic for a seed. Used by the ingest benchmarks; the
 * realistic retailer is the simulator's job.
 */
export async function writeMixedEvents(file: string, count: number, seed = 42): Promise<void> {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const nodes = Array.from({ length: 40 }, (_, index) => `S${String(index + 1).padStart(3, '0')}`);
  const skus = Array.from({ length: 5000 }, (_, index) => `SKU-${String(index + 1).padStart(5, '0')}`);
  const start = Date.parse('2024-01-01T00:00:00Z');
  const out = fs.createWriteStream(file);
  let buffer = '';
  for (let index = 0; index < count; index++) {
    const occurred_at = new Date(start + index * 1000 + Math.floor(random() * 1000)).toISOString();
    const event_id = `evt-${seed}-${index}`;
    const node_id = pick(nodes);
    const sku = pick(skus);
    const roll = random();
    let event: Record<string, unknown>;
    if (roll < 0.4) {
      event = {
        event_id,
        type: 'pos_sale',
        occurred_at,
        source: 'pos',
        node_id,
        sku,
        qty: 1 + Math.floor(random() * 3),
        unit_price: 19.99,
      };
    } else if (roll < 0.55) {
      event = {
        event_id,
        type: 'order_placed',
        occurred_at,
        source: 'web',
        order_id: `O-${index}`,
        channel_id: 'web',
        ship_to_region: 'north',
        service_level: 'standard',
        promised_by: '2024-02-01',
        lines: [
          { line_id: '1', sku, qty: 1, unit_price: 24.5 },
          { line_id: '2', sku: pick(skus), qty: 2, unit_price: 9.75 },
        ],
      };
    } else if (roll < 0.65) {
      event = {
        event_id,
        type: 'allocated',
        occurred_at,
        order_id: `O-${index - 1}`,
        line_id: '1',
        node_id,
        sku,
        qty: 1,
      };
    } else if (roll < 0.75) {
      event = {
        event_id,
        type: 'shipped',
        occurred_at,
        order_id: `O-${index - 2}`,
        line_id: '1',
        node_id,
        sku,
        qty: 1,
        carrier: 'ups',
      };
    } else if (roll < 0.85) {
      event = {
        event_id,
        type: 'receipt',
        occurred_at,
        source: 'wms',
        node_id,
        sku,
        qty: 24,
        unit_cost: 7.5,
        po_id: `PO-${index % 1000}`,
      };
    } else if (roll < 0.9) {
      event = { event_id, type: 'adjustment', occurred_at, node_id, sku, qty: -1, reason: 'shrink' };
    } else if (roll < 0.94) {
      event = {
        event_id,
        type: 'transfer_shipped',
        occurred_at,
        transfer_id: `T-${index}`,
        from_node_id: 'S001',
        to_node_id: node_id === 'S001' ? 'S002' : node_id,
        sku,
        qty: 6,
      };
    } else if (roll < 0.97) {
      event = {
        event_id,
        type: 'return_received',
        occurred_at,
        return_id: `R-${index}`,
        node_id,
        sku,
        qty: 1,
        reason: 'size',
      };
    } else if (roll < 0.99) {
      event = {
        event_id,
        type: 'cycle_count',
        occurred_at,
        node_id,
        sku,
        counted_qty: Math.floor(random() * 40),
      };
    } else {
      event = {
        event_id,
        type: 'price_changed',
        occurred_at,
        sku,
        price: 17.99,
        reason: 'promotion',
        ends_at: '2024-03-01',
      };
    }
    buffer += `${JSON.stringify(event)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}
