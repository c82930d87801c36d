/**
 * Unconstrained demand: the mean units an item would sell in a store on a day, and the day's online
 * baskets. Store-day units are negative binomial (the calibrated shape) around
 *
 *   rate(item) × size(store) × calendar(category, day) × season(item, day) × price(item, day)
 *     × launch(item, day) × scenario boost × day shock × store-day shock
 *
 * with item rates lognormal across the assortment (a few sell daily, most rarely), the calendar and the
 * shocks from the calibration (params.ts). Sales are what stock allows of it (sales.ts, fulfilment.ts).
 */
import { BEHAVIOUR, CALIBRATION, CATEGORIES, CATEGORY_PARAMS } from './params.ts';
import { AliasTable, type Rng } from './rng.ts';
import type { World } from './world.ts';

/** Modified Bessel function I0, the mean of exp(a·cos θ): normalises item seasons to mean 1. */
function besselI0(a: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 20; k++) {
    term *= (a / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/** Mean units per line (1: 85%, 2: 11%, 3: 4%) and lines per order (1 + geometric, capped at 5). */
export const UNITS_PER_LINE = 0.85 + 2 * 0.11 + 3 * 0.04;

export interface Basket {
  /** Item indexes and units, one entry per line. */
  items: number[];
  qtys: number[];
}

export class Demand {
  /** Today's store multiplier per item (everything but the store, the category calendar and shocks). */
  readonly storeItem: Float64Array;
  /** Today's category calendar × chain-wide day shock, for stores. */
  readonly storeCategory: Float64Array;
  private readonly onlineRate: Float64Array;
  private readonly seasonNorm: Float64Array;
  private tables: AliasTable[] = [];
  private readonly linesPerOrder: number;

  constructor(private readonly world: World) {
    const items = world.catalog.items;
    this.storeItem = new Float64Array(items.length);
    this.storeCategory = new Float64Array(CATEGORIES.length);
    this.onlineRate = new Float64Array(items.length);
    this.seasonNorm = new Float64Array(items.length);
    for (const item of items) {
      this.onlineRate[item.index] = world.catalog.onlineRate(item);
      this.seasonNorm[item.index] = item.season === 0 ? 1 : 1 / besselI0(item.seasonAmplitude);
    }
    const p = BEHAVIOUR.extraLineProbability;
    let expected = 0;
    let probability = 1;
    for (let lines = 1; lines <= 5; lines++) {
      const share = lines === 5 ? probability : probability * (1 - p);
      expected += lines * share;
      probability *= p;
    }
    this.linesPerOrder = expected;
  }

  /** Item multiplier from season, launch and scenario boost on a day (no price, no calendar). */
  itemFactor(item: number, day: number): number {
    return this.plannedItemFactor(item, day) * this.world.effects.demandBoost[item]!;
  }

  /** The item multiplier planners can know: season and launch, without scenario shocks. */
  plannedItemFactor(item: number, day: number): number {
    const it = this.world.catalog.items[item]!;
    if (day < it.launchDay) return 0;
    let factor = 1;
    if (it.season !== 0) {
      factor *=
        Math.exp(it.seasonAmplitude * this.world.calendar.seasonPhase(day, it.season)) *
        this.seasonNorm[item]!;
    }
    if (it.launchDay > 0) factor *= 1 + 0.8 * Math.exp(-(day - it.launchDay) / 30);
    return factor;
  }

  /** Prepares the day: item multipliers, category calendar with the day's chain-wide shock, basket tables. */
  prepare(day: number, rng: Rng): void {
    const { catalog, calendar, pricing } = this.world;
    const shock = rng.shock(CALIBRATION.noise.dayLogSd);
    for (let category = 0; category < CATEGORIES.length; category++) {
      this.storeCategory[category] = calendar.storeFactor(day, category) * shock;
    }
    const channels = 3;
    const weights = Array.from({ length: channels }, () => new Float64Array(catalog.items.length));
    for (const item of catalog.items) {
      const index = item.index;
      const base = this.itemFactor(index, day);
      this.storeItem[index] = item.rate * base * pricing.storeFactor[index]!;
      if (base === 0) continue;
      const c = CATEGORY_PARAMS[CATEGORIES[item.category]!];
      const online = this.onlineRate[index]! * base * calendar.onlineFactor(day, item.category) * shock;
      weights[0]![index] = online * c.channelMix[0] * pricing.webFactor[index]!;
      weights[1]![index] = online * c.channelMix[1] * pricing.storeFactor[index]!;
      weights[2]![index] = online * c.channelMix[2] * pricing.storeFactor[index]!;
    }
    this.tables = weights.map((w) => new AliasTable(w));
  }

  /** Mean store demand of an item today, before the store-day shock. */
  storeMean(store: number, item: number): number {
    const it = this.world.catalog.items[item]!;
    return this.storeItem[item]! * this.storeCategory[it.category]! * this.world.catalog.nodes[store]!.size;
  }

  /** Expected online units of a channel today. */
  channelUnits(channel: number): number {
    return this.tables[channel]?.total ?? 0;
  }

  /** Number of orders a channel receives today (Poisson around units ÷ units per order). */
  orderCount(channel: number, rng: Rng): number {
    return rng.poisson(this.channelUnits(channel) / (this.linesPerOrder * UNITS_PER_LINE));
  }

  /** One order's lines: distinct items drawn by demand weight, 1–3 units each. */
  basket(channel: number, rng: Rng): Basket {
    const table = this.tables[channel]!;
    let lines = 1;
    while (lines < 5 && rng.next() < BEHAVIOUR.extraLineProbability) lines++;
    const items: number[] = [];
    const qtys: number[] = [];
    for (let attempt = 0; attempt < lines * 3 && items.length < lines; attempt++) {
      const item = table.draw(rng);
      if (items.includes(item)) continue;
      items.push(item);
      const u = rng.next();
      qtys.push(u < 0.85 ? 1 : u < 0.96 ? 2 : 3);
    }
    return { items, qtys };
  }
}
