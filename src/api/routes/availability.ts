import * as z from 'zod';
import type { ApiContext } from '../context.ts';
import { readModel } from '../read-models.ts';
import type { ApiRouter } from '../route.ts';
import { idParam, limitParam, offsetParam } from './common.ts';

const channelRow = z.object({ channel_id: z.string(), sku: z.string(), available: z.number() });
const nodeRow = z.object({
  node_id: z.string(),
  sku: z.string(),
  sellable: z.number(),
  reserved: z.number(),
  available: z.number(),
});

export function registerAvailability(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/availability',
    tag: 'inventory',
    summary: 'Availability by channel and sku (and, for one sku, by node)',
    description:
      'channels: rows of channel_availability. With sku, nodes lists the per-node available units of that sku ' +
      '(all nodes) from inventory_positions.',
    permission: 'inventory:read',
    query: z.strictObject({
      sku: idParam('only this sku (adds the per-node view)'),
      channel_id: idParam('only this channel'),
      limit: limitParam(ctx.limits.maxPageSize, 1000),
      offset: offsetParam,
    }),
    response: z.object({
      channels: z.array(channelRow),
      nodes: z.array(nodeRow).optional(),
      limit: z.number().int(),
      offset: z.number().int(),
    }),
    errors: [503],
    async handler({ query }) {
      const [channels, nodes] = await Promise.all([
        readModel(ctx.readers, 'availability_channels', query),
        query.sku === undefined
          ? undefined
          : readModel(ctx.readers, 'availability_nodes', { sku: query.sku }),
      ]);
      return { channels, ...(nodes ? { nodes } : {}), limit: query.limit, offset: query.offset };
    },
  });
}
