/**
 * The retailer's own planning, which keeps the simulated shelves mostly (not always) stocked:
 * - Opening stock on day 0 (receipts without a PO).
 * - Stores: a few reviews a week, order-up-to (review + truck transit) days of planned demand plus safety
 *   stock, in whole case packs, shipped from the DC in the evening (`transfer_shipped`) and received before
 *   opening after the truck's transit (`transfer_received`; a few short, a few with damaged units).
 * - DC: a weekly purchase order per supplier, order-up-to lead time + a week + safety days of planned
 *   network demand (stores and online), at least the MOQ, no reorders of items in clearance.
 * - Returns centre: sellable units go back to the DC every Monday.
 * Plans use the ledger's view (book stock) and the planners' forecast: the true rate times a persistent
 * per-item bias, the calendar and the promotions they know of (not the scenario shocks).
 */
import { DC, RC, type SimItem } from './catalog.ts';
import type { Demand } from './demand.ts';
import { Agenda, at } from './emitter.ts';
import { receipt, transferReceived, transferShipped } from './events.ts';
import type { InventoryControl } from './inventory.ts';
import { BEHAVIOUR, CATEGORIES } from './params.ts';
import type { Procurement } from './procurement.ts';
import type { Rng } from './rng.ts';
import type { World } from './world.ts';

interface Transfer {
  id: string;
  from: number;
  to: number;
  item: number;
  qty: number;
}

const MIN_PRESENTATION: Record<string, number> = { apparel: 2, electronics: 1, home: 1, health: 2 };

export class Replenishment {
  private readonly transfers = new Agenda<Transfer>();
  /** Review weekdays per node (stores), as a 7-slot mask. */
  private readonly reviewDays: Uint8Array[];
  private readonly reviewPeriod: number;

  constructor(
    private readonly world: World,
    private readonly demand: Demand,
    private readonly procurement: Procurement,
    private readonly inventory: InventoryControl,
  ) {
    const { catalog, params } = world;
    const reviews = params.storeReviewsPerWeek;
    this.reviewPeriod = 7 / reviews;
    this.reviewDays = catalog.nodes.map((node) => {
      const mask = new Uint8Array(7);
      if (node.type !== 'store') return mask;
      for (let r = 0; r < reviews; r++) mask[(node.index + Math.round((r * 6) / reviews)) % 6] = 1;
      return mask;
    });
  }

  /** Planned demand multiplier of an item over [from, to): season, launch, calendar, known promotions. */
  private planned(item: SimItem, from: number, to: number, online: boolean): number {
    const { calendar, pricing } = this.world;
    const mid = Math.floor((from + to) / 2);
    const seasonal = this.demand.plannedItemFactor(item.index, Math.max(from, Math.min(mid, to - 1)));
    if (seasonal === 0) return 0;
    const cal = online
      ? calendar.meanOnlineFactor(item.category, from, to)
      : calendar.meanStoreFactor(item.category, from, to);
    return seasonal * cal * pricing.plannedFactor(item.index, from, to) * item.planBias;
  }

  /** Planned network demand per day (stores + online) of an item over [from, to). */
  networkDaily(item: SimItem, from: number, to: number): number {
    const { catalog } = this.world;
    const stores = item.rate * catalog.carriedSize[item.index]! * this.planned(item, from, to, false);
    const online = catalog.onlineRate(item) * this.planned(item, from, to, true);
    return stores + online;
  }

  private storeTarget(store: number, item: SimItem, day: number): number {
    const { catalog } = this.world;
    const transit = catalog.truckDays(store);
    const horizon = this.reviewPeriod + transit;
    const from = day + transit;
    const daily =
      item.rate *
      catalog.nodes[store]!.size *
      this.planned(item, from, from + Math.ceil(this.reviewPeriod), false);
    const mean = daily * horizon;
    const sd = Math.sqrt(mean * (1 + daily / BEHAVIOUR.nbShape));
    const minimum = daily > 0 ? MIN_PRESENTATION[CATEGORIES[item.category]!]! : 0;
    return Math.ceil(mean + BEHAVIOUR.storeServiceZ * sd) + minimum;
  }

  private dcLevels(item: SimItem, day: number): { reorder: number; target: number } {
    const spec = this.world.catalog.suppliers[item.supplier]!.spec;
    const lead = spec.leadTimeDays;
    const daily = this.networkDaily(item, day, day + lead + 7);
    const safety = BEHAVIOUR.dcSafetyDays + lead * (1 - spec.onTimeRate) + lead * spec.leadTimeCv;
    const reorder = daily * (lead + safety);
    return { reorder, target: reorder + daily * 7 };
  }

  /** Day 0, before anything else: the opening stock of the DC and the stores. */
  openingStock(rng: Rng): void {
    const { catalog, stock, out } = this.world;
    let second = 60;
    for (const item of catalog.items) {
      if (item.upsertDay > 0 || item.launchDay > 0) continue;
      const { reorder } = this.dcLevels(item, 0);
      const lead = catalog.suppliers[item.supplier]!.spec.leadTimeDays;
      const qty = packs(
        reorder * rng.uniform(0.4, 1) + this.networkDaily(item, 0, 7) * rng.uniform(0, lead),
        item.packSize,
      );
      if (qty > 0) {
        out.emit(second++, receipt('wms', catalog.nodes[DC]!.id, item.sku, qty, item.unitCost));
        stock.add(DC, item.index, qty);
      }
    }
    for (const store of catalog.stores) {
      const node = catalog.nodes[store]!;
      for (const index of catalog.assortment[store]!) {
        const item = catalog.items[index]!;
        if (item.upsertDay > 0 || item.launchDay > 0) continue;
        const qty = Math.round(this.storeTarget(store, item, 0) * rng.uniform(0.6, 1.1));
        if (qty > 0) {
          out.emit(second++, receipt('store', node.id, item.sku, qty, item.unitCost));
          stock.add(store, index, qty);
        }
      }
    }
  }

  /** Transfers arriving today (before opening). */
  arrivals(day: number, rng: Rng): void {
    const { catalog, stock, out } = this.world;
    let second = at(6);
    for (const transfer of this.transfers.take(day)) {
      const to = catalog.nodes[transfer.to]!;
      const sku = catalog.items[transfer.item]!.sku;
      const source = to.type === 'store' ? 'store' : 'wms';
      const cell = stock.cell(transfer.to, transfer.item);
      stock.inTransit[cell] = stock.inTransit[cell]! - transfer.qty;
      let qty = transfer.qty;
      if (rng.chance(BEHAVIOUR.transferShortRate)) qty -= rng.between(1, Math.max(1, Math.floor(qty / 4)));
      let damaged = 0;
      if (qty > 1 && rng.chance(BEHAVIOUR.transferDamageRate)) damaged = rng.between(1, Math.min(2, qty - 1));
      const sellable = qty - damaged;
      if (sellable > 0) {
        out.emit(second, transferReceived(source, transfer.id, to.id, sku, sellable));
        stock.add(transfer.to, transfer.item, sellable);
      }
      if (damaged > 0) {
        out.emit(second, transferReceived(source, transfer.id, to.id, sku, damaged, 'damaged'));
        this.inventory.damage(transfer.to, transfer.item, damaged);
      }
      second = Math.min(second + 3, at(6, 50));
    }
  }

  /** Evening: store replenishment from the DC, Monday returns-centre sweep, supplier reviews. */
  evening(day: number, rng: Rng): void {
    const { calendar } = this.world;
    if (!calendar.dcClosed(day)) {
      this.storeTransfers(day, rng);
      if (calendar.weekday(day) === 0) this.returnsSweep(day, rng);
    }
    this.supplierReviews(day, rng, day === 0);
  }

  private ship(
    from: number,
    to: number,
    item: number,
    qty: number,
    day: number,
    second: number,
    transit: number,
  ): void {
    const { catalog, stock, out, ids, calendar } = this.world;
    const id = ids.next('TR', 7);
    out.emit(
      second,
      transferShipped(
        id,
        catalog.nodes[from]!.id,
        catalog.nodes[to]!.id,
        catalog.items[item]!.sku,
        qty,
        calendar.date(day + transit),
      ),
    );
    stock.remove(from, item, qty);
    const cell = stock.cell(to, item);
    stock.inTransit[cell] = stock.inTransit[cell]! + qty;
    this.transfers.add(day + transit, { id, from, to, item, qty });
  }

  private storeTransfers(day: number, rng: Rng): void {
    const { catalog, stock, calendar } = this.world;
    const weekday = calendar.weekday(day);
    let second = at(20);
    // stores take turns at a short DC, so the same stores are not always first
    const stores = catalog.stores.filter((store) => this.reviewDays[store]![weekday] === 1);
    const offset = stores.length > 0 ? day % stores.length : 0;
    for (let k = 0; k < stores.length; k++) {
      const store = stores[(k + offset) % stores.length]!;
      const transit = catalog.truckDays(store) + (rng.chance(0.05) ? 1 : 0);
      for (const index of catalog.assortment[store]!) {
        const item = catalog.items[index]!;
        if (item.upsertDay > day) continue;
        const cell = stock.cell(store, index);
        const position = stock.book[cell]! + stock.inTransit[cell]!;
        const target = this.storeTarget(store, item, day);
        if (position >= target) continue;
        const dcCell = stock.cell(DC, index);
        const free = Math.min(stock.book[dcCell]!, stock.phys[dcCell]!) - stock.reserved[dcCell]!;
        if (free <= 0) continue;
        let qty = packs(target - position, item.packSize);
        if (qty > free) qty = free >= item.packSize ? Math.floor(free / item.packSize) * item.packSize : free;
        if (!(qty > 0)) continue;
        this.ship(DC, store, index, qty, day, Math.min(second, at(22)), transit);
        second++;
      }
    }
  }

  /**
   * Mondays: sellable units at the returns centre go back to the DC. The truck leaves at 17:30, after the
   * day's grading (10:00–17:00, returns.ts) and repairs (14:00–15:00): the units it takes are those graded
   * today too, so each must be in a shippable bucket, by the events' times, before it leaves.
   */
  private returnsSweep(day: number, _rng: Rng): void {
    const { catalog, stock } = this.world;
    let second = at(17, 30);
    for (const item of catalog.items) {
      const qty = stock.phys[stock.cell(RC, item.index)]!;
      if (qty > 0) this.ship(RC, DC, item.index, qty, day, second++, 1);
    }
  }

  /** Weekly purchase orders (every supplier on day 0 to start the pipeline). */
  private supplierReviews(day: number, rng: Rng, all: boolean): void {
    const { catalog, calendar, stock, pricing } = this.world;
    const weekday = calendar.weekday(day);
    for (const supplier of catalog.suppliers) {
      if (!all && supplier.reviewWeekday !== weekday) continue;
      const lines: { item: number; qty: number }[] = [];
      for (const index of supplier.items) {
        const item = catalog.items[index]!;
        if (item.upsertDay > day) continue;
        if (pricing.markdown(index, day) > 0 || pricing.markdown(index, day + supplier.spec.leadTimeDays) > 0)
          continue;
        const { reorder, target } = this.dcLevels(item, day);
        const dcCell = stock.cell(DC, index);
        const position =
          stock.book[dcCell]! - stock.reserved[dcCell]! + stock.onOrder[index]! + stock.inTransit[dcCell]!;
        if (position >= reorder) continue;
        let qty = packs(target - position, item.packSize);
        if (item.moq !== undefined && qty < item.moq) qty = packs(item.moq, item.packSize);
        if (qty > 0) lines.push({ item: index, qty });
      }
      if (lines.length > 0) this.procurement.order(supplier.index, lines, day, rng);
    }
  }
}

/** Whole case packs covering `units` (0 for nothing). */
function packs(units: number, pack: number): number {
  if (!(units > 0)) return 0;
  return Math.ceil(units / pack) * pack;
}
