/**
 * Named scenario presets: situations the platform should detect and explain, layered on the normal run.
 * Each picks what it affects from the seed, turns the world's effect knobs on its days, and records what it
 * did (SKUs, supplier and POs, category, node, dates) for the manifest, so tests can check its signature.
 *
 * - promo-spike: a deep promotion on popular SKUs whose demand goes viral (3× what planners expected):
 *   demand outruns stock and replenishment, stores and the DC run out.
 * - supplier-delay: a supplier's open POs slip 10–20 days (`po_updated`), and POs it gets during the
 *   window arrive two weeks late: receipts come late and its SKUs run short.
 * - returns-wave: a defective batch: the return rate of a category jumps 4× (reason `defective`).
 * - dc-labour-shortage: the DC's ship capacity drops to 30% for 10 days (announced by `node_upserted`):
 *   allocated-not-shipped orders pile up, shipments go out late.
 */
import { DC } from './catalog.ts';
import { at } from './emitter.ts';
import { BEHAVIOUR, CATEGORIES, type ScenarioName } from './params.ts';
import type { Procurement } from './procurement.ts';
import type { Rng } from './rng.ts';
import type { World } from './world.ts';

export interface ScenarioRecord {
  name: ScenarioName;
  /** First day and first day after (0-based simulated days), and their dates. */
  startDay: number;
  endDay: number;
  startDate: string;
  endDate: string;
  [detail: string]: unknown;
}

export interface Scenario {
  readonly name: ScenarioName;
  /** Plans the scenario before day 0. */
  setup(world: World, rng: Rng, procurement: Procurement): void;
  /** Sets today's effects (called every day after they were reset to neutral). */
  beforeDay(world: World, day: number, procurement: Procurement, rng: Rng): void;
  record(world: World): ScenarioRecord;
}

/** The scenario's days: from the middle of the run, `length` days (shorter runs: proportionally). */
function window(days: number, length: number): [number, number] {
  const start = days >= 28 ? Math.floor(days / 2) : Math.floor(days / 3);
  return [start, Math.min(days, start + length)];
}

function baseRecord(world: World, name: ScenarioName, start: number, end: number): ScenarioRecord {
  return {
    name,
    startDay: start,
    endDay: end,
    startDate: world.calendar.date(start),
    endDate: world.calendar.date(end),
  };
}

class PromoSpike implements Scenario {
  readonly name = 'promo-spike';
  private start = 0;
  private end = 0;
  private items: number[] = [];
  private readonly discount = 0.35;
  private readonly viralLift = 3;
  /** Share of (store, item) shelves empty when the promotion ends: promoted items vs all others. */
  private emptyPromoted = 0;
  private emptyOthers = 0;
  private measured = false;

  setup(world: World, rng: Rng): void {
    [this.start, this.end] = window(world.calendar.days, 10);
    const count = Math.max(3, Math.min(30, Math.round(world.catalog.items.length * 0.01)));
    // popular items (rate-weighted on top of the usual √rate)
    this.items = world.pricing.choose(
      rng,
      count,
      this.start,
      this.end,
      (item) => Math.sqrt(world.catalog.items[item]!.rate) * 4,
    );
    for (const item of this.items) {
      world.pricing.addPromotion({
        item,
        start: this.start,
        end: this.end,
        discount: this.discount,
        webOnly: false,
        planShare: 0.8,
        tag: this.name,
      });
    }
  }

  beforeDay(world: World, day: number): void {
    if (day === this.end) this.measureShelves(world);
    if (day < this.start || day >= this.end) return;
    for (const item of this.items) world.effects.demandBoost[item] = this.viralLift;
  }

  private measureShelves(world: World): void {
    const { catalog, stock } = world;
    const promoted = new Set(this.items);
    const counts = { promoted: [0, 0], others: [0, 0] };
    for (const store of catalog.stores) {
      for (const item of catalog.assortment[store]!) {
        if (catalog.items[item]!.upsertDay > 0) continue;
        const bucket = promoted.has(item) ? counts.promoted : counts.others;
        bucket[1]!++;
        if (stock.phys[stock.cell(store, item)]! <= 0) bucket[0]!++;
      }
    }
    this.measured = true;
    this.emptyPromoted = counts.promoted[0]! / Math.max(1, counts.promoted[1]!);
    this.emptyOthers = counts.others[0]! / Math.max(1, counts.others[1]!);
  }

  record(world: World): ScenarioRecord {
    if (!this.measured) this.measureShelves(world); // the run ended before the promotion did
    return {
      ...baseRecord(world, this.name, this.start, this.end),
      skus: this.items.map((item) => world.catalog.items[item]!.sku),
      discount: this.discount,
      unplannedLift: this.viralLift,
      emptyShelvesAtEnd: { promoted: round3(this.emptyPromoted), others: round3(this.emptyOthers) },
    };
  }
}

class SupplierDelay implements Scenario {
  readonly name = 'supplier-delay';
  private start = 0;
  private end = 0;
  private supplier = 0;
  private readonly extraDays = 14;
  private readonly delayed: { po_id: string; expected_at: string; new_expected_at: string }[] = [];
  private readonly delayedNew: string[] = [];

  setup(world: World, _rng: Rng, procurement: Procurement): void {
    [this.start, this.end] = window(world.calendar.days, 21);
    procurement.listeners.push((po) => {
      if (po.supplier === this.supplier && po.createdDay >= this.start && po.createdDay < this.end) {
        this.delayedNew.push(po.id);
      }
    });
    // the supplier with the most SKUs (ties: the first)
    let best = 0;
    for (const supplier of world.catalog.suppliers) {
      if (supplier.items.length > world.catalog.suppliers[best]!.items.length) best = supplier.index;
    }
    this.supplier = best;
  }

  beforeDay(world: World, day: number, procurement: Procurement, rng: Rng): void {
    if (day === this.start) {
      for (const po of procurement.openOrders(this.supplier)) {
        const before = world.calendar.date(po.expectedDay);
        procurement.delay(po, rng.between(10, 20), day, rng);
        this.delayed.push({
          po_id: po.id,
          expected_at: before,
          new_expected_at: world.calendar.date(po.expectedDay),
        });
      }
    }
    if (day >= this.start && day < this.end) {
      world.effects.supplierDelay[this.supplier] = this.extraDays;
    }
  }

  record(world: World): ScenarioRecord {
    return {
      ...baseRecord(world, this.name, this.start, this.end),
      supplierId: world.catalog.suppliers[this.supplier]!.spec.id,
      skus: world.catalog.suppliers[this.supplier]!.items.map((item) => world.catalog.items[item]!.sku),
      delayedPos: this.delayed,
      newPos: this.delayedNew,
      newPoExtraDays: this.extraDays,
    };
  }
}

/**
 * The returns wave's online boost covers lines shipped from this many days before the window until this many
 * days before its end: online returns come back `BEHAVIOUR.returnDelayDays` after delivery, so the run-up's
 * shipments are what come back during the window. One definition for the generator and the manifest.
 */
export const RETURNS_WAVE_SHIPPED_FROM_DAYS_BEFORE_START = 20;
export const RETURNS_WAVE_SHIPPED_UNTIL_DAYS_BEFORE_END = 3;

class ReturnsWave implements Scenario {
  readonly name = 'returns-wave';
  private start = 0;
  private end = 0;
  private category = 0;
  private readonly multiplier = 4;

  setup(world: World): void {
    [this.start, this.end] = window(world.calendar.days, 14);
    const present = new Set(world.catalog.items.map((item) => item.category));
    const electronics = CATEGORIES.indexOf('electronics');
    this.category = present.has(electronics) ? electronics : Math.min(...present);
  }

  /** First day whose online shipments get the boost (clamped to the run's first day). */
  private get shippedFrom(): number {
    return Math.max(0, this.start - RETURNS_WAVE_SHIPPED_FROM_DAYS_BEFORE_START);
  }

  /** First day after the boosted shipments. */
  private get shippedUntil(): number {
    return Math.max(0, this.end - RETURNS_WAVE_SHIPPED_UNTIL_DAYS_BEFORE_END);
  }

  beforeDay(world: World, day: number): void {
    if (day >= this.shippedFrom && day < this.shippedUntil)
      world.effects.returnBoost[this.category] = this.multiplier;
    if (day >= this.start && day < this.end) world.effects.storeReturnBoost[this.category] = this.multiplier;
  }

  record(world: World): ScenarioRecord {
    return {
      ...baseRecord(world, this.name, this.start, this.end),
      category: CATEGORIES[this.category],
      multiplier: this.multiplier,
      /** Online lines shipped on days in [shippedFrom, shippedUntil) had the boosted return rate. */
      shippedFrom: world.calendar.date(this.shippedFrom),
      shippedUntil: world.calendar.date(this.shippedUntil),
      /** Days from delivery to an online return's arrival (min, max): when the boosted returns can arrive. */
      returnDelayDays: [...BEHAVIOUR.returnDelayDays],
    };
  }
}

class DcLabourShortage implements Scenario {
  readonly name = 'dc-labour-shortage';
  private start = 0;
  private end = 0;
  private readonly factor = 0.3;

  setup(world: World): void {
    [this.start, this.end] = window(world.calendar.days, 10);
  }

  beforeDay(world: World, day: number): void {
    const dc = world.catalog.nodes[DC]!;
    if (day === this.start) {
      world.out.emit(
        at(0, 0, 20),
        world.catalog.nodeUpserted(dc, Math.floor(dc.shipCapacity! * this.factor)),
      );
    }
    if (day === this.end && day < world.calendar.days) {
      world.out.emit(at(0, 0, 20), world.catalog.nodeUpserted(dc));
    }
    if (day >= this.start && day < this.end) world.effects.dcCapacity = this.factor;
  }

  record(world: World): ScenarioRecord {
    const dc = world.catalog.nodes[DC]!;
    return {
      ...baseRecord(world, this.name, this.start, this.end),
      nodeId: dc.id,
      capacityFactor: this.factor,
      normalCapacity: dc.shipCapacity,
      reducedCapacity: Math.floor(dc.shipCapacity! * this.factor),
    };
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function createScenario(name: ScenarioName): Scenario {
  switch (name) {
    case 'promo-spike':
      return new PromoSpike();
    case 'supplier-delay':
      return new SupplierDelay();
    case 'returns-wave':
      return new ReturnsWave();
    case 'dc-labour-shortage':
      return new DcLabourShortage();
  }
}
