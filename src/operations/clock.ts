import type { Clock } from '../alerts/clock.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/**
 * The business "now" for scheduled work: the ledger's `clock` setting when it is pinned (a replay, the
 * demo's simulated retailer), else the wall clock. Jobs call `sync` before they run, so a setting changed
 * with `retailos settings clock …` is seen by the next run, while `now()` stays synchronous for the alerts.
 */
export class BusinessClock implements Clock {
  private pinned: Date | null = null;

  now(): Date {
    return this.pinned ? new Date(this.pinned) : new Date();
  }

  async sync(warehouse: Warehouse): Promise<void> {
    const row = await warehouse.one<{ value: string }>(
      "SELECT value FROM ledger_settings WHERE key = 'clock'",
    );
    const value = row?.value ?? '';
    const parsed = value === '' ? Number.NaN : Date.parse(value);
    this.pinned = Number.isNaN(parsed) ? null : new Date(parsed);
  }
}
