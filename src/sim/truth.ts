/**
 * Ground truth: what the simulated retailer really did, written beside its events (`truth/` in the output
 * directory) so that every number retailos derives from those events can be checked against it
 * (test/reconcile). The recorder watches every event as the simulator emits it — before any delivery fault:
 * late, duplicated, malformed or unknown-SKU rows are not part of the retailer — and reads the simulator's
 * own stock at the end of each day. It never draws a random number and never changes an event, so the event
 * files are byte-identical with or without it.
 *
 * Files (CSV, one header row, deterministic order; docs/simulator.md "Ground truth"):
 * - `daily.csv`     day, measure, channel_id, node_id, category, value: flows of a day (sales, returns,
 *                   refunds, receipts, counts, transfers due) and end-of-day stock and backlog. Empty
 *                   dimensions do not apply to the measure. Each key appears once.
 * - `orders.csv`    one row per online order: its lines, units, fulfilment timeline, cost and promise.
 * - `po_lines.csv`  one row per purchase-order line: ordered, received, cancelled and open units, dates.
 * - `counts.csv`    one row per cycle count: the book before it (the ledger's system quantity) and the count.
 * - `nodes.csv`     one row per node: type, region, ship capacity per day (at the end), pick cost.
 * - `positions.csv` one row per stock account (sku × node) at the end of the run: the buckets the events
 *                   imply (`sellable` is the simulator's book), the true shelf (`shelf`), prices, costs.
 * - `incidents.json` what was planted: scenarios and the DC's short-staffed days.
 *
 * Stock is the book: what the events say (a unit lost in transit stays in transit, because the events never
 * say it was lost; a unit stolen from the shelf stays on hand until a count finds it missing). The shelf is
 * the physical truth no system sees; `positions.csv` carries both.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Event } from '../contracts/index.ts';
import { formatDate, parseDate } from './calendar.ts';
import { STORES_CHANNEL } from './catalog.ts';
import { timestampOf } from './emitter.ts';
import { CATEGORIES } from './params.ts';
import type { World } from './world.ts';
import { HashedFile, type OutputFile } from './writers.ts';

export const TRUTH_DIR = 'truth';

const DAY = 86_400;
/** Measures of `daily.csv` (the docs list them with their definitions). */
export const TRUTH_MEASURES = [
  // sales at the sale (POS) or the shipment (orders), by channel × node × category
  'units_sold',
  'revenue',
  'cogs',
  'units_below_list',
  'revenue_below_list',
  'discount_value',
  // returns received, by the order's channel (a store's own channel without an order) × node × category
  'units_returned',
  'returned_cogs',
  // refunds issued, by the order's channel × category of the line ('unassigned': a whole-order refund)
  'refunds',
  // refunds of a return: hours from the return's receipt to the refund (all channels)
  'refund_hours_sum',
  'refund_hours_n',
  // inbound by node: units received against POs, by transfer; transfer units due by their expected date
  'po_received_units',
  'transfer_received_units',
  'transfer_due_units',
  // of the transfer units due on a day (by the transfer's expected date), those received (at most the shipped)
  'transfer_due_received_units',
  // cycle counts by node × category, and their absolute variance (counted − book); counts.csv has each count
  'counts',
  'count_abs_variance_units',
  // end of day, by node × category: accounts (sku × node from their first movement), stockouts (nothing
  // sellable), units and value (on hand + in transit to the node, at unit cost), reservations
  'accounts',
  'stockouts',
  'sellable_units',
  'on_hand_units',
  'in_transit_units',
  'inventory_value',
  'reserved_units',
  'available_units',
  'oversold_accounts',
  'oversold_units',
  // end of day, by channel: orders waiting in each stage, and the summed age (hours) of those waiting
  'orders_awaiting_allocation',
  'orders_awaiting_pick',
  'orders_awaiting_shipment',
  'awaiting_allocation_age_hours',
  'awaiting_pick_age_hours',
  'awaiting_shipment_age_hours',
] as const;
export type TruthMeasure = (typeof TRUTH_MEASURES)[number];

interface LineTruth {
  item: number;
  qty: number;
  price: number;
  shipped: number;
  cancelled: boolean;
  /** When the line stopped being open: shipped in full or cancelled. */
  closedAt: number | undefined;
  /** Its allocations: when, at which stock account, how many units. */
  allocations: { at: number; cell: number; qty: number }[];
}

interface OrderTruth {
  id: string;
  channel: number;
  region: number;
  placedAt: number;
  promisedDay: number | undefined;
  lines: Map<string, LineTruth>;
  firstAllocated: number | undefined;
  firstPicked: number | undefined;
  lastShipped: number | undefined;
  cancelledAt: number | undefined;
  /** Units shipped per node. */
  shippedAt: Map<number, number>;
}

interface PoLineTruth {
  poId: string;
  lineId: string;
  item: number;
  supplier: string;
  node: number;
  created: number;
  ordered: number;
  received: number;
  cancelled: number;
  firstReceived: number | undefined;
  lastReceived: number | undefined;
}

interface PoTruth {
  id: string;
  expectedDay: number;
  lines: PoLineTruth[];
}

const ORDER_COLUMNS = [
  'order_id',
  'channel_id',
  'service_level',
  'placed_at',
  'promised_by',
  'lines',
  'units_ordered',
  'units_shipped',
  'lines_cancelled',
  'units_cancelled',
  'fully_shipped',
  'first_allocated_at',
  'first_picked_at',
  'last_shipped_at',
  'cancelled_at',
  'closed_at',
  'ship_nodes',
  'fulfilment_cost',
  'shipped_by_promise',
] as const;

const PO_COLUMNS = [
  'po_id',
  'line_id',
  'sku',
  'supplier_id',
  'node_id',
  'created_at',
  'expected_at',
  'ordered_qty',
  'received_qty',
  'cancelled_qty',
  'open_qty',
  'first_received_at',
  'last_received_at',
] as const;

const POSITION_COLUMNS = [
  'sku',
  'node_id',
  'category',
  'first_movement_at',
  'sellable',
  'reserved',
  'available',
  'damaged',
  'returns_pending',
  'repair',
  'on_hand',
  'in_transit_in',
  'on_order',
  'shelf',
  'unit_cost',
  'list_price',
  'current_price',
  'inventory_value',
  'last_sale_at',
  'units_sold_28d',
  'reserved_after_cancel',
] as const;

/** A figure as text: 9 decimals (sums of cents and of hours stay exact to far below what anyone reads). */
function number(value: number): string {
  const rounded = Math.round(value * 1e9) / 1e9;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

export class TruthRecorder {
  private readonly itemBySku = new Map<string, number>();
  private readonly nodeById = new Map<string, number>();
  private readonly channelById = new Map<string, number>();
  private readonly regionById = new Map<string, number>();
  /** Lane costs by node × region: [cost per order, cost per unit]. */
  private readonly lanes = new Map<number, readonly [number, number]>();
  /** Day measures not yet written, by day (the current day and days ahead: transfers due). */
  private readonly measures = new Map<number, Map<string, number>>();
  private readonly orders = new Map<string, OrderTruth>();
  private readonly pos = new Map<string, PoTruth>();
  /** Transfers on their way: the day they are due and the units not received yet. */
  private readonly transfersDue = new Map<string, { due: number; open: number }>();
  /** Return receipts of the day by return id: when, which channel and item (for refunds). */
  private readonly returnsToday = new Map<string, { at: number; channel: number; item: number }>();
  // stock buckets the events move, per account (node × item); sellable is the simulator's book
  private readonly touched: Int32Array;
  private readonly damaged: Int32Array;
  private readonly pending: Int32Array;
  private readonly repair: Int32Array;
  private readonly transit: Int32Array;
  /** Units allocated (by the event's time) after their line's cancellation, per account. */
  private readonly reservedAfterCancel: Int32Array;
  private readonly lastSale: Int32Array;
  /** Units sold per account and day, for the last 28 days (a ring of days). */
  private readonly soldRing: Int32Array;
  private readonly daily: HashedFile;
  private readonly orderFile: HashedFile;
  private readonly countFile: HashedFile;
  private readonly dir: string;

  constructor(
    private readonly world: World,
    outDir: string,
  ) {
    const { catalog } = world;
    for (const item of catalog.items) this.itemBySku.set(item.sku, item.index);
    for (const node of catalog.nodes) this.nodeById.set(node.id, node.index);
    for (const channel of catalog.channels) this.channelById.set(channel.id, channel.index);
    catalog.regionIds.forEach((id, index) => {
      this.regionById.set(id, index);
    });
    for (const lane of catalog.lanes)
      this.lanes.set(lane.node * 1000 + lane.region, [lane.costPerOrder, lane.costPerUnit]);
    const cells = catalog.nodes.length * catalog.items.length;
    this.touched = new Int32Array(cells).fill(-1);
    this.damaged = new Int32Array(cells);
    this.pending = new Int32Array(cells);
    this.repair = new Int32Array(cells);
    this.transit = new Int32Array(cells);
    this.reservedAfterCancel = new Int32Array(cells);
    this.lastSale = new Int32Array(cells).fill(-1);
    this.soldRing = new Int32Array(cells * 28);
    this.dir = path.join(outDir, TRUTH_DIR);
    fs.mkdirSync(this.dir, { recursive: true });
    this.daily = new HashedFile(this.dir, 'daily.csv');
    this.daily.append('day,measure,channel_id,node_id,category,value\n', 0);
    this.orderFile = new HashedFile(this.dir, 'orders.csv');
    this.orderFile.append(`${ORDER_COLUMNS.join(',')}\n`, 0);
    this.countFile = new HashedFile(this.dir, 'counts.csv');
    this.countFile.append('counted_at,node_id,sku,category,system_qty,counted_qty\n', 0);
  }

  // -------------------------------------------------------------------------------------------------------
  // watching events

  /** Every event the simulator emits, with the second of the current day it happens at. */
  observe(second: number, event: Event): void {
    const day = this.world.day;
    const at = day * DAY + second;
    switch (event.type) {
      case 'receipt': {
        const cell = this.touch(event.node_id, event.sku, day);
        if (cell === undefined) return;
        if (event.status === 'damaged') this.damaged[cell] = this.damaged[cell]! + event.qty;
        if (event.po_id !== undefined) {
          this.add(day, 'po_received_units', '', event.node_id, '', event.qty);
          const line = this.pos.get(event.po_id)?.lines.find((l) => l.item === this.cellItem(cell));
          if (line) {
            line.received += event.qty;
            line.firstReceived ??= day;
            line.lastReceived = day;
          }
        }
        return;
      }
      case 'transfer_shipped': {
        this.touch(event.from_node_id, event.sku, day);
        const cell = this.touch(event.to_node_id, event.sku, day);
        if (cell === undefined) return;
        this.transit[cell] = this.transit[cell]! + event.qty;
        if (event.expected_at !== undefined) {
          const due = parseDate(event.expected_at) - this.world.calendar.startEpochDay;
          this.add(due, 'transfer_due_units', '', event.to_node_id, '', event.qty);
          this.transfersDue.set(event.transfer_id, { due, open: event.qty });
        }
        return;
      }
      case 'transfer_received': {
        const cell = this.touch(event.to_node_id, event.sku, day);
        if (cell === undefined) return;
        this.transit[cell] = this.transit[cell]! - event.qty;
        if (event.status === 'damaged') this.damaged[cell] = this.damaged[cell]! + event.qty;
        this.add(day, 'transfer_received_units', '', event.to_node_id, '', event.qty);
        const due = this.transfersDue.get(event.transfer_id);
        if (due) {
          // the simulator's trucks arrive on their expected date (a late truck's date includes its delay), so
          // this adds to today or a day still open
          const units = Math.min(due.open, event.qty);
          this.add(due.due, 'transfer_due_received_units', '', event.to_node_id, '', units);
          due.open -= units;
          if (due.open <= 0) this.transfersDue.delete(event.transfer_id);
        }
        return;
      }
      case 'pos_sale': {
        const cell = this.touch(event.node_id, event.sku, day);
        if (cell === undefined) return;
        const channel = this.world.catalog.channels[STORES_CHANNEL]!.id;
        this.sale(day, cell, channel, event.qty, event.unit_price);
        return;
      }
      case 'adjustment': {
        const cell = this.touch(event.node_id, event.sku, day);
        if (cell !== undefined && event.status === 'damaged')
          this.damaged[cell] = this.damaged[cell]! + event.qty;
        return;
      }
      case 'status_changed': {
        const cell = this.touch(event.node_id, event.sku, day);
        if (cell === undefined) return;
        this.bucket(cell, event.from_status, -event.qty);
        this.bucket(cell, event.to_status, event.qty);
        return;
      }
      case 'cycle_count': {
        const cell = this.touch(event.node_id, event.sku, day);
        if (cell === undefined) return;
        // the simulator books the count after emitting it: the book is still the ledger's system quantity
        const variance = event.counted_qty - this.world.stock.book[cell]!;
        const [node, category] = [event.node_id, this.categoryOf(this.cellItem(cell))];
        this.add(day, 'counts', '', node, category, 1);
        this.add(day, 'count_abs_variance_units', '', node, category, Math.abs(variance));
        this.countFile.append(
          `${this.stamp(at)},${node},${event.sku},${category},${this.world.stock.book[cell]!},${event.counted_qty}\n`,
        );
        return;
      }
      case 'return_received': {
        const cell = this.touch(event.node_id, event.sku, day);
        if (cell === undefined) return;
        this.pending[cell] = this.pending[cell]! + event.qty;
        const item = this.cellItem(cell);
        const channel = event.order_id === undefined ? STORES_CHANNEL : this.channelOfOrderId(event.order_id);
        const channelId = this.world.catalog.channels[channel]!.id;
        const category = this.categoryOf(item);
        this.add(day, 'units_returned', channelId, event.node_id, category, event.qty);
        this.add(day, 'returned_cogs', channelId, event.node_id, category, this.cost(item, event.qty));
        this.returnsToday.set(event.return_id, { at, channel, item });
        return;
      }
      case 'return_graded': {
        const cell = this.touch(event.node_id, event.sku, day);
        if (cell === undefined) return;
        this.pending[cell] = this.pending[cell]! - event.qty;
        if (event.disposition === 'refurbish') this.repair[cell] = this.repair[cell]! + event.qty;
        return;
      }
      case 'order_placed': {
        const lines = new Map<string, LineTruth>();
        for (const line of event.lines)
          lines.set(line.line_id, {
            item: this.itemBySku.get(line.sku)!,
            qty: line.qty,
            price: line.unit_price,
            shipped: 0,
            cancelled: false,
            closedAt: undefined,
            allocations: [],
          });
        this.orders.set(event.order_id, {
          id: event.order_id,
          channel: this.channelById.get(event.channel_id)!,
          region: this.regionById.get(event.ship_to_region) ?? -1,
          placedAt: at,
          promisedDay:
            event.promised_by === undefined
              ? undefined
              : parseDate(event.promised_by) - this.world.calendar.startEpochDay,
          lines,
          firstAllocated: undefined,
          firstPicked: undefined,
          lastShipped: undefined,
          cancelledAt: undefined,
          shippedAt: new Map(),
        });
        this.serviceLevels.set(event.order_id, event.service_level);
        return;
      }
      case 'allocated': {
        const order = this.orders.get(event.order_id);
        const cell = this.touchless(event.node_id, event.sku);
        if (!order || cell === undefined) return;
        order.firstAllocated = Math.min(order.firstAllocated ?? at, at);
        order.lines.get(event.line_id)?.allocations.push({ at, cell, qty: event.qty });
        return;
      }
      case 'picked': {
        const order = this.orders.get(event.order_id);
        if (order) order.firstPicked = Math.min(order.firstPicked ?? at, at);
        return;
      }
      case 'shipped': {
        const cell = this.touch(event.node_id, event.sku, day);
        const order = this.orders.get(event.order_id);
        if (cell === undefined || !order) return;
        const line = order.lines.get(event.line_id)!;
        line.shipped += event.qty;
        if (line.shipped >= line.qty) line.closedAt ??= at;
        order.lastShipped = Math.max(order.lastShipped ?? at, at);
        const node = this.nodeById.get(event.node_id)!;
        order.shippedAt.set(node, (order.shippedAt.get(node) ?? 0) + event.qty);
        this.sale(day, cell, this.world.catalog.channels[order.channel]!.id, event.qty, line.price);
        return;
      }
      case 'order_cancelled': {
        const order = this.orders.get(event.order_id);
        if (!order) return;
        order.cancelledAt ??= at;
        for (const [lineId, line] of order.lines) {
          if (event.line_id !== undefined && event.line_id !== lineId) continue;
          if (line.shipped >= line.qty) continue;
          line.cancelled = true;
          line.closedAt ??= at;
          // A check on the simulator, 0 since issue 16: an allocation stamped after its line's cancellation
          // ("allocated after cancelled") is a reservation a ledger keeps and the simulator does not.
          for (const allocation of line.allocations)
            if (allocation.at > at)
              this.reservedAfterCancel[allocation.cell] =
                this.reservedAfterCancel[allocation.cell]! + allocation.qty;
        }
        return;
      }
      case 'refund_issued': {
        const returned = event.return_id === undefined ? undefined : this.returnsToday.get(event.return_id);
        const order = this.orders.get(event.order_id);
        const channel = returned?.channel ?? order?.channel ?? this.channelOfOrderId(event.order_id);
        const item =
          event.line_id === undefined ? undefined : (returned?.item ?? order?.lines.get(event.line_id)?.item);
        const category = item === undefined ? 'unassigned' : this.categoryOf(item);
        this.add(day, 'refunds', this.world.catalog.channels[channel]!.id, '', category, event.amount);
        if (returned) {
          this.add(day, 'refund_hours_sum', '', '', '', (at - returned.at) / 3600);
          this.add(day, 'refund_hours_n', '', '', '', 1);
        }
        return;
      }
      case 'po_created': {
        const node = this.nodeById.get(event.node_id)!;
        this.pos.set(event.po_id, {
          id: event.po_id,
          expectedDay: parseDate(event.expected_at) - this.world.calendar.startEpochDay,
          lines: event.lines.map((line) => ({
            poId: event.po_id,
            lineId: line.line_id,
            item: this.itemBySku.get(line.sku)!,
            supplier: event.supplier_id,
            node,
            created: day,
            ordered: line.qty,
            received: 0,
            cancelled: 0,
            firstReceived: undefined,
            lastReceived: undefined,
          })),
        });
        return;
      }
      case 'po_updated': {
        const po = this.pos.get(event.po_id);
        if (po) po.expectedDay = parseDate(event.expected_at) - this.world.calendar.startEpochDay;
        return;
      }
      case 'po_cancelled': {
        const po = this.pos.get(event.po_id);
        if (!po) return;
        for (const line of po.lines) {
          if (event.line_id !== undefined && event.line_id !== line.lineId) continue;
          line.cancelled += Math.max(0, line.ordered - line.received - line.cancelled);
        }
        return;
      }
      default:
        return;
    }
  }

  private readonly serviceLevels = new Map<string, string>();

  private sale(day: number, cell: number, channel: string, qty: number, price: number): void {
    const item = this.cellItem(cell);
    const { catalog } = this.world;
    const node = catalog.nodes[Math.floor(cell / catalog.items.length)]!.id;
    const category = this.categoryOf(item);
    const revenue = Math.round(qty * price * 100) / 100;
    this.add(day, 'units_sold', channel, node, category, qty);
    this.add(day, 'revenue', channel, node, category, revenue);
    this.add(day, 'cogs', channel, node, category, this.cost(item, qty));
    const list = catalog.items[item]!.listPrice;
    if (price < list) {
      this.add(day, 'units_below_list', channel, '', category, qty);
      this.add(day, 'revenue_below_list', channel, '', category, revenue);
      this.add(day, 'discount_value', channel, '', category, Math.round(qty * (list - price) * 100) / 100);
    }
    this.lastSale[cell] = day;
    const ring = cell * 28 + (day % 28);
    this.soldRing[ring] = this.soldRing[ring]! + qty;
  }

  private bucket(cell: number, status: string, qty: number): void {
    if (status === 'damaged') this.damaged[cell] = this.damaged[cell]! + qty;
    else if (status === 'repair') this.repair[cell] = this.repair[cell]! + qty;
    else if (status === 'returns_pending') this.pending[cell] = this.pending[cell]! + qty;
  }

  /** The account of (node, sku), opened on its first movement; undefined for SKUs the catalogue lacks. */
  private touch(nodeId: string, sku: string, day: number): number | undefined {
    const node = this.nodeById.get(nodeId);
    const item = this.itemBySku.get(sku);
    if (node === undefined || item === undefined) return undefined;
    const cell = this.world.stock.cell(node, item);
    if (this.touched[cell] === -1) this.touched[cell] = day;
    return cell;
  }

  /** The account of (node, sku) without opening it (a reservation is not a stock movement). */
  private touchless(nodeId: string, sku: string): number | undefined {
    const node = this.nodeById.get(nodeId);
    const item = this.itemBySku.get(sku);
    return node === undefined || item === undefined ? undefined : this.world.stock.cell(node, item);
  }

  private cellItem(cell: number): number {
    return cell % this.world.catalog.items.length;
  }

  private categoryOf(item: number): string {
    return CATEGORIES[this.world.catalog.items[item]!.category]!;
  }

  private cost(item: number, qty: number): number {
    return Math.round(qty * this.world.catalog.items[item]!.unitCost * 100) / 100;
  }

  /** The simulator's order ids start with their channel's prefix (fulfilment.ts). */
  private channelOfOrderId(orderId: string): number {
    const prefix = orderId.slice(0, 3);
    return prefix === 'AMZ' ? 1 : prefix === 'EBY' ? 2 : 0;
  }

  private add(
    day: number,
    measure: TruthMeasure,
    channel: string,
    node: string,
    category: string,
    value: number,
  ): void {
    if (value === 0 && measure !== 'accounts') return;
    let map = this.measures.get(day);
    if (!map) {
      map = new Map();
      this.measures.set(day, map);
    }
    const key = `${measure},${channel},${node},${category}`;
    map.set(key, (map.get(key) ?? 0) + value);
  }

  // -------------------------------------------------------------------------------------------------------
  // end of each day

  /** After the simulator finished `day`: stock and queues at the end of it, closed orders, the day's rows. */
  endOfDay(day: number): void {
    this.snapshotStock(day);
    const end = (day + 1) * DAY;
    for (const order of this.orders.values()) {
      if (this.closedAt(order) !== undefined) continue;
      const channel = this.world.catalog.channels[order.channel]!.id;
      const [stage, since] =
        order.firstAllocated === undefined
          ? (['allocation', order.placedAt] as const)
          : order.firstPicked === undefined
            ? (['pick', order.firstAllocated] as const)
            : (['shipment', order.firstPicked] as const);
      this.add(day, `orders_awaiting_${stage}`, channel, '', '', 1);
      this.add(day, `awaiting_${stage}_age_hours`, channel, '', '', (end - since) / 3600);
    }
    for (const order of [...this.orders.values()]) {
      if (this.closedAt(order) === undefined) continue;
      this.writeOrder(order);
      this.orders.delete(order.id);
      this.serviceLevels.delete(order.id);
    }
    this.returnsToday.clear();
    this.flushDay(day);
  }

  private snapshotStock(day: number): void {
    const { catalog, stock } = this.world;
    const items = catalog.items.length;
    const groups = new Map<string, number[]>();
    for (const node of catalog.nodes) {
      for (let item = 0; item < items; item++) {
        const cell = node.index * items + item;
        if (this.touched[cell] === -1) continue;
        const key = `${node.id},${this.categoryOf(item)}`;
        let sums = groups.get(key);
        if (!sums) {
          sums = new Array<number>(10).fill(0);
          groups.set(key, sums);
        }
        const sellable = stock.book[cell]!;
        const onHand = sellable + this.damaged[cell]! + this.pending[cell]! + this.repair[cell]!;
        const available = sellable - stock.reserved[cell]!;
        sums[0]! += 1;
        if (sellable <= 0) sums[1]! += 1;
        sums[2]! += sellable;
        sums[3]! += onHand;
        sums[4]! += this.transit[cell]!;
        sums[5]! += this.cost(item, onHand + this.transit[cell]!);
        sums[6]! += stock.reserved[cell]!;
        sums[7]! += Math.max(0, available);
        if (available < 0) {
          sums[8]! += 1;
          sums[9]! -= available;
        }
      }
    }
    const names: TruthMeasure[] = [
      'accounts',
      'stockouts',
      'sellable_units',
      'on_hand_units',
      'in_transit_units',
      'inventory_value',
      'reserved_units',
      'available_units',
      'oversold_accounts',
      'oversold_units',
    ];
    for (const [key, sums] of groups) {
      const [node, category] = key.split(',') as [string, string];
      names.forEach((name, index) => {
        this.add(day, name, '', node, category, sums[index]!);
      });
    }
  }

  private flushDay(day: number): void {
    const map = this.measures.get(day);
    this.measures.delete(day);
    if (!map) return;
    const date = formatDate(this.world.calendar.startEpochDay + day);
    const keys = [...map.keys()].sort();
    let text = '';
    for (const key of keys) text += `${date},${key},${number(map.get(key)!)}\n`;
    this.daily.append(text, keys.length);
  }

  // -------------------------------------------------------------------------------------------------------
  // orders

  /** When the order's last open line shipped or was cancelled; undefined while a line is open. */
  private closedAt(order: OrderTruth): number | undefined {
    let closed = 0;
    for (const line of order.lines.values()) {
      if (line.closedAt === undefined) return undefined;
      closed = Math.max(closed, line.closedAt);
    }
    return closed;
  }

  private writeOrder(order: OrderTruth): void {
    const { catalog } = this.world;
    let units = 0;
    let shipped = 0;
    let cancelledLines = 0;
    let cancelledUnits = 0;
    for (const line of order.lines.values()) {
      units += line.qty;
      shipped += Math.min(line.qty, line.shipped);
      if (line.cancelled) {
        cancelledLines++;
        cancelledUnits += line.qty - Math.min(line.qty, line.shipped);
      }
    }
    let cost = 0;
    for (const [node, qty] of order.shippedAt) {
      const lane = this.lanes.get(node * 1000 + order.region);
      cost += qty * ((catalog.nodes[node]!.pickCost ?? 0) + (lane?.[1] ?? 0)) + (lane?.[0] ?? 0);
    }
    const fully = shipped === units;
    const closed = this.closedAt(order);
    const byPromise =
      fully && order.promisedDay !== undefined && Math.floor(order.lastShipped! / DAY) <= order.promisedDay;
    const values: (string | number | undefined)[] = [
      order.id,
      catalog.channels[order.channel]!.id,
      this.serviceLevels.get(order.id),
      this.stamp(order.placedAt),
      order.promisedDay === undefined
        ? undefined
        : formatDate(this.world.calendar.startEpochDay + order.promisedDay),
      order.lines.size,
      units,
      shipped,
      cancelledLines,
      cancelledUnits,
      String(fully),
      this.stamp(order.firstAllocated),
      this.stamp(order.firstPicked),
      this.stamp(order.lastShipped),
      this.stamp(order.cancelledAt),
      this.stamp(closed),
      order.shippedAt.size,
      order.shippedAt.size === 0 ? undefined : number(Math.round(cost * 100) / 100),
      String(byPromise),
    ];
    this.orderFile.append(`${values.map((value) => value ?? '').join(',')}\n`);
  }

  private stamp(at: number | undefined): string | undefined {
    if (at === undefined) return undefined;
    const day = Math.floor(at / DAY);
    return timestampOf(formatDate(this.world.calendar.startEpochDay + day), at - day * DAY);
  }

  // -------------------------------------------------------------------------------------------------------
  // the end of the run

  /** Writes what is still open (orders, days ahead), the PO lines, positions and incidents; the files. */
  finish(incidents: unknown): OutputFile[] {
    for (const order of this.orders.values()) this.writeOrder(order);
    this.orders.clear();
    for (const day of [...this.measures.keys()].sort((a, b) => a - b)) this.flushDay(day);
    const files = [
      this.daily.close(),
      this.orderFile.close(),
      this.countFile.close(),
      this.writePoLines(),
      this.writePositions(),
      this.writeNodes(),
    ];
    const incidentFile = new HashedFile(this.dir, 'incidents.json');
    incidentFile.append(`${JSON.stringify(incidents, null, 2)}\n`, 0);
    files.push(incidentFile.close());
    return files.map((file) => ({ ...file, name: `${TRUTH_DIR}/${file.name}` }));
  }

  private writePoLines(): OutputFile {
    const { catalog, calendar } = this.world;
    const file = new HashedFile(this.dir, 'po_lines.csv');
    file.append(`${PO_COLUMNS.join(',')}\n`, 0);
    const date = (day: number | undefined) =>
      day === undefined ? '' : formatDate(calendar.startEpochDay + day);
    for (const po of this.pos.values()) {
      for (const line of po.lines) {
        const open = Math.max(0, line.ordered - line.received - line.cancelled);
        file.append(
          `${[
            po.id,
            line.lineId,
            catalog.items[line.item]!.sku,
            line.supplier,
            catalog.nodes[line.node]!.id,
            date(line.created),
            date(po.expectedDay),
            line.ordered,
            line.received,
            line.cancelled,
            open,
            date(line.firstReceived),
            date(line.lastReceived),
          ].join(',')}\n`,
        );
      }
    }
    return file.close();
  }

  private writePositions(): OutputFile {
    const { catalog, calendar, stock, pricing } = this.world;
    const file = new HashedFile(this.dir, 'positions.csv');
    file.append(`${POSITION_COLUMNS.join(',')}\n`, 0);
    const items = catalog.items.length;
    const onOrder = new Map<number, number>();
    for (const po of this.pos.values())
      for (const line of po.lines) {
        const cell = stock.cell(line.node, line.item);
        const open = Math.max(0, line.ordered - line.received - line.cancelled);
        if (open > 0) onOrder.set(cell, (onOrder.get(cell) ?? 0) + open);
      }
    const date = (day: number) => (day < 0 ? '' : formatDate(calendar.startEpochDay + day));
    for (const node of catalog.nodes) {
      for (let item = 0; item < items; item++) {
        const cell = node.index * items + item;
        if (
          this.touched[cell] === -1 &&
          !onOrder.has(cell) &&
          stock.reserved[cell] === 0 &&
          this.reservedAfterCancel[cell] === 0
        )
          continue;
        const info = catalog.items[item]!;
        const sellable = stock.book[cell]!;
        const onHand = sellable + this.damaged[cell]! + this.pending[cell]! + this.repair[cell]!;
        let sold28 = 0;
        for (let slot = 0; slot < 28; slot++) sold28 += this.soldRing[cell * 28 + slot]!;
        file.append(
          `${[
            info.sku,
            node.id,
            this.categoryOf(item),
            date(this.touched[cell]!),
            sellable,
            stock.reserved[cell]!,
            sellable - stock.reserved[cell]!,
            this.damaged[cell]!,
            this.pending[cell]!,
            this.repair[cell]!,
            onHand,
            this.transit[cell]!,
            onOrder.get(cell) ?? 0,
            stock.phys[cell]!,
            number(info.unitCost),
            number(info.listPrice),
            number(pricing.storePriceAtMidnight(item, this.world.calendar.days - 1)),
            number(this.cost(item, onHand)),
            date(this.lastSale[cell]!),
            sold28,
            this.reservedAfterCancel[cell]!,
          ].join(',')}\n`,
        );
      }
    }
    return file.close();
  }

  private writeNodes(): OutputFile {
    const { catalog } = this.world;
    const file = new HashedFile(this.dir, 'nodes.csv');
    file.append('node_id,node_type,region,ship_capacity_per_day,pick_cost\n', 0);
    for (const node of catalog.nodes) {
      const capacity = node.canShip ? node.shipCapacity : undefined;
      file.append(
        `${[node.id, node.type, catalog.regionIds[node.region], capacity ?? '', node.pickCost ?? ''].join(',')}\n`,
      );
    }
    return file.close();
  }

  /** Clears the 28-day sales ring slot of the day about to start. */
  startDay(day: number): void {
    const slot = day % 28;
    for (let cell = 0; cell < this.lastSale.length; cell++) this.soldRing[cell * 28 + slot] = 0;
  }
}
