/**
 * The simulator's ground truth (`truth/` beside the events, src/sim/truth.ts) read back, and every headline
 * figure of the dashboards computed from it — independently of the warehouse: plain TypeScript over what the
 * simulated retailer did, by each figure's documented definition (sql/marts/mart_kpi_definitions.sql).
 */
import fs from 'node:fs';
import path from 'node:path';

export type Row = Record<string, string>;

export function readCsv(file: string): Row[] {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((column, index) => [column, cells[index] ?? '']));
  });
}

export interface Truth {
  daily: Row[];
  orders: Row[];
  poLines: Row[];
  positions: Row[];
  counts: Row[];
  nodes: Row[];
}

export function readTruth(simDir: string): Truth {
  const file = (name: string) => path.join(simDir, 'truth', name);
  return {
    daily: readCsv(file('daily.csv')),
    orders: readCsv(file('orders.csv')),
    poLines: readCsv(file('po_lines.csv')),
    positions: readCsv(file('positions.csv')),
    counts: readCsv(file('counts.csv')),
    nodes: readCsv(file('nodes.csv')),
  };
}

/** What the warehouse is configured with (settings are configuration, not computed numbers). */
export interface Settings {
  countToleranceUnits: number;
  countTolerancePct: number;
  agedStockDays: number;
}

const n = (value: string | undefined) => (value === undefined || value === '' ? 0 : Number(value));
const sum = <T>(rows: readonly T[], of: (row: T) => number) =>
  rows.reduce((total, row) => total + of(row), 0);
const ratio = (num: number, den: number, scale = 1) => (den > 0 ? (scale * num) / den : null);
const hours = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;

/**
 * Every figure the pages show as a headline, from the truth, over the whole window [first, last] (dates,
 * inclusive) with "now" at the end of `last`. Keys are `<page>.<card id>` as the pages mark their cards.
 */
export function truthFigures(
  truth: Truth,
  first: string,
  last: string,
  settings: Settings,
): Map<string, number | null> {
  const inWindow = (day: string) => day >= first && day <= last;
  const dayOf = (stamp: string) => stamp.slice(0, 10);
  const daily = truth.daily.filter((row) => inWindow(row.day!));
  const measure = (name: string, where: (row: Row) => boolean = () => true) =>
    sum(
      daily.filter((row) => row.measure === name && where(row)),
      (row) => n(row.value),
    );
  const returnsCentres = new Set(
    truth.nodes.filter((node) => node.node_type === 'returns_center').map((n) => n.node_id),
  );
  const selling = (row: Row) => !returnsCentres.has(row.node_id!);
  const onLast = (row: Row) => row.day === last;

  // orders: shipped in full by the day of their last shipment; closed ones by the day they closed
  const shipped = truth.orders.filter(
    (o) => o.fully_shipped === 'true' && inWindow(dayOf(o.last_shipped_at!)),
  );
  const closed = truth.orders.filter((o) => o.closed_at !== '' && inWindow(dayOf(o.closed_at!)));
  const placed = truth.orders.filter((o) => inWindow(dayOf(o.placed_at!)));
  const promised = shipped.filter((o) => o.promised_by !== '');

  const counts = truth.counts.filter((c) => inWindow(dayOf(c.counted_at!)));
  const accurate = counts.filter((c) => {
    const system = n(c.system_qty);
    const variance = Math.abs(n(c.counted_qty) - system);
    return (
      variance <=
      Math.max(settings.countToleranceUnits, (settings.countTolerancePct / 100) * Math.abs(system))
    );
  });

  const revenue = measure('revenue');
  const refunds = measure('refunds');
  const cogs = measure('cogs');
  const returnedCogs = measure('returned_cogs');
  const netRevenue = revenue - refunds;
  const grossMargin = netRevenue - cogs + returnedCogs;
  const days = new Set(daily.map((row) => row.day)).size;
  const inventoryValue = measure('inventory_value', onLast);

  const positions = truth.positions;
  const sellingPositions = positions.filter(selling);
  const lastMs = Date.parse(`${last}T00:00:00Z`) + 86_400_000;
  const agedBefore = lastMs - settings.agedStockDays * 86_400_000;
  const aged = (p: Row) =>
    p.last_sale_at === '' || Date.parse(`${p.last_sale_at}T00:00:00Z`) + 86_400_000 <= agedBefore;
  const onHand = (p: Row) => n(p.on_hand);
  const belowCost = positions.filter((p) => onHand(p) > 0 && n(p.current_price) < n(p.unit_cost));
  const capacity = new Map(truth.nodes.map((node) => [node.node_id!, n(node.ship_capacity_per_day)]));

  // late purchase-order lines at the clock, with the node's cover at the last 28 days' sales
  const late = truth.poLines.filter((line) => n(line.open_qty) > 0 && line.expected_at! <= last);
  const sold28 = new Map<string, number>();
  const soldBySku = new Map<string, number>();
  for (const p of positions) {
    if (n(p.units_sold_28d) <= 0) continue;
    sold28.set(`${p.sku}@${p.node_id}`, n(p.units_sold_28d));
    soldBySku.set(p.sku!, (soldBySku.get(p.sku!) ?? 0) + n(p.units_sold_28d));
  }
  const positionOf = new Map(positions.map((p) => [`${p.sku}@${p.node_id}`, p]));
  const listPrice = new Map(positions.map((p) => [p.sku!, n(p.list_price)]));
  const cover = late.map((line) => {
    const daily28 = (sold28.get(`${line.sku}@${line.node_id}`) ?? soldBySku.get(line.sku!) ?? 0) / 28;
    const available = Math.max(0, n(positionOf.get(`${line.sku}@${line.node_id}`)?.available));
    return {
      daily: daily28,
      days: daily28 > 0 ? available / daily28 : null,
      list: listPrice.get(line.sku!) ?? 0,
    };
  });
  const outSoon = cover.filter((c) => c.days !== null && c.days < 7);

  // inbound due in the window (PO lines by expected date less cancellations, transfers by due date) and the
  // part of it received so far (at most what was due)
  const poLinesDue = truth.poLines.filter((line) => inWindow(line.expected_at!));
  const poDue = sum(poLinesDue, (line) => n(line.ordered_qty) - n(line.cancelled_qty));
  const poDueReceived = sum(poLinesDue, (line) =>
    Math.min(n(line.received_qty), n(line.ordered_qty) - n(line.cancelled_qty)),
  );
  const backlogNodes = (row: Row) => capacity.get(row.node_id!)! > 0;
  const reservedAt = (where: (p: Row) => boolean) => sum(positions.filter(where), (p) => n(p.reserved));

  const figures: [string, number | null][] = [
    ['inventory_accuracy', ratio(accurate.length, counts.length, 100)],
    [
      'order_cycle_hours',
      ratio(
        sum(shipped, (o) => hours(o.placed_at!, o.last_shipped_at!)),
        shipped.length,
      ),
    ],
    [
      'placed_to_allocated_hours',
      ratio(
        sum(shipped, (o) => hours(o.placed_at!, o.first_allocated_at!)),
        shipped.length,
      ),
    ],
    [
      'allocated_to_picked_hours',
      ratio(
        sum(shipped, (o) => hours(o.first_allocated_at!, o.first_picked_at!)),
        shipped.length,
      ),
    ],
    [
      'picked_to_shipped_hours',
      ratio(
        sum(shipped, (o) => hours(o.first_picked_at!, o.last_shipped_at!)),
        shipped.length,
      ),
    ],
    [
      'cancellation_rate',
      ratio(
        sum(closed, (o) => n(o.lines_cancelled)),
        sum(closed, (o) => n(o.lines)),
        100,
      ),
    ],
    [
      'fill_rate',
      ratio(
        sum(closed, (o) => n(o.units_shipped)),
        sum(closed, (o) => n(o.units_ordered)),
        100,
      ),
    ],
    [
      'fulfilment_cost_per_order',
      ratio(
        sum(shipped, (o) => n(o.fulfilment_cost)),
        shipped.length,
      ),
    ],
    [
      'on_time_rate',
      ratio(promised.filter((o) => o.shipped_by_promise === 'true').length, promised.length, 100),
    ],
    ['split_rate', ratio(shipped.filter((o) => n(o.ship_nodes) > 1).length, shipped.length, 100)],
    ['orders_placed', placed.length],
    ['stockout_rate', ratio(measure('stockouts', selling), measure('accounts', selling), 100)],
    ['stockouts', measure('stockouts', (row) => selling(row) && onLast(row))],
    ['stockout_accounts', measure('accounts', (row) => selling(row) && onLast(row))],
    ['refund_processing_hours', ratio(measure('refund_hours_sum'), measure('refund_hours_n'))],
    ['return_rate', ratio(measure('units_returned'), measure('units_sold'), 100)],
    ['units_sold', measure('units_sold')],
    ['units_returned', measure('units_returned')],
    ['inventory_value', inventoryValue],
    ['weeks_of_supply', ratio(inventoryValue, (cogs / days) * 7)],
    ['gross_margin_pct', ratio(grossMargin, netRevenue, 100)],
    ['revenue', revenue],
    ['net_revenue', netRevenue],
    ['refunds', refunds],
    ['cogs', cogs - returnedCogs],
    ['gross_margin', grossMargin],
    ['discount', measure('discount_value')],
    ['units_below_list', measure('units_below_list')],
    ['markdown_exposure', sum(belowCost, (p) => onHand(p) * (n(p.unit_cost) - n(p.current_price)))],
    [
      'aged_value',
      sum(
        positions.filter((p) => onHand(p) > 0 && aged(p)),
        (p) => n(p.inventory_value),
      ),
    ],
    ['available', sum(sellingPositions, (p) => Math.max(0, n(p.available)))],
    ['on_hand_selling', sum(sellingPositions, onHand)],
    ['reserved_selling', sum(sellingPositions, (p) => n(p.reserved))],
    [
      'returns_centre',
      sum(
        positions.filter((p) => !selling(p)),
        onHand,
      ),
    ],
    [
      'overstock',
      sellingPositions.filter((p) => onHand(p) > 0 && onHand(p) > (12 * n(p.units_sold_28d)) / 4).length,
    ],
    ['in_transit', sum(positions, (p) => n(p.in_transit_in))],
    ['on_order', sum(positions, (p) => n(p.on_order))],
    [
      'aged_units',
      sum(
        sellingPositions.filter((p) => onHand(p) > 0 && aged(p)),
        onHand,
      ),
    ],
    ['pick_backlog_now', reservedAt(() => true)],
    ['reserved_after_cancel', sum(positions, (p) => n(p.reserved_after_cancel))],
    [
      'pick_backlog_days',
      ratio(
        reservedAt((p) => (capacity.get(p.node_id!) ?? 0) > 0),
        sum(
          truth.nodes.filter((node) => backlogNodes(node)),
          (node) => n(node.ship_capacity_per_day),
        ),
      ),
    ],
    [
      'inbound_received_rate',
      ratio(
        poDueReceived + measure('transfer_due_received_units'),
        poDue + measure('transfer_due_units'),
        100,
      ),
    ],
    ...(['allocation', 'pick', 'shipment'] as const).flatMap((stage): [string, number | null][] => [
      [`orders_awaiting_${stage}`, measure(`orders_awaiting_${stage}`, onLast)],
      [
        `awaiting_${stage}_age_hours`,
        ratio(measure(`awaiting_${stage}_age_hours`, onLast), measure(`orders_awaiting_${stage}`, onLast)),
      ],
    ]),
    ['late_po_lines', late.length],
    ['late_po_units', sum(late, (line) => n(line.open_qty))],
    ['out_within_week', outSoon.length],
    ['revenue_at_risk', sum(outSoon, (c) => c.daily * c.list)],
  ];
  return new Map(figures);
}

/** Margin by channel from the truth: net revenue, net COGS, gross margin and margin %. */
export function truthMarginByChannel(truth: Truth, first: string, last: string) {
  const out = new Map<string, { revenue: number; cogs: number; margin: number; margin_pct: number | null }>();
  for (const row of truth.daily) {
    if (row.day! < first || row.day! > last) continue;
    const channel = row.channel_id!;
    if (!channel) continue;
    const entry = out.get(channel) ?? { revenue: 0, cogs: 0, margin: 0, margin_pct: null };
    const value = n(row.value);
    if (row.measure === 'revenue') entry.revenue += value;
    if (row.measure === 'refunds') entry.revenue -= value;
    if (row.measure === 'cogs') entry.cogs += value;
    if (row.measure === 'returned_cogs') entry.cogs -= value;
    out.set(channel, entry);
  }
  for (const entry of out.values()) {
    entry.margin = entry.revenue - entry.cogs;
    entry.margin_pct = entry.revenue > 0 ? (100 * entry.margin) / entry.revenue : null;
  }
  return out;
}
