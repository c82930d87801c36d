/**
 * Online orders from placement to shipment: the web shop and the marketplaces take orders through the day
 * (customers mostly do not order what the channel shows out of stock; stale marketplace feeds let some
 * through), the allocation policy reserves each line at a node, nodes pick in allocation order up to their
 * daily ship capacity (the DC's labour constraint: Saturdays at half, Sundays and holidays closed, a few
 * short-staffed days, the dc-labour-shortage scenario) and ship at the carrier cutoff. A pick that finds the
 * shelf empty (hidden shrink) releases the line, counts the bin and re-allocates. Lines that cannot be
 * allocated for days are cancelled out of stock; some customers cancel; shipments later than promised get
 * an appeasement refund; shipped units may come back (returns.ts).
 */
import type { OrderLine as ContractLine, OrderPlacedEvent } from '../contracts/index.ts';
import { type AllocationPolicy, NearestNodeWithStock } from './allocation.ts';
import { ONLINE_HOURS } from './calendar.ts';
import { DC, MARKETPLACE_A, MARKETPLACE_B, WEB } from './catalog.ts';
import type { Demand } from './demand.ts';
import { at, round2 } from './emitter.ts';
import {
  allocated,
  allocationReleased,
  cycleCount,
  orderCancelled,
  orderPlaced,
  picked,
  refundIssued,
  shipped,
} from './events.ts';
import { BEHAVIOUR } from './params.ts';
import type { Returns } from './returns.ts';
import { AliasTable, type Rng } from './rng.ts';
import type { World } from './world.ts';

const DAY = 86_400;
const WAITING = 0;
const ALLOCATED = 1;
const PICKED = 2;
const SHIPPED = 3;
const CANCELLED = 4;

interface Line {
  order: Order;
  lineId: string;
  item: number;
  qty: number;
  price: number;
  node: number;
  status: number;
  /** Absolute second (day × 86400 + second) of the current allocation. */
  allocatedAt: number;
  /** Day the line was placed (for the backorder limit). */
  since: number;
}

interface Order {
  id: string;
  channel: number;
  region: number;
  service: OrderPlacedEvent['service_level'];
  pickupNode: number | undefined;
  promisedDay: number;
  /** Absolute second of a customer cancellation, or Infinity. */
  cancelAt: number;
  lines: Line[];
}

const ORDER_PREFIX = ['WEB', 'AMZ', 'EBY'];

export class Fulfilment {
  readonly policy: AllocationPolicy;
  private readonly stand: NearestNodeWithStock;
  private waiting: Line[] = [];
  private readonly queues = new Map<number, Line[]>();
  /** Units allocated and not yet picked, per node. */
  private readonly queued = new Map<number, number>();
  private cancelling: Order[] = [];
  private readonly hours = new AliasTable(ONLINE_HOURS);
  private readonly storesByRegion: number[][];
  /** Labour shortfall factor per day (1 = full crew). */
  private readonly labour: Float64Array;

  constructor(
    private readonly world: World,
    private readonly demand: Demand,
    private readonly returns: Returns,
    labourRng: Rng,
  ) {
    this.stand = new NearestNodeWithStock(world.catalog, world.stock, (node) => this.spare(node));
    this.policy = this.stand;
    const { catalog } = world;
    // the DC and ship-from-store stores ship; every store also picks its click-and-collect orders
    for (const node of catalog.nodes)
      if (node.canShip || node.type === 'store') this.queues.set(node.index, []);
    this.storesByRegion = catalog.regionIds.map((_, region) =>
      catalog.stores.filter((store) => catalog.nodes[store]!.region === region),
    );
    this.labour = new Float64Array(world.calendar.days).fill(1);
    for (let day = 0; day < world.calendar.days; day++) {
      if (labourRng.chance(BEHAVIOUR.labourShortfallRate)) this.labour[day] = labourRng.uniform(0.5, 0.7);
    }
  }

  /** The days the DC was short-staffed, with the share of its crew at work (planted incidents). */
  shortStaffedDays(): { day: number; crew: number }[] {
    const days: { day: number; crew: number }[] = [];
    this.labour.forEach((crew, day) => {
      if (crew < 1) days.push({ day, crew: Math.round(crew * 1000) / 1000 });
    });
    return days;
  }

  /** The DC's ship capacity today (units). */
  dcCapacity(day: number): number {
    const { calendar, catalog, effects } = this.world;
    if (calendar.dcClosed(day)) return 0;
    const saturday = calendar.weekday(day) === 5 ? BEHAVIOUR.saturdayCapacity : 1;
    return Math.floor(catalog.nodes[DC]!.shipCapacity! * saturday * this.labour[day]! * effects.dcCapacity);
  }

  /** Units a node can still queue before its queue holds more than a day of picking. */
  private spare(node: number): number {
    const info = this.world.catalog.nodes[node]!;
    const capacity =
      node === DC
        ? info.shipCapacity! * this.world.effects.dcCapacity
        : (info.shipCapacity ?? this.world.params.storeShipCapacity);
    return capacity - (this.queued.get(node) ?? 0);
  }

  /** Units allocated at the DC and not shipped yet. */
  dcBacklog(): number {
    let units = 0;
    for (const line of this.queues.get(DC) ?? [])
      if (line.status === ALLOCATED || line.status === PICKED) units += line.qty;
    return units;
  }

  run(day: number, rng: Rng): void {
    this.retryWaiting(day, rng);
    this.takeOrders(day, rng);
    for (const node of this.queues.keys()) this.pickAndShip(node, day, rng);
    this.cancelDue(day, rng);
    this.world.stats.dcBacklogByDay.push(this.dcBacklog());
  }

  /** 07:00: backordered lines try again; those waiting too long are cancelled out of stock. */
  private retryWaiting(day: number, rng: Rng): void {
    const still: Line[] = [];
    let second = at(7);
    for (const line of this.waiting) {
      if (line.status !== WAITING) continue;
      if (this.allocate(line, day, second++)) continue;
      // an order the customer has cancelled by now is cancelled by `cancelDue`, not out of stock
      if (day - line.since >= BEHAVIOUR.backorderDays && day * DAY + second < line.order.cancelAt) {
        this.cancelLines(line.order, [line], at(7, 30) + rng.int(600), 'out of stock', rng);
        continue;
      }
      still.push(line);
    }
    this.waiting = still;
  }

  /** The day's orders of each online channel, in time order, each allocated as it comes. */
  private takeOrders(day: number, rng: Rng): void {
    const { catalog, calendar, out, ids, stats, pricing } = this.world;
    const placed: { second: number; channel: number }[] = [];
    for (const channel of [WEB, MARKETPLACE_A, MARKETPLACE_B]) {
      const count = this.demand.orderCount(channel, rng);
      for (let index = 0; index < count; index++) {
        placed.push({ second: this.hours.draw(rng) * 3600 + rng.int(3600), channel });
      }
    }
    placed.sort((a, b) => a.second - b.second || a.channel - b.channel);
    for (const { second, channel } of placed) {
      const region = this.pickRegion(rng);
      const stores = this.storesByRegion[region]!;
      let service: OrderPlacedEvent['service_level'] = 'standard';
      let pickupNode: number | undefined;
      const u = rng.next();
      if (channel === WEB && stores.length > 0 && u < BEHAVIOUR.pickupShare) {
        service = 'pickup';
        pickupNode = rng.pick(stores);
      } else if (u < BEHAVIOUR.pickupShare + BEHAVIOUR.expressShare) {
        service = 'express';
      }
      const basket = this.demand.basket(channel, rng);
      const chosen: number[] = [];
      const qtys: number[] = [];
      basket.items.forEach((item, index) => {
        const qty = basket.qtys[index]!;
        const available = this.stand.channelAvailable(channel, region, item, pickupNode);
        if (available >= qty || rng.chance(catalog.channels[channel]!.oversellRate)) {
          chosen.push(item);
          qtys.push(qty);
        } else {
          stats.onlineLostLines++;
        }
      });
      if (chosen.length === 0) continue;
      const channelInfo = catalog.channels[channel]!;
      const transit = Math.max(0, catalog.transitDays(DC, region));
      const promisedDay = day + (service === 'express' ? 2 : service === 'pickup' ? 2 : transit + 4);
      const order: Order = {
        id: ids.next(ORDER_PREFIX[channel]!, 7),
        channel,
        region,
        service,
        pickupNode,
        promisedDay,
        cancelAt: Number.POSITIVE_INFINITY,
        lines: [],
      };
      const contractLines: ContractLine[] = [];
      chosen.forEach((item, index) => {
        const price = channel === WEB ? pricing.webPrice[item]! : pricing.storePrice[item]!;
        const line: Line = {
          order,
          lineId: String(index + 1),
          item,
          qty: qtys[index]!,
          price,
          node: -1,
          status: WAITING,
          allocatedAt: 0,
          since: day,
        };
        order.lines.push(line);
        contractLines.push({
          line_id: line.lineId,
          sku: catalog.items[item]!.sku,
          qty: line.qty,
          unit_price: price,
        });
      });
      out.emit(
        second,
        orderPlaced(
          channelInfo.source,
          order.id,
          channelInfo.id,
          catalog.regionIds[region]!,
          service,
          calendar.date(promisedDay),
          pickupNode === undefined ? undefined : catalog.nodes[pickupNode]!.id,
          contractLines,
        ),
      );
      stats.onlineOrders++;
      stats.onlineLines += order.lines.length;
      if (rng.chance(BEHAVIOUR.customerCancelRate)) {
        order.cancelAt = day * DAY + second + 600 + rng.int(5 * 3600);
        this.cancelling.push(order);
      }
      // the OMS allocates continuously from 07:00; night orders wait for the morning run
      const allocateAt = Math.max(second + 30 + rng.int(270), at(7, 5) + rng.int(600));
      for (const line of order.lines) {
        if (!this.allocate(line, day, Math.min(DAY - 1, allocateAt))) this.waiting.push(line);
      }
    }
  }

  private pickRegion(rng: Rng): number {
    const weights = this.world.catalog.regionWeights;
    let total = 0;
    for (const weight of weights) total += weight;
    let u = rng.next() * total;
    for (let index = 0; index < weights.length; index++) {
      u -= weights[index]!;
      if (u < 0) return index;
    }
    return weights.length - 1;
  }

  /**
   * Reserves a line at the node the policy picks; false when no node has the units, or when the customer has
   * cancelled the order by then. Cancellations are processed at the end of the day but stamped at the
   * customer's moment, so a night order cancelled at 03:00 must not be allocated at 07:05 (the events would
   * say "allocated after cancelled", a reservation nobody releases); the line stays waiting and `cancelDue`
   * cancels it.
   */
  private allocate(line: Line, day: number, second: number): boolean {
    const { catalog, out, stock } = this.world;
    if (day * DAY + second >= line.order.cancelAt) return false;
    const node = this.policy.choose({
      item: line.item,
      qty: line.qty,
      channel: line.order.channel,
      region: line.order.region,
      pickupNode: line.order.pickupNode,
    });
    if (node === undefined) return false;
    const cell = stock.cell(node, line.item);
    stock.reserved[cell] = stock.reserved[cell]! + line.qty;
    line.node = node;
    line.status = ALLOCATED;
    line.allocatedAt = day * DAY + second;
    out.emit(
      second,
      allocated(line.order.id, line.lineId, catalog.nodes[node]!.id, catalog.items[line.item]!.sku, line.qty),
    );
    this.queues.get(node)!.push(line);
    this.queued.set(node, (this.queued.get(node) ?? 0) + line.qty);
    return true;
  }

  private release(line: Line): void {
    const { stock } = this.world;
    const cell = stock.cell(line.node, line.item);
    stock.reserved[cell] = stock.reserved[cell]! - line.qty;
  }

  /** The line leaves its node's pick queue (picked, released or cancelled). */
  private dequeue(line: Line): void {
    this.queued.set(line.node, (this.queued.get(line.node) ?? 0) - line.qty);
  }

  /** Picks in allocation order up to capacity between opening and the cutoff; ships at the cutoff. */
  private pickAndShip(nodeIndex: number, day: number, rng: Rng): void {
    const { catalog, calendar, out, stock, stats } = this.world;
    const node = catalog.nodes[nodeIndex]!;
    const queue = this.queues.get(nodeIndex)!;
    const isDc = nodeIndex === DC;
    const closed = isDc ? calendar.dcClosed(day) : calendar.storesClosed(day);
    const capacity = closed
      ? 0
      : isDc
        ? this.dcCapacity(day)
        : (node.shipCapacity ?? this.world.params.storeShipCapacity);
    const opens = isDc ? at(7) : at(9);
    const lastPick = node.cutoff - 1800;
    const dayStart = day * DAY;
    let used = 0;
    const remaining: Line[] = [];
    const pickedToday: Line[] = [];
    for (let index = 0; index < queue.length; index++) {
      const line = queue[index]!;
      if (line.status !== ALLOCATED || line.node !== nodeIndex) continue;
      if (capacity === 0 || used + line.qty > capacity) {
        remaining.push(line);
        continue;
      }
      const paced = opens + Math.floor((used / capacity) * (lastPick - opens));
      const pickSecond = Math.max(paced, line.allocatedAt - dayStart + 900);
      if (pickSecond > lastPick || dayStart + pickSecond >= line.order.cancelAt) {
        remaining.push(line);
        continue;
      }
      const sku = catalog.items[line.item]!.sku;
      const cell = stock.cell(nodeIndex, line.item);
      if (stock.phys[cell]! < line.qty) {
        // the shelf is short of what the ledger says: release, count the bin, re-allocate elsewhere
        this.release(line);
        this.dequeue(line);
        out.emit(
          pickSecond,
          allocationReleased(line.order.id, line.lineId, node.id, sku, line.qty, 'not found at pick'),
        );
        out.emit(
          pickSecond + 60,
          cycleCount(isDc ? 'wms' : 'store', node.id, sku, Math.max(0, stock.phys[cell]!)),
        );
        stock.book[cell] = Math.max(0, stock.phys[cell]!);
        stock.phys[cell] = stock.book[cell]!;
        stock.lastCount[cell] = day;
        stats.pickFailures++;
        line.status = WAITING;
        line.node = -1;
        if (!this.allocate(line, day, pickSecond + 120)) this.waiting.push(line);
        continue;
      }
      used += line.qty;
      this.dequeue(line);
      line.status = PICKED;
      out.emit(pickSecond, picked(line.order.id, line.lineId, node.id, sku, line.qty));
      pickedToday.push(line);
    }
    this.queues.set(nodeIndex, remaining);
    for (const line of pickedToday) {
      const order = line.order;
      const pickup = order.service === 'pickup' && nodeIndex === order.pickupNode;
      const second = pickup ? at(17) + rng.int(3 * 3600) : node.cutoff + rng.int(1800);
      const carrier = pickup
        ? 'customer-pickup'
        : !isDc
          ? 'USPS'
          : order.service === 'express'
            ? 'FedEx'
            : 'UPS';
      out.emit(
        second,
        shipped(order.id, line.lineId, node.id, catalog.items[line.item]!.sku, line.qty, carrier),
      );
      stock.remove(nodeIndex, line.item, line.qty);
      this.release(line);
      line.status = SHIPPED;
      stats.linesShipped++;
      // express goes by air: next day wherever the customer is
      const lane = Math.max(0, catalog.transitDays(nodeIndex, order.region));
      const transit = pickup ? 0 : order.service === 'express' ? Math.min(1, lane) : lane;
      const delivered = day + transit;
      if (delivered > order.promisedDay) {
        stats.linesShippedLate++;
        if (rng.chance(BEHAVIOUR.appeasementRate)) {
          const amount = round2(0.1 * line.qty * line.price);
          if (amount > 0)
            out.emit(
              at(23) + rng.int(1800),
              refundIssued(order.id, line.lineId, undefined, amount, 'late delivery'),
            );
        }
      }
      this.returns.scheduleOnline(
        order.id,
        line.lineId,
        line.item,
        line.qty,
        line.price,
        order.region,
        delivered,
        rng,
      );
    }
  }

  /** Customer cancellations due by the end of today: every line not yet picked. */
  private cancelDue(day: number, rng: Rng): void {
    const end = (day + 1) * DAY;
    const later: Order[] = [];
    for (const order of this.cancelling) {
      if (order.cancelAt >= end) {
        later.push(order);
        continue;
      }
      const open = order.lines.filter((line) => line.status === WAITING || line.status === ALLOCATED);
      if (open.length > 0) this.cancelLines(order, open, order.cancelAt - day * DAY, 'customer request', rng);
    }
    this.cancelling = later;
  }

  /** Cancels lines (the whole order when no other line is open), releasing reservations and refunding. */
  private cancelLines(order: Order, lines: Line[], second: number, reason: string, rng: Rng): void {
    const { out, stats } = this.world;
    const whole = order.lines.every((line) => lines.includes(line) || line.status === CANCELLED);
    const refundAt = second + 300 + rng.int(600);
    if (whole) {
      out.emit(second, orderCancelled(order.id, undefined, reason));
    } else {
      for (const line of lines) out.emit(second, orderCancelled(order.id, line.lineId, reason));
    }
    let total = 0;
    for (const line of lines) {
      if (line.status === ALLOCATED) {
        this.release(line);
        this.dequeue(line);
      }
      line.status = CANCELLED;
      stats.linesCancelled++;
      const amount = round2(line.qty * line.price);
      total += amount;
      if (!whole && amount > 0)
        out.emit(refundAt, refundIssued(order.id, line.lineId, undefined, amount, 'cancelled'));
    }
    if (whole && total > 0)
      out.emit(refundAt, refundIssued(order.id, undefined, undefined, round2(total), 'cancelled'));
  }
}
