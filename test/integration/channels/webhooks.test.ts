import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../../src/channels/inbound/signature.ts';
import { createFixture, type Fixture, type Json } from '../../unit/api/server-fixture.ts';
import { rawRequest } from '../http-raw.ts';
import {
  eventually,
  fixtureJson,
  fixtureText,
  prepareChannels,
  SHOPIFY_SECRET,
  shopify,
  WOO_SECRET,
  woo,
} from './support.ts';

let fx: Fixture;

beforeAll(async () => {
  fx = await createFixture({
    prepare: (warehouse) => prepareChannels(warehouse),
    // The log holds exactly what the channels sent: no allocator events in between.
    server: {
      operations: { enabled: false },
      jobs: { enabled: false },
      channelWebhooks: { throttle: { perAddressBurst: 8, perAddressPerMinute: 1 } },
    },
  });
});
afterAll(async () => {
  await fx?.dispose();
});

async function sql(query: string, params: Record<string, unknown> = {}): Promise<Json[]> {
  return fx.server.context.readers.use((reader) => reader.all(query, params));
}

async function orderEvents(orderId: string): Promise<Json[]> {
  const rows = await sql(
    `SELECT event_id, type, source_file, payload FROM event_log WHERE (payload->>'order_id') = $id ORDER BY seq`,
    { id: orderId },
  );
  return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) }));
}

async function mapped(deliveryId: string): Promise<Json> {
  return eventually(async () => {
    const [row] = await sql(
      `SELECT status, events, rejects, error FROM channel_deliveries WHERE delivery_id = $id`,
      {
        id: deliveryId,
      },
    );
    return row && row.status !== 'pending' ? row : undefined;
  }, `delivery ${deliveryId} mapped`);
}

function order1002(): string {
  const order = fixtureJson('shopify/orders-create.json') as Json;
  order.id = 5731893117002;
  order.name = '#1002';
  order.order_number = 1002;
  order.shipping_lines = [{ code: 'Standard', title: 'Standard Shipping', price: '5.00' }];
  order.line_items = [
    {
      id: 14265800000011,
      sku: 'SKU-TEE-L',
      name: 'Logo Tee - L',
      price: '30.00',
      quantity: 2,
      current_quantity: 2,
      requires_shipping: true,
      gift_card: false,
      total_discount: '0.00',
      discount_allocations: [],
    },
  ];
  return JSON.stringify(order);
}

describe('Shopify webhooks', () => {
  it('lands a signed orders/create as an order_placed with lines, region, service level and external_ref', async () => {
    const reply = await shopify(fx.url, {
      topic: 'orders/create',
      body: fixtureText('shopify/orders-create.json'),
      deliveryId: 'create-1001',
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json).toEqual({ status: 'accepted', delivery_id: 'create-1001' });
    expect(await mapped('create-1001')).toMatchObject({ status: 'mapped', events: 1, rejects: 0 });
    const [placed] = await orderEvents('web:5731893117001');
    expect(placed.event_id).toBe('shopify:web:5731893117001:placed');
    expect(placed.source_file).toBe('shopify:web:create-1001');
    expect(placed.payload).toEqual({
      event_id: 'shopify:web:5731893117001:placed',
      type: 'order_placed',
      occurred_at: '2025-03-14T09:41:07-04:00',
      source: 'shopify',
      order_id: 'web:5731893117001',
      channel_id: 'web',
      ship_to_region: 'US-NY',
      service_level: 'express',
      // the gift card is not inventory; discounts come off the unit price
      lines: [
        { line_id: '14265800000001', sku: 'SKU-RUN-42B', qty: 2, unit_price: 52.46 },
        { line_id: '14265800000002', sku: 'SKU-SOCK-M', qty: 1, unit_price: 44.08 },
      ],
      external_ref: '#1001',
    });
  });

  it('refuses forged deliveries with 401 and stores nothing of them', async () => {
    const body = fixtureText('shopify/orders-create.json');
    const before = await sql('SELECT count(*)::INTEGER AS n FROM channel_deliveries');
    const hex = (await import('node:crypto')).createHmac('sha256', SHOPIFY_SECRET).update(body).digest('hex');
    const forgeries = [
      { name: 'wrong secret', signature: signBody(body, 'not-the-secret') },
      {
        name: 'body re-serialised',
        body: JSON.stringify(JSON.parse(body)),
        signature: signBody(body, SHOPIFY_SECRET),
      },
      {
        name: 'body altered',
        body: body.replace('"quantity": 2', '"quantity": 20'),
        signature: signBody(body, SHOPIFY_SECRET),
      },
      { name: 'header missing', signature: null },
      { name: 'hex instead of base64', signature: hex },
      { name: 'another channel\u2019s secret', signature: signBody(body, WOO_SECRET) },
      { name: 'empty', signature: '' },
    ];
    for (const forgery of forgeries) {
      const reply = await shopify(fx.url, {
        topic: 'orders/create',
        body: forgery.body ?? body,
        signature: forgery.signature,
        from: '127.0.0.2',
      });
      expect(reply.status, forgery.name).toBe(401);
      expect(reply.json.code, forgery.name).toBe('invalid_signature');
      expect(reply.text, forgery.name).not.toContain(SHOPIFY_SECRET);
    }
    // a channel that does not exist, or is not a Shopify one, answers the same
    expect(
      (await shopify(fx.url, { channel: 'nope', topic: 'orders/create', body, from: '127.0.0.4' })).status,
    ).toBe(401);
    expect(
      (
        await shopify(fx.url, {
          channel: 'woo',
          topic: 'orders/create',
          body,
          secret: WOO_SECRET,
          from: '127.0.0.4',
        })
      ).status,
    ).toBe(401);
    const after = await sql('SELECT count(*)::INTEGER AS n FROM channel_deliveries');
    expect(after[0].n).toBe(before[0].n);
  });

  it('throttles an address that keeps failing signatures, even when it then signs right', async () => {
    const body = fixtureText('shopify/orders-create.json');
    let throttled = 0;
    for (let attempt = 0; attempt < 10; attempt++) {
      const reply = await shopify(fx.url, {
        topic: 'orders/create',
        body,
        secret: 'guess',
        from: '127.0.0.3',
      });
      if (reply.status === 429) throttled++;
      else expect(reply.status).toBe(401);
    }
    expect(throttled).toBeGreaterThan(0);
    const valid = await shopify(fx.url, { topic: 'orders/create', body, from: '127.0.0.3' });
    expect(valid.status).toBe(429);
    expect(Number(valid.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('makes redelivery idempotent: the same webhook id stores nothing, a new id lands nothing twice', async () => {
    const body = fixtureText('shopify/orders-create.json');
    const again = await shopify(fx.url, { topic: 'orders/create', body, deliveryId: 'create-1001' });
    expect(again.json.status).toBe('duplicate');
    const retry = await shopify(fx.url, { topic: 'orders/create', body, deliveryId: 'create-1001-retry' });
    expect(retry.json.status).toBe('accepted');
    expect(await mapped('create-1001-retry')).toMatchObject({ status: 'mapped', events: 1, rejects: 0 });
    expect((await orderEvents('web:5731893117001')).filter((e) => e.type === 'order_placed')).toHaveLength(1);
  });

  it('an order updated then cancelled: its edit cancels a line, the placement never changes, refunds land once', async () => {
    for (const [topic, file, id] of [
      ['orders/updated', 'shopify/orders-updated.json', 'upd-1001'],
      ['orders/cancelled', 'shopify/orders-cancelled.json', 'cancel-1001'],
      // Shopify also sends orders/updated for the cancellation: nothing new in it
      ['orders/updated', 'shopify/orders-cancelled.json', 'upd-1001-2'],
    ] as const) {
      expect((await shopify(fx.url, { topic, body: fixtureText(file), deliveryId: id })).status).toBe(200);
      await mapped(id);
    }
    const events = await orderEvents('web:5731893117001');
    expect(events.map((e) => e.event_id)).toEqual([
      'shopify:web:5731893117001:placed',
      'shopify:web:5731893117001:line:14265800000002:cancelled',
      'shopify:web:5731893117001:cancelled',
      'shopify:web:5731893117001:refund:9301000001',
    ]);
    expect(events[0].payload.ship_to_region).toBe('US-NY'); // the edited address changed nothing landed
    expect(events[1].payload).toMatchObject({
      type: 'order_cancelled',
      line_id: '14265800000002',
      external_ref: '#1001',
    });
    expect(events[2].payload).toMatchObject({
      type: 'order_cancelled',
      reason: 'customer',
      occurred_at: '2025-03-14T12:30:00-04:00',
    });
    expect(events[3].payload).toMatchObject({
      type: 'refund_issued',
      amount: 104.92,
      line_id: '14265800000001',
    });
    expect(await sql(`SELECT * FROM rejected_events WHERE source_file LIKE 'shopify:web:%'`)).toEqual([]);
  });

  it('fulfillments/create ships the lines at the mapped node; refunds/create counts only successful refunds', async () => {
    await shopify(fx.url, { topic: 'orders/create', body: order1002(), deliveryId: 'create-1002' });
    await mapped('create-1002');
    await shopify(fx.url, {
      topic: 'fulfillments/create',
      body: fixtureText('shopify/fulfillments-create.json'),
      deliveryId: 'ful-1002',
    });
    await shopify(fx.url, {
      topic: 'refunds/create',
      body: fixtureText('shopify/refunds-create.json'),
      deliveryId: 'ref-1002',
    });
    await mapped('ful-1002');
    await mapped('ref-1002');
    const events = await orderEvents('web:5731893117002');
    const shipped = events.find((e) => e.type === 'shipped');
    expect(shipped.payload).toEqual({
      event_id: 'shopify:web:5731893117002:shipment:4455000001:14265800000011',
      type: 'shipped',
      occurred_at: '2025-03-18T10:15:00-04:00',
      source: 'shopify',
      order_id: 'web:5731893117002',
      line_id: '14265800000011',
      node_id: 'DC-1',
      sku: 'SKU-TEE-L',
      qty: 2,
      carrier: 'UPS',
      external_ref: '#1002',
    });
    const refund = events.find((e) => e.type === 'refund_issued');
    expect(refund.payload).toMatchObject({
      amount: 32.4,
      reason: 'damaged in transit',
      external_ref: '#1002',
    });
  });

  it('rejects unknown skus, unmapped locations and malformed bodies with the channel\u2019s own ids', async () => {
    const order = JSON.parse(order1002());
    order.id = 5731893117003;
    order.name = '#1003';
    order.line_items[0].sku = 'SKU-NOPE';
    await shopify(fx.url, { topic: 'orders/create', body: JSON.stringify(order), deliveryId: 'create-1003' });
    const fulfillment = fixtureJson('shopify/fulfillments-create.json') as Json;
    fulfillment.id = 4455000009;
    fulfillment.location_id = 65000000999;
    await shopify(fx.url, {
      topic: 'fulfillments/create',
      body: JSON.stringify(fulfillment),
      deliveryId: 'ful-unmapped',
    });
    await shopify(fx.url, { topic: 'orders/create', body: '{"id": 1, "name": "#9"}', deliveryId: 'broken' });
    for (const id of ['create-1003', 'ful-unmapped', 'broken']) expect((await mapped(id)).rejects).toBe(1);
    const rejects = await sql(
      `SELECT source_file, event_id, reason, errors::VARCHAR AS errors FROM rejected_events
       WHERE source_file IN ('shopify:web:create-1003', 'shopify:web:ful-unmapped', 'shopify:web:broken') ORDER BY source_file`,
    );
    expect(rejects.map((r) => [r.source_file, r.event_id, r.reason])).toEqual([
      ['shopify:web:broken', null, 'unreadable'],
      ['shopify:web:create-1003', 'shopify:web:5731893117003:placed', 'invalid'],
      ['shopify:web:ful-unmapped', 'shopify:web:5731893117002:shipment:4455000009:14265800000011', 'invalid'],
    ]);
    expect(rejects[0].errors).toContain('broken');
    expect(rejects[0].errors).toContain('line_items');
    expect(rejects[1].errors).toContain('unknown_sku');
    expect(rejects[1].errors).toContain('#1003');
    expect(rejects[1].errors).toContain('SKU-NOPE');
    expect(rejects[2].errors).toContain('unmapped_location');
    expect(rejects[2].errors).toContain('65000000999');
    expect(await orderEvents('web:5731893117003')).toEqual([]);
  });

  it('flags a test order: answered 200, kept as a test_order reject with its name, no stock reserved', async () => {
    const order = JSON.parse(order1002());
    order.id = 5731893117077;
    order.name = '#1077';
    order.test = true;
    const reply = await shopify(fx.url, {
      topic: 'orders/create',
      body: JSON.stringify(order),
      deliveryId: 'test-1077',
    });
    expect(reply.status, reply.text).toBe(200);
    expect(await mapped('test-1077')).toMatchObject({ status: 'mapped', events: 0, rejects: 1 });
    // its cancellation (a test order is usually cancelled right after) lands nothing either
    order.cancelled_at = '2025-03-14T10:00:00-04:00';
    await shopify(fx.url, {
      topic: 'orders/cancelled',
      body: JSON.stringify(order),
      deliveryId: 'test-1077-x',
    });
    await mapped('test-1077-x');
    const [reject] = await sql(
      `SELECT errors::VARCHAR AS errors FROM rejected_events WHERE source_file = 'shopify:web:test-1077'`,
    );
    expect(reject.errors).toContain('test_order');
    expect(reject.errors).toContain('#1077');
    expect(await orderEvents('web:5731893117077')).toEqual([]);
  });

  it('a signed body nested beyond any order is one reject at its delivery, and the server maps on', async () => {
    const deep = `{"id": 1, "name": "#deep", "line_items": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    const reply = await shopify(fx.url, { topic: 'orders/create', body: deep, deliveryId: 'deep-1' });
    expect(reply.status, reply.text).toBe(200);
    expect(await mapped('deep-1')).toMatchObject({ status: 'mapped', events: 0, rejects: 1 });
    const [reject] = await sql(
      `SELECT reason, errors::VARCHAR AS errors FROM rejected_events WHERE source_file = 'shopify:web:deep-1'`,
    );
    expect(reject.errors).toContain('too_deep');
    expect(reject.errors).toContain('deep-1');
    await shopify(fx.url, { topic: 'orders/create', body: order1002(), deliveryId: 'after-deep' });
    expect(await mapped('after-deep')).toMatchObject({ status: 'mapped' });
  });

  it('acknowledges topics it does not map (stored as ignored), refuses compressed and oversized bodies', async () => {
    const reply = await shopify(fx.url, {
      topic: 'customers/create',
      body: '{"id": 1}',
      deliveryId: 'cust-1',
    });
    expect(reply.json).toEqual({ status: 'ignored', delivery_id: 'cust-1' });
    const gz = await shopify(fx.url, {
      topic: 'orders/create',
      body: 'x',
      headers: { 'content-encoding': 'gzip' },
    });
    expect(gz.status).toBe(415);
    const big = await shopify(fx.url, {
      topic: 'orders/create',
      body: `{"pad": "${'x'.repeat(5 * 1024 * 1024)}"}`,
      from: '127.0.0.5',
    });
    expect(big.status).toBe(413);
  });
});

describe('WooCommerce webhooks', () => {
  it('lands order.created, cancels on order.updated, answers the ping, refuses a forged signature', async () => {
    const ping = await rawRequest(fx.url, {
      method: 'POST',
      path: '/api/v1/channels/woo/woocommerce',
      body: 'webhook_id=15',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(ping.status).toBe(200);
    const body = fixtureText('woocommerce/order-created.json');
    expect(
      (await woo(fx.url, { topic: 'order.created', body, secret: 'wrong', from: '127.0.0.6' })).status,
    ).toBe(401);
    expect((await woo(fx.url, { topic: 'order.created', body, deliveryId: '9001' })).status).toBe(200);
    const cancelled = { ...JSON.parse(body), status: 'cancelled', date_modified_gmt: '2025-03-15T08:00:00' };
    expect(
      (await woo(fx.url, { topic: 'order.updated', body: JSON.stringify(cancelled), deliveryId: '9002' }))
        .status,
    ).toBe(200);
    await mapped('9001');
    await mapped('9002');
    const events = await orderEvents('woo:727');
    expect(events.map((e) => [e.event_id, e.type])).toEqual([
      ['woo:woo:727:placed', 'order_placed'],
      ['woo:woo:727:cancelled', 'order_cancelled'],
    ]);
    expect(events[0].payload).toMatchObject({
      occurred_at: '2025-03-14T14:41:07Z',
      ship_to_region: 'PT',
      service_level: 'standard',
      external_ref: '727',
      lines: [
        { line_id: '315', sku: 'SKU-RUN-42B', qty: 1, unit_price: 56.5 },
        { line_id: '316', sku: 'SKU-SOCK-M', qty: 2, unit_price: 7.75 },
      ],
    });
    expect(events[1].payload.occurred_at).toBe('2025-03-15T08:00:00Z');
  });
});
