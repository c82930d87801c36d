import type { Request } from 'express';
import * as z from 'zod';
import { EXCEPTION_RESOLUTION_CODES } from '../../contracts/index.ts';
import { businessNow } from '../../workflow/clock.ts';
import { actOnException, listQueue, syncExceptions } from '../../workflow/exceptions.ts';
import { type ApiContext, actionTime, requestContext } from '../context.ts';
import { readModel } from '../read-models.ts';
import type { ApiRouter } from '../route.ts';
import { idParam, limitParam, offsetParam, page } from './common.ts';

const STATUSES = ['open', 'acknowledged', 'resolved'] as const;
/** Every resolution code but `condition_cleared`, which only the workflow's auto-resolution gives. */
const MANUAL_RESOLUTION_CODES = EXCEPTION_RESOLUTION_CODES.filter(
  (code): code is Exclude<(typeof EXCEPTION_RESOLUTION_CODES)[number], 'condition_cleared'> =>
    code !== 'condition_cleared',
) as [string, ...string[]];

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
  cleared_at: z
    .string()
    .nullable()
    .describe('ISO-8601 UTC: when the condition cleared (null while it lasts); the episode stays, resolved'),
  duration_hours: z
    .number()
    .nullable()
    .describe('how long the episode lasted, in hours (null while it lasts)'),
});

const queueItem = exception.extend({
  opened_at: z.string().nullable().describe('ISO-8601 UTC: when the condition began'),
  priority: z.number().describe('impact × age: costliest first'),
  owner_role: z.string(),
  assignee: z.string().nullable(),
  escalation_level: z.number().int(),
  sla_due_at: z.string().describe('when it escalates next (ISO-8601 UTC)'),
  overdue: z.boolean(),
  age_hours: z.number(),
  revenue_at_risk: z.number(),
  promises_affected: z.number().int(),
  line_id: z.string().nullable(),
  transfer_id: z.string().nullable(),
  condition_active: z.boolean().describe('false: the condition cleared'),
  tracked: z.boolean().describe('the workflow has opened it (exception_opened landed)'),
  resolution_code: z.string().nullable(),
  note: z.string().nullable(),
});

const actionResult = z.object({
  exception_id: z.string(),
  status: z.enum(STATUSES),
  events: z.array(z.string()).describe('event ids landed'),
});

const idParams = z.strictObject({ exception_id: z.string().min(1).max(128) });
const at = z.iso
  .datetime({ offset: true })
  .optional()
  .describe('business time of the action, not after the business clock (default: the business clock)');
const note = z.string().min(1).max(1000).optional();

/** The caller behind a workflow action: the API key's name, and its role. */
export function callerOf(req: Request): { actor: string; role: string } {
  const caller = req.caller!;
  return { actor: caller.name, role: caller.role };
}

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

  api.route({
    method: 'get',
    path: '/exceptions/queue',
    tag: 'exceptions',
    summary: 'The exception queue: owner, SLA, escalation, priority; costliest first',
    description:
      'Priority = (revenue at risk + 50 per customer promise affected + severity points) × (1 + age / 72 h). ' +
      'Exceptions the workflow has not opened yet show their default owner and SLA.',
    permission: 'exceptions:read',
    query: z.strictObject({
      status: z
        .enum([...STATUSES, 'unresolved', 'all'])
        .default('unresolved')
        .describe('open, acknowledged, resolved, unresolved (default) or all'),
      exception_type: idParam('only this type'),
      severity: idParam('only this severity'),
      sku: idParam('only this sku'),
      node_id: idParam('only this node'),
      order_id: idParam('only this order'),
      owner_role: idParam('only exceptions this role owns now'),
      assignee: idParam('only exceptions assigned to this person'),
      limit: limitParam(ctx.limits.maxPageSize),
      offset: offsetParam,
    }),
    response: page(queueItem),
    errors: [503],
    async handler({ query }) {
      const items = await ctx.readers.use(async (reader) =>
        listQueue(
          reader,
          {
            status: query.status,
            type: query.exception_type,
            severity: query.severity,
            sku: query.sku,
            nodeId: query.node_id,
            orderId: query.order_id,
            ownerRole: query.owner_role,
            assignee: query.assignee,
          },
          { now: await businessNow(reader) },
        ),
      );
      return {
        data: items.slice(query.offset, query.offset + query.limit),
        limit: query.limit,
        offset: query.offset,
      };
    },
  });

  api.route({
    method: 'post',
    path: '/exceptions/sync',
    tag: 'exceptions',
    summary: 'Open new exceptions, auto-resolve cleared ones, escalate those past their SLA',
    permission: 'exceptions:write',
    body: z.strictObject({ now: at }),
    response: z.object({
      now: z.string(),
      opened: z.number(),
      auto_resolved: z.number(),
      escalated: z.number(),
    }),
    errors: [415, 503],
    async handler({ body, req }) {
      const report = await (async () => {
        const ops = await requestContext(ctx, req, body.now);
        return ctx.exclusive(() =>
          syncExceptions(ctx.warehouse, { now: ops.now.toISOString(), actor: ops.actor }),
        );
      })();
      return {
        now: report.now,
        opened: report.opened,
        auto_resolved: report.autoResolved,
        escalated: report.escalated,
      };
    },
  });

  const action = (
    name: 'acknowledge' | 'resolve' | 'assign' | 'reopen',
    summary: string,
    body: z.ZodObject,
  ) =>
    api.route({
      method: 'post',
      path: `/exceptions/:exception_id/${name}`,
      tag: 'exceptions',
      summary,
      description:
        'Lands a workflow event with the key name as actor. Roles: the current owner role, roles that owned ' +
        'it before an escalation, or admin (403 otherwise); 409 when the status does not allow it.',
      permission: 'exceptions:write',
      params: idParams,
      body,
      response: actionResult,
      errors: [404, 409, 415, 503],
      async handler({ params, body: input, req }) {
        const fields = input as { at?: string; note?: string; resolution_code?: string; assignee?: string };
        const when = await actionTime(ctx, req, fields.at);
        const result = await ctx.exclusive(() =>
          actOnException(ctx.warehouse, {
            exceptionId: params.exception_id,
            action: name,
            ...callerOf(req),
            at: when,
            note: fields.note,
            code: fields.resolution_code as (typeof EXCEPTION_RESOLUTION_CODES)[number] | undefined,
            assignee: fields.assignee,
          }),
        );
        return { exception_id: result.exceptionId, status: result.status, events: result.events };
      },
    });

  action('acknowledge', 'Acknowledge an exception (open → acknowledged)', z.strictObject({ note, at }));
  action(
    'resolve',
    'Resolve an exception with a resolution code',
    z.strictObject({
      resolution_code: z.enum(MANUAL_RESOLUTION_CODES),
      note,
      at,
    }),
  );
  action(
    'assign',
    'Assign an exception to a person',
    z.strictObject({ assignee: z.string().min(1).max(256), note, at }),
  );
  action('reopen', 'Reopen a resolved exception', z.strictObject({ note, at }));
}
