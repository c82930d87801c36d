import * as z from 'zod';
import { orderAllocation, runAllocation } from '../../allocation/service.ts';
import type { ApiContext } from '../context.ts';
import { HttpError } from '../problem.ts';
import type { ApiRouter } from '../route.ts';

const runBody = z.strictObject({
  dry_run: z.boolean().default(false).describe('decide and report, land nothing'),
  as_of: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('business time of the run (default: the latest event, capped at now)'),
});

const runReport = z.object({
  run_id: z.string(),
  as_of: z.string().nullable(),
  dry_run: z.boolean(),
  lines: z.number().int().describe('open lines decided'),
  units_open: z.number().int(),
  units_allocated: z.number().int(),
  units_on_time: z.number().int(),
  units_backordered: z.number().int(),
  cost: z.number().describe("fulfilment cost of this run's allocations"),
  split_orders: z.number().int(),
  events_landed: z.number().int(),
  exceptions: z.record(z.string(), z.number().int()).describe('exceptions opened or updated, by type'),
  allocations: z
    .array(
      z.object({
        order_id: z.string(),
        line_id: z.string(),
        sku: z.string(),
        node_id: z.string(),
        qty: z.number().int(),
        on_time: z.boolean(),
      }),
    )
    .describe('first 1,000 decisions'),
});

const orderIdParams = z.strictObject({ order_id: z.string().min(1).max(128) });

const orderAllocationResponse = z.object({
  order_id: z.string(),
  claims: z.array(
    z.object({
      line_id: z.string(),
      node_id: z.string(),
      sku: z.string(),
      reserved: z.number().int(),
      shipped: z.number().int(),
    }),
  ),
  lines: z.array(z.unknown()).describe("each line's latest explanation: candidates, costs, why the node won"),
  exceptions: z.array(z.unknown()),
});

/** The most decisions a run's response lists (a big batch would otherwise make a huge body). */
const MAX_LISTED = 1_000;

/**
 * Allocation over HTTP. Both routes run on the write connection inside the server's serialized writer:
 * a run must not interleave with landing (never oversell), and reading an order's claims builds a temp table.
 */
export function registerAllocations(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'post',
    path: '/allocations/run',
    tag: 'allocation',
    summary: 'Allocate open order lines now (FIFO on scarce stock, then promise, then cost)',
    description:
      'Applies pending events to the ledger, decides every open line, lands allocated / allocation_released ' +
      'events and opens promise_at_risk / backorder exceptions. The server also runs this by itself after ' +
      'batches with new orders or stock.',
    permission: 'allocations:run',
    body: runBody,
    response: runReport,
    errors: [503],
    async handler({ body }) {
      const report = await ctx.exclusive(() =>
        runAllocation(ctx.warehouse, { trigger: 'api', dryRun: body.dry_run, asOf: body.as_of }),
      );
      const result = report.result;
      const exceptions: Record<string, number> = {};
      for (const exception of result?.exceptions ?? [])
        exceptions[exception.exceptionType] = (exceptions[exception.exceptionType] ?? 0) + 1;
      return {
        run_id: report.runId,
        as_of: report.asOf,
        dry_run: report.dryRun,
        lines: result?.stats.lines ?? 0,
        units_open: result?.stats.unitsOpen ?? 0,
        units_allocated: result?.stats.unitsAllocated ?? 0,
        units_on_time: result?.stats.unitsOnTime ?? 0,
        units_backordered: result?.stats.unitsBackordered ?? 0,
        cost: result?.stats.cost ?? 0,
        split_orders: result?.stats.splitOrders ?? 0,
        events_landed: report.landing?.accepted ?? 0,
        exceptions,
        allocations: (result?.allocations ?? []).slice(0, MAX_LISTED).map((a) => ({
          order_id: a.orderId,
          line_id: a.lineId,
          sku: a.sku,
          node_id: a.nodeId,
          qty: a.qty,
          on_time: a.onTime,
        })),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/orders/:order_id/allocation',
    tag: 'allocation',
    summary: "An order's allocation: what is reserved and shipped where, and why each node was chosen",
    permission: 'orders:read',
    params: orderIdParams,
    response: orderAllocationResponse,
    errors: [404],
    async handler({ params }) {
      const found = await ctx.exclusive(() => orderAllocation(ctx.warehouse, params.order_id));
      if (!found) throw new HttpError(404, 'not_found', `No order ${params.order_id} was ever placed.`);
      return {
        order_id: found.orderId,
        claims: found.claims.map((c) => ({
          line_id: c.lineId,
          node_id: c.nodeId,
          sku: c.sku,
          reserved: c.reserved,
          shipped: c.shipped,
        })),
        lines: found.lines,
        exceptions: found.exceptions,
      };
    },
  });
}
