import * as z from 'zod';
import { can } from '../../auth/roles.ts';
import type { ApiContext } from '../context.ts';
import { readModel } from '../read-models.ts';
import type { ApiRouter } from '../route.ts';
import { idParam, limitParam, offsetParam, page } from './common.ts';

const VALUATION = ['inventory_value', 'avg_unit_cost'] as const;

const position = z.object({
  sku: z.string(),
  node_id: z.string(),
  sellable: z.number(),
  reserved: z.number(),
  available: z.number().describe('sellable − reserved; negative means oversold'),
  damaged: z.number(),
  quarantine: z.number(),
  repair: z.number(),
  returns_pending: z.number(),
  on_hand: z.number(),
  in_transit_in: z.number(),
  on_order: z.number(),
  inventory_value: z.number().nullable().optional().describe('only with valuation:read'),
  avg_unit_cost: z.number().nullable().optional().describe('only with valuation:read'),
});

export function registerPositions(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/positions',
    tag: 'inventory',
    summary: 'Inventory positions per (sku, node_id)',
    description:
      'Rows of the inventory_positions read model. inventory_value and avg_unit_cost are included only for ' +
      'roles with valuation:read.',
    permission: 'inventory:read',
    query: z.strictObject({
      sku: idParam('only this sku'),
      node_id: idParam('only this node'),
      limit: limitParam(ctx.limits.maxPageSize),
      offset: offsetParam,
    }),
    response: page(position),
    errors: [503],
    async handler({ query, req }) {
      const rows = await readModel(ctx.readers, 'positions', query);
      if (!can(req.caller!.role, 'valuation:read')) {
        for (const row of rows) for (const column of VALUATION) delete row[column];
      }
      return { data: rows, limit: query.limit, offset: query.offset };
    },
  });
}
