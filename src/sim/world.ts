/**
 * The state every simulation module works on: the retailer (catalog, calendar), its stock and prices, the
 * day's event buffer, id counters, scenario effects and the statistics that end up in the manifest.
 */
import type { Calendar } from './calendar.ts';
import type { Catalog } from './catalog.ts';
import type { DayBuffer } from './emitter.ts';
import type { ResolvedOptions, ScaleParams } from './params.ts';
import type { Pricing } from './pricing.ts';
import type { Stock } from './stock.ts';

/** Knobs the scenario presets turn (neutral values: no scenario). */
export interface Effects {
  /** Unplanned demand multiplier per item (promo-spike's viral lift). */
  demandBoost: Float64Array;
  /** Return-rate multiplier per category for lines shipped today. */
  returnBoost: Float64Array;
  /** Store return-rate multiplier per category today. */
  storeReturnBoost: Float64Array;
  /** DC ship capacity multiplier today. */
  dcCapacity: number;
  /** Extra days of lead time per supplier for POs created today. */
  supplierDelay: Int32Array;
}

/** Running figures of the simulated retailer (not of the output files), reported in the manifest. */
export interface Stats {
  storeDemandUnits: number;
  storeSoldUnits: number;
  storeLostUnits: number;
  onlineOrders: number;
  onlineLines: number;
  onlineLostLines: number;
  linesShipped: number;
  linesCancelled: number;
  linesShippedLate: number;
  returns: number;
  poCreated: number;
  poLate: number;
  hiddenShrinkUnits: number;
  pickFailures: number;
  /** Units allocated at the DC and not yet shipped, at the end of each day. */
  dcBacklogByDay: number[];
}

export function emptyStats(): Stats {
  return {
    storeDemandUnits: 0,
    storeSoldUnits: 0,
    storeLostUnits: 0,
    onlineOrders: 0,
    onlineLines: 0,
    onlineLostLines: 0,
    linesShipped: 0,
    linesCancelled: 0,
    linesShippedLate: 0,
    returns: 0,
    poCreated: 0,
    poLate: 0,
    hiddenShrinkUnits: 0,
    pickFailures: 0,
    dcBacklogByDay: [],
  };
}

export class Ids {
  private readonly counters = new Map<string, number>();

  next(prefix: string, width = 6): string {
    const value = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, value);
    return `${prefix}-${String(value).padStart(width, '0')}`;
  }
}

export interface World {
  seed: number;
  options: ResolvedOptions;
  params: ScaleParams;
  calendar: Calendar;
  catalog: Catalog;
  stock: Stock;
  pricing: Pricing;
  out: DayBuffer;
  ids: Ids;
  stats: Stats;
  effects: Effects;
  /** The day being simulated (0-based). */
  day: number;
}
