import * as z from 'zod';
import { SEVERITIES } from '../../alerts/config.ts';
import { listAlerts } from '../../alerts/store.ts';
import type { ApiContext } from '../context.ts';
import type { ApiRouter } from '../route.ts';
import { idParam } from './common.ts';

const alert = z.object({
  alert_id: z.string(),
  rule_id: z.string(),
  kind: z.string(),
  condition_key: z.string(),
  severity: z.enum(SEVERITIES),
  role: z.string(),
  node_id: z.string().nullable(),
  channel_id: z.string().nullable(),
  sku: z.string().nullable(),
  title: z.string(),
  detail: z.string(),
  impact: z
    .record(z.string(), z.unknown())
    .describe('what the alert puts at risk: stock cover, orders, channels, refunds'),
  metric_value: z.number().nullable(),
  threshold: z.number().nullable(),
  status: z.enum(['open', 'resolved']),
  opened_at: z.string(),
  last_seen_at: z.string(),
  escalated_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
});

const jobRun = z.object({
  run_id: z.string(),
  job_id: z.string(),
  started_at: z.string().describe('wall-clock start (ISO-8601 UTC)'),
  finished_at: z.string().nullable().describe('wall-clock end'),
  business_at: z
    .string()
    .nullable()
    .describe('the business clock the run worked at (null for runs recorded before it was kept)'),
  status: z.string(),
  duration_ms: z.number().nullable(),
  error: z.string().nullable(),
});

export function registerAlerts(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/alerts',
    tag: 'alerts',
    summary: 'Alerts (open by default), most recent first, each with its impact',
    permission: 'alerts:read',
    query: z.strictObject({
      status: z.enum(['open', 'resolved', 'all']).default('open'),
      severity: z.enum(SEVERITIES).optional().describe('this severity or higher'),
      rule_id: idParam('only this rule'),
      role: idParam('only alerts for this role'),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
    response: z.object({ data: z.array(alert) }),
    async handler({ query }) {
      const rows = await ctx.exclusive(() => listAlerts(ctx.warehouse, query));
      return {
        data: rows.map((r) => ({
          ...r,
          metric_value: r.metric_value ?? null,
          threshold: r.threshold ?? null,
        })),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/jobs/runs',
    tag: 'alerts',
    summary: 'Scheduled job runs (job_runs): durations, failures, timeouts and skipped overlaps',
    permission: 'jobs:read',
    query: z.strictObject({
      job_id: idParam('only this job'),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
    response: z.object({ data: z.array(jobRun) }),
    async handler({ query }) {
      const rows = await ctx.exclusive(() =>
        ctx.warehouse.all<Record<string, unknown>>(
          `SELECT run_id, job_id, strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at,
                  strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at,
                  strftime(business_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS business_at, status, duration_ms, error
           FROM job_runs WHERE ($job_id IS NULL OR job_id = $job_id) ORDER BY started_at DESC LIMIT $limit`,
          { job_id: query.job_id ?? null, limit: query.limit },
        ),
      );
      return { data: rows };
    },
  });
}
