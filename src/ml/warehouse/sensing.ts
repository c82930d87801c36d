import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { DAILY } from '../features/frequency.ts';
import { readMlSql } from '../features/sql.ts';
import { scoreOrigin } from '../forecaster/run.ts';
import { dayOfIndex } from './load.ts';

export interface SensingOptions {
  /** Recent days compared with plan. */
  windowDays: number;
  /** Days ahead whose demand must be covered by on hand + inbound. */
  coverDays: number;
  /** Minimum relative excess (0.3 = 30% above plan) and minimum units above plan to flag. */
  minUplift: number;
  minUnits: number;
}

export const DEFAULT_SENSING: SensingOptions = { windowDays: 7, coverDays: 14, minUplift: 0.3, minUnits: 3 };

/**
 * Demand sensing after a scoring run: the active model backcasts the last `windowDays` (from data up to
 * the window's start: the plan as it stood), recent sales are compared with it, and series selling
 * above the plan's 90% band are stored in demand_signals with the shortfall against on hand + inbound
 * (sql/ml/demand_sensing.sql). Returns the number of signals.
 */
export async function senseDemand(
  warehouse: Warehouse,
  options: Partial<SensingOptions> & {
    runId: number;
    origin: number;
    onnx: Uint8Array;
    model: Parameters<typeof scoreOrigin>[3];
    next: { scoring: { n: number; seriesId: Int32Array; h: Int32Array }; mean: Float64Array };
    threads: number;
  },
): Promise<number> {
  const settings = { ...DEFAULT_SENSING, ...options };
  const connection = warehouse.connection;
  const start = options.origin - settings.windowDays;
  const plan = await scoreOrigin(
    connection,
    DAILY,
    options.onnx,
    options.model,
    start,
    settings.windowDays,
    options.threads,
  );
  const planned = new Map<number, { mean: number; upper: number }>();
  for (let i = 0; i < plan.scoring.n; i++) {
    const entry = planned.get(plan.scoring.seriesId[i]!) ?? { mean: 0, upper: 0 };
    entry.mean += plan.mean[i]!;
    entry.upper += plan.p90[i]!;
    planned.set(plan.scoring.seriesId[i]!, entry);
  }
  const next = new Map<number, number>();
  for (let i = 0; i < options.next.scoring.n; i++) {
    if (options.next.scoring.h[i]! > settings.coverDays) continue;
    const id = options.next.scoring.seriesId[i]!;
    next.set(id, (next.get(id) ?? 0) + options.next.mean[i]!);
  }
  await fillTable(
    connection,
    'ml_sensing_plan',
    ['series_id INTEGER', 'planned_units DOUBLE', 'upper_units DOUBLE'],
    [...[...planned].map(([id, v]) => [id, v.mean, v.upper])],
  );
  await fillTable(connection, 'ml_next', ['series_id INTEGER', 'next_mean DOUBLE'], [...next]);
  await fillCover(connection, settings.coverDays);
  const result = await connection.run(`INSERT INTO demand_signals BY NAME ${readMlSql('demand_sensing')}`, {
    run_id: options.runId,
    window_start: dayOfIndex(start + 1),
    window_end: dayOfIndex(options.origin),
    origin_t: options.origin,
    window_days: settings.windowDays,
    cover_days: settings.coverDays,
    min_uplift: settings.minUplift,
    min_units: settings.minUnits,
  });
  return Number(result.rowsChanged);
}

/**
 * What the ledger covers per series over the next `coverDays` (ml_cover): for sku × node, available now
 * (never below 0) plus the inbound the ATP read model expects by the last day of the window (transfers by
 * due date, open POs by expected date; overdue ones count from today); for sku × channel, the channel's
 * availability. Without available_to_promise, inventory_positions' in-transit and on-order count whole.
 * The ledger's state is its current one (business clock), so a backdated run compares against today's
 * stock. No row = no position (ledger not refreshed, or never stocked): cover unknown.
 */
async function fillCover(connection: DuckDBConnection, coverDays: number): Promise<void> {
  await connection.run(
    'CREATE OR REPLACE TEMP TABLE ml_cover (series_id INTEGER, available_units DOUBLE, inbound_units DOUBLE)',
  );
  if (
    (await relationExists(connection, 'available_to_promise')) &&
    (await relationExists(connection, 'ledger_config'))
  ) {
    await connection.run(
      `INSERT INTO ml_cover
       SELECT s.series_id, greatest(0, a.available_now), a.inbound_qty
       FROM ml_series s JOIN available_to_promise a ON a.sku = s.sku AND a.node_id = s.node_id
       WHERE a.day = (
         SELECT CAST(CAST(clock AS DATE) + to_days(CAST(least($days, atp_horizon_days) - 1 AS INTEGER)) AS DATE)
         FROM ledger_config)`,
      { days: coverDays },
    );
  } else if (await relationExists(connection, 'inventory_positions')) {
    await connection.run(`
      INSERT INTO ml_cover
      SELECT s.series_id, greatest(0, p.available), p.in_transit_in + p.on_order
      FROM ml_series s JOIN inventory_positions p ON p.sku = s.sku AND p.node_id = s.node_id`);
  }
  if (await relationExists(connection, 'channel_availability')) {
    await connection.run(`
      INSERT INTO ml_cover
      SELECT s.series_id, a.available, 0
      FROM ml_series s JOIN channel_availability a ON a.sku = s.sku AND a.channel_id = s.channel_id`);
  }
}

async function relationExists(connection: DuckDBConnection, name: string): Promise<boolean> {
  const reader = await connection.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM (
       SELECT table_name AS name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views()
     ) WHERE name = $name`,
    { name },
  );
  return (reader.getRowObjectsJS()[0]!.n as number) > 0;
}

async function fillTable(
  connection: DuckDBConnection,
  table: string,
  columns: string[],
  rows: number[][],
): Promise<void> {
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns.join(', ')})`);
  const appender = await connection.createAppender(table, 'main', 'temp');
  for (const row of rows) {
    appender.appendInteger(row[0]!);
    for (const value of row.slice(1)) appender.appendDouble(value);
    appender.endRow();
  }
  appender.closeSync();
}
