import path from 'node:path';
import type { EvalDataset } from '../evaluate/dataset.ts';
import { WEEKLY } from '../features/frequency.ts';
import type { CalendarDay, SeriesInput } from '../features/load-series.ts';
import { columnIndex, readCsv } from './csv.ts';

/**
 * Walmart weekly sales of 45 stores, 2010-02-05..2012-10-26 (dd/mm/yy dates), with the holiday-week
 * flag (Super Bowl, Labor Day, Thanksgiving, Christmas) as the calendar event. Temperature, fuel, CPI
 * and unemployment are not known in advance and are left out.
 */
export function loadWalmart(dir: string): EvalDataset {
  const table = readCsv(path.join(dir, 'Walmart.csv'));
  const [store, date, sales, holiday] = ['Store', 'Date', 'Weekly_Sales', 'Holiday_Flag'].map((c) =>
    columnIndex(table, c),
  );
  const iso = (text: string): string => {
    const [d, m, y] = text.split(/[/-]/);
    const year = y!.length === 2 ? `20${y}` : y!;
    return `${year}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  };
  const dates = [...new Set(table.rows.map((row) => iso(row[date!]!)))].sort();
  const weekOf = new Map(dates.map((d, i) => [d, i + 1]));
  const holidayWeeks = new Set<number>();
  const byStore = new Map<string, number[]>();
  for (const row of table.rows) {
    const t = weekOf.get(iso(row[date!]!))!;
    if (row[holiday!] === '1') holidayWeeks.add(t);
    const values = byStore.get(row[store!]!) ?? new Array<number>(dates.length).fill(0);
    values[t - 1] = Number(row[sales!]);
    byStore.set(row[store!]!, values);
  }
  const series: SeriesInput[] = [...byStore.entries()]
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([id, values]) => ({
      key: `store_${id}`,
      location: 'US',
      category: 'all',
      region: 'US',
      start: 1,
      values,
    }));
  const first = Date.parse(`${dates[0]}T00:00:00Z`);
  const calendar: CalendarDay[] = [];
  for (let t = 1; t <= dates.length + 60; t++) {
    const day: CalendarDay = {
      t,
      date: new Date(first + (t - 1) * 7 * 86_400_000).toISOString().slice(0, 10),
    };
    // the flagged weeks recur at the same week of the year; future ones are known holidays too
    if (holidayWeeks.has(t) || holidayWeeks.has(t - 52) || holidayWeeks.has(t - 104)) day.eventCode = 1;
    calendar.push(day);
  }
  return {
    name: 'walmart-weekly',
    description: 'Walmart weekly sales, 45 stores (real)',
    frequency: WEEKLY,
    seasonality: 52,
    horizon: 4,
    series,
    calendar,
    gbdt: {
      config: {
        target: 'scaled',
        validPeriods: 8,
        // 45 smooth series, ~20k rows: averaging 5 seeds cut RMSSE by 2% on the development folds
        ensemble: 5,
        params: {
          objective: 'l2',
          numTrees: 600,
          learningRate: 0.03,
          numLeaves: 15,
          minDataInLeaf: 20,
          featureFraction: 0.8,
          baggingFraction: 0.8,
          earlyStoppingRounds: 60,
        },
      },
      origins: 140,
      spacing: 1,
      keepPerMille: 1000,
    },
  };
}
