/**
 * WooCommerce webhook payloads (REST API v3 order resources) → contract events.
 *
 * - `order.created` / `order.updated`: the order's whole state. Statuses `pending`, `on-hold`,
 *   `processing` and `completed` place the order (first placement wins); `cancelled` and `failed` cancel
 *   it; `completed` ships its lines at the channel's fulfilment node when one is set (WooCommerce has no
 *   locations); every entry of `refunds` is a `refund_issued`. Drafts and trashed orders place nothing.
 * - `order.deleted` (a body of just `{"id": …}`) cancels the order.
 *
 * Our order id is `<channel>:<order id>`; the order number WooCommerce shows is kept as `external_ref`.
 * Times are the `_gmt` fields (UTC without an offset).
 */
import * as z from 'zod';
import { channelOrderId } from './ids.ts';
import { toMoney } from './money.ts';
import {
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
import { resolveRegion, resolveServiceLevel } from './settings.ts';
import { emptyOutput, issue, type MapContext, type MapOutput, type Needs } from './types.ts';

export const WOO_TOPICS = ['order.created', 'order.updated', 'order.deleted'] as const;
export type WooTopic = (typeof WOO_TOPICS)[number];

export function isWooTopic(topic: string): topic is WooTopic {
  return (WOO_TOPICS as readonly string[]).includes(topic);
}

const idValue = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const text = z.string().nullish();
const amount = z.union([z.string(), z.number()]).nullish();
const address = z.looseObject({ country: text, state: text }).nullish();

const order = z.looseObject({
  id: idValue,
  number: z.union([z.string(), z.number()]).transform(String).nullish(),
  status: z.string(),
  date_created_gmt: text,
  date_created: text,
  date_modified_gmt: text,
  date_completed_gmt: text,
  line_items: z.array(
    z.looseObject({
      id: idValue,
      sku: text,
      name: text,
      quantity: z.number().int(),
      total: amount,
      price: amount,
    }),
  ),
  shipping_lines: z.array(z.looseObject({ method_id: text, method_title: text })).nullish(),
  shipping: address,
  billing: address,
  refunds: z.array(z.looseObject({ id: idValue, reason: text, total: amount })).nullish(),
});

const deleted = z.looseObject({ id: idValue });

type WooOrder = z.output<typeof order>;

export type WooPayload = { topic: 'order'; order: WooOrder } | { topic: 'deleted'; id: string };

export function parseWoo(topic: WooTopic, body: unknown): WooPayload | { issues: z.core.$ZodIssue[] } {
  if (topic === 'order.deleted') {
    const result = deleted.safeParse(body);
    return result.success ? { topic: 'deleted', id: result.data.id } : { issues: result.error.issues };
  }
  const result = order.safeParse(body);
  return result.success ? { topic: 'order', order: result.data } : { issues: result.error.issues };
}

export function wooNeeds(channelId: string, payload: WooPayload): Needs {
  const needs: Needs = { orderIds: new Set(), skus: new Set() };
  if (payload.topic === 'deleted') {
    needs.orderIds.add(channelOrderId(channelId, payload.id));
    return needs;
  }
  needs.orderIds.add(channelOrderId(channelId, payload.order.id));
  for (const line of payload.order.line_items) if (line.sku?.trim()) needs.skus.add(line.sku.trim());
  return needs;
}

const PLACED = new Set(['pending', 'on-hold', 'processing', 'completed', 'refunded', 'cancelled', 'failed']);
const CANCELLED = new Set(['cancelled', 'failed']);

/** WooCommerce's `_gmt` times carry no offset: they are UTC. */
function gmt(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  return isoTime(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
}

export function mapWoo(ctx: MapContext, payload: WooPayload, receivedAt: string): MapOutput {
  const out = emptyOutput();
  if (payload.topic === 'deleted') {
    const head = headFor(ctx, payload.id);
    cancelOrder(ctx, head, receivedAt, 'deleted in WooCommerce', out);
    return settleLanded(ctx, out);
  }
  const wooOrder = payload.order;
  const head = headFor(ctx, wooOrder.id, wooOrder.number ?? undefined);
  if (!PLACED.has(wooOrder.status)) return out; // checkout-draft, trash: not an order yet (or any more)
  const placedAt = gmt(wooOrder.date_created_gmt) ?? isoTime(wooOrder.date_created);
  if (!placedAt) {
    out.rejects.push({
      ref: head.label,
      errors: [issue('date_created_gmt', 'invalid_time', `${head.label}: no creation time`)],
      raw: wooOrder,
    });
    return out;
  }
  const lines: PlacementLine[] = wooOrder.line_items
    .filter((line) => line.quantity > 0)
    .map((line) => {
      const total = toMoney(line.total);
      return {
        lineId: line.id,
        sku: line.sku?.trim() || undefined,
        qty: line.quantity,
        // `total` is after discounts, before tax; `price` is the same per unit.
        unitPrice: total !== undefined ? total / line.quantity : (toMoney(line.price) ?? 0),
        ref: `line item ${line.id}${line.name ? ` (${line.name})` : ''}`,
      };
    });
  const shipping = wooOrder.shipping_lines?.[0];
  const address = wooOrder.shipping?.country ? wooOrder.shipping : wooOrder.billing;
  placeOrder(
    ctx,
    head,
    {
      placedAt,
      region: resolveRegion(ctx.settings, { country: address?.country, province: address?.state }),
      serviceLevel: resolveServiceLevel(ctx.settings, shipping?.method_id, shipping?.method_title),
      lines,
    },
    out,
  );
  const changedAt = gmt(wooOrder.date_modified_gmt) ?? placedAt;
  if (CANCELLED.has(wooOrder.status))
    cancelOrder(ctx, head, changedAt, `${wooOrder.status} in WooCommerce`, out);
  if (wooOrder.status === 'completed' && ctx.settings.fulfilment_node_id) {
    shipLines(
      ctx,
      head,
      {
        at: gmt(wooOrder.date_completed_gmt) ?? changedAt,
        ref: 'completed order',
        lines: lines.map((line) => ({ lineId: line.lineId, sku: line.sku, qty: line.qty, ref: line.ref })),
      },
      out,
    );
  }
  for (const entry of wooOrder.refunds ?? []) {
    refund(
      ctx,
      head,
      {
        key: entry.id,
        at: changedAt,
        amount: Math.abs(toMoney(entry.total) ?? 0),
        reason: entry.reason ?? undefined,
      },
      out,
    );
  }
  return settleLanded(ctx, out);
}

const PLATFORM = { tag: 'woo', source: 'woocommerce', label: 'WooCommerce order' } as const;

function headFor(ctx: MapContext, id: string, shown?: string): OrderHead {
  return orderHeadFor(ctx, PLATFORM, id, shown);
}
