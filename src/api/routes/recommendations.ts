import * as z from 'zod';
import { BUSINESS_CLOCK_SQL, toReading } from '../../clock/business-clock.ts';
import { parseTime } from '../../clock/time.ts';
import { toJsonValue } from '../../format/rows.ts';
import { workflowApprovals } from '../../replenishment/approvals.ts';
import {
  EXPOSURE_SQL,
  exposureParams,
  planReplenishment,
  SUPPLIERS_SQL,
} from '../../replenishment/service.ts';
import { GET_SQL, LIST_SQL, listParams, STATUSES, toRecommendation } from '../../replenishment/store.ts';
import { UserError } from '../../warehouse/errors.ts';
import type { ApiContext } from '../context.ts';
import { HttpError } from '../problem.ts';
import type { ApiRouter } from '../route.ts';

const row = z.record(z.string(), z.unknown());
const rows = z.object({ data: z.array(row) });
const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true');

/** Reads on a reader connection (a warehouse without replenishment's tables is a 503: src/api/error-status.ts). */
async function read(
  ctx: ApiContext,
  sql: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  return ctx.readers.use((connection) => connection.all(sql, params));
}

/** GET /recommendations[/:id], approve / reject, GET /suppliers, GET /exposure (docs/replenishment.md). */
export function registerRecommendations(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/recommendations',
    tag: 'replenishment',
    summary: 'Replenishment recommendations',
    description:
      'Purchase orders (per supplier × node) and transfers proposed by `retailos replenish plan`, newest run first.',
    permission: 'recommendations:read',
    query: z.strictObject({
      status: z.enum(STATUSES).optional(),
      node_id: z.string().min(1).optional(),
      supplier_id: z.string().min(1).optional(),
      kind: z.enum(['purchase_order', 'transfer']).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    response: rows,
    errors: [503],
    async handler({ query }) {
      const found = await read(ctx, LIST_SQL, listParams(query));
      return { data: found.map((r) => toJsonValue(toRecommendation(r))) };
    },
  });

  api.route({
    method: 'get',
    path: '/recommendations/:recommendation_id',
    tag: 'replenishment',
    summary: 'One recommendation with its lines, levels, projected stock curves and explanation',
    permission: 'recommendations:read',
    params: z.strictObject({ recommendation_id: z.string().min(1) }),
    response: row,
    errors: [404, 503],
    async handler({ params }) {
      const [found] = await read(ctx, GET_SQL, { id: params.recommendation_id });
      if (!found) throw new HttpError(404, 'not_found', `No recommendation ${params.recommendation_id}.`);
      return toJsonValue(toRecommendation(found));
    },
  });

  api.route({
    method: 'post',
    path: '/recommendations/plan',
    tag: 'replenishment',
    summary: 'Run the replenishment plan now (as `retailos replenish plan`)',
    description:
      'Sets levels per sku × node and proposes purchase orders and transfers on the ledger as last refreshed; ' +
      'the body is the policy config (docs/replenishment.md), every field optional. Older proposals are superseded.',
    permission: 'recommendations:approve',
    body: z.record(z.string(), z.unknown()),
    response: z.object({
      run_id: z.string(),
      as_of: z.string(),
      positions: z.number(),
      demand_source: z.string(),
      recommendations: z.number(),
      auto_approved: z.number(),
    }),
    status: 201,
    async handler({ body }) {
      try {
        const summary = await ctx.exclusive(() => planReplenishment(ctx.warehouse, { config: body }));
        return {
          run_id: summary.runId,
          as_of: summary.asOf.toISOString(),
          positions: summary.positions,
          demand_source: summary.demandSource,
          recommendations: summary.recommendations,
          auto_approved: summary.autoApproved,
        };
      } catch (error) {
        if (error instanceof UserError) throw new HttpError(400, 'invalid_config', error.message);
        throw error;
      }
    },
  });

  for (const decision of ['approve', 'reject'] as const) {
    api.route({
      method: 'post',
      path: `/recommendations/:recommendation_id/${decision}`,
      tag: 'replenishment',
      summary:
        decision === 'approve'
          ? 'Approve a proposed recommendation (a PO is issued)'
          : 'Reject a proposed recommendation',
      permission: 'recommendations:approve',
      params: z.strictObject({ recommendation_id: z.string().min(1) }),
      body: z.strictObject({ reason: z.string().max(500).optional() }),
      response: row,
      errors: [404, 409],
      async handler({ params, body, req }) {
        const input = {
          id: params.recommendation_id,
          actor: req.caller?.name ?? 'api',
          role: req.caller?.role ?? 'planner',
          reason: body.reason,
        };
        const approvals = workflowApprovals();
        const rec = await ctx.exclusive(() =>
          decision === 'approve'
            ? approvals.approve(ctx.warehouse, input)
            : approvals.reject(ctx.warehouse, input),
        );
        return toJsonValue(rec);
      },
    });
  }

  api.route({
    method: 'get',
    path: '/suppliers',
    tag: 'replenishment',
    summary: 'Supplier performance: lead-time distribution, on-time and fill rate, ETA slippage, trend',
    permission: 'recommendations:read',
    query: z.strictObject({ supplier_id: z.string().min(1).optional(), by_node: flag }),
    response: rows,
    async handler({ query }) {
      const found = await read(ctx, SUPPLIERS_SQL, {
        supplier_id: query.supplier_id ?? null,
        by_node: query.by_node,
      });
      return { data: found.map((r) => toJsonValue(r)) };
    },
  });

  api.route({
    method: 'get',
    path: '/exposure',
    tag: 'replenishment',
    summary:
      'Late or slipped POs and what they expose: nodes, channels, open orders, stockout dates, revenue at risk',
    permission: 'recommendations:read',
    query: z.strictObject({ as_of: z.iso.datetime({ offset: true }).optional(), all: flag }),
    response: rows,
    errors: [503],
    async handler({ query }) {
      let asOf: Date;
      if (query.as_of) asOf = parseTime(query.as_of, 'as_of');
      else {
        const [clock] = await read(ctx, BUSINESS_CLOCK_SQL, {});
        asOf = toReading(clock!).at;
      }
      const found = await read(ctx, EXPOSURE_SQL, exposureParams(asOf, { exposedOnly: !query.all }));
      return { data: found.map((r) => toJsonValue(r)) };
    },
  });
}
