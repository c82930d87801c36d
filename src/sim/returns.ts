/**
 * Returns: online lines come back days after delivery, mostly to the returns centre (some to a store), are
 * refunded on receipt and graded a few days later (A–D by category, each grade with its disposition);
 * refurbished units leave repair after one to three weeks. Store sales come back to the same store and are
 * graded on the spot. Return rates are the category's, times the scenario's boost (returns-wave).
 */
import type { ReturnGradedEvent } from '../contracts/index.ts';
import { RC } from './catalog.ts';
import { Agenda, at, round2 } from './emitter.ts';
import { refundIssued, returnGraded, returnReceived, statusChanged } from './events.ts';
import { BEHAVIOUR, CATEGORIES, CATEGORY_PARAMS } from './params.ts';
import type { Rng } from './rng.ts';
import type { World } from './world.ts';

const REASONS: Record<string, readonly string[]> = {
  apparel: ['size', 'size', 'fit', 'changed_mind', 'not_as_described'],
  electronics: ['defective', 'changed_mind', 'not_as_described'],
  home: ['damaged_in_transit', 'changed_mind', 'not_as_described'],
  health: ['changed_mind', 'wrong_item'],
};
const GRADES = ['A', 'B', 'C', 'D'] as const;

interface PendingReturn {
  orderId: string | undefined;
  lineId: string | undefined;
  item: number;
  qty: number;
  price: number;
  node: number;
  reason: string;
}

interface PendingGrade {
  returnId: string;
  node: number;
  item: number;
  qty: number;
  defective: boolean;
}

interface Repair {
  node: number;
  item: number;
  qty: number;
}

export class Returns {
  private readonly arrivals = new Agenda<PendingReturn>();
  private readonly grading = new Agenda<PendingGrade>();
  private readonly repairs = new Agenda<Repair>();
  /** Stores by region, for returns brought to a store. */
  private readonly storesByRegion: number[][];

  constructor(private readonly world: World) {
    const { catalog } = world;
    this.storesByRegion = catalog.regionIds.map((_, region) =>
      catalog.stores.filter((store) => catalog.nodes[store]!.region === region),
    );
  }

  /** Decides whether units of a shipped online line come back, and when and where. */
  scheduleOnline(
    orderId: string,
    lineId: string,
    item: number,
    qty: number,
    price: number,
    region: number,
    deliveredDay: number,
    rng: Rng,
  ): void {
    const category = this.world.catalog.items[item]!.category;
    const boost = this.world.effects.returnBoost[category]!;
    const rate = Math.min(0.9, CATEGORY_PARAMS[CATEGORIES[category]!].returnRate * boost);
    const units = rng.binomial(qty, rate);
    if (units === 0) return;
    const stores = this.storesByRegion[region]!;
    const node = stores.length > 0 && rng.chance(BEHAVIOUR.returnInStoreShare) ? rng.pick(stores) : RC;
    const [min, max] = BEHAVIOUR.returnDelayDays;
    this.arrivals.add(deliveredDay + rng.between(min, max), {
      orderId,
      lineId,
      item,
      qty: units,
      price,
      node,
      reason: this.reason(category, boost, rng),
    });
  }

  /** Decides whether units of a store sale come back to the store. */
  scheduleStore(store: number, item: number, qty: number, day: number, rng: Rng): void {
    const category = this.world.catalog.items[item]!.category;
    const boost = this.world.effects.storeReturnBoost[category]!;
    const rate = CATEGORY_PARAMS[CATEGORIES[category]!].storeReturnRate * boost;
    if (rng.next() >= rate * qty) return;
    this.arrivals.add(day + rng.between(1, 20), {
      orderId: undefined,
      lineId: undefined,
      item,
      qty: 1,
      price: 0,
      node: store,
      reason: this.reason(category, boost, rng),
    });
  }

  private reason(category: number, boost: number, rng: Rng): string {
    if (boost > 1 && rng.chance(1 - 1 / boost)) return 'defective';
    return rng.pick(REASONS[CATEGORIES[category]!]!);
  }

  /** Today's returns: receipts and refunds, grading, repairs finished. */
  run(day: number, rng: Rng): void {
    const { catalog, out, ids, stock, stats, calendar } = this.world;
    for (const pending of this.arrivals.take(day)) {
      const node = catalog.nodes[pending.node]!;
      const atStore = node.type === 'store';
      if (atStore && calendar.storesClosed(day)) {
        this.arrivals.add(day + 1, pending);
        continue;
      }
      const item = catalog.items[pending.item]!;
      const returnId = ids.next('RMA');
      const second = atStore ? at(11) + rng.int(8 * 3600) : at(9) + rng.int(7 * 3600);
      const source = atStore ? 'pos' : 'wms';
      out.emit(
        second,
        returnReceived(
          source,
          returnId,
          pending.orderId,
          pending.lineId,
          node.id,
          item.sku,
          pending.qty,
          pending.reason,
        ),
      );
      stats.returns++;
      if (pending.orderId !== undefined) {
        const amount = round2(pending.qty * pending.price);
        if (amount > 0) {
          out.emit(
            second + 600 + rng.int(3600),
            refundIssued(pending.orderId, pending.lineId, returnId, amount, 'return'),
          );
        }
      }
      const grade: PendingGrade = {
        returnId,
        node: pending.node,
        item: pending.item,
        qty: pending.qty,
        defective: pending.reason === 'defective',
      };
      if (atStore) {
        this.grade(grade, second + 1800 + rng.int(3600), rng);
      } else {
        const [min, max] = BEHAVIOUR.gradingDelayDays;
        this.grading.add(day + rng.between(min, max), grade);
      }
    }
    for (const pending of this.grading.take(day)) {
      this.grade(pending, at(10) + rng.int(7 * 3600), rng);
    }
    for (const repair of this.repairs.take(day)) {
      const node = catalog.nodes[repair.node]!;
      out.emit(
        at(14) + rng.int(3600),
        statusChanged(
          'wms',
          node.id,
          catalog.items[repair.item]!.sku,
          repair.qty,
          'repair',
          'sellable',
          'refurbished',
        ),
      );
      stock.add(repair.node, repair.item, repair.qty);
    }
  }

  private grade(pending: PendingGrade, second: number, rng: Rng): void {
    const { catalog, out, stock } = this.world;
    const item = catalog.items[pending.item]!;
    const c = CATEGORY_PARAMS[CATEGORIES[item.category]!];
    let index = 0;
    if (pending.defective) {
      index = rng.chance(0.6) ? 2 : 3;
    } else {
      let u = rng.next();
      for (; index < 3; index++) {
        u -= c.grades[index]!;
        if (u < 0) break;
      }
    }
    const node = catalog.nodes[pending.node]!;
    const atStore = node.type === 'store';
    let disposition = c.dispositions[index]! as ReturnGradedEvent['disposition'];
    if (atStore && disposition === 'refurbish') disposition = 'return_to_vendor';
    out.emit(
      second,
      returnGraded(
        atStore ? 'pos' : 'wms',
        pending.returnId,
        node.id,
        item.sku,
        pending.qty,
        GRADES[index]!,
        disposition,
      ),
    );
    if (disposition === 'restock' || disposition === 'liquidate') {
      stock.add(pending.node, pending.item, pending.qty);
    } else if (disposition === 'refurbish') {
      const [min, max] = BEHAVIOUR.refurbishDays;
      this.repairs.add(this.world.day + rng.between(min, max), {
        node: pending.node,
        item: pending.item,
        qty: pending.qty,
      });
    }
  }
}
