/**
 * Amazon's "All Orders" report (Selling Partner flat file, GET_FLAT_FILE_ALL_ORDERS_DATA_BY_…_GENERAL),
 * tab-separated, one row per order item → contract events.
 *
 * - Our order id is `<channel>:<amazon-order-id>`, kept as `external_ref`; a line is the item's `sku`.
 * - An order is placed when first seen with quantities (a later report never changes the placement);
 *   `order-status` `Cancelled` cancels the order, `item-status` `Cancelled` the line; a `Shipped` item ships.
 * - Fulfilled by Amazon (`fulfillment-channel` `Amazon` / `AFN`): the units come from Amazon's own
 *   warehouses, not ours. Each line is allocated at the channel's marketplace node
 *   (`marketplace_node_id`, default `<channel>:afn`) as it is placed, so our allocator never places it
 *   at one of our nodes, and ships from there. Merchant-fulfilled orders are allocated like any order.
 * - Multi-Channel Fulfillment orders (`sales-channel` `Non-Amazon`) are in the report because Amazon ships them,
 *   but they were sold on another channel (the web shop), whose own order they are: importing them as sales
 *   of this channel would count the demand twice. They are rejected with their id (`not_channel_order`).
 * - Each status transition has its own id (placed, line allocated, line shipped, cancelled), so a later
 *   report of the same orders updates them without duplicating anything.
 */
import { channelOrderId } from './ids.ts';
import { toMoney, toQuantity } from './money.ts';
import {
  allocateAt,
  cancelLine,
  cancelOrder,
  isoTime,
  type OrderHead,
  type PlacementLine,
  placeOrder,
  settleLanded,
  shipLines,
} from './orders.ts';
import { resolveRegion, resolveServiceLevel } from './settings.ts';
import type { CsvOrder, CsvRow } from './shopify-csv.ts';
import { emptyOutput, issue, type MapContext, type MapOutput, type Needs } from './types.ts';

export const AMAZON_REQUIRED = [
  'amazon-order-id',
  'purchase-date',
  'order-status',
  'fulfillment-channel',
  'sku',
  'quantity',
  'item-price',
  'ship-country',
] as const;

function cell(row: CsvRow | undefined, column: string): string | undefined {
  const value = row?.cells[column]?.trim();
  return value ? value : undefined;
}

export function amazonHead(channelId: string, order: CsvOrder): OrderHead {
  const id = cell(order.rows[0], 'amazon-order-id') ?? '';
  return {
    tag: 'amazon',
    source: 'amazon',
    orderId: channelOrderId(channelId, id),
    orderKey: id,
    externalRef: id,
    label: `Amazon order ${id}`,
  };
}

export function amazonNeeds(channelId: string, order: CsvOrder): Needs {
  const skus = new Set<string>();
  for (const row of order.rows) {
    const sku = cell(row, 'sku');
    if (sku) skus.add(sku);
  }
  return { orderIds: new Set([amazonHead(channelId, order).orderId]), skus };
}

/** The node that stands for Amazon's own fulfilment centres for this channel. */
export function marketplaceNode(ctx: MapContext): string {
  return ctx.settings.marketplace_node_id ?? `${ctx.channelId}:afn`;
}

export function mapAmazonOrder(ctx: MapContext, order: CsvOrder): MapOutput {
  const out = emptyOutput();
  const head = amazonHead(ctx.channelId, order);
  const first = order.rows[0]!;
  const placedAt = isoTime(cell(first, 'purchase-date'));
  if (!placedAt) {
    out.rejects.push({
      ref: head.label,
      errors: [
        issue(
          'purchase-date',
          'invalid_time',
          `${head.label} (line ${first.line}): purchase-date ${JSON.stringify(cell(first, 'purchase-date') ?? '')} is not a time`,
        ),
      ],
      raw: first.cells,
    });
    return out;
  }
  const salesChannel = cell(first, 'sales-channel');
  if (salesChannel && /^non-amazon$/i.test(salesChannel)) {
    out.rejects.push({
      ref: head.label,
      errors: [
        issue(
          'sales-channel',
          'not_channel_order',
          `${head.label} (line ${first.line}): sales-channel "${salesChannel}" is a Multi-Channel Fulfillment order sold on another channel (Amazon only ships it); that channel's own order counts, not a sale on ${ctx.channelId}`,
        ),
      ],
      raw: first.cells,
    });
    return out;
  }
  const changedAt = isoTime(cell(first, 'last-updated-date')) ?? placedAt;
  const byAmazon = /^(amazon|afn)$/i.test(cell(first, 'fulfillment-channel') ?? '');
  const orderStatus = (cell(first, 'order-status') ?? '').toLowerCase();
  const seen = new Map<string, number>();
  const items = order.rows.map((row) => {
    const sku = cell(row, 'sku');
    const count = (seen.get(sku ?? '') ?? 0) + 1;
    seen.set(sku ?? '', count);
    const qty = toQuantity(cell(row, 'quantity') ?? '0') ?? 0;
    const price = toMoney(cell(row, 'item-price')) ?? 0;
    const promotion = Math.abs(toMoney(cell(row, 'item-promotion-discount')) ?? 0);
    return {
      row,
      lineId: count === 1 ? (sku ?? `row-${row.line}`) : `${sku}#${count}`,
      sku,
      qty,
      // item-price is the price of the row's whole quantity
      unitPrice: qty > 0 ? (price - promotion) / qty : 0,
      status: (cell(row, 'item-status') ?? '').toLowerCase(),
    };
  });
  const lines: PlacementLine[] = items
    .filter((item) => item.qty > 0)
    .map((item) => ({
      lineId: item.lineId,
      sku: item.sku,
      qty: item.qty,
      unitPrice: item.unitPrice,
      ref: `line ${item.row.line} (${item.sku ?? 'no sku'})`,
    }));
  placeOrder(
    ctx,
    head,
    {
      placedAt,
      region: resolveRegion(ctx.settings, {
        country: cell(first, 'ship-country'),
        province: cell(first, 'ship-state'),
      }),
      serviceLevel: resolveServiceLevel(ctx.settings, cell(first, 'ship-service-level')),
      lines,
    },
    out,
  );
  const placed = out.events.some((event) => event.type === 'order_placed');
  const node = marketplaceNode(ctx);
  if (byAmazon && placed) {
    for (const item of items) {
      if (item.qty > 0 && item.sku && item.status !== 'cancelled') {
        allocateAt(ctx, head, node, placedAt, { lineId: item.lineId, sku: item.sku, qty: item.qty }, out);
      }
    }
  }
  if (orderStatus === 'cancelled' || orderStatus === 'canceled') {
    cancelOrder(ctx, head, changedAt, 'cancelled on Amazon', out);
    return settleLanded(ctx, out);
  }
  for (const item of items) {
    if (item.status === 'cancelled' || item.status === 'canceled') {
      cancelLine(ctx, head, item.lineId, changedAt, 'cancelled on Amazon', out);
    }
  }
  const shipped = items.filter(
    (item) =>
      item.qty > 0 && (item.status === 'shipped' || (item.status === '' && orderStatus === 'shipped')),
  );
  if (shipped.length > 0) {
    shipLines(
      ctx,
      head,
      {
        at: changedAt,
        nodeId: byAmazon ? node : undefined,
        ref: byAmazon ? 'shipped by Amazon' : 'shipped (merchant-fulfilled)',
        lines: shipped.map((item) => ({
          lineId: item.lineId,
          sku: item.sku,
          qty: item.qty,
          ref: `line ${item.row.line}`,
        })),
      },
      out,
    );
  }
  return settleLanded(ctx, out);
}
