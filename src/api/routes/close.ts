import * as z from 'zod';
import type { ApiContext } from '../context.ts';
import { readModel } from '../read-models.ts';
import type { ApiRouter } from '../route.ts';

const isoDate = z.iso.date();
const money = z.number().nullable();

const period = z.object({
  period_grain: z.enum(['day', 'week', 'month']),
  period_start: z.string().describe('first day of the period (UTC midnight)'),
  period_end: z.string().describe('the day after its last day'),
  status: z
    .enum(['moving', 'pending', 'settled'])
    .describe(
      'moving: changed after its end within close_quiet_days; pending: quiet, items of it still open; settled',
    ),
  days_to_settle: z
    .number()
    .nullable()
    .describe('days after its end until the last change arrived (so far, as of the business clock)'),
  last_change_at: z.string().nullable().describe('arrival (business time) of the last change after its end'),
  quiet_days: z
    .number()
    .nullable()
    .describe('days since the last change (else the end) to the business clock'),
  late_events: z.number().describe('events that happened before its end and arrived after it'),
  inventory_value_change: money.describe('value those events booked before the end (its closing value)'),
  value_moved: money.describe('Σ |value| they moved at any node'),
  revenue_change: money,
  refunds_change: money,
  margin_change: money.describe('of the late events inside the period'),
  pending_items: z.number(),
  pending_value: money,
  open_transfers: z.number(),
  open_transfer_value: money,
  overdue_po_lines: z.number(),
  overdue_po_value: money,
  ungraded_returns: z.number(),
  ungraded_return_value: money,
  refunds_without_return: z.number(),
  refund_without_return_value: money,
});

const driver = z.object({
  period_grain: z.string(),
  period_start: z.string(),
  type: z.string().describe('event type'),
  source: z.string().describe("the sending system ('unknown' when the events named none)"),
  events: z.number(),
  events_in_period: z.number(),
  last_arrived_at: z.string().nullable(),
  max_days_after_end: z.number().nullable(),
  inventory_value_change: money,
  value_moved: money,
  margin_change: money,
});

export function registerClose(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/close',
    tag: 'kpis',
    summary: 'Finance close: periods still moving and what is pending',
    description:
      'Rows of the mart_close read model, newest first: each ended day, ISO week or month, how many days after ' +
      'its end its inventory value, revenue or margin kept changing (late events, by arrival in business time), ' +
      'by how much, and the open transfers, overdue PO lines, ungraded returns and refunds without a received ' +
      'return that originated in it; drivers: the event types and sources of the late changes (mart_close_drivers). ' +
      'The close_days KPI of GET /kpis is the same figure (docs/ledger.md "Finance close").',
    permission: 'valuation:read',
    query: z.strictObject({
      period: z.enum(['day', 'week', 'month']).optional().describe("the periods to list (default 'month')"),
      status: z
        .enum(['open', 'moving', 'pending', 'settled', 'all'])
        .optional()
        .describe("'open' (default: moving and pending), one status, or 'all'"),
      from: isoDate.optional().describe('only periods starting on or after this date (YYYY-MM-DD)'),
      to: isoDate.optional().describe('only periods starting on or before this date (YYYY-MM-DD)'),
    }),
    response: z.object({ data: z.array(period), drivers: z.array(driver) }),
    errors: [503],
    async handler({ query }) {
      const params = { period: query.period, status: query.status, from: query.from, to: query.to };
      const data = await readModel(ctx.readers, 'close', params);
      const listed = new Set(data.map((row) => String(row.period_start)));
      const drivers = (
        await readModel(ctx.readers, 'close_drivers', {
          period: query.period,
          from: query.from,
          to: query.to,
        })
      ).filter((row) => listed.has(String(row.period_start)));
      return { data, drivers };
    },
  });
}
