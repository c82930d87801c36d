/**
 * Shopify's admin order export (Orders → Export → CSV) → contract events. One row per line item; the
 * order's own columns (`Created at`, `Shipping Method`, `Cancelled at`, `Refunded Amount`, …) on its first
 * row only; rows of one order are consecutive and share `Name`.
 *
 * The order id is `<channel>:<Id>` (the export's `Id` column, the same id webhooks carry), or
 * `<channel>:<Name without #>` for exports without it; lines are `L1`, `L2`, … in export order (the export
 * has no line item ids). A fulfilled line ships at the channel's fulfilment node (or where it was
 * allocated); `Refunded Amount` is the order's refunded total so far, landed as what it adds.
 */
import type { IssueRecord } from '../../warehouse/landing.ts';
import { channelOrderId } from './ids.ts';
import { toMoney, toQuantity } from './money.ts';
import {
  cancelOrder,
  isoTime,
  type OrderHead,
  type PlacementLine,
  placeOrder,
  refundTotal,
  settleLanded,
  shipLines,
} from './orders.ts';
import { resolveRegion, resolveServiceLevel } from './settings.ts';
import { emptyOutput, issue, type MapContext, type MapOutput, type Needs } from './types.ts';

/** Columns without which no order can be read. */
export const SHOPIFY_CSV_REQUIRED = [
  'Name',
  'Created at',
  'Lineitem quantity',
  'Lineitem price',
  'Lineitem sku',
] as const;

export interface CsvRow {
  line: number;
  cells: Record<string, string>;
}

/** One order: its rows, the first holding the order's columns. */
export interface CsvOrder {
  rows: CsvRow[];
}

function cell(row: CsvRow | undefined, column: string): string | undefined {
  const value = row?.cells[column]?.trim();
  return value ? value : undefined;
}

export function shopifyCsvHead(channelId: string, order: CsvOrder): OrderHead {
  const first = order.rows[0];
  const name = cell(first, 'Name') ?? '';
  const id = cell(first, 'Id');
  const key = id && /^\d+$/.test(id) ? id : name.replace(/^#/, '');
  return {
    tag: 'shopify',
    source: 'shopify',
    orderId: channelOrderId(channelId, key),
    orderKey: key,
    externalRef: name,
    label: `Shopify order ${name}`,
  };
}

export function shopifyCsvNeeds(channelId: string, order: CsvOrder): Needs {
  const skus = new Set<string>();
  for (const row of order.rows) {
    const sku = cell(row, 'Lineitem sku');
    if (sku) skus.add(sku);
  }
  return { orderIds: new Set([shopifyCsvHead(channelId, order).orderId]), skus };
}

export function mapShopifyCsv(ctx: MapContext, order: CsvOrder): MapOutput {
  const out = emptyOutput();
  const head = shopifyCsvHead(ctx.channelId, order);
  const first = order.rows[0]!;
  const placedAt = isoTime(cell(first, 'Created at'));
  if (!placedAt) {
    out.rejects.push({
      ref: head.label,
      errors: [
        issue(
          'Created at',
          'invalid_time',
          `${head.label} (line ${first.line}): Created at ${JSON.stringify(cell(first, 'Created at') ?? '')} is not a time`,
        ),
      ],
      raw: first.cells,
    });
    return out;
  }
  const lines: (PlacementLine & { fulfilled: boolean })[] = [];
  const errors: IssueRecord[] = [];
  order.rows.forEach((row, index) => {
    if (cell(row, 'Lineitem requires shipping')?.toLowerCase() === 'false') return;
    const qty = toQuantity(cell(row, 'Lineitem quantity'));
    const price = toMoney(cell(row, 'Lineitem price'));
    if (qty === undefined || price === undefined) {
      errors.push(
        issue(
          `line ${row.line}`,
          'invalid_line',
          `${head.label}, line ${row.line}: Lineitem quantity ${JSON.stringify(cell(row, 'Lineitem quantity') ?? '')} and Lineitem price ${JSON.stringify(cell(row, 'Lineitem price') ?? '')} must be numbers`,
        ),
      );
      return;
    }
    if (qty <= 0) return;
    const discount = toMoney(cell(row, 'Lineitem discount')) ?? 0;
    lines.push({
      lineId: `L${index + 1}`,
      sku: cell(row, 'Lineitem sku'),
      qty,
      unitPrice: price - discount / qty,
      ref: `line ${row.line}${cell(row, 'Lineitem name') ? ` (${cell(row, 'Lineitem name')})` : ''}`,
      fulfilled: cell(row, 'Lineitem fulfillment status')?.toLowerCase() === 'fulfilled',
    });
  });
  if (errors.length > 0) {
    out.rejects.push({ ref: head.label, errors, raw: order.rows.map((row) => row.cells) });
    return out;
  }
  const method = cell(first, 'Shipping Method');
  placeOrder(
    ctx,
    head,
    {
      placedAt,
      region: resolveRegion(ctx.settings, {
        country: cell(first, 'Shipping Country') ?? cell(first, 'Billing Country'),
        province:
          cell(first, 'Shipping Province') ??
          (cell(first, 'Shipping Country') ? undefined : cell(first, 'Billing Province')),
      }),
      serviceLevel: resolveServiceLevel(ctx.settings, method),
      lines,
    },
    out,
  );
  const cancelledAt = isoTime(cell(first, 'Cancelled at'));
  if (cancelledAt) cancelOrder(ctx, head, cancelledAt, undefined, out);
  const fulfilled = lines.filter((line) => line.fulfilled);
  if (fulfilled.length > 0 && !cancelledAt) {
    shipLines(
      ctx,
      head,
      {
        at: isoTime(cell(first, 'Fulfilled at')) ?? placedAt,
        ref: 'fulfilled line',
        lines: fulfilled.map((line) => ({
          lineId: line.lineId,
          sku: line.sku,
          qty: line.qty,
          ref: line.ref,
        })),
      },
      out,
    );
  }
  const refunded = toMoney(cell(first, 'Refunded Amount'));
  if (refunded !== undefined && refunded > 0) {
    refundTotal(ctx, head, refunded, cancelledAt ?? isoTime(cell(first, 'Paid at')) ?? placedAt, out);
  }
  return settleLanded(ctx, out);
}
