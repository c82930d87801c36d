import * as z from 'zod';
import type { ApiContext } from '../context.ts';
import { readModel } from '../read-models.ts';
import type { ApiRouter } from '../route.ts';
import { idParam, limitParam, offsetParam, page } from './common.ts';

const STATUSES = ['open', 'acknowledged', 'resolved'] as const;

const exception = z.object({
  exception_id: z.string(),
  exception_type: z.string(),
  severity: z.string(),
  sku: z.string().nullable(),
  node_id: z.string().nullable(),
  order_id: z.string().nullable(),
  po_id: z.string().nullable(),
  opened_at: z.string().describe('ISO-8601 UTC'),
  status: z.enum(STATUSES),
  detail: z.unknown(),
});

/*
 * TODO(issue 8): POST /exceptions/:exception_id/acknowledge and /resolve. The
 * exception workflow (who may move an exception, the events it writes, the
 * states it allows) is defined by issue 8; the permission `exceptions:write`
 * is already in the role table for it. Nothing is faked here meanwhile.
 */
export function registerExceptions(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/exceptions',
    tag: 'exceptions',
    summary: 'Operational exceptions, newest first',
    permission: 'exceptions:read',
    query: z.strictObject({
      status: z.enum(STATUSES).optional().describe('only this status'),
      exception_type: idParam('only this type'),
      severity: idParam('only this severity'),
      sku: idParam('only this sku'),
      node_id: idParam('only this node'),
      limit: limitParam(ctx.limits.maxPageSize),
      offset: offsetParam,
    }),
    response: page(exception),
    errors: [503],
    async handler({ query }) {
      return {
        data: await readModel(ctx.readers, 'exceptions', query),
        limit: query.limit,
        offset: query.offset,
      };
    },
  });
}
