/**
 * The inbox of channel webhooks (`channel_deliveries`): a delivery is stored before it is answered, so one
 * answered 2xx survives a crash; mapping it to events comes after, and whatever is still pending when the
 * server starts is mapped then. Redelivery (the same delivery id) stores nothing new.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../warehouse/warehouse.ts';

export type DeliveryStatus = 'pending' | 'mapped' | 'ignored' | 'failed';

export interface NewDelivery {
  channelId: string;
  platform: 'shopify' | 'woocommerce';
  deliveryId: string;
  topic: string;
  body: string;
  status: 'pending' | 'ignored';
  receivedAt: Date;
}

export interface StoredDelivery {
  deliveryKey: string;
  channelId: string;
  platform: 'shopify' | 'woocommerce';
  deliveryId: string;
  topic: string;
  body: string;
  receivedAt: Date;
  attempts: number;
}

export function deliveryKey(channelId: string, platform: string, deliveryId: string): string {
  return `${channelId}/${platform}/${deliveryId}`;
}

/** How a delivery is named where its events and rejects land (their source_file). */
export function deliveryRef(delivery: Pick<StoredDelivery, 'platform' | 'channelId' | 'deliveryId'>): string {
  return `${delivery.platform}:${delivery.channelId}:${delivery.deliveryId}`;
}

/**
 * Stores a delivery in its own transaction (on a connection of its own, so it never waits behind the
 * serialized writer). Returns false when the same delivery was stored before.
 */
export async function storeDelivery(connection: DuckDBConnection, delivery: NewDelivery): Promise<boolean> {
  const reader = await connection.runAndReadAll(
    `INSERT INTO channel_deliveries (delivery_key, channel_id, platform, delivery_id, topic, received_at, body, status)
     VALUES ($key, $channel, $platform, $delivery, $topic, $received::TIMESTAMPTZ, $body, $status)
     ON CONFLICT DO NOTHING
     RETURNING delivery_key`,
    {
      key: deliveryKey(delivery.channelId, delivery.platform, delivery.deliveryId),
      channel: delivery.channelId,
      platform: delivery.platform,
      delivery: delivery.deliveryId,
      topic: delivery.topic,
      received: delivery.receivedAt.toISOString(),
      body: delivery.body,
      status: delivery.status,
    },
  );
  return reader.getRows().length > 0;
}

/** The oldest deliveries still to map (pending, or failed fewer than `maxAttempts` times). */
export async function pendingDeliveries(
  warehouse: Warehouse,
  limit: number,
  maxAttempts: number,
): Promise<StoredDelivery[]> {
  const rows = await warehouse.all<Record<string, unknown>>(
    `SELECT delivery_key, channel_id, platform, delivery_id, topic, body, received_at, attempts
     FROM channel_deliveries
     WHERE status = 'pending' OR (status = 'failed' AND attempts < $max)
     ORDER BY received_at, delivery_key
     LIMIT $limit`,
    { limit, max: maxAttempts },
  );
  return rows.map((row) => ({
    deliveryKey: row.delivery_key as string,
    channelId: row.channel_id as string,
    platform: row.platform as 'shopify' | 'woocommerce',
    deliveryId: row.delivery_id as string,
    topic: row.topic as string,
    body: row.body as string,
    receivedAt: row.received_at as Date,
    attempts: Number(row.attempts),
  }));
}

export interface DeliveryOutcome {
  key: string;
  status: 'mapped' | 'failed';
  events: number;
  rejects: number;
  error?: string | undefined;
}

export async function recordOutcomes(
  warehouse: Warehouse,
  outcomes: readonly DeliveryOutcome[],
): Promise<void> {
  if (outcomes.length === 0) return;
  await warehouse.run(
    `UPDATE channel_deliveries d
     SET status = o.status, attempts = d.attempts + 1, mapped_at = now(), events = o.events, rejects = o.rejects,
         error = o.error
     FROM (SELECT unnest(from_json($outcomes, '[{"key":"VARCHAR","status":"VARCHAR","events":"INTEGER","rejects":"INTEGER","error":"VARCHAR"}]'), recursive := true)) o
     WHERE d.delivery_key = o.key`,
    { outcomes: JSON.stringify(outcomes) },
  );
}
