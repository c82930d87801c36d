import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The tables the feature SQL reads, created empty on a connection (TEMP: per connection, so a
 * warehouse is never polluted). Every source — the warehouse's events, the M5 files, favorita,
 * walmart — is loaded into these shapes, so one feature definition serves them all.
 *
 * - ml_series: one row per series (sku × node, sku × channel, item × store, store …) with its
 *   hierarchy (location, category, region) as keys and as small integer codes for the model.
 * - ml_demand: one row per series and period, dense over each series' history; qty NULL for future
 *   periods that only carry known-in-advance data (planned price, promotion); in_stock false marks a
 *   stockout (censored sales), NULL means unknown (treated as in stock).
 * - ml_calendar: one row per period: its date and event codes (0 = none).
 * - ml_region_days: region-specific flags per period (SNAP days in M5, local holidays in favorita).
 * - ml_origins: the forecast origins to build rows for, with how many periods ahead and the share of
 *   rows kept (per mille; training samples, scoring keeps all).
 */
export const INPUT_TABLES_DDL = `
CREATE OR REPLACE TEMP TABLE ml_series (
  series_id INTEGER PRIMARY KEY, series_key VARCHAR NOT NULL, sku VARCHAR, node_id VARCHAR, channel_id VARCHAR,
  location_key VARCHAR NOT NULL, category_key VARCHAR NOT NULL, region_key VARCHAR NOT NULL,
  location_code INTEGER NOT NULL, category_code INTEGER NOT NULL, list_price DOUBLE);
CREATE OR REPLACE TEMP TABLE ml_demand (
  series_id INTEGER NOT NULL, t INTEGER NOT NULL, qty DOUBLE, in_stock BOOLEAN, price DOUBLE,
  promo BOOLEAN, markdown BOOLEAN);
CREATE OR REPLACE TEMP TABLE ml_calendar (t INTEGER PRIMARY KEY, date DATE NOT NULL, event_code INTEGER, event_type INTEGER);
CREATE OR REPLACE TEMP TABLE ml_region_days (region_key VARCHAR NOT NULL, t INTEGER NOT NULL, flag INTEGER NOT NULL);
CREATE OR REPLACE TEMP TABLE ml_origins (origin_t INTEGER NOT NULL, max_h INTEGER NOT NULL, keep_per_mille INTEGER NOT NULL);
`;

export async function createInputTables(connection: DuckDBConnection): Promise<void> {
  await connection.run(INPUT_TABLES_DDL);
}

export interface Origin {
  t: number;
  maxH: number;
  /** Share of (series, h) rows kept, per mille (1000 = all). */
  keepPerMille: number;
}

export async function setOrigins(connection: DuckDBConnection, origins: readonly Origin[]): Promise<void> {
  await connection.run('DELETE FROM ml_origins');
  if (origins.length === 0) return;
  const values = origins.map((o) => `(${int(o.t)}, ${int(o.maxH)}, ${int(o.keepPerMille)})`).join(', ');
  await connection.run(`INSERT INTO ml_origins VALUES ${values}`);
}

function int(value: number): number {
  if (!Number.isInteger(value)) throw new Error(`not an integer: ${value}`);
  return value;
}
