import * as z from 'zod';
import { DISPOSITIONS, GRADES } from '../../contracts/index.ts';
import { businessNow } from '../../workflow/clock.ts';
import {
  completeRefurbishment,
  gradeReturn,
  listReturns,
  recoveryByDisposition,
  refundLinkage,
  returnReasons,
} from '../../workflow/returns.ts';
import { type ApiContext, actionTime } from '../context.ts';
import type { ApiRouter } from '../route.ts';
import { limitParam, offsetParam, page } from './common.ts';
import { callerOf } from './exceptions.ts';

const returnRow = z.object({
  return_id: z.string(),
  node_id: z.string(),
  sku: z.string(),
  category: z.string().nullable(),
  order_id: z.string().nullable(),
  line_id: z.string().nullable(),
  reason: z.string(),
  received_at: z.string(),
  received_qty: z.number().int(),
  graded_qty: z.number().int(),
  ungraded_qty: z.number().int(),
  grade_events: z.number().int(),
  last_graded_at: z.string().nullable(),
  dispositions: z.array(z.string()).nullable(),
  age_hours: z.number(),
});

const at = z.iso
  .datetime({ offset: true })
  .optional()
  .describe('business time, not after the business clock (default: the business clock)');

/** Returns over HTTP: the warehouse role grades (`returns:grade`); reads need `returns:read`. */
export function registerReturns(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/returns',
    tag: 'returns',
    summary: 'Returns received, oldest first: units left to grade and age',
    permission: 'returns:read',
    query: z.strictObject({
      status: z.enum(['ungraded', 'all']).default('ungraded').describe('ungraded (default) or all'),
      limit: limitParam(ctx.limits.maxPageSize),
      offset: offsetParam,
    }),
    response: page(returnRow),
    errors: [503],
    async handler({ query }) {
      const rows = await ctx.readers.use(async (reader) =>
        listReturns(reader, { now: await businessNow(reader), ungradedOnly: query.status === 'ungraded' }),
      );
      return {
        data: rows.slice(query.offset, query.offset + query.limit),
        limit: query.limit,
        offset: query.offset,
      };
    },
  });

  api.route({
    method: 'post',
    path: '/returns/:return_id/grade',
    tag: 'returns',
    summary: 'Grade returned units: by condition (the category’s rules) or by grade and disposition',
    description:
      'Lands return_graded; the ledger moves the units (restock/liquidate → sellable, refurbish → repair, …).',
    permission: 'returns:grade',
    params: z.strictObject({ return_id: z.string().min(1).max(128) }),
    body: z.strictObject({
      sku: z.string().min(1).max(128).optional(),
      node_id: z.string().min(1).max(128).optional(),
      condition: z.string().min(1).max(64).optional(),
      grade: z.enum(GRADES).optional(),
      disposition: z.enum(DISPOSITIONS).optional(),
      qty: z.number().int().positive().optional().describe('default: every ungraded unit'),
      at,
    }),
    response: z.object({
      return_id: z.string(),
      sku: z.string(),
      node_id: z.string(),
      qty: z.number().int(),
      grade: z.enum(GRADES),
      disposition: z.enum(DISPOSITIONS),
      event_id: z.string(),
      ungraded_left: z.number().int(),
    }),
    errors: [404, 409, 415],
    async handler({ params, body, req }) {
      const when = await actionTime(ctx, req, body.at);
      const graded = await ctx.exclusive(() =>
        gradeReturn(ctx.warehouse, {
          returnId: params.return_id,
          sku: body.sku,
          nodeId: body.node_id,
          condition: body.condition,
          grade: body.grade,
          disposition: body.disposition,
          qty: body.qty,
          actor: callerOf(req).actor,
          at: when,
        }),
      );
      ctx.operations?.notify();
      return {
        return_id: graded.returnId,
        sku: graded.sku,
        node_id: graded.nodeId,
        qty: graded.qty,
        grade: graded.grade,
        disposition: graded.disposition,
        event_id: graded.eventId,
        ungraded_left: graded.ungradedLeft,
      };
    },
  });

  api.route({
    method: 'post',
    path: '/returns/refurbished',
    tag: 'returns',
    summary: 'Refurbished units are sellable again (status_changed repair → sellable)',
    permission: 'returns:grade',
    body: z.strictObject({
      node_id: z.string().min(1).max(128),
      sku: z.string().min(1).max(128),
      qty: z.number().int().positive(),
      at,
    }),
    response: z.object({ event_id: z.string() }),
    errors: [415],
    async handler({ body, req }) {
      const when = await actionTime(ctx, req, body.at);
      const eventId = await ctx.exclusive(() =>
        completeRefurbishment(ctx.warehouse, {
          nodeId: body.node_id,
          sku: body.sku,
          qty: body.qty,
          actor: callerOf(req).actor,
          at: when,
        }),
      );
      ctx.operations?.notify();
      return { event_id: eventId };
    },
  });

  const report = (path: string, summary: string, read: Parameters<typeof ctx.readers.use>[0]) =>
    api.route({
      method: 'get',
      path,
      tag: 'returns',
      summary,
      permission: 'returns:read',
      query: z.strictObject({}),
      response: z.object({ data: z.array(z.record(z.string(), z.unknown())) }),
      errors: [503],
      async handler() {
        return { data: (await ctx.readers.use(read)) as Record<string, unknown>[] };
      },
    });

  report('/returns/reasons', 'Return reasons by category, with what became of the units', (reader) =>
    returnReasons(reader),
  );
  report('/returns/recovery', 'Graded units, value at cost and value recovered per disposition', (reader) =>
    recoveryByDisposition(reader),
  );
  report(
    '/returns/refunds',
    'Refunds linked to returns: time to refund, refunds without a received return',
    (reader) => refundLinkage(reader),
  );
}
