/**
 * Shared set-up for the inbound channel tests: master data (items, nodes), channel connections with their
 * webhook secrets, signed deliveries sent from chosen loopback addresses, and reads of what landed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { saveConnection } from '../../../src/channels/connections.ts';
import { signBody } from '../../../src/channels/inbound/signature.ts';
import type { Warehouse } from '../../../src/warehouse/warehouse.ts';
import { REPO_ROOT } from '../../helpers/retailos.ts';
import { type RawReply, rawRequest } from '../http-raw.ts';

export const CHANNEL_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'channels');
export const SHOPIFY_SECRET = 'shpss_test_7f3c9a1e5b2d4f60';
export const WOO_SECRET = 'wc-secret-0a9b8c7d6e';

export function fixtureText(name: string): string {
  return fs.readFileSync(path.join(CHANNEL_FIXTURES, name), 'utf8');
}

export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

const AT = '2025-01-01T00:00:00Z';

/** Items, nodes and the two connections (Shopify `web`, WooCommerce `woo`). */
export async function prepareChannels(
  warehouse: Warehouse,
  skus: string[] = ['SKU-RUN-42B', 'SKU-SOCK-M', 'SKU-TEE-L'],
): Promise<void> {
  const events: Record<string, unknown>[] = [
    ...skus.map((sku) => ({
      event_id: `item-${sku}`,
      type: 'item_upserted',
      occurred_at: AT,
      sku,
      name: sku,
      category: 'apparel',
      unit_cost: 10,
      list_price: 40,
    })),
    ...['DC-1', 'STORE-2'].map((node) => ({
      event_id: `node-${node}`,
      type: 'node_upserted',
      occurred_at: AT,
      node_id: node,
      name: node,
      node_type: node.startsWith('DC') ? 'dc' : 'store',
      region: 'US-NY',
      can_ship: true,
      can_pickup: false,
    })),
  ];
  const { ingestSources } = await import('../../../src/ingest/ingest.ts');
  const { resolveSources } = await import('../../../src/ingest/sources.ts');
  const file = path.join(path.dirname(warehouse.path), 'master.jsonl');
  fs.writeFileSync(file, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
  const { sources } = await resolveSources([file]);
  await ingestSources(warehouse, sources);
  await saveConnection(warehouse, {
    channel_id: 'web',
    platform: 'shopify',
    settings: {
      shop_domain: 'example-shop.myshopify.com',
      publish: 'per_location',
      locations: { 'DC-1': 'gid://shopify/Location/65000000001' },
      inbound: { fulfilment_node_id: 'DC-1', regions: { GB: 'UK' } },
    },
    secrets: { api_token: 'shpat_test', webhook_secret: SHOPIFY_SECRET },
  });
  await saveConnection(warehouse, {
    channel_id: 'woo',
    platform: 'woocommerce',
    settings: { base_url: 'https://shop.example.com', inbound: { fulfilment_node_id: 'DC-1' } },
    secrets: { consumer_key: 'ck_test', consumer_secret: 'cs_test', webhook_secret: WOO_SECRET },
  });
}

export interface Delivery {
  channel?: string;
  topic: string;
  body: string;
  /** Default: the channel's secret. */
  secret?: string;
  /** Replaces the signature header (null: none). */
  signature?: string | null;
  deliveryId?: string;
  from?: string;
  headers?: Record<string, string>;
}

export function shopify(url: string, delivery: Delivery): Promise<RawReply> {
  const signature =
    delivery.signature === undefined
      ? signBody(delivery.body, delivery.secret ?? SHOPIFY_SECRET)
      : delivery.signature;
  return rawRequest(url, {
    method: 'POST',
    path: `/api/v1/channels/${delivery.channel ?? 'web'}/shopify`,
    localAddress: delivery.from ?? '127.0.0.1',
    body: delivery.body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': delivery.topic,
      'x-shopify-shop-domain': 'example-shop.myshopify.com',
      'x-shopify-api-version': '2025-07',
      'x-shopify-webhook-id': delivery.deliveryId ?? crypto.randomUUID(),
      ...(signature === null ? {} : { 'x-shopify-hmac-sha256': signature }),
      ...delivery.headers,
    },
  });
}

export function woo(url: string, delivery: Delivery): Promise<RawReply> {
  const signature =
    delivery.signature === undefined
      ? signBody(delivery.body, delivery.secret ?? WOO_SECRET)
      : delivery.signature;
  const [resource, event] = delivery.topic.split('.');
  return rawRequest(url, {
    method: 'POST',
    path: `/api/v1/channels/${delivery.channel ?? 'woo'}/woocommerce`,
    localAddress: delivery.from ?? '127.0.0.1',
    body: delivery.body,
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-source': 'https://shop.example.com/',
      'x-wc-webhook-topic': delivery.topic,
      'x-wc-webhook-resource': resource ?? '',
      'x-wc-webhook-event': event ?? '',
      'x-wc-webhook-id': '15',
      'x-wc-webhook-delivery-id': delivery.deliveryId ?? String(Math.floor(Math.random() * 1e12)),
      ...(signature === null ? {} : { 'x-wc-webhook-signature': signature }),
      ...delivery.headers,
    },
  });
}

/** Polls until `check` holds (a guard rail against a hung run, not a speed check). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
