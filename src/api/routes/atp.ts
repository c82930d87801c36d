import * as z from 'zod';
import type { ApiContext } from '../context.ts';
import { readModel } from '../read-models.ts';
import type { ApiRouter } from '../route.ts';
import { idParam, limitParam } from './common.ts';

export function registerAtp(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/atp',
    tag: 'inventory',
    summary: 'Available to promise for one sku (per node and date)',
    description:
      'Rows of the available_to_promise read model (sku × node × date) for one sku, optionally one node.',
    permission: 'inventory:read',
    query: z.strictObject({
      sku: z.string().min(1).max(128).describe('the sku'),
      node_id: idParam('only this node'),
      from: z.iso.date().optional().describe('first day (YYYY-MM-DD)'),
      to: z.iso.date().optional().describe('last day (YYYY-MM-DD)'),
      limit: limitParam(ctx.limits.maxPageSize, 1000),
    }),
    response: z.object({
      sku: z.string(),
      data: z.array(
        z.object({
          sku: z.string(),
          node_id: z.string(),
          day: z.string().describe('the day (ISO timestamp at 00:00 UTC)'),
          available_now: z.number(),
          inbound_qty: z.number(),
          atp: z.number(),
        }),
      ),
    }),
    errors: [503],
    async handler({ query }) {
      return { sku: query.sku, data: await readModel(ctx.readers, 'atp', query) };
    },
  });
}
