/**
 * Turns a channel's view of one order into contract events, whatever the platform: the placement (first
 * one wins: a placement already landed is re-sent as landed, so it counts as a duplicate and later edits
 * never contradict it), cancellations, shipments, allocations at a marketplace's own node, and refunds,
 * each with a deterministic id of its own. Unknown skus, missing regions and unmapped locations become
 * rejects naming the channel's reference; nothing is dropped.
 */
import type { ServiceLevel } from '../../contracts/index.ts';
import { channelEventId, channelOrderId, type PlatformTag } from './ids.ts';
import { cents } from './money.ts';
import { nodeForLocation } from './settings.ts';
import { type ChannelReject, issue, type MapContext, type MapOutput } from './types.ts';

export interface OrderHead {
  tag: PlatformTag;
  /** `source` of the events (`shopify`, `woocommerce`, `amazon`). */
  source: string;
  /** Our order id. */
  orderId: string;
  /** Stable channel-side key of the order (for event ids). */
  orderKey: string;
  /** What the channel shows (`#1001`, `114-…`), kept as `external_ref`. */
  externalRef: string;
  /** How the order is named in messages (`Shopify order #1001`). */
  label: string;
}

export interface PlacementLine {
  lineId: string;
  sku: string | undefined;
  qty: number;
  unitPrice: number;
  /** The channel's name for the line in messages (`line item 866550311766439020`, `row 14`). */
  ref: string;
}

export interface Placement {
  placedAt: string;
  region: string | undefined;
  serviceLevel: ServiceLevel;
  pickupNodeId?: string | undefined;
  promisedBy?: string | undefined;
  lines: PlacementLine[];
  /** A test order (the platform's flag): never lands, it would reserve real stock. */
  test?: boolean;
}

/** The order's placement event, or the reject that stands for it. */
/**
 * The head of a channel order named by its channel-side id. `shown` is what the channel displays (a Shopify
 * name, a WooCommerce number); refunds and fulfilments name the order by id only, so it then comes from the
 * landed placement's `external_ref`, else the id itself.
 */
export function orderHeadFor(
  ctx: MapContext,
  platform: { tag: PlatformTag; source: string; label: string },
  channelSideId: string,
  shown?: string,
): OrderHead {
  const orderId = channelOrderId(ctx.channelId, channelSideId);
  const known =
    shown ??
    (ctx.history(orderId).find((event) => event.type === 'order_placed')?.payload.external_ref as
      | string
      | undefined);
  const ref = known ?? channelSideId;
  return {
    tag: platform.tag,
    source: platform.source,
    orderId,
    orderKey: channelSideId,
    externalRef: ref,
    label: `${platform.label} ${ref}`,
  };
}

export function placeOrder(ctx: MapContext, head: OrderHead, placement: Placement, out: MapOutput): void {
  const eventId = channelEventId(head.tag, ctx.channelId, head.orderKey, 'placed');
  const landed = ctx.landed(eventId);
  if (landed) {
    out.events.push(landed);
    return;
  }
  if (placement.lines.length === 0) return;
  const event: Record<string, unknown> = {
    event_id: eventId,
    type: 'order_placed',
    occurred_at: placement.placedAt,
    source: head.source,
    order_id: head.orderId,
    channel_id: ctx.channelId,
    ship_to_region: placement.region,
    service_level: placement.serviceLevel,
    ...(placement.promisedBy ? { promised_by: placement.promisedBy } : {}),
    ...(placement.pickupNodeId ? { pickup_node_id: placement.pickupNodeId } : {}),
    lines: placement.lines.map((line) => ({
      line_id: line.lineId,
      sku: line.sku,
      qty: line.qty,
      unit_price: cents(Math.max(0, line.unitPrice)),
    })),
    external_ref: head.externalRef,
  };
  const errors = [];
  if (placement.test) {
    errors.push(
      issue(
        '',
        'test_order',
        `${head.label} is a test order: not landed, it would reserve real stock (test orders are for trying the channel's checkout)`,
      ),
    );
  }
  if (placement.region === undefined) {
    errors.push(
      issue(
        'ship_to_region',
        'no_region',
        `${head.label} has no shipping country to take a region from: map one in the channel's inbound regions ("*": REGION)`,
      ),
    );
  }
  if (placement.serviceLevel === 'pickup' && !placement.pickupNodeId) {
    errors.push(
      issue(
        'pickup_node_id',
        'unmapped_location',
        `${head.label} is a pickup order at a location no node is mapped to: add it to the channel's inbound locations`,
      ),
    );
  }
  placement.lines.forEach((line, index) => {
    if (line.sku === undefined) {
      errors.push(
        issue(`lines[${index}].sku`, 'no_sku', `${head.label}, ${line.ref}: the channel gives no SKU`),
      );
    } else if (!ctx.knownSku(line.sku)) {
      errors.push(
        issue(
          `lines[${index}].sku`,
          'unknown_sku',
          `${head.label}, ${line.ref}: SKU ${JSON.stringify(line.sku)} is not a known item (land its item_upserted, then retry this reject)`,
        ),
      );
    }
  });
  if (errors.length > 0) {
    out.rejects.push(reject(head, event, errors));
    return;
  }
  out.events.push(event);
}

/** The whole order cancelled. */
export function cancelOrder(
  ctx: MapContext,
  head: OrderHead,
  at: string,
  reason: string | undefined,
  out: MapOutput,
): void {
  out.events.push({
    event_id: channelEventId(head.tag, ctx.channelId, head.orderKey, 'cancelled'),
    type: 'order_cancelled',
    occurred_at: at,
    source: head.source,
    order_id: head.orderId,
    ...(reason ? { reason: reason.slice(0, 1000) } : {}),
    external_ref: head.externalRef,
  });
}

/** One line cancelled (removed by an order edit, cancelled by the marketplace). */
export function cancelLine(
  ctx: MapContext,
  head: OrderHead,
  lineId: string,
  at: string,
  reason: string | undefined,
  out: MapOutput,
): void {
  out.events.push({
    event_id: channelEventId(head.tag, ctx.channelId, head.orderKey, 'line', lineId, 'cancelled'),
    type: 'order_cancelled',
    occurred_at: at,
    source: head.source,
    order_id: head.orderId,
    line_id: lineId,
    ...(reason ? { reason: reason.slice(0, 1000) } : {}),
    external_ref: head.externalRef,
  });
}

export interface Shipment {
  /** Key of the shipment within the order (a fulfilment id), or undefined for "the line shipped". */
  shipmentKey?: string | undefined;
  at: string;
  /** The channel's location it left from, when it says. */
  location?: string | number | null | undefined;
  /** A node decided by the caller (Amazon's marketplace node): overrides location and history. */
  nodeId?: string | undefined;
  carrier?: string | undefined;
  lines: { lineId: string; sku: string | undefined; qty: number; ref: string }[];
  /** How the shipment is named in messages (`fulfillment 255858046`). */
  ref: string;
}

/**
 * `shipped` events, one per line. The node: the one given, else the location's mapped node, else the
 * channel's fulfilment node, else where the line was allocated. A location that maps to no node is a
 * reject (not a guess).
 */
export function shipLines(ctx: MapContext, head: OrderHead, shipment: Shipment, out: MapOutput): void {
  const mapped = nodeForLocation(ctx.settings, shipment.location);
  const hasLocation =
    shipment.location !== undefined && shipment.location !== null && shipment.location !== '';
  for (const line of shipment.lines) {
    if (line.qty <= 0) continue;
    const parts = shipment.shipmentKey
      ? [head.orderKey, 'shipment', shipment.shipmentKey, line.lineId]
      : [head.orderKey, 'line', line.lineId, 'shipped'];
    const node =
      shipment.nodeId ??
      mapped ??
      (hasLocation
        ? undefined
        : (ctx.settings.fulfilment_node_id ?? allocatedNode(ctx, head.orderId, line.lineId)));
    const event: Record<string, unknown> = {
      event_id: channelEventId(head.tag, ctx.channelId, ...parts),
      type: 'shipped',
      occurred_at: shipment.at,
      source: head.source,
      order_id: head.orderId,
      line_id: line.lineId,
      node_id: node,
      sku: line.sku,
      qty: line.qty,
      ...(shipment.carrier ? { carrier: shipment.carrier.slice(0, 256) } : {}),
      external_ref: head.externalRef,
    };
    if (ctx.landed(event.event_id as string)) {
      out.events.push(ctx.landed(event.event_id as string)!);
      continue;
    }
    const errors = [];
    if (node === undefined) {
      errors.push(
        hasLocation
          ? issue(
              'node_id',
              'unmapped_location',
              `${head.label}, ${shipment.ref}: location ${String(shipment.location)} is mapped to no node (add it to the channel's locations)`,
            )
          : issue(
              'node_id',
              'no_node',
              `${head.label}, ${shipment.ref}: shipped, but the channel names no location and the order was never allocated here (set the channel's fulfilment_node_id)`,
            ),
      );
    }
    if (line.sku === undefined) {
      errors.push(issue('sku', 'no_sku', `${head.label}, ${line.ref}: the channel gives no SKU`));
    } else if (!ctx.knownSku(line.sku)) {
      errors.push(
        issue(
          'sku',
          'unknown_sku',
          `${head.label}, ${line.ref}: SKU ${JSON.stringify(line.sku)} is not a known item`,
        ),
      );
    }
    if (errors.length > 0) out.rejects.push(reject(head, event, errors));
    else out.events.push(event);
  }
}

/** Units of a line reserved at a node by a channel that fulfils itself (Amazon's own warehouses). */
export function allocateAt(
  ctx: MapContext,
  head: OrderHead,
  nodeId: string,
  at: string,
  line: { lineId: string; sku: string; qty: number },
  out: MapOutput,
): void {
  const eventId = channelEventId(head.tag, ctx.channelId, head.orderKey, 'line', line.lineId, 'allocated');
  const landed = ctx.landed(eventId);
  if (landed) {
    out.events.push(landed);
    return;
  }
  out.events.push({
    event_id: eventId,
    type: 'allocated',
    occurred_at: at,
    source: head.source,
    order_id: head.orderId,
    line_id: line.lineId,
    node_id: nodeId,
    sku: line.sku,
    qty: line.qty,
    external_ref: head.externalRef,
  });
}

/** One refund the channel identifies (a Shopify refund id, a WooCommerce refund id). */
export function refund(
  ctx: MapContext,
  head: OrderHead,
  refund: {
    key: string;
    at: string;
    amount: number;
    lineId?: string | undefined;
    reason?: string | undefined;
  },
  out: MapOutput,
): void {
  const amount = cents(refund.amount);
  if (!(amount > 0)) return;
  out.events.push({
    event_id: channelEventId(head.tag, ctx.channelId, head.orderKey, 'refund', refund.key),
    type: 'refund_issued',
    occurred_at: refund.at,
    source: head.source,
    order_id: head.orderId,
    ...(refund.lineId ? { line_id: refund.lineId } : {}),
    amount,
    ...(refund.reason?.trim() ? { reason: refund.reason.trim().slice(0, 1000) } : {}),
    external_ref: head.externalRef,
  });
}

/**
 * A refund known only as the order's refunded total so far (an export's `Refunded Amount`): what it adds
 * to the refunds already landed for the order, under an id naming the new total, so a re-import of the
 * same file adds nothing and a later one adds the difference.
 */
export function refundTotal(
  ctx: MapContext,
  head: OrderHead,
  total: number,
  at: string,
  out: MapOutput,
): void {
  const target = cents(total);
  const eventId = channelEventId(head.tag, ctx.channelId, head.orderKey, 'refunded-to', target.toFixed(2));
  const landed = ctx.landed(eventId);
  if (landed) {
    out.events.push(landed);
    return;
  }
  const already = ctx
    .history(head.orderId)
    .filter((event) => event.type === 'refund_issued')
    .reduce((sum, event) => sum + Number(event.payload.amount ?? 0), 0);
  const amount = cents(target - already);
  if (!(amount > 0)) return;
  out.events.push({
    event_id: eventId,
    type: 'refund_issued',
    occurred_at: at,
    source: head.source,
    order_id: head.orderId,
    amount,
    reason: `refunded total ${target.toFixed(2)} in the channel`,
    external_ref: head.externalRef,
  });
}

/** The node of the latest allocation of a line, if it was allocated here. */
function allocatedNode(ctx: MapContext, orderId: string, lineId: string): string | undefined {
  let node: string | undefined;
  for (const event of ctx.history(orderId)) {
    if (event.type === 'allocated' && event.payload.line_id === lineId)
      node = event.payload.node_id as string;
  }
  return node;
}

function reject(
  head: OrderHead,
  event: Record<string, unknown>,
  errors: ChannelReject['errors'],
): ChannelReject {
  return {
    ref: head.label,
    errors,
    raw: event,
    eventId: event.event_id as string,
    type: event.type as string,
  };
}

/** A date-time as the contract wants it (ISO-8601 with an offset), or undefined. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return text;
  // Shopify's export: `2024-01-15 10:23:45 -0500`; others: `2024-01-15 10:23:45 UTC`, `…+0000`.
  const match =
    /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (match) {
    const zone =
      match[3] === undefined || /^(z|utc|gmt)$/i.test(match[3])
        ? 'Z'
        : match[3].replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
    const time = match[2]!.length === 5 ? `${match[2]}:00` : match[2];
    return `${match[1]}T${time}${zone}`;
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

/**
 * Whatever of `out` already landed is re-sent exactly as it landed (a duplicate, never a conflict): the
 * channel's view of a status transition may carry a later time or an edited body on a later delivery, but
 * the transition happened once, when it was first seen.
 */
export function settleLanded(ctx: MapContext, out: MapOutput): MapOutput {
  const events = out.events.map((event) => ctx.landed(event.event_id as string) ?? event);
  const rejects = out.rejects.filter((entry) => {
    const landed = entry.eventId === undefined ? undefined : ctx.landed(entry.eventId);
    if (landed) events.push(landed);
    return !landed;
  });
  return { events, rejects };
}
