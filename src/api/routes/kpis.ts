import * as z from 'zod';
import type { ApiContext } from '../context.ts';
import { readModel } from '../read-models.ts';
import type { ApiRouter } from '../route.ts';
import { idParam } from './common.ts';

const PERIODS = ['trailing', 'day', 'week', 'month', 'all'] as const;
const isoDate = z.iso.date();

const kpi = z.object({
  kpi: z.string(),
  period_grain: z.enum(PERIODS).describe('the period the row covers'),
  period_start: z.string().describe('first day of the period (UTC midnight)'),
  period_end: z.string().describe('the day after its last day'),
  complete: z.boolean().describe('the period has ended by the business clock: compare complete periods only'),
  scope: z.string().describe("'all', 'channel', 'node' or 'category'"),
  scope_id: z.string().nullable(),
  value: z.number().nullable().describe('numerator / denominator (× 100 for unit %)'),
  unit: z.string(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  window_start: z.string().nullable().describe('= period_start, as a timestamp'),
  window_end: z.string().nullable().describe('= period_end, as a timestamp'),
});

export function registerKpis(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/kpis',
    tag: 'kpis',
    summary: 'Key performance indicators',
    description:
      'Rows of the mart_kpis read model: one per kpi × period × scope (all, channel, node, category) × scope_id. ' +
      'Periods: the trailing window (default), each day, ISO week, month, or the whole data window; the ' +
      'dashboards read the same daily numerators and denominators (mart_kpi_daily).',
    permission: 'kpis:read',
    query: z.strictObject({
      kpi: idParam('only this KPI (fill_rate, stockout_rate, …)'),
      scope: z.enum(['all', 'channel', 'node', 'category']).optional().describe('only this scope'),
      period: z.enum(PERIODS).optional().describe("the periods to list (default 'trailing')"),
      from: isoDate.optional().describe('only periods starting on or after this date (YYYY-MM-DD)'),
      to: isoDate.optional().describe('only periods starting on or before this date (YYYY-MM-DD)'),
    }),
    response: z.object({ data: z.array(kpi) }),
    errors: [503],
    async handler({ query }) {
      const params = {
        kpi: query.kpi,
        scope: query.scope,
        period: query.period,
        from: query.from,
        to: query.to,
      };
      return { data: await readModel(ctx.readers, 'kpis', params) };
    },
  });
}
