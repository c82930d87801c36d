import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frequency } from '../../../src/ml/features/frequency.ts';
import { setOrigins } from '../../../src/ml/features/inputs.ts';
import { dailyCalendar, loadSeries, type SeriesInput } from '../../../src/ml/features/load-series.ts';
import { buildFeatureRows, type FeatureRows, prepareHistory } from '../../../src/ml/features/rows.ts';

/** Small windows so a 30-day series exercises every feature; a 14-day "year" makes year-ago reachable. */
const TINY: Frequency = { name: 'daily', season: 7, year: 14, w_recent: 3, w_base: 7, w_mid: 10, w_long: 14 };

/** A: 1, 2, …, 30 with a stockout on day 26 (0 sold); B: always 10. Same store and department. */
function series(scaleFuture = 1): SeriesInput[] {
  const a = Array.from({ length: 30 }, (_, k) =>
    k + 1 === 26 ? 0 : (k + 1) * (k + 1 > 28 ? scaleFuture : 1),
  );
  return [
    {
      key: 'A',
      location: 'S1',
      category: 'C1',
      region: 'R1',
      listPrice: 2,
      start: 1,
      values: a,
      inStock: a.map((_, k) => k + 1 !== 26),
      prices: [...Array(28).fill(2), 1.5, 1.5],
      promos: a.map((_, k) => k + 1 === 29),
    },
    { key: 'B', location: 'S1', category: 'C1', region: 'R1', start: 1, values: Array(30).fill(10) },
  ];
}

async function features(
  connection: Awaited<ReturnType<DuckDBInstance['connect']>>,
  input: SeriesInput[],
  origin: number,
): Promise<FeatureRows> {
  await loadSeries(connection, input, dailyCalendar('2024-01-01', 1, 40), {
    future: 5,
    regionDays: [{ region: 'R1', t: 29, flag: 1 }],
  });
  await prepareHistory(connection);
  await setOrigins(connection, [{ t: origin, maxH: 3, keepPerMille: 1000 }]);
  return buildFeatureRows(connection, TINY);
}

function value(rows: FeatureRows, series: number, h: number, name: string): number {
  const f = rows.featureNames.indexOf(name);
  if (f < 0) throw new Error(`no feature ${name}`);
  for (let i = 0; i < rows.n; i++)
    if (rows.seriesId[i] === series && rows.h[i] === h) return rows.columns[f]![i]!;
  throw new Error(`no row for series ${series} h ${h}`);
}

describe('feature SQL on given/expected data', () => {
  let instance: DuckDBInstance;
  let connection: Awaited<ReturnType<DuckDBInstance['connect']>>;
  let rows: FeatureRows;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    rows = await features(connection, series(), 28);
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it('builds one row per series and horizon with labels from the future periods only', () => {
    expect(rows.n).toBe(6);
    const a = (h: number) =>
      [...Array(rows.n).keys()].find((i) => rows.seriesId[i] === 0 && rows.h[i] === h)!;
    expect(rows.label[a(1)]).toBe(29);
    expect(rows.label[a(2)]).toBe(30);
    expect(rows.label[a(3)]).toBeNaN(); // day 31 is in the future
    expect(rows.targetT[a(3)]).toBe(31);
  });

  it('leaves stockout days out of the demand statistics', () => {
    // days 26..28 = [stockout, 27, 28] → 27.5 (not 55/3)
    expect(value(rows, 0, 1, 'f_mean_recent')).toBeCloseTo(27.5, 5);
    // days 22..28 without day 26 → 149 / 6
    expect(value(rows, 0, 1, 'f_mean_base')).toBeCloseTo(149 / 6, 4);
    const sample = [22, 23, 24, 25, 27, 28];
    const mean = 149 / 6;
    const std = Math.sqrt(sample.reduce((s, v) => s + (v - mean) ** 2, 0) / 5);
    expect(value(rows, 0, 1, 'f_std_base')).toBeCloseTo(std, 4);
    expect(value(rows, 0, 1, 'f_stockouts')).toBe(1);
    expect(value(rows, 0, 1, 'f_zero_share')).toBe(0);
    expect(value(rows, 0, 1, 'f_trend')).toBeCloseTo(27.5 / (149 / 6), 5);
  });

  it('picks the same weekday for each horizon and averages it over four weeks', () => {
    // h = 1 → day 29 is a Monday like day 22; h = 3 → day 24
    expect(value(rows, 0, 1, 'f_last_season')).toBe(22);
    expect(value(rows, 0, 3, 'f_last_season')).toBe(24);
    expect(value(rows, 0, 1, 'f_season_mean')).toBeCloseTo((22 + 15 + 8 + 1) / 4, 5);
    expect(value(rows, 0, 1, 'f_last')).toBe(28);
    expect(value(rows, 1, 2, 'f_season_mean')).toBe(10);
  });

  it('adds calendar, regional, price and promotion features of the target day', () => {
    expect(value(rows, 0, 1, 'f_dow')).toBe(1); // 2024-01-29 is a Monday (Sunday = 0)
    expect(value(rows, 0, 1, 'f_dom')).toBe(29);
    expect(value(rows, 0, 1, 'f_regional')).toBe(1);
    expect(value(rows, 0, 2, 'f_regional')).toBe(0);
    expect(value(rows, 0, 1, 'f_price_rel')).toBeCloseTo(0.75, 6); // 1.5 against the list price 2
    expect(value(rows, 0, 3, 'f_price_change')).toBeCloseTo(0.75, 6); // the planned price carries on
    expect(value(rows, 0, 1, 'f_promo')).toBe(1);
    expect(value(rows, 0, 2, 'f_promo')).toBe(0);
  });

  it('uses the same period a year earlier (here a 14-day "year") and hierarchy aggregates', () => {
    expect(value(rows, 0, 1, 'f_year_ago')).toBe(15); // day 29 − 14
    expect(value(rows, 0, 1, 'f_year_ago_mean')).toBeCloseTo(15, 5); // days 12..18
    // store × department, per series, days 22..28 (recorded sales, the stockout day counts 0)
    const group = (16 + 16.5 + 17 + 17.5 + 5 + 18.5 + 19) / 7;
    expect(value(rows, 0, 1, 'f_group_base')).toBeCloseTo(group, 4);
    expect(value(rows, 0, 1, 'f_group_share')).toBeCloseTo(149 / 6 / group, 4);
  });

  it('does not leak: changing the periods after the origin changes labels only', async () => {
    const changed = await features(connection, series(100), 28);
    expect(changed.label[0]).toBe(2900);
    for (let f = 0; f < rows.featureNames.length; f++) {
      expect(Array.from(changed.columns[f]!), rows.featureNames[f]).toEqual(Array.from(rows.columns[f]!));
    }
  });

  it('never wraps a window around to the end of the series near its start', async () => {
    const early = await features(connection, series(), 3);
    expect(value(early, 0, 1, 'f_mean_base')).toBeCloseTo(2, 6); // days 1..3 only
    expect(value(early, 0, 1, 'f_last_season')).toBeNaN(); // day −3 does not exist
    expect(value(early, 0, 1, 'f_year_ago')).toBeNaN();
    expect(value(early, 0, 1, 'f_history')).toBe(3);
  });
});
