/**
 * A small retailer for the channel tests: two nodes (DC, ST-1), skus, a web channel on both nodes and a
 * marketplace on the DC with a 2-unit buffer, landed through the normal ingest path into a real DuckDB file.
 */
import { refreshLedger } from '../../../src/ledger/refresh.ts';
import type { Warehouse } from '../../../src/warehouse/warehouse.ts';
import { ingest, type TempDir, toJsonl } from '../../helpers/retailos.ts';

let counter = 0;

export function skus(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `SKU-${String(i + 1).padStart(3, '0')}`);
}

export function masterData(skuList: string[]): Record<string, unknown>[] {
  const at = '2025-03-01T00:00:00Z';
  return [
    {
      event_id: 'n-dc',
      type: 'node_upserted',
      occurred_at: at,
      node_id: 'DC',
      name: 'DC',
      node_type: 'dc',
      region: 'midwest',
      can_ship: true,
      can_pickup: false,
    },
    {
      event_id: 'n-st',
      type: 'node_upserted',
      occurred_at: at,
      node_id: 'ST-1',
      name: 'Store 1',
      node_type: 'store',
      region: 'midwest',
      can_ship: true,
      can_pickup: true,
    },
    {
      event_id: 'c-web',
      type: 'channel_upserted',
      occurred_at: at,
      channel_id: 'WEB',
      name: 'Web',
      channel_type: 'web',
      node_ids: ['DC', 'ST-1'],
    },
    {
      event_id: 'c-mkt',
      type: 'channel_upserted',
      occurred_at: at,
      channel_id: 'MKT',
      name: 'Marketplace',
      channel_type: 'marketplace',
      node_ids: ['DC'],
      buffer_units: 2,
    },
    ...skuList.map((sku) => ({
      event_id: `i-${sku}`,
      type: 'item_upserted',
      occurred_at: at,
      sku,
      name: sku,
      category: 'home',
      unit_cost: 2,
      list_price: 5,
    })),
  ];
}

/** Lands events through ingest and applies them to the ledger (what the server's pipeline does). */
export async function land(
  warehouse: Warehouse,
  dir: TempDir,
  events: Record<string, unknown>[],
): Promise<void> {
  const file = dir.write(`events-${++counter}.jsonl`, toJsonl(events));
  const summary = await ingest(warehouse, [file]);
  if (summary.rejected > 0) throw new Error(`fixture events rejected: ${summary.rejected}`);
  await refreshLedger(warehouse);
}

export function receipt(
  node: string,
  sku: string,
  qty: number,
  at = '2025-03-02T08:00:00Z',
): Record<string, unknown> {
  return {
    event_id: `r-${++counter}-${node}-${sku}`,
    type: 'receipt',
    occurred_at: at,
    node_id: node,
    sku,
    qty,
    unit_cost: 2,
  };
}

export function adjustment(
  node: string,
  sku: string,
  qty: number,
  at = '2025-03-03T08:00:00Z',
): Record<string, unknown> {
  return {
    event_id: `a-${++counter}-${node}-${sku}`,
    type: 'adjustment',
    occurred_at: at,
    node_id: node,
    sku,
    qty,
    reason: 'correction',
  };
}

export const SHOPIFY_TOKEN = 'shpat_sandbox-token-0001';
export const LOCATION_DC = 'gid://shopify/Location/1001';
export const LOCATION_ST = 'gid://shopify/Location/1002';
