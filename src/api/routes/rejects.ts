import * as z from 'zod';
import type { ApiContext } from '../context.ts';
import { readModel } from '../read-models.ts';
import type { ApiRouter } from '../route.ts';
import { limitParam } from './common.ts';

const reject = z.object({
  reject_id: z.number().int(),
  received_at: z.string(),
  source_kind: z
    .string()
    .nullable()
    .describe('file | stdin | http | retry | ledger (quarantined by the ledger)'),
  source_file: z.string().nullable().describe('file path, or the request id for http'),
  source_line: z.number().int().nullable().describe('line in the file, or 1-based position in the request'),
  event_id: z.string().nullable(),
  type: z.string().nullable(),
  reason: z
    .enum(['unreadable', 'invalid', 'conflict', 'forbidden', 'quarantined'])
    .describe(
      'forbidden: refused by the approval policy to the key that sent it (docs/workflow.md "Raw events")',
    ),
  errors: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
  raw: z.string(),
  status: z.enum(['open', 'resolved']),
  resolved_at: z.string().nullable(),
  resolution: z.string().nullable(),
});

export function registerRejects(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/rejects',
    tag: 'events',
    summary: 'Inputs that were not accepted, with every error',
    description: 'Keyset-paged: pass the last reject_id seen as after_id for the next page.',
    permission: 'rejects:read',
    query: z.strictObject({
      status: z.enum(['open', 'resolved', 'all']).default('open'),
      reason: z.enum(['unreadable', 'invalid', 'conflict', 'forbidden', 'quarantined']).optional(),
      source_kind: z.enum(['file', 'stdin', 'http', 'retry', 'ledger']).optional(),
      after_id: z.coerce.number().int().min(0).default(0).describe('only rejects with a larger reject_id'),
      limit: limitParam(ctx.limits.maxPageSize),
    }),
    response: z.object({ data: z.array(reject), next_after_id: z.number().int().nullable() }),
    async handler({ query }) {
      const rows = await readModel(ctx.readers, 'rejects', {
        ...query,
        status: query.status === 'all' ? null : query.status,
      });
      for (const row of rows) row.errors = JSON.parse(row.errors as string);
      const last = rows.at(-1);
      return { data: rows, next_after_id: rows.length === query.limit && last ? last.reject_id : null };
    },
  });
}
