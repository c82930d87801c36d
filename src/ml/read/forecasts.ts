import { readMlSql } from '../features/sql.ts';

/** Runs a fixed query with named parameters (the API's pooled reader connections fit this). */
export interface QueryRunner {
  all(sql: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]>;
}

/** The read side of forecasting for the API: one SQL file per query in sql/ml/api_*.sql. */
const QUERIES = {
  forecasts: readMlSql('api_forecasts'),
  sensing: readMlSql('api_demand_sensing'),
} as const;

export interface Page {
  limit: number;
  offset: number;
}

export interface ForecastFilter extends Page {
  sku?: string | undefined;
  node_id?: string | undefined;
  channel_id?: string | undefined;
  series_kind?: 'node' | 'channel' | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface SensingFilter extends Page {
  sku?: string | undefined;
  node_id?: string | undefined;
  channel_id?: string | undefined;
  severity?: 'low' | 'medium' | 'high' | undefined;
}

/** Rows of the `forecasts` read model (the latest scoring run). */
export function readForecasts(runner: QueryRunner, filter: ForecastFilter) {
  return runner.all(QUERIES.forecasts, { ...filter });
}

/** Rows of the `demand_sensing` read model (series the latest run flagged), largest shortfall first. */
export function readDemandSensing(runner: QueryRunner, filter: SensingFilter) {
  return runner.all(QUERIES.sensing, { ...filter });
}
