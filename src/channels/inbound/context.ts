/**
 * Builds a `MapContext` from the warehouse: the landed events of the orders an input concerns and which of
 * its skus are known items, in two set-based queries per chunk of input (semi-joins against the id lists,
 * so a long list costs a hash probe per row, not a list scan).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_INBOUND, type InboundSettings } from './settings.ts';
import type { LandedEvent, MapContext, Needs } from './types.ts';

/** Runs one read query (a reader connection, or the warehouse's own). */
export type ReadQuery = (sql: string, params: Record<string, string>) => Promise<Record<string, unknown>[]>;

export function connectionQuery(connection: DuckDBConnection): ReadQuery {
  return async (sql, params) => {
    const reader = await connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  };
}

const ORDER_TYPES = [
  'order_placed',
  'allocated',
  'allocation_released',
  'shipped',
  'order_cancelled',
  'refund_issued',
];

export async function loadContext(
  query: ReadQuery,
  channelId: string,
  settings: InboundSettings | undefined,
  needs: Needs,
): Promise<MapContext> {
  const byId = new Map<string, Record<string, unknown>>();
  const byOrder = new Map<string, LandedEvent[]>();
  if (needs.orderIds.size > 0) {
    const rows = await query(
      `SELECT event_id, type, payload FROM event_log
       WHERE type IN (SELECT unnest(from_json($types, '["VARCHAR"]')))
         AND (payload->>'order_id') IN (SELECT unnest(from_json($ids, '["VARCHAR"]')))
       ORDER BY occurred_at, seq`,
      { types: JSON.stringify(ORDER_TYPES), ids: JSON.stringify([...needs.orderIds]) },
    );
    for (const row of rows) {
      const landed: LandedEvent = {
        event_id: row.event_id as string,
        type: row.type as string,
        payload: JSON.parse(row.payload as string) as Record<string, unknown>,
      };
      byId.set(landed.event_id, landed.payload);
      const orderId = landed.payload.order_id as string;
      const list = byOrder.get(orderId) ?? [];
      if (list.length === 0) byOrder.set(orderId, list);
      list.push(landed);
    }
  }
  const known = new Set<string>();
  if (needs.skus.size > 0) {
    const rows = await query(
      `SELECT DISTINCT payload->>'sku' AS sku FROM event_log
       WHERE type = 'item_upserted' AND (payload->>'sku') IN (SELECT unnest(from_json($skus, '["VARCHAR"]')))`,
      { skus: JSON.stringify([...needs.skus]) },
    );
    for (const row of rows) known.add(row.sku as string);
  }
  return {
    channelId,
    settings: settings ?? DEFAULT_INBOUND,
    landed: (eventId) => byId.get(eventId),
    history: (orderId) => byOrder.get(orderId) ?? [],
    knownSku: (sku) => known.has(sku),
  };
}

/** A context from given facts (tests, and mappings checked without a warehouse). */
export function staticContext(
  channelId: string,
  options: { settings?: InboundSettings; landed?: LandedEvent[]; skus?: Iterable<string> } = {},
): MapContext {
  const landed = options.landed ?? [];
  const known = new Set(options.skus ?? []);
  return {
    channelId,
    settings: options.settings ?? DEFAULT_INBOUND,
    landed: (eventId) => landed.find((event) => event.event_id === eventId)?.payload,
    history: (orderId) => landed.filter((event) => event.payload.order_id === orderId),
    knownSku: (sku) => known.has(sku),
  };
}
