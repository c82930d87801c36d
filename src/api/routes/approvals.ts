import * as z from 'zod';
import { APPROVAL_KINDS } from '../../contracts/index.ts';
import {
  type ApprovalRequestResult,
  type ApprovalRow,
  approvalActionSchema,
  cancelApproval,
  decide,
  listApprovals,
  requestApproval,
  screenOrders,
} from '../../workflow/approvals.ts';
import { type ApiContext, actionTime } from '../context.ts';
import { HttpError } from '../problem.ts';
import type { ApiRouter } from '../route.ts';
import { limitParam, offsetParam, page } from './common.ts';
import { callerOf } from './exceptions.ts';

const STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;

const approval = z.object({
  request_id: z.string(),
  kind: z.enum(APPROVAL_KINDS),
  status: z.enum(STATUSES),
  amount: z.number().describe('money (purchase, transfer, order); the price cut per unit for markdowns'),
  markdown_pct: z.number().nullable(),
  required_approvals: z.number().int(),
  approvals: z.number().int(),
  rule: z.string().describe('the policy rule that decided'),
  order_id: z.string().nullable(),
  requested_by: z.string(),
  requested_at: z.string(),
  decided_at: z.string().nullable(),
  cancel_reason: z.string().nullable(),
  action: z.unknown(),
  recommendation: z.unknown(),
  context: z.unknown(),
  decisions: z.array(z.unknown()),
  outcome: z.unknown(),
});

const result = z.object({
  request_id: z.string(),
  kind: z.enum(APPROVAL_KINDS),
  status: z.enum(STATUSES),
  amount: z.number(),
  markdown_pct: z.number().nullable(),
  required_approvals: z.number().int(),
  approvals: z.number().int(),
  rule: z.string(),
  emitted: z.array(z.string()).describe('event ids landed by this call'),
  instructions: z.unknown().optional().describe('approved transfers: the transfer_shipped body to send'),
});

function toResult(r: ApprovalRequestResult) {
  return {
    request_id: r.requestId,
    kind: r.kind,
    status: r.status,
    amount: r.amount,
    markdown_pct: r.markdownPct,
    required_approvals: r.requiredApprovals,
    approvals: r.approvals,
    rule: r.rule,
    emitted: r.emitted,
    ...(r.instructions ? { instructions: r.instructions } : {}),
  };
}

const requestParams = z.strictObject({ request_id: z.string().min(1).max(128) });
const at = z.iso
  .datetime({ offset: true })
  .optional()
  .describe('business time, not after the business clock (default: the business clock)');
const reason = z.string().min(1).max(1000);

/**
 * Approvals over HTTP. Deciding needs `approvals:decide` (planner, finance, admin); the policy's role limits
 * then decide who may give the final approval (planner within its limits, finance above). The key's name is
 * the actor: the requester cannot decide their own request.
 */
export function registerApprovals(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/approvals',
    tag: 'approvals',
    summary: 'Approval requests, newest first',
    permission: 'approvals:read',
    query: z.strictObject({
      status: z.enum(STATUSES).optional().describe('only this status'),
      kind: z.enum(APPROVAL_KINDS).optional().describe('only this kind'),
      limit: limitParam(ctx.limits.maxPageSize),
      offset: offsetParam,
    }),
    response: page(approval),
    errors: [503],
    async handler({ query }) {
      const rows: ApprovalRow[] = await ctx.readers.use((reader) => listApprovals(reader, query));
      return { data: rows, limit: query.limit, offset: query.offset };
    },
  });

  api.route({
    method: 'get',
    path: '/approvals/:request_id',
    tag: 'approvals',
    summary: 'One approval request with its context, recommendation and decisions',
    permission: 'approvals:read',
    params: requestParams,
    response: approval,
    errors: [404, 503],
    async handler({ params }) {
      const [row] = await ctx.readers.use((reader) =>
        listApprovals(reader, { requestId: params.request_id }),
      );
      if (row === undefined)
        throw new HttpError(404, 'not_found', `No approval request ${params.request_id}.`);
      return row;
    },
  });

  api.route({
    method: 'post',
    path: '/approvals',
    tag: 'approvals',
    summary: 'Ask for approval of a purchase, transfer, markdown or order release',
    description:
      'Idempotent per request_id. The policy judges amounts from the warehouse only (current price from the ' +
      'price history or list price; transfers at the sender’s average cost; POs at no less than the item ' +
      'cost): an action claiming its own amounts (current_price, unit_value, …) and unknown skus or nodes ' +
      'are a 400. Below the policy threshold the request is approved at once and its action lands.',
    permission: 'approvals:request',
    status: 201,
    body: z.strictObject({
      request_id: z.string().min(1).max(100).optional(),
      kind: z.enum(APPROVAL_KINDS),
      action: approvalActionSchema,
      recommendation: z.record(z.string(), z.unknown()).optional(),
      context: z.record(z.string(), z.unknown()).optional(),
      at,
    }),
    response: result,
    errors: [404, 415],
    async handler({ body, req }) {
      const when = await actionTime(ctx, req, body.at);
      const made = await ctx.exclusive(() =>
        requestApproval(ctx.warehouse, {
          requestId: body.request_id,
          kind: body.kind,
          requestedBy: callerOf(req).actor,
          action: body.action,
          recommendation: body.recommendation,
          context: body.context,
          at: when,
        }),
      );
      if (made.emitted.length > 0) ctx.operations?.notify();
      return toResult(made);
    },
  });

  for (const decision of ['approve', 'reject'] as const) {
    api.route({
      method: 'post',
      path: `/approvals/:request_id/${decision}`,
      tag: 'approvals',
      summary:
        decision === 'approve'
          ? 'Approve a pending request (within the role’s limit)'
          : 'Reject a pending request',
      description:
        '403 when the role’s limit is below the amount (final approval), for the requester (segregation of ' +
        'duties) or for a second approval by the same person; 409 when the request is decided already.',
      permission: 'approvals:decide',
      params: requestParams,
      body: z.strictObject({ reason, at }),
      response: result,
      errors: [404, 409, 415],
      async handler({ params, body, req }) {
        const when = await actionTime(ctx, req, body.at);
        const decided = await ctx.exclusive(() =>
          decide(ctx.warehouse, {
            requestId: params.request_id,
            decision,
            ...callerOf(req),
            reason: body.reason,
            at: when,
          }),
        );
        ctx.operations?.notify();
        return toResult(decided);
      },
    });
  }

  api.route({
    method: 'post',
    path: '/approvals/:request_id/cancel',
    tag: 'approvals',
    summary: 'Withdraw a pending request (its requester, or admin)',
    permission: 'approvals:request',
    params: requestParams,
    body: z.strictObject({ reason, at }),
    response: result,
    errors: [404, 409, 415],
    async handler({ params, body, req }) {
      const when = await actionTime(ctx, req, body.at);
      return toResult(
        await ctx.exclusive(() =>
          cancelApproval(ctx.warehouse, {
            requestId: params.request_id,
            ...callerOf(req),
            reason: body.reason,
            at: when,
          }),
        ),
      );
    },
  });

  api.route({
    method: 'post',
    path: '/approvals/screen-orders',
    tag: 'approvals',
    summary: 'Hold every high-risk order not screened yet (a fulfilment hold awaiting approval)',
    permission: 'approvals:request',
    body: z.strictObject({}),
    response: z.object({ held: z.array(result) }),
    errors: [415, 503],
    async handler({ req }) {
      const held = await ctx.exclusive(() => screenOrders(ctx.warehouse, { actor: callerOf(req).actor }));
      return { held: held.map(toResult) };
    },
  });
}
