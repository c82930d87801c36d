/**
 * Prices: weekly promotions (some web-only), a Black Friday event, end-of-season markdowns of seasonal
 * apparel, all emitted as `price_changed`. Demand reacts through the price elasticity, demand ∝
 * (price / list)^-elasticity (capped at 4×), plus a display lift while an all-channel promotion runs.
 * Planners know the promotion calendar and plan for part of the lift (`planShare`).
 */
import type { PriceChangedEvent } from '../contracts/index.ts';
import type { Calendar } from './calendar.ts';
import { type Catalog, WEB } from './catalog.ts';
import { type DayBuffer, round2 } from './emitter.ts';
import { BEHAVIOUR, CATEGORIES, CATEGORY_PARAMS, type ScaleParams } from './params.ts';
import { Rng } from './rng.ts';

export interface Promotion {
  item: number;
  /** First day on promotion, and the first day back at the regular price. */
  start: number;
  end: number;
  discount: number;
  webOnly: boolean;
  /** Share of the lift the planners anticipate. */
  planShare: number;
  /** `weekly`, `black-friday` or a scenario name. */
  tag: string;
}

/** Largest demand multiplier a price cut can cause. */
const MAX_PRICE_LIFT = 4;

/** Markdown windows of seasonal apparel by day of year: [from, to) → discount. */
const MARKDOWNS: Record<number, readonly (readonly [number, number, number])[]> = {
  1: [
    [196, 227, 0.3],
    [227, 252, 0.5],
  ], // spring-summer: mid-July, mid-August, back to regular mid-September
  2: [
    [359, 385, 0.3],
    [385, 410, 0.5],
  ], // fall-winter: 26 December, late January, back mid-February (days past 365 wrap)
};

export function priceLift(ratio: number, elasticity: number): number {
  return Math.min(MAX_PRICE_LIFT, ratio ** -elasticity);
}

export class Pricing {
  readonly storePrice: Float64Array;
  readonly webPrice: Float64Array;
  /** Demand multiplier from price and promotion today: stores and marketplaces, and the web shop. */
  readonly storeFactor: Float64Array;
  readonly webFactor: Float64Array;
  readonly promotions: Promotion[] = [];
  private readonly active: (Promotion | undefined)[];
  private readonly byItem = new Map<number, Promotion[]>();
  private readonly startsOn = new Map<number, Promotion[]>();
  private readonly endsOn = new Map<number, Promotion[]>();
  private readonly busyUntil: Int32Array;
  private readonly markdownJitter: Int16Array;
  private readonly seasonalApparel: number[] = [];

  constructor(
    private readonly catalog: Catalog,
    private readonly calendar: Calendar,
    params: ScaleParams,
    seed: number,
  ) {
    const n = catalog.items.length;
    this.storePrice = new Float64Array(n);
    this.webPrice = new Float64Array(n);
    this.storeFactor = new Float64Array(n).fill(1);
    this.webFactor = new Float64Array(n).fill(1);
    this.active = new Array(n);
    this.busyUntil = new Int32Array(n);
    this.markdownJitter = new Int16Array(n);
    const rng = Rng.derive(seed, 'pricing');
    for (const item of catalog.items) {
      this.storePrice[item.index] = item.listPrice;
      this.webPrice[item.index] = item.listPrice;
      this.markdownJitter[item.index] = rng.between(-6, 6);
      if (CATEGORIES[item.category] === 'apparel' && (item.season === 1 || item.season === 2)) {
        this.seasonalApparel.push(item.index);
      }
    }
    this.plan(params, rng);
  }

  /** Markdown discount of an item on a day (0: none). */
  markdown(item: number, day: number): number {
    const season = this.catalog.items[item]!.season;
    const windows = MARKDOWNS[season];
    if (!windows || CATEGORIES[this.catalog.items[item]!.category] !== 'apparel') return 0;
    const doy = this.calendar.dayOfYear(day + this.markdownJitter[item]!);
    for (const [from, to, discount] of windows) {
      if ((doy >= from && doy < to) || (doy + 365 >= from && doy + 365 < to)) return discount;
    }
    return 0;
  }

  /** Plans the weekly and Black Friday promotions of the whole run (scenarios may add more). */
  private plan(params: ScaleParams, rng: Rng): void {
    const items = this.catalog.items;
    const days = this.calendar.days;
    const perWeek = Math.max(1, Math.round(params.weeklyPromoShare * items.length));
    for (let day = 0; day < days; day++) {
      const holiday = this.calendar.holiday(day);
      if (holiday === 'thanksgiving') {
        const count = Math.max(1, Math.round(items.length * 0.1));
        for (const item of this.choose(rng, count, day, day + 5, (index) =>
          CATEGORIES[items[index]!.category] === 'electronics' ? 3 : 1,
        )) {
          const c = CATEGORY_PARAMS[CATEGORIES[items[item]!.category]!];
          this.addPromotion({
            item,
            start: day,
            end: day + 5,
            discount: Math.min(0.5, roundTo5(rng.uniform(c.discount[0], c.discount[1]) + 0.1)),
            webOnly: false,
            planShare: rng.uniform(0.6, 1),
            tag: 'black-friday',
          });
        }
      }
      if (this.calendar.weekday(day) !== 3) continue; // promotions start on Thursdays
      const length = rng.chance(0.6) ? 7 : 14;
      for (const item of this.choose(rng, perWeek, day, day + length, () => 1)) {
        const c = CATEGORY_PARAMS[CATEGORIES[items[item]!.category]!];
        this.addPromotion({
          item,
          start: day,
          end: day + length,
          discount: roundTo5(rng.uniform(c.discount[0], c.discount[1])),
          webOnly: rng.chance(0.25),
          planShare: rng.uniform(0.6, 1),
          tag: 'weekly',
        });
      }
    }
  }

  /**
   * `count` items free for [start, end) (no promotion, no markdown, launched), weighted by √rate × weight:
   * popular items are promoted more often.
   */
  choose(rng: Rng, count: number, start: number, end: number, weight: (item: number) => number): number[] {
    const keyed: [number, number][] = [];
    for (const item of this.catalog.items) {
      if (this.busyUntil[item.index]! > start || item.launchDay > start) continue;
      if (this.markdown(item.index, start) > 0 || this.markdown(item.index, end - 1) > 0) continue;
      const w = Math.sqrt(item.rate) * weight(item.index);
      keyed.push([rng.next() ** (1 / w), item.index]);
    }
    keyed.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    return keyed.slice(0, count).map(([, item]) => item);
  }

  addPromotion(promotion: Promotion): void {
    this.promotions.push(promotion);
    let list = this.byItem.get(promotion.item);
    if (!list) {
      list = [];
      this.byItem.set(promotion.item, list);
    }
    list.push(promotion);
    list.sort((a, b) => a.start - b.start);
    for (const [map, day] of [
      [this.startsOn, promotion.start],
      [this.endsOn, promotion.end],
    ] as const) {
      let onDay = map.get(day);
      if (!onDay) {
        onDay = [];
        map.set(day, onDay);
      }
      onDay.push(promotion);
    }
    this.busyUntil[promotion.item] = Math.max(this.busyUntil[promotion.item]!, promotion.end);
  }

  /**
   * The all-channel price in force at the midnight that ends `day` (the ground truth's "now"): today's
   * price, unless an all-channel promotion ends at that midnight (its `ends_at`), which brings back the
   * regular price. Reads only; changes nothing.
   */
  storePriceAtMidnight(index: number, day: number): number {
    const promotion = this.active[index];
    if (promotion && !promotion.webOnly && promotion.end <= day + 1)
      return round2(this.catalog.items[index]!.listPrice * (1 - this.markdown(index, day)));
    return this.storePrice[index]!;
  }

  /** Applies today's price changes (ends before starts), emitting `price_changed` at midnight. */
  startDay(day: number, out: DayBuffer): void {
    const items = this.catalog.items;
    const date = this.calendar.date.bind(this.calendar);
    let second = 30;
    const emit = (event: PriceChangedEvent) => out.emit(second++, event);
    // seasonal markdowns (and the opening state on day 0)
    for (const index of this.seasonalApparel) {
      const item = items[index]!;
      if (item.upsertDay > day) continue;
      const now = this.markdown(index, day);
      const before = day === 0 || day === item.upsertDay ? 0 : this.markdown(index, day - 1);
      if (now === before) continue;
      const price = now > 0 ? round2(item.listPrice * (1 - now)) : item.listPrice;
      this.storePrice[index] = price;
      this.webPrice[index] = price;
      emit(priceChanged(item.sku, undefined, price, now > 0 ? 'markdown' : 'regular'));
      this.refresh(index);
    }
    for (const promotion of this.endsOn.get(day) ?? []) {
      const index = promotion.item;
      const item = items[index]!;
      if (this.active[index] === promotion) {
        this.active[index] = undefined;
        const regular = round2(item.listPrice * (1 - this.markdown(index, day)));
        this.webPrice[index] = regular;
        if (!promotion.webOnly) this.storePrice[index] = regular;
        emit(
          priceChanged(
            item.sku,
            promotion.webOnly ? this.catalog.channels[WEB]!.id : undefined,
            regular,
            'regular',
          ),
        );
        this.refresh(index);
      }
    }
    for (const promotion of this.startsOn.get(day) ?? []) {
      const index = promotion.item;
      const item = items[index]!;
      const price = round2(item.listPrice * (1 - promotion.discount));
      this.active[index] = promotion;
      this.webPrice[index] = price;
      if (!promotion.webOnly) this.storePrice[index] = price;
      const event = priceChanged(
        item.sku,
        promotion.webOnly ? this.catalog.channels[WEB]!.id : undefined,
        price,
        'promotion',
      );
      event.ends_at = date(promotion.end);
      emit(event);
      this.refresh(index);
    }
  }

  private refresh(index: number): void {
    const item = this.catalog.items[index]!;
    const promotion = this.active[index];
    const display = promotion && !promotion.webOnly ? BEHAVIOUR.promoDisplayLift : 1;
    this.storeFactor[index] = priceLift(this.storePrice[index]! / item.listPrice, item.elasticity) * display;
    this.webFactor[index] =
      priceLift(this.webPrice[index]! / item.listPrice, item.elasticity) * (promotion ? 1.1 : 1);
  }

  /** The promotion an item is on today, if any. */
  promotionOf(item: number): Promotion | undefined {
    return this.active[item];
  }

  /**
   * The demand multiplier planners expect from prices over days [from, to): markdowns in full, promotions in
   * the share they anticipate. 1 for items with neither.
   */
  plannedFactor(item: number, from: number, to: number): number {
    const promotions = this.byItem.get(item);
    const seasonal = this.catalog.items[item]!.season === 1 || this.catalog.items[item]!.season === 2;
    if (!promotions && !seasonal) return 1;
    const elasticity = this.catalog.items[item]!.elasticity;
    let sum = 0;
    for (let day = from; day < to; day++) {
      let factor = 1;
      const markdown = seasonal ? this.markdown(item, day) : 0;
      if (markdown > 0) factor = priceLift(1 - markdown, elasticity);
      if (promotions) {
        for (const promotion of promotions) {
          if (promotion.start > day) break;
          if (promotion.end <= day) continue;
          const lift = priceLift(1 - promotion.discount, elasticity) * BEHAVIOUR.promoDisplayLift;
          factor = 1 + (lift - 1) * promotion.planShare * (promotion.webOnly ? 0.3 : 1);
        }
      }
      sum += factor;
    }
    return sum / Math.max(1, to - from);
  }
}

function roundTo5(value: number): number {
  return Math.round(value * 20) / 20;
}

function priceChanged(
  sku: string,
  channel: string | undefined,
  price: number,
  reason: PriceChangedEvent['reason'],
): PriceChangedEvent {
  return {
    event_id: '',
    type: 'price_changed',
    occurred_at: '',
    source: 'pricing',
    sku,
    channel_id: channel,
    price,
    reason,
    ends_at: undefined,
  };
}
