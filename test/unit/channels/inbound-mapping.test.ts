/** The pure parts of inbound: rules of region and service level, ids, signatures, dates, and mappings given a context. */
import { describe, expect, it } from 'vitest';
import { mapAmazonOrder } from '../../../src/channels/inbound/amazon-report.ts';
import { staticContext } from '../../../src/channels/inbound/context.ts';
import { channelEventId } from '../../../src/channels/inbound/ids.ts';
import { isoTime } from '../../../src/channels/inbound/orders.ts';
import {
  DEFAULT_INBOUND,
  inboundSettingsSchema,
  nodeForLocation,
  resolveRegion,
  resolveServiceLevel,
} from '../../../src/channels/inbound/settings.ts';
import { mapShopify, parseShopify } from '../../../src/channels/inbound/shopify.ts';
import { signBody, verifySignature } from '../../../src/channels/inbound/signature.ts';
import { mapWoo, parseWoo } from '../../../src/channels/inbound/woocommerce.ts';
import { parseDate } from '../../../src/ingest/formats/dates.ts';
import { fixtureJson } from '../../integration/channels/support.ts';

describe('regions and service levels', () => {
  const settings = inboundSettingsSchema.parse({
    regions: { 'us-ca': 'WEST', CA: 'CANADA', '*': 'ELSEWHERE' },
    service_levels: { 'Priority Mail': 'express', 'store-7': 'pickup' },
  });
  it.each([
    [{ country: 'US', province: 'CA' }, 'WEST'],
    [{ country: 'ca', province: 'ON' }, 'CANADA'],
    [{ country: 'DE', province: 'BY' }, 'ELSEWHERE'],
    [undefined, 'ELSEWHERE'],
  ])('maps %j to %s', (address, region) => {
    expect(resolveRegion(settings, address)).toBe(region);
  });
  it('defaults to the ISO 3166-2 code, and to nothing without a country', () => {
    expect(resolveRegion(DEFAULT_INBOUND, { country: 'us', province: 'ny' })).toBe('US-NY');
    expect(resolveRegion(DEFAULT_INBOUND, { country: 'PT', province: '' })).toBe('PT');
    expect(resolveRegion(DEFAULT_INBOUND, { country: null })).toBeUndefined();
  });
  it.each([
    [['priority mail'], 'express'],
    [['STORE-7', 'whatever'], 'pickup'],
    [['Free Shipping'], 'standard'],
    [['UPS Next Day Air'], 'express'],
    [['SecondDay'], 'express'],
    [['Expedited'], 'express'],
    [['Local pickup'], 'pickup'],
    [['Click & Collect'], 'pickup'],
    [[undefined], 'standard'],
  ])('service level of %j is %s', (names, level) => {
    expect(resolveServiceLevel(settings, ...names)).toBe(level);
  });
  it('finds a node by a location id or its gid', () => {
    const withLocations = inboundSettingsSchema.parse({
      locations: { 'gid://shopify/Location/123': 'DC-1' },
    });
    expect(nodeForLocation(withLocations, 123)).toBe('DC-1');
    expect(nodeForLocation(withLocations, 'gid://shopify/Location/123')).toBe('DC-1');
    expect(nodeForLocation(withLocations, 1234)).toBeUndefined();
  });
});

describe('ids, times and signatures', () => {
  it('keeps ids within the contract, deterministically', () => {
    const long = channelEventId('shopify', 'c'.repeat(120), 'order', 'placed');
    expect(long.length).toBeLessThanOrEqual(128);
    expect(channelEventId('shopify', 'c'.repeat(120), 'order', 'placed')).toBe(long);
    expect(channelEventId('shopify', 'c'.repeat(120), 'order', 'cancelled')).not.toBe(long);
  });
  it.each([
    ['2025-03-14 09:41:07 -0400', '2025-03-14T09:41:07-04:00'],
    ['2025-03-14T09:41:07+00:00', '2025-03-14T09:41:07+00:00'],
    ['2025-03-14 09:41 UTC', '2025-03-14T09:41:00Z'],
    ['', undefined],
    ['not a time', undefined],
  ])('reads %s as %s', (text, iso) => {
    expect(isoTime(text)).toBe(iso);
  });
  it('verifies only the base64 HMAC of the exact bytes with the right secret', () => {
    const body = Buffer.from('{"id":1}');
    const good = signBody(body, 's3cret');
    expect(verifySignature(body, good, 's3cret')).toBe(true);
    expect(verifySignature(body, ` ${good} `, 's3cret')).toBe(true);
    expect(verifySignature(Buffer.from('{"id": 1}'), good, 's3cret')).toBe(false);
    expect(verifySignature(body, good, 'other')).toBe(false);
    expect(verifySignature(body, good.slice(0, -2), 's3cret')).toBe(false);
    expect(verifySignature(body, Buffer.from(good, 'base64').toString('hex'), 's3cret')).toBe(false);
    expect(verifySignature(body, undefined, 's3cret')).toBe(false);
    expect(verifySignature(body, good, '')).toBe(false);
  });
  it.each([
    ['03/31/2025', 'MM/DD/YYYY', 'Z', false, '2025-03-31'],
    ['2025-07-01 09:00', 'YYYY-MM-DD HH:mm', 'America/New_York', true, '2025-07-01T09:00:00-04:00'],
    ['2025-01-01 09:00', 'YYYY-MM-DD HH:mm', 'America/New_York', true, '2025-01-01T09:00:00-05:00'],
    ['12/1/24 12:30 AM', 'M/D/YY h:mm A', '+02:00', true, '2024-12-01T00:30:00+02:00'],
    ['1743400000', 'epoch_s', 'Z', true, '2025-03-31T05:46:40.000Z'],
    ['2025-02-29', 'YYYY-MM-DD', 'Z', false, undefined],
    ['31.03.2025', 'DD/MM/YYYY', 'Z', false, undefined],
  ])('reads the date %s in %s (%s)', (text, format, timezone, timestamp, iso) => {
    expect(parseDate(text, { format, timezone }, timestamp)).toBe(iso);
  });
});

describe('mappings with a context', () => {
  const skus = ['SKU-RUN-42B', 'SKU-SOCK-M', 'SKU-TEE-L'];
  it('a Shopify test order is rejected with its name, and lands nothing', () => {
    const order = { ...fixtureJson('shopify/orders-create.json'), test: true };
    const payload = parseShopify('orders/create', order);
    if ('issues' in payload) throw new Error('fixture does not parse');
    const out = mapShopify(staticContext('web', { skus }), payload);
    expect(out.events).toEqual([]);
    expect(out.rejects).toHaveLength(1);
    expect(out.rejects[0]!.errors.map((e) => e.code)).toEqual(['test_order']);
    expect(out.rejects[0]!.errors[0]!.message).toContain('#1001');
  });
  it('a placement already landed is re-sent as landed, whatever the delivery says now', () => {
    const first = parseShopify('orders/create', fixtureJson('shopify/orders-create.json'));
    const edited = parseShopify('orders/updated', fixtureJson('shopify/orders-updated.json'));
    if ('issues' in first || 'issues' in edited) throw new Error('fixture does not parse');
    const placed = mapShopify(staticContext('web', { skus }), first).events[0]!;
    const later = mapShopify(
      staticContext('web', {
        skus,
        landed: [{ event_id: placed.event_id as string, type: 'order_placed', payload: placed }],
      }),
      edited,
    );
    expect(later.events[0]).toBe(placed);
    expect(later.events.map((e) => e.type)).toEqual(['order_placed', 'order_cancelled']);
  });
  it('a refund or fulfilment of an order placed earlier carries its name as external_ref', () => {
    const refund = parseShopify('refunds/create', fixtureJson('shopify/refunds-create.json'));
    if ('issues' in refund) throw new Error('fixture does not parse');
    const landed = [
      {
        event_id: 'x',
        type: 'order_placed',
        payload: { order_id: 'web:5731893117002', external_ref: '#1002' },
      },
    ];
    const out = mapShopify(staticContext('web', { skus, landed }), refund);
    expect(out.events).toEqual([
      expect.objectContaining({
        type: 'refund_issued',
        amount: 32.4,
        external_ref: '#1002',
        line_id: '14265800000011',
      }),
    ]);
  });
  it('a WooCommerce order in a draft or trash status places nothing; a deleted one is cancelled', () => {
    const draft = parseWoo('order.created', {
      ...fixtureJson('woocommerce/order-created.json'),
      status: 'checkout-draft',
    });
    const deleted = parseWoo('order.deleted', { id: 727 });
    if ('issues' in draft || 'issues' in deleted) throw new Error('fixture does not parse');
    expect(mapWoo(staticContext('woo', { skus }), draft, '2025-03-20T00:00:00Z').events).toEqual([]);
    expect(mapWoo(staticContext('woo', { skus }), deleted, '2025-03-20T00:00:00Z').events).toEqual([
      expect.objectContaining({
        event_id: 'woo:woo:727:cancelled',
        type: 'order_cancelled',
        order_id: 'woo:727',
      }),
    ]);
  });
});

describe('Amazon All Orders rows', () => {
  const skus = ['SKU-TEE-L'];
  const row = (cells: Record<string, string>, line = 2) => ({
    line,
    cells: {
      'amazon-order-id': '114-1234567-1234567',
      'purchase-date': '2025-03-14T10:00:00+00:00',
      'last-updated-date': '2025-03-14T10:05:00+00:00',
      'order-status': 'Unshipped',
      'fulfillment-channel': 'Amazon',
      'sales-channel': 'Amazon.com',
      'ship-service-level': 'Standard',
      sku: 'SKU-TEE-L',
      'item-status': 'Unshipped',
      quantity: '1',
      'item-price': '30.00',
      'ship-state': 'CA',
      'ship-country': 'US',
      ...cells,
    },
  });
  it('a Multi-Channel Fulfillment order (sales-channel Non-Amazon) is not a sale of the channel: rejected with its id', () => {
    for (const salesChannel of ['Non-Amazon', 'non-amazon']) {
      const out = mapAmazonOrder(staticContext('amazon-us', { skus }), {
        rows: [row({ 'sales-channel': salesChannel }, 7)],
      });
      expect(out.events).toEqual([]);
      expect(out.rejects[0]!.errors.map((e) => e.code)).toEqual(['not_channel_order']);
      expect(out.rejects[0]!.errors[0]!.message).toContain('114-1234567-1234567');
      expect(out.rejects[0]!.errors[0]!.message).toContain('line 7');
    }
    // the same order sold on Amazon itself lands, allocated at the marketplace node
    const sold = mapAmazonOrder(staticContext('amazon-us', { skus }), { rows: [row({})] });
    expect(sold.events.map((e) => [e.type, e.node_id ?? null])).toEqual([
      ['order_placed', null],
      ['allocated', 'amazon-us:afn'],
    ]);
  });
});
