import * as z from 'zod';
import type { ApiContext } from '../context.ts';
import { readModel } from '../read-models.ts';
import type { ApiRouter } from '../route.ts';
import { idParam } from './common.ts';

const kpi = z.object({
  kpi: z.string(),
  scope: z.string().describe("'all', 'node' or 'channel'"),
  scope_id: z.string().nullable(),
  value: z.number().nullable().describe('numerator / denominator (× 100 for unit %)'),
  unit: z.string(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  window_start: z.string().nullable(),
  window_end: z.string().nullable(),
});

export function registerKpis(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/kpis',
    tag: 'kpis',
    summary: 'Key performance indicators',
    description: 'Rows of the mart_kpis read model: one per kpi × scope (all, node, channel) × scope_id.',
    permission: 'kpis:read',
    query: z.strictObject({
      kpi: idParam('only this KPI (fill_rate, stockout_rate, …)'),
      scope: z.enum(['all', 'node', 'channel']).optional().describe('only this scope'),
    }),
    response: z.object({ data: z.array(kpi) }),
    errors: [503],
    async handler({ query }) {
      return { data: await readModel(ctx.readers, 'kpis', query) };
    },
  });
}
