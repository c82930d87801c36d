import * as z from 'zod';
import { toJsonValue } from '../../format/rows.ts';
import { type QueryRunner, readDemandSensing, readForecasts } from '../../ml/read/forecasts.ts';
import type { ApiContext } from '../context.ts';
import type { ApiRouter } from '../route.ts';
import { idParam, limitParam, offsetParam, page } from './common.ts';

const forecast = z.object({
  series_kind: z.enum(['node', 'channel']).describe('node: sku × node; channel: sku × channel'),
  sku: z.string(),
  node_id: z.string().nullable(),
  channel_id: z.string().nullable(),
  forecast_date: z.string().describe('YYYY-MM-DD'),
  horizon: z.number().int().describe('days after origin_date'),
  mean: z.number().describe('expected units'),
  p10: z.number().describe('10% quantile'),
  p50: z.number().describe('median'),
  p90: z.number().describe('90% quantile'),
  model_version: z.string().describe('the model card (models/<model_version>.json)'),
  origin_date: z.string().describe('last day of history the run used (YYYY-MM-DD)'),
  run_id: z.number().int(),
});

const signal = z.object({
  series_kind: z.enum(['node', 'channel']),
  sku: z.string(),
  node_id: z.string().nullable(),
  channel_id: z.string().nullable(),
  severity: z.enum(['low', 'medium', 'high']),
  driver: z.enum(['promotion', 'other']),
  opened_at: z.string().describe('start of the episode (ISO timestamp)'),
  window_start: z.string(),
  window_end: z.string(),
  actual_units: z.number().describe('sold in the window'),
  planned_units: z.number().describe('what the plan made before the window expected'),
  upper_units: z.number().describe("the plan's 90% quantile over the window"),
  excess_units: z.number().describe('actual − planned'),
  uplift_pct: z.number().describe('actual / planned − 1'),
  promo_days: z.number().int(),
  cover_days: z.number().int().nullable(),
  next_demand: z.number().describe('forecast units over cover_days at the pace of the window'),
  available_units: z.number().nullable(),
  inbound_units: z.number().nullable().describe('arriving within cover_days'),
  cover_units: z.number().nullable().describe('available + inbound; null without a ledger position'),
  shortfall_units: z.number().nullable().describe('max(0, next_demand − cover_units)'),
  unit_price: z.number().nullable(),
  revenue_at_risk: z.number().nullable().describe('shortfall_units × unit_price'),
  model_version: z.string(),
  origin_date: z.string(),
  run_id: z.number().int(),
});

/** GET /forecasts and GET /forecasts/sensing: the forecasting read models (docs/forecasting.md). */
export function registerForecasts(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/forecasts',
    tag: 'forecasting',
    summary: 'Demand forecasts of the latest run (mean and quantiles per series and day)',
    description:
      'Rows of the forecasts read model: one per (series_kind, sku, node_id | channel_id, forecast_date) of ' +
      'the latest `retailos forecast predict` run. Empty until a model has been trained and run.',
    permission: 'forecasts:read',
    query: z.strictObject({
      sku: idParam('only this sku'),
      node_id: idParam('only this node (sku × node series)'),
      channel_id: idParam('only this channel (sku × channel series)'),
      series_kind: z.enum(['node', 'channel']).optional().describe('only this kind of series'),
      from: z.iso.date().optional().describe('first forecast day (YYYY-MM-DD)'),
      to: z.iso.date().optional().describe('last forecast day (YYYY-MM-DD)'),
      limit: limitParam(ctx.limits.maxPageSize),
      offset: offsetParam,
    }),
    response: page(forecast),
    errors: [503],
    async handler({ query }) {
      const rows = await read(ctx, (runner) => readForecasts(runner, query));
      return { data: rows, limit: query.limit, offset: query.offset };
    },
  });

  api.route({
    method: 'get',
    path: '/forecasts/sensing',
    tag: 'forecasting',
    summary: 'Demand sensing: series selling above plan, with the cover shortfall and revenue at risk',
    description:
      'Rows of the demand_sensing read model: the series the latest run flagged (recent sales above the ' +
      "plan's 90% quantile), by how much, and how far the next days' demand at that pace exceeds available + " +
      'inbound stock. Largest shortfall first.',
    permission: 'forecasts:read',
    query: z.strictObject({
      sku: idParam('only this sku'),
      node_id: idParam('only this node'),
      channel_id: idParam('only this channel'),
      severity: z.enum(['low', 'medium', 'high']).optional().describe('only this severity'),
      limit: limitParam(ctx.limits.maxPageSize),
      offset: offsetParam,
    }),
    response: page(signal),
    errors: [503],
    async handler({ query }) {
      const rows = await read(ctx, (runner) => readDemandSensing(runner, query));
      return { data: rows, limit: query.limit, offset: query.offset };
    },
  });
}

/** Runs a read on a pooled connection (a warehouse without the forecasting tables is a 503: src/api/error-status.ts). */
async function read(
  ctx: ApiContext,
  work: (runner: QueryRunner) => Promise<Record<string, unknown>[]>,
): Promise<Record<string, unknown>[]> {
  const rows = await ctx.readers.use((connection) => work(connection));
  return rows.map((row) => toJsonValue(row) as Record<string, unknown>);
}
