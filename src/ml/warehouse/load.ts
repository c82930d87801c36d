import type { DuckDBConnection } from '@duckdb/node-api';
import { createInputTables } from '../features/inputs.ts';
import { readMlSql } from '../features/sql.ts';

/** Period index of a day: days since 2000-01-01 (t is an integer in the feature SQL). */
export const EPOCH = '2000-01-01';

export type SeriesKind = 'node' | 'channel';

/**
 * The default last day of history: the last day with any demand event, but never after the business clock's
 * day (sql/ledger/business_clock.sql) — a clock pinned in the past forecasts from the past. Days are UTC.
 */
const DEFAULT_AS_OF_SQL = `
  SELECT least(
    (SELECT max(occurred_at AT TIME ZONE 'UTC')::DATE FROM event_log WHERE type IN ('pos_sale', 'shipped', 'order_placed')),
    (SELECT (clock_at AT TIME ZONE 'UTC')::DATE FROM business_clock)
  )::VARCHAR AS d`;

export interface WarehouseDemandOptions {
  /** Last day of history (YYYY-MM-DD); default: the last day with any demand event, at most the clock's day. */
  asOf?: string;
  /** Days of history to load, ending at asOf. */
  historyDays: number;
  /** Future days to carry planned prices for. */
  horizon: number;
  kinds: readonly SeriesKind[];
}

export interface WarehouseDemand {
  asOf: string;
  asOfT: number;
  fromDay: string;
  series: number;
  stockoutFlags: boolean;
}

/**
 * Loads daily demand from the warehouse's events into the feature input tables (TEMP tables on this
 * connection): sku × node and/or sku × channel series (sql/ml/wh_demand.sql), dense from each series'
 * first sale to asOf, zero-filled, with prices, promotions and markdowns per day (wh_prices.sql), and
 * stockout days from the inventory ledger when it has been built (wh_stockouts.sql) — a stockout day's
 * sales are censored demand, not zero demand.
 */
export async function loadWarehouseDemand(
  connection: DuckDBConnection,
  options: WarehouseDemandOptions,
): Promise<WarehouseDemand | undefined> {
  await createInputTables(connection);
  const asOf =
    options.asOf ??
    ((await connection.runAndReadAll(DEFAULT_AS_OF_SQL)).getRowObjectsJS()[0]?.d as string | null);
  if (!asOf) return undefined;
  await connection.run(`CREATE OR REPLACE TEMP TABLE wh_demand AS ${readMlSql('wh_demand')}`, {
    from_day: dayOffset(asOf, 1 - options.historyDays),
    to_day: asOf,
  });
  await connection.run(`CREATE OR REPLACE TEMP TABLE wh_prices AS ${readMlSql('wh_prices')}`, {
    from_day: dayOffset(asOf, 1 - options.historyDays),
    to_day: dayOffset(asOf, options.horizon),
  });
  const stockoutFlags = await ledgerBuilt(connection);
  await connection.run('CREATE OR REPLACE TEMP TABLE wh_stockouts (sku VARCHAR, node_id VARCHAR, day DATE)');
  if (stockoutFlags) {
    await connection.run(`INSERT INTO wh_stockouts ${readMlSql('wh_stockouts')}`, {
      from_day: dayOffset(asOf, 1 - options.historyDays),
      to_day: asOf,
    });
  }
  const kinds = options.kinds.map((kind) => `'${kind === 'node' ? 'node' : 'channel'}'`).join(', ');
  await connection.run(`
    CREATE OR REPLACE TEMP TABLE wh_series AS
    SELECT
      (row_number() OVER (ORDER BY series_kind, sku, coalesce(node_id, channel_id)) - 1)::INTEGER AS series_id, *
    FROM (
      SELECT series_kind, sku, node_id, channel_id, min(day) AS first_day
      FROM wh_demand
      WHERE series_kind IN (${kinds})
      GROUP BY ALL
    )`);
  await connection.run(`
    INSERT INTO ml_series
    SELECT s.series_id, s.series_kind || '|' || s.sku || '|' || coalesce(s.node_id, s.channel_id),
      s.sku, s.node_id, s.channel_id,
      coalesce(s.node_id, s.channel_id), coalesce(i.category, 'unknown'), coalesce(n.region, 'all'),
      (dense_rank() OVER (ORDER BY coalesce(s.node_id, s.channel_id)))::INTEGER,
      (dense_rank() OVER (ORDER BY coalesce(i.category, 'unknown')))::INTEGER,
      i.list_price
    FROM wh_series s
    LEFT JOIN stg_items i ON i.sku = s.sku
    LEFT JOIN stg_nodes n ON n.node_id = s.node_id`);
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE wh_spine AS
     SELECT series_id, series_kind, sku, node_id, channel_id,
       unnest(generate_series(first_day, $as_of::DATE + to_days($horizon::INTEGER), INTERVAL 1 DAY))::DATE AS day
     FROM wh_series`,
    { as_of: asOf, horizon: options.horizon },
  );
  await connection.run(
    `INSERT INTO ml_demand
     SELECT s.series_id, (s.day - DATE '${EPOCH}')::INTEGER,
       CASE WHEN s.day <= $as_of::DATE THEN coalesce(w.qty, 0) END,
       CASE WHEN o.day IS NOT NULL THEN false END,
       coalesce(pc.price, pa.price), coalesce(pc.promo, pa.promo), coalesce(pc.markdown, pa.markdown)
     FROM wh_spine s
     LEFT JOIN wh_demand w ON w.series_kind = s.series_kind AND w.sku = s.sku
       AND w.node_id IS NOT DISTINCT FROM s.node_id AND w.channel_id IS NOT DISTINCT FROM s.channel_id AND w.day = s.day
     LEFT JOIN wh_stockouts o ON s.series_kind = 'node' AND o.sku = s.sku AND o.node_id = s.node_id AND o.day = s.day
     LEFT JOIN wh_prices pc ON pc.sku = s.sku AND pc.channel_key = s.channel_id AND pc.day = s.day
     LEFT JOIN wh_prices pa ON pa.sku = s.sku AND pa.channel_key = '*' AND pa.day = s.day
     ORDER BY s.series_id, s.day`,
    { as_of: asOf },
  );
  await connection.run(
    `INSERT INTO ml_calendar
     SELECT (day - DATE '${EPOCH}')::INTEGER, day, 0, 0
     FROM (SELECT unnest(generate_series(min(first_day), $as_of::DATE + to_days($horizon::INTEGER), INTERVAL 1 DAY))::DATE
       AS day FROM wh_series)`,
    { as_of: asOf, horizon: options.horizon },
  );
  const count = (
    await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM ml_series')
  ).getRowObjectsJS()[0]!.n as number;
  return {
    asOf,
    asOfT: dayIndex(asOf),
    fromDay: dayOffset(asOf, 1 - options.historyDays),
    series: count,
    stockoutFlags,
  };
}

/** True when the inventory ledger's tables exist and hold postings (the stockout hook). */
async function ledgerBuilt(connection: DuckDBConnection): Promise<boolean> {
  const tables = await connection.runAndReadAll(
    "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name IN ('ledger_stock', 'ledger_keys')",
  );
  if ((tables.getRowObjectsJS()[0]!.n as number) < 2) return false;
  const rows = await connection.runAndReadAll(
    'SELECT count(*)::INTEGER AS n FROM (SELECT 1 FROM ledger_stock LIMIT 1)',
  );
  return (rows.getRowObjectsJS()[0]!.n as number) > 0;
}

export function dayIndex(day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${EPOCH}T00:00:00Z`)) / 86_400_000);
}

export function dayOfIndex(t: number): string {
  return new Date(Date.parse(`${EPOCH}T00:00:00Z`) + t * 86_400_000).toISOString().slice(0, 10);
}

export function dayOffset(day: string, days: number): string {
  return dayOfIndex(dayIndex(day) + days);
}
