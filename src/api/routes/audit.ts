import * as z from 'zod';
import { AUDIT_SUBJECTS, auditTrail } from '../../workflow/audit.ts';
import type { ApiContext } from '../context.ts';
import type { ApiRouter } from '../route.ts';

const entry = z.object({
  seq: z.number().int(),
  event_id: z.string(),
  type: z.string(),
  occurred_at: z.string(),
  received_at: z.string(),
  source: z.string().nullable(),
  actor: z.string().nullable(),
  payload: z.unknown(),
});

/** GET /audit/:kind/:id — the history of one subject (sku_node needs ?node_id=). */
export function registerAudit(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/audit/:kind/:id',
    tag: 'audit',
    summary:
      "The full history of a sku × node, order (or a channel's order by its own reference: kind external), PO, exception or approval, with actors",
    permission: 'audit:read',
    params: z.strictObject({ kind: z.enum(AUDIT_SUBJECTS), id: z.string().min(1).max(128) }),
    query: z.strictObject({
      node_id: z.string().min(1).max(128).optional().describe('sku_node: the node'),
      channel_id: z.string().min(1).max(128).optional().describe("external: only this channel's orders"),
      limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
    }),
    response: z.object({ data: z.array(entry) }),
    errors: [503],
    async handler({ params, query }) {
      const data = await ctx.readers.use((reader) =>
        auditTrail(reader, {
          kind: params.kind,
          id: params.id,
          nodeId: query.node_id,
          channelId: query.channel_id,
          limit: query.limit,
        }),
      );
      return { data };
    },
  });
}
