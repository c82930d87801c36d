/**
 * The business clock: the one "now" of retailos. The rule is one SQL view (sql/ledger/business_clock.sql) —
 * the read models use it through `ledger_config.clock`, and every TypeScript reader calls `readBusinessClock`,
 * which reads that same row — so SQL and TypeScript cannot disagree:
 *
 * - **pinned**: `retailos settings clock 2025-03-01T08:00:00Z` (replays, tests, a demo frozen in time);
 * - **wall**: live data (its newest operational event is at most `clock_watermark_days`, default 3, behind the
 *   wall clock), no data yet, or `retailos settings clock wall`;
 * - **watermark**: historical or replayed data (the wall clock is further past it): the newest `occurred_at` of
 *   the operational events, so overdue checks, SLAs and plans run as of the data, not years after it.
 *
 * Each reading says which rule is in force and why (`retailos status`, `GET /health`).
 */
import { UserError } from '../warehouse/errors.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { canonicalTime } from './time.ts';

export type ClockMode = 'pinned' | 'watermark' | 'wall';

export interface ClockReading {
  /** The business "now". */
  at: Date;
  mode: ClockMode;
  /** Why this clock, in words: `watermark (wall clock is 948.2 days past the data)`. */
  reason: string;
  wallAt: Date;
  /** The newest operational event's time; null before any. */
  watermarkAt: Date | null;
  /** Days the wall clock is past the watermark; null before any event. */
  lagDays: number | null;
  /** The threshold: beyond this many days the watermark is "now" (setting `clock_watermark_days`). */
  watermarkAfterDays: number;
  /** The `clock` setting as stored: '' (automatic), 'wall', or a pinned time. */
  setting: string;
  /** The setting holds something that is not a time (stored before there was one parser): ignored. */
  settingIgnored: boolean;
}

/** Anything that runs a query: the warehouse, an API reader connection, a workflow Reader. */
export interface ClockSource {
  all(sql: string, params: Record<string, never>): Promise<Record<string, unknown>[]>;
}

export const BUSINESS_CLOCK_SQL = 'SELECT * FROM business_clock';

/** The clock in force, read from the warehouse (one small query; the view does the deciding). */
export async function readBusinessClock(source: ClockSource): Promise<ClockReading> {
  let rows: Record<string, unknown>[];
  try {
    rows = await source.all(BUSINESS_CLOCK_SQL, {});
  } catch (error) {
    if (/Catalog Error.*business_clock/s.test(String(error))) {
      throw new UserError(
        'This warehouse predates the business clock: bring it up to date with retailos init (or any command that writes).',
      );
    }
    throw error;
  }
  if (rows[0] === undefined) throw new Error('business_clock returned no row');
  return toReading(rows[0]);
}

/**
 * Moves the watermark cache (`business_clock_mark`) up to the newest event, so reading the clock scans only
 * what landed since. A cache: the clock is the same with or without it. The ledger refresh calls this.
 */
export async function advanceClockMark(warehouse: Warehouse): Promise<void> {
  await warehouse.run(
    `UPDATE business_clock_mark
     SET last_seq = (SELECT coalesce(max(seq), 0) FROM event_log),
         watermark_at = (SELECT watermark_at FROM business_clock)
     WHERE id = 1`,
  );
}

/** The business "now" (a shortcut for `readBusinessClock(source).at`). */
export async function businessNow(source: ClockSource): Promise<Date> {
  return (await readBusinessClock(source)).at;
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export function toReading(row: Record<string, unknown>): ClockReading {
  return {
    at: toDate(row.clock_at),
    mode: row.mode as ClockMode,
    reason: String(row.reason),
    wallAt: toDate(row.wall_at),
    watermarkAt: row.watermark_at === null ? null : toDate(row.watermark_at),
    lagDays: row.lag_days === null ? null : Math.round(Number(row.lag_days) * 100) / 100,
    watermarkAfterDays: Number(row.watermark_after_days),
    setting: String(row.setting),
    settingIgnored: row.setting_ignored === true,
  };
}

/** A reading as JSON (status, health): ISO times. */
export interface ClockJson {
  at: string;
  mode: ClockMode;
  reason: string;
  wall_at: string;
  watermark_at: string | null;
  lag_days: number | null;
  watermark_after_days: number;
  setting: string;
}

export function clockJson(reading: ClockReading): ClockJson {
  return {
    at: reading.at.toISOString(),
    mode: reading.mode,
    reason: reading.reason,
    wall_at: reading.wallAt.toISOString(),
    watermark_at: reading.watermarkAt?.toISOString() ?? null,
    lag_days: reading.lagDays,
    watermark_after_days: reading.watermarkAfterDays,
    setting: reading.setting,
  };
}

/**
 * What `settings clock VALUE` stores: '' or `auto` → '' (automatic), `wall` → 'wall', a time → its canonical
 * UTC form (`parseTime`: strict ISO-8601, no offset = UTC). Anything else throws `TimeFormatError`.
 */
export function clockSettingValue(input: string): string {
  const value = input.trim();
  if (value === '' || value.toLowerCase() === 'auto') return '';
  if (value.toLowerCase() === 'wall') return 'wall';
  return canonicalTime(value, "the clock setting (a time, '' for automatic, or wall)");
}
