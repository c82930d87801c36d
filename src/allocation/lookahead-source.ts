/**
 * The look-ahead's inputs from the warehouse (lookahead.ts): what the system knows at the run's business
 * time, never later — the latest demand forecasts for the days after it, the recent order history (the
 * demand rate of skus without a forecast, and the mix of channels, regions and promises), and when stock
 * next arrives (open purchase orders, transfers in transit). One query file each in `sql/allocation/`.
 */
import type { Warehouse } from '../warehouse/warehouse.ts';
import { type DemandHistory, demandOutlook, type SkuForecast } from './demand.ts';
import { DEFAULT_LOOKAHEAD, type Lookahead, type LookaheadSettings } from './lookahead.ts';
import { allocationSql } from './sql.ts';

const DAY_MS = 86_400_000;

export interface LookaheadOptions extends Partial<LookaheadSettings> {
  /** Days of order history read for demand rates and the mix. Default 28. */
  historyDays?: number;
  /**
   * With less order history than this (days since the first order in the window) and no forecasts, there
   * is no look-ahead: a rate from a few days is noise. Default 7.
   */
  minHistoryDays?: number;
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

async function relationExists(warehouse: Warehouse, name: string): Promise<boolean> {
  const row = await warehouse.one<{ n: bigint }>(
    `SELECT count(*) AS n FROM (
       SELECT table_name AS name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views()
     ) WHERE name = $name`,
    { name },
  );
  return num(row?.n) > 0;
}

/**
 * The look-ahead for a run at `asOf` over `skus`, or undefined when the warehouse cannot support one (no
 * order history, or too little and no forecasts).
 */
export async function loadLookahead(
  warehouse: Warehouse,
  asOf: string,
  skus: readonly string[],
  options: LookaheadOptions = {},
): Promise<Lookahead | undefined> {
  if (skus.length === 0) return undefined;
  const historyDays = options.historyDays ?? 28;
  const minHistoryDays = options.minHistoryDays ?? 7;
  const horizonDays = options.horizonDays ?? DEFAULT_LOOKAHEAD.horizonDays;
  const asOfMs = Date.parse(asOf);
  const window = { from_ms: asOfMs - historyDays * DAY_MS, as_of_ms: asOfMs };
  const totals = await warehouse.one<Record<string, unknown>>(allocationSql('demand_window'), window);
  const orders = num(totals?.orders);
  if (orders === 0) return undefined;
  const covered = (asOfMs - num(totals?.first_ms)) / DAY_MS;
  const skuList = JSON.stringify([...skus]);
  const forecasts: SkuForecast[] = (await relationExists(warehouse, 'forecasts'))
    ? (
        await warehouse.all<Record<string, unknown>>(allocationSql('demand_forecasts'), {
          skus: skuList,
          as_of_ms: asOfMs,
          horizon_days: Math.max(1, Math.ceil(horizonDays)),
        })
      ).map((row) => ({
        sku: row.sku as string,
        channelId: (row.channel_id as string | null) ?? null,
        unitsPerDay: num(row.units_per_day),
      }))
    : [];
  if (covered < minHistoryDays && forecasts.length === 0) return undefined;

  const rows = await warehouse.all<Record<string, unknown>>(allocationSql('demand_history'), window);
  const skuUnits = new Map<string, number>();
  const mix = new Map<string, DemandHistory['mix'][number]>();
  for (const row of rows) {
    const units = num(row.units);
    const sku = row.sku as string;
    skuUnits.set(sku, (skuUnits.get(sku) ?? 0) + units);
    const promiseDays = row.promise_days === null ? null : num(row.promise_days);
    const key = `${row.channel_id}\u0000${row.region}\u0000${promiseDays}`;
    const entry = mix.get(key) ?? {
      channelId: row.channel_id as string,
      region: row.region as string,
      promiseDays,
      units: 0,
    };
    entry.units += units;
    mix.set(key, entry);
  }
  const history: DemandHistory = { days: Math.max(covered, 1), skuUnits, mix: [...mix.values()] };

  const nextInboundDays = new Map<string, number>();
  if (
    (await relationExists(warehouse, 'ledger_purchase_orders')) &&
    (await relationExists(warehouse, 'ledger_transfers'))
  ) {
    const inbound = await warehouse.all<Record<string, unknown>>(allocationSql('next_inbound'), {
      skus: skuList,
      as_of_ms: asOfMs,
    });
    for (const row of inbound) nextInboundDays.set(row.sku as string, (num(row.due_ms) - asOfMs) / DAY_MS);
  }
  const { historyDays: _history, minHistoryDays: _min, ...settings } = options;
  return {
    demand: demandOutlook(history, forecasts, skus),
    nextInboundDays,
    settings: { unitsPerShipment: num(totals?.units) / orders, ...settings },
  };
}
