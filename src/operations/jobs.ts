/**
 * The jobs `retailos serve` runs on a schedule: the standard registry (src/jobs/registry.ts: forecasting,
 * replenishment, anomaly detection, alerts) plus the operations pipeline as a safety net and the workflow's
 * periodic work. The ledger refresh of the registry is replaced by the pipeline (refresh, then allocation),
 * which the server also runs after every ingest batch. Each run reads the business clock once (its operations
 * context, src/jobs/run-context.ts); deliveries run on the wall clock.
 */
import { smtpFromEnv } from '../alerts/delivery/email.ts';
import { wallClock } from '../clock/sources.ts';
import { type Job, type JobsContext, runContext, standardJobs } from '../jobs/index.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { screenOrders } from '../workflow/approvals.ts';
import { syncExceptions } from '../workflow/exceptions.ts';
import { runPipeline } from './pipeline.ts';

const MINUTE = 60_000;

export interface ServerJobsOptions {
  warehouse: Warehouse;
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  metrics?: JobsContext['metrics'];
  env?: NodeJS.ProcessEnv;
  /** Jobs of the process itself (the server's dashboards rebuild). */
  extra?: Job[];
}

export function serverJobs(options: ServerJobsOptions): { jobs: Job[]; context: JobsContext } {
  const context: JobsContext = {
    warehouse: options.warehouse,
    exclusive: options.exclusive,
    clock: wallClock,
    smtp: smtpFromEnv(options.env ?? process.env),
    metrics: options.metrics,
  };
  const write = options.exclusive;
  const own: Job[] = [
    {
      id: 'operations-pipeline',
      schedule: '*/5 * * * *',
      timeout: 15 * MINUTE,
      preventOverlap: true,
      description: 'apply pending events to the ledger, then allocate (also runs after every ingest batch)',
      run: () => write(() => runPipeline(options.warehouse, { trigger: 'scheduler' })),
    },
    {
      id: 'workflow-screen-orders',
      schedule: '*/5 * * * *',
      timeout: 10 * MINUTE,
      preventOverlap: true,
      description:
        'put open high-risk orders placed by the business clock on a fulfilment hold pending approval (config/approvals.json)',
      run: async () => {
        const ops = await runContext(context);
        return write(() => screenOrders(options.warehouse, { actor: ops.actor }));
      },
    },
    {
      id: 'workflow-sync-exceptions',
      schedule: '*/15 * * * *',
      timeout: 10 * MINUTE,
      preventOverlap: true,
      description: 'open, auto-resolve and escalate exceptions past their SLA (retailos exceptions sync)',
      run: async () => {
        const ops = await runContext(context);
        return write(() =>
          syncExceptions(options.warehouse, { now: ops.now.toISOString(), actor: ops.actor }),
        );
      },
    },
  ];
  const jobs = [
    ...own,
    ...(options.extra ?? []),
    ...standardJobs(context).filter((job) => job.id !== 'ledger-refresh'),
  ];
  return { jobs, context };
}
