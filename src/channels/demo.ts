/**
 * The demo's sales channels as local stand-ins (`npm start`): its web shop on a sandbox Shopify, its Amazon
 * marketplace on a sandbox Selling Partner API and its eBay marketplace behind a signed generic webhook, all
 * on loopback ports of the demo process. The server then publishes to them like to real channels, so
 * `retailos channels status` shows publications, lag and latency. Each start re-creates the connections
 * (the sandboxes start empty), so the first publication is a full one.
 */
import { randomBytes } from 'node:crypto';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { deleteConnection, saveConnection } from './connections.ts';
import { SandboxAmazon } from './sandbox/amazon.ts';
import type { SandboxServer } from './sandbox/server.ts';
import { SandboxShopify } from './sandbox/shopify.ts';
import { SandboxWebhookReceiver } from './sandbox/webhook.ts';

export interface DemoChannels {
  /** One line per channel: where it is published. */
  lines: string[];
  stop(): Promise<void>;
}

const DEMO_LOCATION = 'gid://shopify/Location/1001';

export async function startDemoChannels(warehouse: Warehouse): Promise<DemoChannels> {
  const channels = new Set(
    (await warehouse.all<{ channel_id: string }>('SELECT channel_id FROM stg_channels')).map(
      (r) => r.channel_id,
    ),
  );
  const skus = (await warehouse.all<{ sku: string }>('SELECT sku FROM stg_items ORDER BY sku')).map(
    (r) => r.sku,
  );
  // The shop's one location stands for the DC (inbound Shopify fulfilments map back through it).
  const dc =
    (
      await warehouse.one<{ node_id: string }>(
        "SELECT node_id FROM stg_nodes WHERE node_type = 'dc' ORDER BY node_id LIMIT 1",
      )
    )?.node_id ?? 'DC';
  const servers: SandboxServer[] = [];
  const lines: string[] = [];
  const secret = () => randomBytes(18).toString('base64url');
  try {
    if (channels.has('WEB')) {
      const token = `shpat_${secret()}`;
      const shop = new SandboxShopify({ accessToken: token, locations: [1001], skus });
      servers.push(shop);
      await shop.start();
      await replace(warehouse, {
        channel_id: 'WEB',
        platform: 'shopify',
        settings: {
          shop_domain: 'retailos-demo.myshopify.com',
          endpoint: `${shop.url}/admin/api/2025-07/graphql.json`,
          location_id: DEMO_LOCATION,
          locations: { [dc]: DEMO_LOCATION },
          drift_check_minutes: 5,
        },
        secrets: { api_token: token, webhook_secret: secret() },
      });
      lines.push(`WEB      → sandbox Shopify ${shop.url} (inventorySetQuantities at ${DEMO_LOCATION})`);
    }
    if (channels.has('MKT-AMZ')) {
      const creds = {
        clientId: `amzn1.application-oa2-client.${secret()}`,
        clientSecret: secret(),
        refreshToken: `Atzr|${secret()}`,
      };
      const amazon = new SandboxAmazon({ ...creds, sellerId: 'A1DEMOSELLER', skus });
      servers.push(amazon);
      await amazon.start();
      await replace(warehouse, {
        channel_id: 'MKT-AMZ',
        platform: 'amazon',
        settings: {
          seller_id: 'A1DEMOSELLER',
          marketplace_ids: ['ATVPDKIKX0DER'],
          endpoint: amazon.url,
          token_endpoint: `${amazon.url}/auth/o2/token`,
        },
        secrets: {
          lwa_client_id: creds.clientId,
          lwa_client_secret: creds.clientSecret,
          refresh_token: creds.refreshToken,
        },
      });
      lines.push(`MKT-AMZ  → sandbox Amazon SP-API ${amazon.url} (JSON_LISTINGS_FEED)`);
    }
    if (channels.has('MKT-EBAY')) {
      const signing = secret();
      const receiver = new SandboxWebhookReceiver(signing);
      servers.push(receiver);
      await receiver.start();
      await replace(warehouse, {
        channel_id: 'MKT-EBAY',
        platform: 'webhook',
        settings: { url: `${receiver.url}/ebay/availability` },
        secrets: { signing_secret: signing },
      });
      lines.push(`MKT-EBAY → signed webhook ${receiver.url}`);
    }
  } catch (error) {
    for (const server of servers) await server.stop();
    throw error;
  }
  return {
    lines,
    async stop() {
      for (const server of servers) await server.stop();
    },
  };
}

/** A fresh connection: the sandbox behind it starts empty, so nothing counts as published yet. */
async function replace(warehouse: Warehouse, input: Parameters<typeof saveConnection>[1]): Promise<void> {
  await deleteConnection(warehouse, input.channel_id);
  await saveConnection(warehouse, input, { actor: 'demo' });
}
