/**
 * Realistic delivery faults, applied while a day is written (the simulated retailer itself is unaffected):
 * - late: an event held back 2–6 days and delivered among a later day's events (`occurred_at` at least a
 *   day before the events around it);
 * - duplicates: the same event delivered again a little later the same day, byte for byte;
 * - malformed: exactly N POS sales delivered broken instead of intact (truncated, a required field missing,
 *   a non-numeric quantity), spread over the run; their `event_id` is kept so a corrected re-send resolves
 *   the reject;
 * - unknown SKU: an extra POS sale for an item that is not in the item master (local items, new barcodes).
 * Every injected fault is counted; the counts go to the manifest.
 */
import { Agenda, round2 } from './emitter.ts';
import type { FaultRates, Format } from './params.ts';
import { Rng } from './rng.ts';
import { MALFORMED_VARIANTS, type MalformedVariant } from './writers.ts';

export interface FaultCounts {
  late: number;
  duplicates: number;
  malformed: number;
  unknownSku: number;
}

/** SKUs that POS systems report but the item master does not know. */
export const UNKNOWN_SKUS = Array.from(
  { length: 12 },
  (_, index) => `SKU-LOCAL-${String(index + 1).padStart(4, '0')}`,
);

/** What one slot of a day's delivery plan writes. */
export const SLOT = {
  /** The event `ref` of the day (time order). */
  event: 0,
  /** Event `ref` again, byte for byte. */
  duplicate: 1,
  /** Event `ref` broken (variant `extra`). */
  malformed: 2,
  /** A late event from an earlier day: `arriving[ref]`. */
  late: 3,
  /** An extra POS sale for an unknown SKU after event `ref` (a POS sale): `unknown[extra]`. */
  unknownSku: 4,
  /** Event `ref` is held back: deliver it on day `extra` (hand it to `later`). */
  hold: 5,
} as const;

export interface UnknownSale {
  sku: string;
  qty: number;
  unitPrice: number;
}

export interface DeliveryPlan<T> {
  kinds: number[];
  refs: number[];
  extra: number[];
  arriving: T[];
  unknown: UnknownSale[];
}

/**
 * Decides the day's faults. Generic in what a held-back event is (`T`: a JSON line or an event object), so
 * the orchestrator can keep it in whatever form its writer needs.
 */
export class FaultInjector<T> {
  readonly counts: FaultCounts = { late: 0, duplicates: 0, malformed: 0, unknownSku: 0 };
  private readonly held = new Agenda<T>();
  /** Malformed rows still to place, by day (leftovers move to the next day). */
  private readonly malformedDue: Int32Array;
  readonly variants: readonly MalformedVariant[];
  private carry = 0;

  constructor(
    private readonly rates: FaultRates,
    private readonly seed: number,
    private readonly days: number,
    format: Format,
  ) {
    const rng = Rng.derive(seed, 'faults');
    this.malformedDue = new Int32Array(days);
    for (let index = 0; index < rates.malformed; index++) {
      const day = rng.int(days);
      this.malformedDue[day] = this.malformedDue[day]! + 1;
    }
    this.variants = format === 'parquet' ? MALFORMED_VARIANTS.slice(1) : MALFORMED_VARIANTS;
  }

  /** Keeps a held-back event until its delivery day. */
  later(day: number, record: T): void {
    this.held.add(day, record);
  }

  /** The day's delivery plan, given the types of its events in time order. */
  plan(day: number, types: readonly string[]): DeliveryPlan<T> {
    const rng = Rng.derive(this.seed, 'faults', day);
    const { lateRate, duplicateRate, unknownSkuRate } = this.rates;
    const n = types.length;
    const plan: DeliveryPlan<T> = {
      kinds: [],
      refs: [],
      extra: [],
      arriving: this.held.take(day),
      unknown: [],
    };
    const push = (kind: number, ref: number, extra = 0) => {
      plan.kinds.push(kind);
      plan.refs.push(ref);
      plan.extra.push(extra);
    };
    // which POS sales are delivered broken today
    let due = this.malformedDue[day]! + this.carry;
    const broken = new Set<number>();
    if (due > 0) {
      const sales: number[] = [];
      // never the day's first event: it stays intact and on time, so late events placed after it stand out
      for (let index = 1; index < n; index++) if (types[index] === 'pos_sale') sales.push(index);
      rng.shuffle(sales);
      for (const index of sales.slice(0, due)) broken.add(index);
      due -= broken.size;
    }
    this.carry = due;
    // late events from earlier days, each at a random position after the first of today's events (so each
    // is more than a day older than the newest event before it)
    const slots = plan.arriving.map((_, ref) => ({ at: n === 0 ? 0 : 1 + rng.int(n), ref }));
    slots.sort((a, b) => a.at - b.at || a.ref - b.ref);
    const repeats: { at: number; ref: number }[] = [];
    let slot = 0;
    const canBeLate = day <= this.days - 3;
    for (let index = 0; index <= n; index++) {
      while (slot < slots.length && slots[slot]!.at === index) {
        push(SLOT.late, slots[slot]!.ref);
        this.counts.late++;
        slot++;
      }
      if (repeats.length > 0) {
        for (let r = 0; r < repeats.length; ) {
          if (repeats[r]!.at <= index) {
            push(SLOT.duplicate, repeats[r]!.ref);
            this.counts.duplicates++;
            repeats.splice(r, 1);
          } else {
            r++;
          }
        }
      }
      if (index === n) break;
      if (broken.has(index)) {
        push(SLOT.malformed, index, this.counts.malformed % this.variants.length);
        this.counts.malformed++;
        continue;
      }
      if (lateRate > 0 && canBeLate && index > 0 && rng.next() < lateRate) {
        push(SLOT.hold, index, Math.min(this.days - 1, day + rng.between(2, 6)));
        continue;
      }
      push(SLOT.event, index);
      if (duplicateRate > 0 && rng.next() < duplicateRate)
        repeats.push({ at: index + rng.between(1, 50), ref: index });
      if (unknownSkuRate > 0 && types[index] === 'pos_sale' && rng.next() < unknownSkuRate) {
        push(SLOT.unknownSku, index, plan.unknown.length);
        plan.unknown.push({
          sku: rng.pick(UNKNOWN_SKUS),
          qty: rng.between(1, 2),
          unitPrice: round2(rng.uniform(2, 40)),
        });
        this.counts.unknownSku++;
      }
    }
    for (const repeat of repeats) {
      push(SLOT.duplicate, repeat.ref);
      this.counts.duplicates++;
    }
    return plan;
  }

  /** Malformed rows that found no POS sale to break during the run (tiny runs), to write at the end. */
  leftoverMalformed(): number {
    return this.carry;
  }

  nextVariant(): MalformedVariant {
    const variant = this.variants[this.counts.malformed % this.variants.length]!;
    this.counts.malformed++;
    return variant;
  }
}
