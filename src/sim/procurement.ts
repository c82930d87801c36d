/**
 * Suppliers and purchase orders. Each supplier has a nominal lead time (what `expected_at` promises), a
 * lead-time spread, an on-time rate and a worst lateness, and a line fill rate. A PO arrives after the
 * actual lead time (gamma-like spread, sometimes late, sometimes a day early); most late POs are announced
 * by an ETA update (`po_updated`) before the promised date, some are not. On arrival each line is received
 * (`receipt` with `po_id`, before the dock opens to pickers): complete, or short with the rest following
 * days later or cancelled by the supplier (`po_cancelled` with `line_id`); a few lines carry damaged units
 * (received into `damaged`); a few receipts are mis-keyed and corrected. A few POs are cancelled whole.
 */
import type { PoLine } from '../contracts/index.ts';
import { DC } from './catalog.ts';
import { Agenda, at } from './emitter.ts';
import { poCancelled, poCreated, poUpdated, receipt } from './events.ts';
import type { InventoryControl } from './inventory.ts';
import { BEHAVIOUR } from './params.ts';
import type { Rng } from './rng.ts';
import type { World } from './world.ts';

/** Lines per purchase order, at most (larger orders are split). */
const MAX_PO_LINES = 250;

export interface PoLineState {
  lineId: string;
  item: number;
  qty: number;
  /** Units still expected. */
  open: number;
  unitCost: number;
}

export interface PurchaseOrder {
  id: string;
  supplier: number;
  createdDay: number;
  /** Day promised on the PO (`expected_at`), then as updated. */
  expectedDay: number;
  arrivalDay: number;
  lines: PoLineState[];
  cancelled: boolean;
  arrived: boolean;
}

export class Procurement {
  private readonly arrivals = new Agenda<PurchaseOrder>();
  private readonly notices = new Agenda<PurchaseOrder>();
  private readonly cancels = new Agenda<PurchaseOrder>();
  private readonly backorders = new Agenda<{ po: PurchaseOrder; line: PoLineState; qty: number }>();
  private readonly lineCancels = new Agenda<{ po: PurchaseOrder; line: PoLineState }>();
  /** POs not yet arrived (oldest first), for ETA changes. */
  private inbound: PurchaseOrder[] = [];
  /** Called for every PO created (scenarios record the ones they affect). */
  readonly listeners: ((po: PurchaseOrder) => void)[] = [];

  constructor(
    private readonly world: World,
    private readonly inventory: InventoryControl,
  ) {}

  /** POs of a supplier still on their way. */
  openOrders(supplier: number): PurchaseOrder[] {
    this.inbound = this.inbound.filter((po) => !po.arrived && !po.cancelled);
    return this.inbound.filter((po) => po.supplier === supplier);
  }

  /** Places the order (split into POs of at most 250 lines), at the buyer's desk in the afternoon. */
  order(supplier: number, lines: { item: number; qty: number }[], day: number, rng: Rng): PurchaseOrder[] {
    const created: PurchaseOrder[] = [];
    for (let start = 0; start < lines.length; start += MAX_PO_LINES) {
      created.push(this.create(supplier, lines.slice(start, start + MAX_PO_LINES), day, rng));
    }
    return created;
  }

  private create(
    supplier: number,
    lines: { item: number; qty: number }[],
    day: number,
    rng: Rng,
  ): PurchaseOrder {
    const { catalog, calendar, out, ids, stock, stats, effects } = this.world;
    const spec = catalog.suppliers[supplier]!.spec;
    const expectedDay = day + spec.leadTimeDays;
    let actual = Math.max(1, Math.round(spec.leadTimeDays * rng.shock(spec.leadTimeCv)));
    if (!rng.chance(spec.onTimeRate))
      actual = Math.max(actual, spec.leadTimeDays) + rng.between(2, spec.maxLateDays);
    else if (actual > spec.leadTimeDays) actual = spec.leadTimeDays;
    const extra = effects.supplierDelay[supplier]!;
    actual += extra;
    const po: PurchaseOrder = {
      id: ids.next('PO'),
      supplier,
      createdDay: day,
      expectedDay,
      arrivalDay: this.openDay(day + actual),
      lines: lines.map((line, index) => ({
        lineId: String(index + 1),
        item: line.item,
        qty: line.qty,
        open: line.qty,
        unitCost: catalog.items[line.item]!.unitCost,
      })),
      cancelled: false,
      arrived: false,
    };
    const contractLines: PoLine[] = po.lines.map((line) => ({
      line_id: line.lineId,
      sku: catalog.items[line.item]!.sku,
      qty: line.qty,
      unit_cost: line.unitCost,
    }));
    out.emit(
      at(14) + rng.int(3600),
      poCreated(po.id, spec.id, catalog.nodes[DC]!.id, calendar.date(expectedDay), contractLines),
    );
    for (const line of po.lines) stock.onOrder[line.item] = stock.onOrder[line.item]! + line.qty;
    stats.poCreated++;
    for (const listener of this.listeners) listener(po);
    if (po.arrivalDay > po.expectedDay) stats.poLate++;
    if (rng.chance(BEHAVIOUR.poCancelRate) && po.arrivalDay - day > 3) {
      this.cancels.add(day + rng.between(2, po.arrivalDay - day - 1), po);
    } else {
      this.arrivals.add(po.arrivalDay, po);
      this.inbound.push(po);
      if (po.arrivalDay > po.expectedDay + 1 && (extra > 0 || rng.chance(BEHAVIOUR.etaNoticeRate))) {
        const notice =
          extra > 0
            ? day + rng.between(1, 3)
            : Math.max(day + 1, Math.min(po.expectedDay - 2, po.arrivalDay - 3));
        this.notices.add(Math.min(notice, po.arrivalDay - 1), po);
      }
    }
    return po;
  }

  /** The receiving dock is closed on the DC's closed days: arrivals move to the next open day. */
  private openDay(day: number): number {
    let result = day;
    while (result < this.world.calendar.days && this.world.calendar.dcClosed(result)) result++;
    return result;
  }

  /** Moves a PO's arrival later (supplier-delay) and announces the new date today. */
  delay(po: PurchaseOrder, days: number, day: number, rng: Rng): void {
    if (po.arrived || po.cancelled) return;
    po.arrivalDay = this.openDay(Math.max(po.arrivalDay, day + 1) + days);
    this.arrivals.add(po.arrivalDay, po);
    this.announce(po, at(10) + rng.int(3600));
  }

  private announce(po: PurchaseOrder, second: number): void {
    const { out, calendar } = this.world;
    po.expectedDay = po.arrivalDay;
    out.emit(second, poUpdated(po.id, calendar.date(po.arrivalDay)));
  }

  run(day: number, rng: Rng): void {
    const { catalog, out, stock } = this.world;
    for (const po of this.notices.take(day)) {
      if (!po.arrived && !po.cancelled && po.arrivalDay !== po.expectedDay)
        this.announce(po, at(10) + rng.int(3600));
    }
    for (const po of this.cancels.take(day)) {
      po.cancelled = true;
      out.emit(at(11) + rng.int(3600), poCancelled(po.id));
      for (const line of po.lines) stock.onOrder[line.item] = stock.onOrder[line.item]! - line.open;
    }
    let second = at(5);
    for (const po of this.arrivals.take(day)) {
      if (po.arrived || po.cancelled || po.arrivalDay !== day) continue; // a delayed PO left its old slot
      po.arrived = true;
      const fillRate = catalog.suppliers[po.supplier]!.spec.lineFillRate;
      for (const line of po.lines) {
        let qty = line.open;
        if (!rng.chance(fillRate) && qty > 1) {
          qty = Math.max(1, Math.floor(qty * rng.uniform(0.5, 0.95)));
          const rest = line.open - qty;
          if (rng.chance(BEHAVIOUR.backorderShipRate))
            this.backorders.add(this.openDay(day + rng.between(5, 15)), { po, line, qty: rest });
          else this.lineCancels.add(day + rng.between(3, 10), { po, line });
        }
        second = this.receive(po, line, qty, day, second, rng);
      }
    }
    for (const { po, line, qty } of this.backorders.take(day)) {
      if (line.open <= 0) continue;
      second = this.receive(po, line, Math.min(qty, line.open), day, second, rng);
    }
    for (const { po, line } of this.lineCancels.take(day)) {
      if (line.open <= 0) continue;
      out.emit(at(11) + rng.int(3600), poCancelled(po.id, line.lineId));
      stock.onOrder[line.item] = stock.onOrder[line.item]! - line.open;
      line.open = 0;
    }
  }

  /** Receipts of one line at the DC: sellable, plus damaged units apart; returns the next free second. */
  private receive(
    po: PurchaseOrder,
    line: PoLineState,
    qty: number,
    day: number,
    second: number,
    rng: Rng,
  ): number {
    const { catalog, out, stock } = this.world;
    const item = catalog.items[line.item]!;
    const dc = catalog.nodes[DC]!.id;
    let next = Math.min(second, at(6, 45));
    let damaged = 0;
    if (rng.chance(BEHAVIOUR.receiptDamageRate))
      damaged = Math.min(qty, Math.max(1, Math.round(qty * rng.uniform(0.02, 0.1))));
    const sellable = qty - damaged;
    if (sellable > 0) {
      const misKey = rng.chance(0.002) ? item.packSize : 0;
      out.emit(next, receipt('wms', dc, item.sku, sellable + misKey, line.unitCost, po.id));
      stock.add(DC, line.item, sellable);
      if (misKey > 0) {
        const cell = stock.cell(DC, line.item);
        stock.book[cell] = stock.book[cell]! + misKey;
        this.inventory.misKeyed(DC, line.item, misKey, day);
      }
    }
    if (damaged > 0) {
      out.emit(next, receipt('wms', dc, item.sku, damaged, line.unitCost, po.id, 'damaged'));
      this.inventory.damage(DC, line.item, damaged);
    }
    line.open -= qty;
    stock.onOrder[line.item] = stock.onOrder[line.item]! - qty;
    next += 7;
    return next;
  }
}
