import path from 'node:path';
import type { EvalDataset } from '../evaluate/dataset.ts';
import { DAILY } from '../features/frequency.ts';
import { dailyCalendar, type RegionDay, type SeriesInput } from '../features/load-series.ts';
import { columnIndex, readCsv } from './csv.ts';

const EVENT_TYPES: Record<string, number> = {
  Holiday: 1,
  Transfer: 2,
  Additional: 3,
  Bridge: 4,
  'Work Day': 5,
  Event: 6,
};

/**
 * Favorita (Ecuador) daily transactions per store: 54 stores, 2013-01-01..2017-08-15. A day a store
 * has no row is a closed day (0). National holidays and events become calendar events; regional and
 * local holidays flag the stores of that province or city. Location = city, category = store type.
 */
export function loadFavorita(dir: string): EvalDataset {
  const stores = readCsv(path.join(dir, 'stores.csv'));
  const storeInfo = new Map<string, { city: string; state: string; type: string }>();
  const [sn, city, state, type] = ['store_nbr', 'city', 'state', 'type'].map((c) => columnIndex(stores, c));
  for (const row of stores.rows)
    storeInfo.set(row[sn!]!, { city: row[city!]!, state: row[state!]!, type: row[type!]! });

  const tx = readCsv(path.join(dir, 'transactions.csv'));
  const [dateCol, storeCol, countCol] = ['date', 'store_nbr', 'transactions'].map((c) => columnIndex(tx, c));
  const start = '2013-01-01';
  const base = Date.parse(`${start}T00:00:00Z`);
  const dayOf = (date: string): number =>
    Math.round((Date.parse(`${date}T00:00:00Z`) - base) / 86_400_000) + 1;
  const byStore = new Map<string, Map<number, number>>();
  let last = 0;
  for (const row of tx.rows) {
    const t = dayOf(row[dateCol!]!);
    last = Math.max(last, t);
    const store = row[storeCol!]!;
    let days = byStore.get(store);
    if (!days) {
      days = new Map();
      byStore.set(store, days);
    }
    days.set(t, Number(row[countCol!]));
  }
  const series: SeriesInput[] = [...byStore.entries()]
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([store, days]) => {
      const first = Math.min(...days.keys());
      const values = Array.from({ length: last - first + 1 }, (_, k) => days.get(first + k) ?? 0);
      const info = storeInfo.get(store) ?? { city: 'unknown', state: 'unknown', type: 'unknown' };
      return {
        key: `store_${store}`,
        location: info.city,
        category: info.type,
        region: info.city,
        start: first,
        values,
      };
    });

  const calendar = dailyCalendar(start, 1, last + 60);
  const holidays = readCsv(path.join(dir, 'holidays_events.csv'));
  const h = Object.fromEntries(
    ['date', 'type', 'locale', 'locale_name', 'description', 'transferred'].map((c) => [
      c,
      columnIndex(holidays, c),
    ]),
  ) as Record<string, number>;
  const descriptions = [...new Set(holidays.rows.map((row) => row[h.description!]!))].sort();
  const regionDays: RegionDay[] = [];
  const citiesOfState = new Map<string, string[]>();
  for (const info of storeInfo.values())
    citiesOfState.set(info.state, [...(citiesOfState.get(info.state) ?? []), info.city]);
  for (const row of holidays.rows) {
    if (row[h.transferred!] === 'True') continue; // moved to another day (listed there as a Transfer)
    const t = dayOf(row[h.date!]!);
    if (t < 1 || t > calendar.length) continue;
    const locale = row[h.locale!];
    if (locale === 'National') {
      const day = calendar[t - 1]!;
      day.eventCode = descriptions.indexOf(row[h.description!]!) + 1;
      day.eventType = EVENT_TYPES[row[h.type!]!] ?? 7;
    } else if (locale === 'Regional') {
      for (const c of new Set(citiesOfState.get(row[h.locale_name!]!) ?? []))
        regionDays.push({ region: c, t, flag: 1 });
    } else {
      regionDays.push({ region: row[h.locale_name!]!, t, flag: 1 });
    }
  }
  return {
    name: 'favorita',
    description: 'Favorita daily transactions, 54 stores (real)',
    frequency: DAILY,
    seasonality: 7,
    horizon: 28,
    series,
    calendar,
    regionDays: dedupe(regionDays),
    gbdt: {
      config: {
        target: 'scaled',
        validPeriods: 28,
        params: {
          objective: 'tweedie',
          tweediePower: 1.5,
          numTrees: 800,
          learningRate: 0.05,
          numLeaves: 31,
          minDataInLeaf: 50,
          featureFraction: 0.8,
          baggingFraction: 0.7,
          earlyStoppingRounds: 60,
        },
      },
      origins: 240,
      spacing: 3,
      keepPerMille: 1000,
    },
  };
}

function dedupe(days: RegionDay[]): RegionDay[] {
  const seen = new Set<string>();
  return days.filter((day) => {
    const key = `${day.region}|${day.t}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
