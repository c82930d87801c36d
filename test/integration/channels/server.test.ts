/**
 * The outbound sync inside the server: events posted to the API reach a (loopback) Shopify shop through the
 * operations pipeline and the publisher, a channel that goes down catches up when it is back, and no
 * credential shows in list output or in anything analysts can read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxShopify } from '../../../src/channels/sandbox/shopify.ts';
import { call, createFixture, type Fixture, type Json } from '../../unit/api/server-fixture.ts';
import { adjustment, LOCATION_DC, land, masterData, receipt, SHOPIFY_TOKEN, skus } from './fixture.ts';

const list = skus(4);
let fx: Fixture;
let shop: SandboxShopify;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-channels-'));
const dir = {
  get path() {
    return tmp;
  },
  join: (...parts: string[]) => path.join(tmp, ...parts),
  write(name: string, content: string | Buffer) {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, content);
    return file;
  },
  open: () => {
    throw new Error('not here');
  },
};

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  shop = new SandboxShopify({ accessToken: SHOPIFY_TOKEN, locations: [1001, 1002], skus: list });
  await shop.start();
  fx = await createFixture({
    prepare: (warehouse) =>
      land(warehouse, dir, [...masterData(list), ...list.map((sku) => receipt('DC', sku, 10))]),
    server: {
      jobs: { enabled: false },
      channels: { backoff: { baseDelayMs: 200, maxDelayMs: 1_000, deadLetterAfter: 3 } },
    },
  });
}, 120_000);

afterAll(async () => {
  await fx?.dispose();
  await shop?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('channels in the server', () => {
  it('connects a channel, publishes at once, then within the pipeline after each event', async () => {
    const created = await call(fx.url, 'POST', '/api/v1/channels', {
      key: fx.keys.admin,
      body: {
        channel_id: 'WEB',
        platform: 'shopify',
        settings: {
          shop_domain: 'sandbox.myshopify.com',
          endpoint: `${shop.url}/admin/api/2025-07/graphql.json`,
          location_id: LOCATION_DC,
          locations: { DC: LOCATION_DC },
          drift_check_minutes: 0,
        },
        secrets: { api_token: SHOPIFY_TOKEN, webhook_secret: 'shopify-app-client-secret' },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect((created.json as Json).secrets_set).toEqual(['api_token', 'webhook_secret']);
    await waitFor('the first publication', () =>
      list.every((sku) => shop.availableAt(sku, LOCATION_DC) === 10),
    );

    const posted = await call(fx.url, 'POST', '/api/v1/events', {
      key: fx.keys.integration,
      body: [adjustment('DC', 'SKU-002', -4, '2025-03-05T10:00:00Z')],
    });
    expect(posted.status, posted.text).toBeLessThan(300);
    await waitFor('the change on the shop', () => shop.availableAt('SKU-002', LOCATION_DC) === 6);

    const pubs = await call(fx.url, 'GET', '/api/v1/channels/publications?channel_id=WEB&sku=SKU-002', {
      key: fx.keys.planner,
    });
    const latest = (pubs.json as Json).data[0];
    expect(latest).toMatchObject({
      sku: 'SKU-002',
      quantity: 6,
      previous_quantity: 10,
      outcome: 'published',
    });
    expect(latest.latency_ms).toBeGreaterThanOrEqual(0);
    const status = await call(fx.url, 'GET', '/api/v1/channels/status', { key: fx.keys.executive });
    expect((status.json as Json).data[0]).toMatchObject({
      channel_id: 'WEB',
      platform: 'shopify',
      pending: 0,
      lag_seconds: 0,
    });
  }, 180_000);

  it('a channel down for a while loses nothing: it is caught up once it answers', async () => {
    shop.down = true;
    const posted = await call(fx.url, 'POST', '/api/v1/events', {
      key: fx.keys.integration,
      body: [
        adjustment('DC', 'SKU-003', -3, '2025-03-05T11:00:00Z'),
        adjustment('DC', 'SKU-004', -1, '2025-03-05T11:00:00Z'),
      ],
    });
    expect(posted.status, posted.text).toBeLessThan(300);
    await waitFor('the failure to show in the status', async () => {
      const status = await call(fx.url, 'GET', '/api/v1/channels/status', { key: fx.keys.admin });
      return ((status.json as Json).data[0].consecutive_failures ?? 0) > 0;
    });
    shop.down = false;
    await waitFor(
      'the catch-up',
      () => shop.availableAt('SKU-003', LOCATION_DC) === 7 && shop.availableAt('SKU-004', LOCATION_DC) === 9,
    );
    await waitFor('a healthy status', async () => {
      const status = await call(fx.url, 'GET', '/api/v1/channels/status', { key: fx.keys.admin });
      const row = (status.json as Json).data[0];
      return row.consecutive_failures === 0 && row.pending === 0;
    });
  }, 180_000);

  it('never shows a credential: not in list output, not to analysts', async () => {
    const listed = await call(fx.url, 'GET', '/api/v1/channels', { key: fx.keys.analyst });
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(SHOPIFY_TOKEN);
    expect(listed.text).not.toContain('shopify-app-client-secret');
    for (const sql of [
      'SELECT * FROM channel_connections',
      'SELECT * FROM secrets',
      'SELECT * FROM channel_sync_status',
    ]) {
      const refused = await call(fx.url, 'POST', '/api/v1/sql', { key: fx.keys.analyst, body: { sql } });
      expect(refused.status, sql).toBeGreaterThanOrEqual(400);
    }
    const readable = await call(fx.url, 'POST', '/api/v1/sql', {
      key: fx.keys.analyst,
      body: {
        sql: 'SELECT * FROM channel_publications UNION ALL BY NAME SELECT * FROM channel_publications',
      },
    });
    expect(readable.status, readable.text).toBe(200);
    expect(readable.text).not.toContain(SHOPIFY_TOKEN);
    // the integration role cannot configure channels
    const denied = await call(fx.url, 'POST', '/api/v1/channels', { key: fx.keys.integration, body: {} });
    expect(denied.status).toBe(403);
  });
});
