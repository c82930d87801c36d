import fs from 'node:fs';
import path from 'node:path';
import type { EvalDataset } from '../evaluate/dataset.ts';
import { DAILY } from '../features/frequency.ts';
import type { CalendarDay, RegionDay, SeriesInput } from '../features/load-series.ts';
import { readM5Wide } from '../m5/wide.ts';
import { columnIndex, readCsv } from './csv.ts';

const EVENT_TYPES: Record<string, number> = { Sporting: 1, Cultural: 2, National: 3, Religious: 4 };

/**
 * Real item-level demand: the 280 M5 item × store series with full history (d_1..d_1913) and weekly
 * prices. Intermittent, with price changes and SNAP days. Location = store, category = department.
 */
export function loadM5Items(m5Dir: string): EvalDataset {
  const history = path.join(m5Dir, 'history');
  const wide = readM5Wide(path.join(history, 'sales_train_validation_tiny280.csv'));
  const calendarFile = fs.existsSync(path.join(history, 'calendar_with_d.csv'))
    ? path.join(history, 'calendar_with_d.csv')
    : path.join(m5Dir, 'calendar.csv');
  const cal = readCsv(calendarFile);
  const [date, week, name, type] = ['date', 'wm_yr_wk', 'event_name_1', 'event_type_1'].map((c) =>
    columnIndex(cal, c),
  );
  const names = [...new Set(cal.rows.map((row) => row[name!]!).filter((v) => v && v !== 'NA'))].sort();
  const calendar: CalendarDay[] = cal.rows.map((row, i) => {
    const event = row[name!]!;
    const known = event && event !== 'NA';
    return {
      t: i + 1,
      date: row[date!]!,
      eventCode: known ? names.indexOf(event) + 1 : 0,
      eventType: known ? (EVENT_TYPES[row[type!]!] ?? 0) : 0,
    };
  });
  const regionDays: RegionDay[] = [];
  for (const state of ['CA', 'TX', 'WI']) {
    const col = columnIndex(cal, `snap_${state}`);
    cal.rows.forEach((row, i) => {
      if (row[col] === '1') regionDays.push({ region: state, t: i + 1, flag: 1 });
    });
  }
  const weekOfDay = cal.rows.map((row) => row[week!]!);
  const prices = readCsv(path.join(history, 'sell_prices_tiny280.csv'));
  const [ps, pi, pw, pp] = ['store_id', 'item_id', 'wm_yr_wk', 'sell_price'].map((c) =>
    columnIndex(prices, c),
  );
  const priceOf = new Map<string, number>();
  for (const row of prices.rows) priceOf.set(`${row[ps!]}|${row[pi!]}|${row[pw!]}`, Number(row[pp!]));

  const series: SeriesInput[] = wide.ids.map((id, s) => {
    const keys = wide.keys[s]!;
    const dayPrices = weekOfDay.map(
      (w) => priceOf.get(`${keys.store_id}|${keys.item_id}|${w}`) ?? Number.NaN,
    );
    // an item × store starts selling when it first has a price (M5: no price = not on the shelf)
    let first = dayPrices.findIndex((p) => !Number.isNaN(p));
    if (first < 0) first = 0;
    return {
      key: id,
      sku: keys.item_id,
      location: keys.store_id,
      category: keys.dept_id,
      region: keys.state_id,
      start: wide.firstDay + first,
      values: Array.from(wide.values[s]!.subarray(first)),
      prices: dayPrices.slice(wide.firstDay - 1 + first),
    };
  });
  return {
    name: 'm5-items',
    description: 'M5 item × store, 280 series with full history and prices (real, intermittent)',
    frequency: DAILY,
    seasonality: 7,
    horizon: 28,
    series,
    calendar,
    regionDays,
    gbdt: {
      config: {
        target: 'raw',
        validPeriods: 28,
        params: {
          objective: 'tweedie',
          tweediePower: 1.1,
          numTrees: 600,
          learningRate: 0.05,
          numLeaves: 31,
          minDataInLeaf: 100,
          featureFraction: 0.7,
          baggingFraction: 0.7,
          earlyStoppingRounds: 50,
        },
      },
      origins: 100,
      spacing: 7,
      keepPerMille: 400,
    },
  };
}
