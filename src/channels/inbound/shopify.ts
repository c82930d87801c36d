/**
 * Shopify webhook payloads (Admin REST resources as webhooks send them) → contract events.
 *
 * - `orders/create`, `orders/updated`, `orders/cancelled`: an order carries its whole state, so each maps
 *   to everything it shows: the placement (first one wins), a cancellation (`cancelled_at`), lines an edit
 *   removed (`current_quantity` 0), and the refunds and fulfilments it lists: a lost or late webhook is
 *   healed by the next one, and the ids are those of `refunds/create` and `fulfillments/create`.
 * - `refunds/create` → `refund_issued` (successful refund transactions; a restock-only refund is nothing).
 * - `fulfillments/create` → `shipped` per line, at the node the fulfilment's location maps to.
 *
 * Our order id is `<channel>:<Shopify order id>`; the order's name (`#1001`) is kept as `external_ref`.
 * Gift cards and lines that need no shipping are not inventory and are left out.
 */
import * as z from 'zod';
import { channelOrderId } from './ids.ts';
import { toMoney, toQuantity } from './money.ts';
import {
  cancelLine,
  cancelOrder,
  isoTime,
  type OrderHead,
  orderHeadFor,
  type PlacementLine,
  placeOrder,
  refund,
  settleLanded,
  shipLines,
} from './orders.ts';
import { nodeForLocation, resolveRegion, resolveServiceLevel } from './settings.ts';
import { emptyOutput, issue, type MapContext, type MapOutput, type Needs } from './types.ts';

export const SHOPIFY_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'refunds/create',
  'fulfillments/create',
] as const;
export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

export function isShopifyTopic(topic: string): topic is ShopifyTopic {
  return (SHOPIFY_TOPICS as readonly string[]).includes(topic);
}

const idValue = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const text = z.string().nullish();
const amount = z.union([z.string(), z.number()]).nullish();

const lineItem = z.looseObject({
  id: idValue,
  sku: text,
  quantity: z.number().int(),
  current_quantity: z.number().int().nullish(),
  price: amount,
  total_discount: amount,
  discount_allocations: z.array(z.looseObject({ amount: amount })).nullish(),
  requires_shipping: z.boolean().nullish(),
  gift_card: z.boolean().nullish(),
  name: text,
  title: text,
});

const fulfillment = z.looseObject({
  id: idValue,
  order_id: idValue,
  status: text,
  created_at: text,
  location_id: idValue.nullish(),
  tracking_company: text,
  name: text,
  line_items: z.array(lineItem),
});

const refundSchema = z.looseObject({
  id: idValue,
  order_id: idValue,
  created_at: text,
  processed_at: text,
  note: text,
  refund_line_items: z
    .array(z.looseObject({ line_item_id: idValue, quantity: z.number().int().nullish() }))
    .nullish(),
  transactions: z.array(z.looseObject({ kind: text, status: text, amount: amount })).nullish(),
});

const address = z.looseObject({ country_code: text, province_code: text }).nullish();

const order = z.looseObject({
  id: idValue,
  name: z.string().min(1),
  order_number: z.union([z.number(), z.string()]).nullish(),
  created_at: z.string(),
  updated_at: text,
  cancelled_at: text,
  cancel_reason: text,
  test: z.boolean().nullish(),
  location_id: idValue.nullish(),
  line_items: z.array(lineItem),
  shipping_lines: z.array(z.looseObject({ code: text, title: text, source: text })).nullish(),
  shipping_address: address,
  billing_address: address,
  refunds: z.array(refundSchema).nullish(),
  fulfillments: z.array(fulfillment).nullish(),
});

type ShopifyOrder = z.output<typeof order>;
type ShopifyFulfillment = z.output<typeof fulfillment>;
type ShopifyRefund = z.output<typeof refundSchema>;

/** The parsed payload of a topic, or the zod issues that say why it is not one. */
export type ShopifyPayload =
  | { topic: 'order'; order: ShopifyOrder }
  | { topic: 'refund'; refund: ShopifyRefund }
  | { topic: 'fulfillment'; fulfillment: ShopifyFulfillment };

export function parseShopify(
  topic: ShopifyTopic,
  body: unknown,
): ShopifyPayload | { issues: z.core.$ZodIssue[] } {
  if (topic === 'refunds/create') {
    const result = refundSchema.safeParse(body);
    return result.success ? { topic: 'refund', refund: result.data } : { issues: result.error.issues };
  }
  if (topic === 'fulfillments/create') {
    const result = fulfillment.safeParse(body);
    return result.success
      ? { topic: 'fulfillment', fulfillment: result.data }
      : { issues: result.error.issues };
  }
  const result = order.safeParse(body);
  return result.success ? { topic: 'order', order: result.data } : { issues: result.error.issues };
}

/** The orders and skus a payload concerns (what the context must hold). */
export function shopifyNeeds(channelId: string, payload: ShopifyPayload): Needs {
  const needs: Needs = { orderIds: new Set(), skus: new Set() };
  const addLines = (lines: readonly { sku?: string | null | undefined }[]) => {
    for (const line of lines) if (line.sku?.trim()) needs.skus.add(line.sku.trim());
  };
  if (payload.topic === 'order') {
    needs.orderIds.add(channelOrderId(channelId, payload.order.id));
    addLines(payload.order.line_items);
  } else if (payload.topic === 'fulfillment') {
    needs.orderIds.add(channelOrderId(channelId, payload.fulfillment.order_id));
    addLines(payload.fulfillment.line_items);
  } else {
    needs.orderIds.add(channelOrderId(channelId, payload.refund.order_id));
  }
  return needs;
}

export function mapShopify(ctx: MapContext, payload: ShopifyPayload): MapOutput {
  const out = emptyOutput();
  if (payload.topic === 'order') mapOrder(ctx, payload.order, out);
  else if (payload.topic === 'refund')
    mapRefund(ctx, headFor(ctx, payload.refund.order_id), payload.refund, out);
  else mapFulfillment(ctx, headFor(ctx, payload.fulfillment.order_id), payload.fulfillment, out);
  return settleLanded(ctx, out);
}

const PLATFORM = { tag: 'shopify', source: 'shopify', label: 'Shopify order' } as const;

function headFor(ctx: MapContext, id: string, shown?: string): OrderHead {
  return orderHeadFor(ctx, PLATFORM, id, shown);
}

function isInventory(line: z.output<typeof lineItem>): boolean {
  return line.gift_card !== true && line.requires_shipping !== false;
}

function sku(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function mapOrder(ctx: MapContext, order: ShopifyOrder, out: MapOutput): void {
  const head = headFor(ctx, order.id, order.name);
  const placedAt = isoTime(order.created_at);
  if (!placedAt) {
    out.rejects.push({
      ref: head.label,
      errors: [
        issue(
          'created_at',
          'invalid_time',
          `${head.label}: created_at ${JSON.stringify(order.created_at)} is not a time`,
        ),
      ],
      raw: order,
    });
    return;
  }
  const lines: PlacementLine[] = [];
  for (const line of order.line_items) {
    if (!isInventory(line) || line.quantity <= 0) continue;
    const price = toMoney(line.price) ?? 0;
    const allocations = line.discount_allocations ?? [];
    const discount =
      allocations.length > 0
        ? allocations.reduce((sum, entry) => sum + (toMoney(entry.amount) ?? 0), 0)
        : (toMoney(line.total_discount) ?? 0);
    lines.push({
      lineId: line.id,
      sku: sku(line.sku),
      qty: line.quantity,
      unitPrice: price - discount / line.quantity,
      ref: `line item ${line.id}${line.name ? ` (${line.name})` : ''}`,
    });
  }
  const shipping = order.shipping_lines?.[0];
  const serviceLevel = resolveServiceLevel(ctx.settings, shipping?.code, shipping?.title);
  const addressCodes = order.shipping_address ?? order.billing_address;
  placeOrder(
    ctx,
    head,
    {
      placedAt,
      region: resolveRegion(ctx.settings, {
        country: addressCodes?.country_code,
        province: addressCodes?.province_code,
      }),
      serviceLevel,
      pickupNodeId: serviceLevel === 'pickup' ? nodeForLocation(ctx.settings, order.location_id) : undefined,
      lines,
      test: order.test === true,
    },
    out,
  );
  if (order.test === true) return;
  const cancelledAt = isoTime(order.cancelled_at);
  if (cancelledAt) {
    cancelOrder(ctx, head, cancelledAt, order.cancel_reason ?? undefined, out);
  } else {
    // Lines an order edit removed: current_quantity 0 (the API reports it from 2023-01 on).
    const editedAt = isoTime(order.updated_at) ?? placedAt;
    for (const line of order.line_items) {
      if (isInventory(line) && line.quantity > 0 && line.current_quantity === 0) {
        cancelLine(ctx, head, line.id, editedAt, 'removed from the order in Shopify', out);
      }
    }
  }
  for (const entry of order.refunds ?? []) mapRefund(ctx, head, entry, out);
  for (const entry of order.fulfillments ?? []) mapFulfillment(ctx, head, entry, out);
}

function mapRefund(ctx: MapContext, head: OrderHead, entry: ShopifyRefund, out: MapOutput): void {
  const refunded = (entry.transactions ?? [])
    .filter((t) => (t.kind ?? 'refund') === 'refund' && (t.status ?? 'success') === 'success')
    .reduce((sum, t) => sum + (toMoney(t.amount) ?? 0), 0);
  const lines = entry.refund_line_items ?? [];
  refund(
    ctx,
    head,
    {
      key: entry.id,
      at: isoTime(entry.processed_at) ?? isoTime(entry.created_at) ?? new Date(0).toISOString(),
      amount: refunded,
      lineId: lines.length === 1 ? lines[0]!.line_item_id : undefined,
      reason: entry.note ?? undefined,
    },
    out,
  );
}

const NOT_SHIPPED = new Set(['cancelled', 'failure', 'error']);

function mapFulfillment(ctx: MapContext, head: OrderHead, entry: ShopifyFulfillment, out: MapOutput): void {
  if (NOT_SHIPPED.has(entry.status ?? '')) return;
  shipLines(
    ctx,
    head,
    {
      shipmentKey: entry.id,
      at: isoTime(entry.created_at) ?? new Date(0).toISOString(),
      location: entry.location_id,
      carrier: entry.tracking_company ?? undefined,
      ref: `fulfillment ${entry.name ?? entry.id}`,
      lines: entry.line_items.filter(isInventory).map((line) => ({
        lineId: line.id,
        sku: sku(line.sku),
        qty: toQuantity(line.quantity) ?? 0,
        ref: `line item ${line.id}`,
      })),
    },
    out,
  );
}
