/**
 * The outbound sync against loopback stand-ins of each platform (real HTTP, real DuckDB): what is pushed,
 * coalescing, throttling, a channel down for a while, refusals, and what is recorded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConnection, saveConnection } from '../../../src/channels/connections.ts';
import { checkDrift, fixDrift } from '../../../src/channels/drift.ts';
import { syncChannel } from '../../../src/channels/outbound/sync.ts';
import { targetFor } from '../../../src/channels/outbound/targets.ts';
import { SandboxAmazon } from '../../../src/channels/sandbox/amazon.ts';
import type { SandboxServer } from '../../../src/channels/sandbox/server.ts';
import { SandboxShopify } from '../../../src/channels/sandbox/shopify.ts';
import { SandboxWebhookReceiver } from '../../../src/channels/sandbox/webhook.ts';
import { SandboxWooCommerce } from '../../../src/channels/sandbox/woocommerce.ts';
import type { Warehouse } from '../../../src/warehouse/warehouse.ts';
import { useTempDir } from '../../helpers/retailos.ts';
import {
  adjustment,
  LOCATION_DC,
  LOCATION_ST,
  land,
  masterData,
  receipt,
  SHOPIFY_TOKEN,
  skus,
} from './fixture.ts';

const dir = useTempDir();
const servers: SandboxServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function start<T extends SandboxServer>(server: T): Promise<T> {
  await server.start();
  servers.push(server);
  return server;
}

async function shopifyChannel(
  warehouse: Warehouse,
  shop: SandboxShopify,
  publish: 'aggregate' | 'per_location' = 'aggregate',
) {
  await saveConnection(warehouse, {
    channel_id: 'WEB',
    platform: 'shopify',
    settings: {
      shop_domain: 'sandbox.myshopify.com',
      endpoint: `${shop.url}/admin/api/2025-07/graphql.json`,
      publish,
      location_id: LOCATION_DC,
      locations: { DC: LOCATION_DC, 'ST-1': LOCATION_ST },
    },
    secrets: { api_token: SHOPIFY_TOKEN, webhook_secret: 'shopify-app-secret' },
  });
  return (await loadConnection(warehouse, 'WEB'))!;
}

async function stateOf(warehouse: Warehouse, channel: string) {
  return warehouse.all<{ sku: string; location: string; published: bigint | null; wanted: bigint }>(
    'SELECT sku, location, published, wanted FROM channel_sync_state WHERE channel_id = $c ORDER BY sku, location',
    { c: channel },
  );
}

async function publications(warehouse: Warehouse, channel: string) {
  return warehouse.all<{
    sku: string;
    location: string;
    quantity: bigint;
    outcome: string;
    accepted_at: Date | null;
    latency_ms: number | null;
    previous_quantity: bigint | null;
    reason: string;
    error: string | null;
  }>(
    `SELECT sku, location, quantity, outcome, accepted_at, latency_ms, previous_quantity, reason, error
     FROM channel_publications WHERE channel_id = $c ORDER BY publication_id`,
    { c: channel },
  );
}

describe('outbound sync to Shopify', () => {
  it('publishes the channel availability, then only what changed, coalesced per sku', async () => {
    const warehouse = await dir.open();
    const list = skus(3);
    await land(warehouse, dir, [
      ...masterData(list),
      receipt('DC', 'SKU-001', 10),
      receipt('ST-1', 'SKU-001', 4),
      receipt('DC', 'SKU-002', 7),
    ]);
    const shop = await start(
      new SandboxShopify({ accessToken: SHOPIFY_TOKEN, locations: [1001, 1002], skus: list }),
    );
    const connection = await shopifyChannel(warehouse, shop);
    const target = targetFor(connection);

    const first = await syncChannel(warehouse, connection, target);
    expect(first).toMatchObject({ published: 3, rejected: 0, error: null });
    // aggregate: the whole channel's availability (DC + ST-1) at the one location
    expect([
      shop.availableAt('SKU-001', LOCATION_DC),
      shop.availableAt('SKU-002', LOCATION_DC),
      shop.availableAt('SKU-003', LOCATION_DC),
    ]).toEqual([14, 7, 0]);
    // nothing changed: nothing pushed
    const setsBefore = shop.sets.length;
    expect((await syncChannel(warehouse, connection, target)).published).toBe(0);
    expect(shop.sets.length).toBe(setsBefore);

    // three changes to one sku before the next run: one publication, the last quantity
    const receivedBefore = new Date();
    await land(warehouse, dir, [adjustment('DC', 'SKU-002', -1)]);
    await land(warehouse, dir, [adjustment('DC', 'SKU-002', -2)]);
    await land(warehouse, dir, [adjustment('ST-1', 'SKU-001', -1)]);
    const second = await syncChannel(warehouse, connection, target);
    expect(second.published).toBe(2);
    expect(shop.sets.slice(setsBefore).map((s) => [s.sku, s.quantity])).toEqual([
      ['SKU-002', 4],
      ['SKU-001', 13],
    ]);
    const rows = (await publications(warehouse, 'WEB')).slice(3);
    expect(rows.map((r) => [r.sku, Number(r.quantity), Number(r.previous_quantity), r.outcome])).toEqual([
      ['SKU-002', 4, 7, 'published'],
      ['SKU-001', 13, 14, 'published'],
    ]);
    // latency runs from the first event accepted since the last publication of that sku
    for (const row of rows) {
      expect(row.accepted_at!.getTime()).toBeGreaterThanOrEqual(receivedBefore.getTime() - 1000);
      expect(row.latency_ms).toBeGreaterThanOrEqual(0);
    }
    const firstSku2 = await warehouse.one<{ at: Date }>(
      "SELECT min(received_at) AS at FROM event_log WHERE type = 'adjustment' AND json_extract_string(payload, '$.sku') = 'SKU-002'",
    );
    expect(rows[0]!.accepted_at!.getTime()).toBe(firstSku2!.at.getTime());
  });

  it('splits the availability over mapped locations, never beyond what the channel may sell', async () => {
    const warehouse = await dir.open();
    const list = skus(2);
    await land(warehouse, dir, [
      ...masterData(list),
      receipt('DC', 'SKU-001', 5),
      receipt('ST-1', 'SKU-001', 3),
      receipt('ST-1', 'SKU-002', 2),
    ]);
    const shop = await start(
      new SandboxShopify({ accessToken: SHOPIFY_TOKEN, locations: [1001, 1002], skus: list }),
    );
    const connection = await shopifyChannel(warehouse, shop, 'per_location');
    await syncChannel(warehouse, connection, targetFor(connection));
    expect(shop.availableAt('SKU-001', LOCATION_DC)).toBe(5);
    expect(shop.availableAt('SKU-001', LOCATION_ST)).toBe(3);
    expect(shop.availableAt('SKU-002', LOCATION_DC)).toBe(0);
    expect(shop.availableAt('SKU-002', LOCATION_ST)).toBe(2);
    const states = await stateOf(warehouse, 'WEB');
    expect(states.every((s) => s.published === s.wanted)).toBe(true);
  });

  it('waits out a throttled cost budget and still publishes everything', async () => {
    const warehouse = await dir.open();
    const list = skus(60);
    await land(warehouse, dir, [...masterData(list), ...list.map((sku, i) => receipt('DC', sku, i + 1))]);
    // A tiny bucket: the lookup and a few mutations exhaust it; the target must wait for the restore rate.
    const shop = await start(
      new SandboxShopify({
        accessToken: SHOPIFY_TOKEN,
        locations: [1001, 1002],
        skus: list,
        bucket: { maximumAvailable: 150, restoreRate: 100 },
      }),
    );
    shop.drain(); // someone else spent the budget: the first answer is THROTTLED
    const connection = await shopifyChannel(warehouse, shop);
    const target = targetFor(connection);
    // small batches: many mutations against the bucket
    Object.defineProperty(target, 'maxBatch', { value: 5 });
    const report = await syncChannel(warehouse, connection, target);
    expect(report.error).toBeNull();
    expect(report.published).toBe(60);
    expect(shop.throttledAnswers).toBeGreaterThan(0);
    for (const [i, sku] of list.entries()) expect(shop.availableAt(sku, LOCATION_DC)).toBe(i + 1);
  }, 60_000);

  it('records skus the shop does not list as rejected, and does not retry them until they change', async () => {
    const warehouse = await dir.open();
    const list = skus(3);
    await land(warehouse, dir, [...masterData(list), receipt('DC', 'SKU-003', 4)]);
    const shop = await start(
      new SandboxShopify({ accessToken: SHOPIFY_TOKEN, locations: [1001], skus: list.slice(0, 2) }),
    );
    const connection = await shopifyChannel(warehouse, shop);
    const target = targetFor(connection);
    expect(await syncChannel(warehouse, connection, target)).toMatchObject({ published: 2, rejected: 1 });
    const rejected = (await publications(warehouse, 'WEB')).filter((p) => p.outcome === 'rejected');
    expect(rejected.map((r) => [r.sku, r.error])).toEqual([
      ['SKU-003', 'sku SKU-003 is not listed on the channel'],
    ]);
    expect(await syncChannel(warehouse, connection, target)).toMatchObject({
      published: 0,
      rejected: 0,
      pending: 0,
    });
    // listed now, and the quantity changes: tried again
    shop.addItem('SKU-003');
    await land(warehouse, dir, [adjustment('DC', 'SKU-003', -1)]);
    expect(await syncChannel(warehouse, connection, target)).toMatchObject({ published: 1, rejected: 0 });
    expect(shop.availableAt('SKU-003', LOCATION_DC)).toBe(3);
  });

  it('loses nothing while the channel is down: backs off, dead-letters, then catches up', async () => {
    const warehouse = await dir.open();
    const list = skus(4);
    await land(warehouse, dir, [...masterData(list), ...list.map((sku) => receipt('DC', sku, 10))]);
    const shop = await start(
      new SandboxShopify({ accessToken: SHOPIFY_TOKEN, locations: [1001], skus: list }),
    );
    const connection = await shopifyChannel(warehouse, shop);
    const target = targetFor(connection);
    await syncChannel(warehouse, connection, target);

    shop.down = true;
    const backoff = { baseDelayMs: 10, maxDelayMs: 1_000, deadLetterAfter: 3 };
    const changes = [
      adjustment('DC', 'SKU-001', -3),
      adjustment('DC', 'SKU-002', -4),
      adjustment('DC', 'SKU-001', -1),
    ];
    let deadLettered = 0;
    for (const [i, change] of changes.entries()) {
      await land(warehouse, dir, [change]);
      const report = await syncChannel(warehouse, connection, target, { backoff, force: true });
      expect(report.error).toMatch(/503/);
      expect(report.nextAttemptAt).not.toBeNull();
      deadLettered += report.deadLettered;
      const status = await warehouse.one<{ n: number }>(
        "SELECT consecutive_failures AS n FROM channel_sync_status WHERE channel_id = 'WEB'",
      );
      expect(status?.n).toBe(i + 1);
    }
    // the third failure in a row dead-letters what could not be delivered (both skus), once
    expect(deadLettered).toBe(2);
    // while backing off, a run without force does not push
    const waiting = await syncChannel(warehouse, connection, target, {
      backoff: { ...backoff, baseDelayMs: 60_000 },
    });
    expect(waiting.skipped || waiting.error !== null).toBe(true);

    shop.down = false;
    const caughtUp = await syncChannel(warehouse, connection, target, { backoff, force: true });
    expect(caughtUp).toMatchObject({ published: 2, error: null });
    expect(shop.availableAt('SKU-001', LOCATION_DC)).toBe(6);
    expect(shop.availableAt('SKU-002', LOCATION_DC)).toBe(6);
    const rows = await publications(warehouse, 'WEB');
    expect(
      rows
        .filter((r) => r.outcome === 'dead_letter')
        .map((r) => r.sku)
        .sort(),
    ).toEqual(['SKU-001', 'SKU-002']);
    const status = await warehouse.one<{ n: number; next: Date | null }>(
      "SELECT consecutive_failures AS n, next_attempt_at AS next FROM channel_sync_status WHERE channel_id = 'WEB'",
    );
    expect(status).toEqual({ n: 0, next: null });
    expect((await stateOf(warehouse, 'WEB')).every((s) => s.published === s.wanted)).toBe(true);
  });

  it('honours 429 Retry-After', async () => {
    const warehouse = await dir.open();
    const list = skus(1);
    await land(warehouse, dir, [...masterData(list), receipt('DC', 'SKU-001', 2)]);
    const shop = await start(
      new SandboxShopify({ accessToken: SHOPIFY_TOKEN, locations: [1001], skus: list }),
    );
    const connection = await shopifyChannel(warehouse, shop);
    shop.rateLimit(1, 42);
    const before = Date.now();
    const report = await syncChannel(warehouse, connection, targetFor(connection));
    expect(report.error).toMatch(/429/);
    expect(report.nextAttemptAt!.getTime() - before).toBeGreaterThanOrEqual(42_000);
    expect(report.nextAttemptAt!.getTime() - before).toBeLessThan(120_000);
  });

  it('detects drift made in the channel, and fixes it with our quantity', async () => {
    const warehouse = await dir.open();
    const list = skus(3);
    await land(warehouse, dir, [...masterData(list), ...list.map((sku) => receipt('DC', sku, 8))]);
    const shop = await start(
      new SandboxShopify({ accessToken: SHOPIFY_TOKEN, locations: [1001], skus: list }),
    );
    const connection = await shopifyChannel(warehouse, shop);
    const target = targetFor(connection);
    await syncChannel(warehouse, connection, target);
    expect(await checkDrift(warehouse, connection, target)).toMatchObject({
      checked: 3,
      drifting: 0,
      opened: 0,
    });

    shop.editInAdmin('SKU-002', LOCATION_DC, 50); // someone typed 50 in Shopify's admin
    const found = await checkDrift(warehouse, connection, target);
    expect(found).toMatchObject({ checked: 3, drifting: 1, opened: 1 });
    const exceptions = await warehouse.all<{ sku: string; severity: string; status: string; detail: string }>(
      "SELECT sku, severity, status, detail FROM channel_drift_exceptions WHERE status = 'open'",
    );
    expect(exceptions.map((e) => [e.sku, e.severity])).toEqual([['SKU-002', 'high']]);
    expect(JSON.parse(exceptions[0]!.detail)).toMatchObject({
      published: 8,
      observed: 50,
      fix: 'retailos channels sync WEB --fix-drift',
    });
    // a second check keeps one episode
    expect((await checkDrift(warehouse, connection, target)).opened).toBe(0);

    const { sync } = await fixDrift(warehouse, connection, target);
    expect(sync.published).toBe(1);
    expect(shop.availableAt('SKU-002', LOCATION_DC)).toBe(8);
    const after = await warehouse.all<{ status: string; resolution: string }>(
      "SELECT status, resolution FROM channel_drift WHERE sku = 'SKU-002'",
    );
    expect(after).toEqual([{ status: 'resolved', resolution: 'fixed' }]);
    const fix = (await publications(warehouse, 'WEB')).at(-1)!;
    expect([fix.sku, Number(fix.quantity), Number(fix.previous_quantity), fix.reason]).toEqual([
      'SKU-002',
      8,
      50,
      'fix_drift',
    ]);
  });
});

describe('outbound sync to WooCommerce, Amazon and a generic webhook', () => {
  it('WooCommerce: products/batch with stock_quantity; refused ids recorded; drift read back', async () => {
    const warehouse = await dir.open();
    const list = skus(3);
    await land(warehouse, dir, [
      ...masterData(list),
      receipt('DC', 'SKU-001', 9),
      receipt('ST-1', 'SKU-002', 1),
    ]);
    const credentials = { consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' };
    const store = await start(new SandboxWooCommerce(credentials, list));
    await saveConnection(warehouse, {
      channel_id: 'WEB',
      platform: 'woocommerce',
      settings: { base_url: store.url },
      secrets: { consumer_key: credentials.consumerKey, consumer_secret: credentials.consumerSecret },
    });
    const connection = (await loadConnection(warehouse, 'WEB'))!;
    const target = targetFor(connection);
    expect(await syncChannel(warehouse, connection, target)).toMatchObject({ published: 3, rejected: 0 });
    expect(list.map((sku) => store.stockOf(sku))).toEqual([9, 1, 0]);
    // a product deleted in the store: the batch answers an error for its id
    store.products.delete(701);
    await land(warehouse, dir, [adjustment('ST-1', 'SKU-002', 4)]);
    expect(await syncChannel(warehouse, connection, target)).toMatchObject({ published: 0, rejected: 1 });
    expect((await publications(warehouse, 'WEB')).at(-1)).toMatchObject({
      sku: 'SKU-002',
      outcome: 'rejected',
      error: 'woocommerce_rest_product_invalid_id: Invalid ID.',
    });
    store.editInAdmin('SKU-001', 3);
    // SKU-001 edited in wp-admin; SKU-002's product is gone from the store (observed: nothing)
    expect(await checkDrift(warehouse, connection, target)).toMatchObject({ opened: 2 });
    expect(
      await warehouse.all(
        "SELECT sku, published, observed FROM channel_drift WHERE status = 'open' ORDER BY sku",
      ),
    ).toEqual([
      { sku: 'SKU-001', published: 9n, observed: 3n },
      { sku: 'SKU-002', published: 1n, observed: null },
    ]);
    await fixDrift(warehouse, connection, target);
    expect(store.stockOf('SKU-001')).toBe(9);
    expect(await warehouse.all('SELECT sku, status, resolution FROM channel_drift ORDER BY sku')).toEqual([
      { sku: 'SKU-001', status: 'resolved', resolution: 'fixed' },
      { sku: 'SKU-002', status: 'open', resolution: null },
    ]);
  });

  for (const feedType of ['JSON_LISTINGS_FEED', 'POST_FLAT_FILE_INVENTORY_LOADER_DATA'] as const) {
    it(`Amazon: a ${feedType} feed; the processing report's refusals recorded`, async () => {
      const warehouse = await dir.open();
      const list = skus(3);
      await land(warehouse, dir, [
        ...masterData(list),
        receipt('DC', 'SKU-001', 9),
        receipt('DC', 'SKU-002', 5),
      ]);
      const creds = {
        clientId: 'amzn1.application-oa2-client.x',
        clientSecret: 'lwa-secret',
        refreshToken: 'Atzr|refresh',
      };
      const amazon = await start(
        new SandboxAmazon({ ...creds, sellerId: 'A1SELLER', skus: list.slice(0, 2) }),
      );
      await saveConnection(warehouse, {
        channel_id: 'MKT',
        platform: 'amazon',
        settings: {
          seller_id: 'A1SELLER',
          marketplace_ids: ['ATVPDKIKX0DER'],
          feed_type: feedType,
          endpoint: amazon.url,
          token_endpoint: `${amazon.url}/auth/o2/token`,
        },
        secrets: {
          lwa_client_id: creds.clientId,
          lwa_client_secret: creds.clientSecret,
          refresh_token: creds.refreshToken,
        },
      });
      const connection = (await loadConnection(warehouse, 'MKT'))!;
      const report = await syncChannel(warehouse, connection, targetFor(connection));
      expect(report).toMatchObject({ published: 2, rejected: 1, error: null });
      // MKT: DC only, minus the 2-unit buffer
      expect(amazon.quantities.get('SKU-001')).toBe(7);
      expect(amazon.quantities.get('SKU-002')).toBe(3);
      expect(amazon.feeds.map((f) => f.feedType)).toEqual([feedType]);
      expect((await publications(warehouse, 'MKT')).find((p) => p.sku === 'SKU-003')?.outcome).toBe(
        'rejected',
      );
    });
  }

  it('a generic webhook: signed batches of the changed quantities', async () => {
    const warehouse = await dir.open();
    const list = skus(2);
    await land(warehouse, dir, [...masterData(list), receipt('DC', 'SKU-001', 3)]);
    const secret = 'webhook-signing-secret-0001';
    const receiver = await start(new SandboxWebhookReceiver(secret));
    await saveConnection(warehouse, {
      channel_id: 'MKT',
      platform: 'webhook',
      settings: { url: `${receiver.url}/hooks/stock?token=abc` },
      secrets: { signing_secret: secret },
    });
    const connection = (await loadConnection(warehouse, 'MKT'))!;
    await syncChannel(warehouse, connection, targetFor(connection));
    expect(receiver.forged).toBe(0);
    expect(Object.fromEntries(receiver.quantities)).toEqual({ 'SKU-001|': 1, 'SKU-002|': 0 });
    // a receiver with another secret refuses (401): retried later, never recorded as published
    await saveConnection(warehouse, {
      channel_id: 'MKT',
      platform: 'webhook',
      settings: { url: `${receiver.url}/hooks/stock?token=abc` },
      secrets: { signing_secret: 'another-secret-000000' },
    });
    await land(warehouse, dir, [adjustment('DC', 'SKU-001', 5)]);
    const refused = await syncChannel(
      warehouse,
      (await loadConnection(warehouse, 'MKT'))!,
      targetFor((await loadConnection(warehouse, 'MKT'))!),
    );
    expect(refused.error).toMatch(/401/);
    expect(receiver.forged).toBe(1);
    expect(receiver.quantities.get('SKU-001|')).toBe(1);
  });
});
