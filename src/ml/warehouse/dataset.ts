import type { DuckDBConnection } from '@duckdb/node-api';
import type { EvalDataset } from '../evaluate/dataset.ts';
import { DAILY } from '../features/frequency.ts';
import type { CalendarDay, SeriesInput } from '../features/load-series.ts';
import type { ForecasterConfig } from '../forecaster/gbdt-forecaster.ts';
import { dayOfIndex } from './load.ts';

interface SeriesRow {
  series_id: number;
  series_key: string;
  sku: string | null;
  node_id: string | null;
  channel_id: string | null;
  location_key: string;
  category_key: string;
  region_key: string;
  list_price: number | null;
  t0: number;
  ys: (number | null)[];
  stock: (boolean | null)[];
  ps: (number | null)[];
  promos: (boolean | null)[];
}

/**
 * The demand loaded by `loadWarehouseDemand` as arrays, for the rolling-origin evaluation (which cuts
 * the data at each origin and reloads it, so no later day can leak into a fold).
 */
export async function warehouseDataset(
  connection: DuckDBConnection,
  config: ForecasterConfig,
  plan: { origins: number; spacing: number; keepPerMille: number },
  horizon: number,
): Promise<EvalDataset> {
  const reader = await connection.runAndReadAll(`
    SELECT s.series_id, s.series_key, s.sku, s.node_id, s.channel_id, s.location_key, s.category_key, s.region_key,
      s.list_price, min(d.t) AS t0,
      list(d.qty ORDER BY d.t) FILTER (WHERE d.qty IS NOT NULL) AS ys,
      list(d.in_stock ORDER BY d.t) FILTER (WHERE d.qty IS NOT NULL) AS stock,
      list(d.price ORDER BY d.t) AS ps,
      list(d.promo ORDER BY d.t) AS promos
    FROM ml_series s JOIN ml_demand d USING (series_id)
    GROUP BY ALL
    ORDER BY s.series_id`);
  const rows = reader.getRowObjectsJS() as unknown as SeriesRow[];
  const series: SeriesInput[] = rows.map((row) => ({
    key: row.series_key,
    ...(row.sku ? { sku: row.sku } : {}),
    ...(row.node_id ? { nodeId: row.node_id } : {}),
    ...(row.channel_id ? { channelId: row.channel_id } : {}),
    location: row.location_key,
    category: row.category_key,
    region: row.region_key,
    ...(row.list_price === null ? {} : { listPrice: row.list_price }),
    start: row.t0,
    values: (row.ys ?? []).map((v) => (v === null ? Number.NaN : v)),
    inStock: (row.stock ?? []).map((v) => v !== false),
    prices: (row.ps ?? []).map((v) => (v === null ? Number.NaN : v)),
    promos: (row.promos ?? []).map((v) => v === true),
  }));
  const calendarRows = (
    await connection.runAndReadAll('SELECT t FROM ml_calendar ORDER BY t')
  ).getRowObjectsJS();
  const calendar: CalendarDay[] = calendarRows.map((row) => ({
    t: row.t as number,
    date: dayOfIndex(row.t as number),
  }));
  return {
    name: 'warehouse',
    description: `warehouse demand, ${series.length} series`,
    frequency: DAILY,
    seasonality: 7,
    horizon,
    series,
    calendar,
    gbdt: { config, ...plan },
  };
}
