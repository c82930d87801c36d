/**
 * Ground truth of late delivery (`truth/late.csv`, docs/simulator.md "Ground truth"): one row per event the
 * fault injector held back and delivered on a later day, with when it was delivered in business time. An
 * event's delivery time is the event-time watermark at that point of the delivery: the newest `occurred_at` of
 * the operational events delivered before it (itself included), the types and rule of the business clock
 * (sql/ledger/business_clock.sql; the simulator sends none of retailos' own sources). The close marts
 * (mart_close_late_events, docs/ledger.md "Finance close") must find the same arrival for every late event.
 *
 * Columns: event_id, type, occurred_at, delivered_day (the day whose events it came among), delivered_at,
 * late_days ((delivered_at − occurred_at) in days, 4 decimals). Rows in delivery order. Watching never
 * changes what is written, so the event files are the same with or without it.
 */
import type { OutputFile } from './writers.ts';
import { HashedFile } from './writers.ts';

/** The operational event types of the business clock's watermark (sql/ledger/business_clock.sql). */
const OPERATIONAL = new Set([
  'receipt',
  'transfer_shipped',
  'transfer_received',
  'pos_sale',
  'adjustment',
  'status_changed',
  'cycle_count',
  'order_placed',
  'picked',
  'shipped',
  'order_cancelled',
  'return_received',
  'return_graded',
  'refund_issued',
  'po_created',
  'po_updated',
  'po_cancelled',
]);

export const LATE_COLUMNS = ['event_id', 'type', 'occurred_at', 'delivered_day', 'delivered_at', 'late_days'];

export class LateDeliveries {
  private readonly file: HashedFile;
  /** Newest occurred_at delivered so far (ISO `YYYY-MM-DDTHH:MM:SSZ`: fixed width, so strings compare). */
  private watermark = '';

  constructor(truthDir: string) {
    this.file = new HashedFile(truthDir, 'late.csv');
    this.file.append(`${LATE_COLUMNS.join(',')}\n`, 0);
  }

  /** An event delivered in its place (or an extra one the delivery adds). */
  delivered(type: string, occurredAt: string): void {
    if (OPERATIONAL.has(type) && occurredAt > this.watermark) this.watermark = occurredAt;
  }

  /** A held-back event delivered now, among the events of `deliveredDay`. */
  late(eventId: string, type: string, occurredAt: string, deliveredDay: string): void {
    this.delivered(type, occurredAt);
    const deliveredAt = this.watermark;
    const days = (Date.parse(deliveredAt) - Date.parse(occurredAt)) / 86_400_000;
    this.file.append(
      `${[eventId, type, occurredAt, deliveredDay, deliveredAt, days.toFixed(4)].join(',')}\n`,
    );
  }

  close(): OutputFile {
    return this.file.close();
  }
}
