import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  deleteConnection,
  listConnections,
  loadConnection,
  saveConnection,
} from '../../../src/channels/connections.ts';
import { UserError } from '../../../src/warehouse/errors.ts';
import { Warehouse } from '../../../src/warehouse/warehouse.ts';

const shopify = {
  channel_id: 'WEB',
  platform: 'shopify' as const,
  settings: {
    shop_domain: 'demo-shop.myshopify.com',
    location_id: 'gid://shopify/Location/1001',
    locations: { DC: 'gid://shopify/Location/1001' },
  },
  secrets: { api_token: 'shpat_token-123', webhook_secret: 'whsec-abcdef' },
};

describe('channel connections', () => {
  let warehouse: Warehouse;
  beforeEach(async () => {
    warehouse = await Warehouse.open(':memory:');
  });
  afterEach(async () => {
    await warehouse.close();
  });

  it('stores settings with defaults and credentials apart, and loads both back', async () => {
    await saveConnection(warehouse, shopify, { actor: 'k1' });
    const loaded = await loadConnection(warehouse, 'WEB');
    expect(loaded).toMatchObject({
      channelId: 'WEB',
      platform: 'shopify',
      enabled: true,
      settings: { api_version: '2025-07', publish: 'aggregate', drift_check_minutes: 15 },
      secrets: { apiToken: 'shpat_token-123', webhookSecret: 'whsec-abcdef' },
    });
    const row = await warehouse.one<{ settings: string; secret_id: string }>(
      'SELECT settings::VARCHAR AS settings, secret_id FROM channel_connections',
    );
    expect(row?.settings).not.toContain('shpat_token');
    expect(row?.secret_id).toMatch(/^sec-/);
    expect(await loadConnection(warehouse, 'NOPE')).toBeNull();
  });

  it('lists connections with the names of their credentials only, webhook URLs cut to the origin', async () => {
    await saveConnection(warehouse, shopify);
    await saveConnection(warehouse, {
      channel_id: 'MKT-X',
      platform: 'webhook',
      settings: { url: 'https://hooks.example.com/T000/B000/secret-path?token=abc' },
      secrets: { signing_secret: 'a-very-long-signing-secret' },
    });
    const listed = await listConnections(warehouse);
    const text = JSON.stringify(listed);
    for (const secret of [
      'shpat_token-123',
      'whsec-abcdef',
      'a-very-long-signing-secret',
      'secret-path',
      'token=abc',
    ])
      expect(text).not.toContain(secret);
    expect(listed.map((c) => [c.channel_id, c.secrets_set])).toEqual([
      ['MKT-X', ['signing_secret']],
      ['WEB', ['api_token', 'webhook_secret']],
    ]);
    expect(listed[0]!.settings.url).toBe('https://hooks.example.com/…');
  });

  it('keeps stored credentials when a setting changes, and refuses what a platform does not take', async () => {
    await saveConnection(warehouse, shopify);
    await saveConnection(warehouse, {
      ...shopify,
      secrets: {},
      settings: { ...shopify.settings, api_version: '2025-10' },
    });
    const loaded = await loadConnection(warehouse, 'WEB');
    expect(loaded?.settings).toMatchObject({ api_version: '2025-10' });
    expect(loaded?.secrets.apiToken).toBe('shpat_token-123');
    // one secret row per connection: the old one is forgotten
    expect((await warehouse.one<{ n: bigint }>('SELECT count(*) AS n FROM secrets'))?.n).toBe(1n);
    await expect(saveConnection(warehouse, { ...shopify, channel_id: 'W2', secrets: {} })).rejects.toThrow(
      /needs the credentials: api_token/,
    );
    await expect(
      saveConnection(warehouse, {
        ...shopify,
        channel_id: 'W3',
        secrets: { api_token: 'x', consumer_key: 'y' },
      }),
    ).rejects.toThrow(/not consumer_key/);
  });

  it('validates each platform’s settings', async () => {
    const bad = [
      { ...shopify, settings: { shop_domain: 'demo-shop.myshopify.com' } }, // aggregate without location_id
      { ...shopify, settings: { ...shopify.settings, publish: 'per_location', locations: {} } },
      { ...shopify, settings: { ...shopify.settings, locations: { DC: '1001' } } },
      { channel_id: 'W', platform: 'woocommerce', settings: { base_url: 'not a url' }, secrets: {} },
      { channel_id: 'A', platform: 'amazon', settings: { seller_id: 'S', marketplace_ids: [] }, secrets: {} },
      {
        channel_id: 'bad id/with slash',
        platform: 'webhook',
        settings: { url: 'https://x.test' },
        secrets: {},
      },
      { channel_id: 'X', platform: 'ebay', settings: {}, secrets: {} },
    ];
    for (const input of bad)
      await expect(saveConnection(warehouse, input as never), JSON.stringify(input)).rejects.toThrow(
        UserError,
      );
    expect(await listConnections(warehouse)).toEqual([]);
  });

  it('forgets the credentials with the connection', async () => {
    await saveConnection(warehouse, shopify);
    expect(await deleteConnection(warehouse, 'WEB')).toBe(true);
    expect(await deleteConnection(warehouse, 'WEB')).toBe(false);
    expect((await warehouse.one<{ n: bigint }>('SELECT count(*) AS n FROM secrets'))?.n).toBe(0n);
  });
});
