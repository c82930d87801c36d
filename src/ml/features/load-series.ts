import type { DuckDBConnection } from '@duckdb/node-api';
import { createInputTables } from './inputs.ts';

/** One demand series given as arrays (benchmarks, tests, simulated data). */
export interface SeriesInput {
  key: string;
  location: string;
  category: string;
  region: string;
  sku?: string;
  nodeId?: string;
  channelId?: string;
  listPrice?: number;
  /** Period index of values[0]. */
  start: number;
  values: ArrayLike<number>;
  /** false = stockout in that period; absent = in stock. */
  inStock?: ArrayLike<boolean>;
  /** Price per period, over the history and (optionally) the future periods. */
  prices?: ArrayLike<number>;
  promos?: ArrayLike<boolean>;
}

export interface CalendarDay {
  t: number;
  /** ISO date (YYYY-MM-DD) of the period (its first day for weekly data). */
  date: string;
  eventCode?: number;
  eventType?: number;
}

export interface RegionDay {
  region: string;
  t: number;
  flag: number;
}

/**
 * Fills the feature input tables from arrays: ml_series, ml_demand (history plus `future` periods per
 * series with qty NULL, carrying the last price forward unless prices run further), ml_calendar and
 * ml_region_days. Codes for location and category are dense ranks in sorted key order.
 */
export async function loadSeries(
  connection: DuckDBConnection,
  series: readonly SeriesInput[],
  calendar: readonly CalendarDay[],
  options: { future: number; regionDays?: readonly RegionDay[] },
): Promise<void> {
  await createInputTables(connection);
  const code = (values: string[]): Map<string, number> =>
    new Map([...new Set(values)].sort().map((value, i) => [value, i + 1]));
  const locations = code(series.map((s) => s.location));
  const categories = code(series.map((s) => s.category));

  const seriesAppender = await connection.createAppender('ml_series', 'main', 'temp');
  series.forEach((s, id) => {
    seriesAppender.appendInteger(id);
    seriesAppender.appendVarchar(s.key);
    appendText(seriesAppender, s.sku);
    appendText(seriesAppender, s.nodeId);
    appendText(seriesAppender, s.channelId);
    seriesAppender.appendVarchar(s.location);
    seriesAppender.appendVarchar(s.category);
    seriesAppender.appendVarchar(s.region);
    seriesAppender.appendInteger(locations.get(s.location)!);
    seriesAppender.appendInteger(categories.get(s.category)!);
    if (s.listPrice === undefined) seriesAppender.appendNull();
    else seriesAppender.appendDouble(s.listPrice);
    seriesAppender.endRow();
  });
  seriesAppender.closeSync();

  const demand = await connection.createAppender('ml_demand', 'main', 'temp');
  series.forEach((s, id) => {
    const total = s.values.length + options.future;
    let lastPrice = Number.NaN;
    for (let k = 0; k < total; k++) {
      demand.appendInteger(id);
      demand.appendInteger(s.start + k);
      const v = k < s.values.length ? s.values[k]! : Number.NaN;
      if (Number.isNaN(v)) demand.appendNull();
      else demand.appendDouble(v);
      if (s.inStock && k < s.inStock.length) demand.appendBoolean(s.inStock[k]!);
      else demand.appendNull();
      const price = s.prices && k < s.prices.length ? s.prices[k]! : lastPrice;
      if (!Number.isNaN(price)) lastPrice = price;
      if (Number.isNaN(price)) demand.appendNull();
      else demand.appendDouble(price);
      if (s.promos && k < s.promos.length) demand.appendBoolean(s.promos[k]!);
      else demand.appendNull();
      demand.appendNull(); // markdown
      demand.endRow();
    }
  });
  demand.closeSync();

  if (calendar.length > 0) {
    const values = calendar
      .map(
        (day) =>
          `(${int(day.t)}, DATE '${isoDate(day.date)}', ${int(day.eventCode ?? 0)}, ${int(day.eventType ?? 0)})`,
      )
      .join(', ');
    await connection.run(`INSERT INTO ml_calendar VALUES ${values}`);
  }
  if (options.regionDays && options.regionDays.length > 0) {
    const region = await connection.createAppender('ml_region_days', 'main', 'temp');
    for (const day of options.regionDays) {
      region.appendVarchar(day.region);
      region.appendInteger(day.t);
      region.appendInteger(day.flag);
      region.endRow();
    }
    region.closeSync();
  }
}

function appendText(appender: { appendVarchar(v: string): void; appendNull(): void }, value?: string): void {
  if (value === undefined) appender.appendNull();
  else appender.appendVarchar(value);
}

function int(value: number): number {
  if (!Number.isInteger(value)) throw new Error(`not an integer: ${value}`);
  return value;
}

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error(`not an ISO date: ${value}`);
  return value;
}

/** Consecutive days from `startDate` for periods first..last (daily data). */
export function dailyCalendar(startDate: string, first: number, last: number): CalendarDay[] {
  const base = Date.parse(`${startDate}T00:00:00Z`);
  const out: CalendarDay[] = [];
  for (let t = first; t <= last; t++) {
    out.push({ t, date: new Date(base + (t - first) * 86_400_000).toISOString().slice(0, 10) });
  }
  return out;
}
