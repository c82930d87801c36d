/**
 * The jobs `retailos serve` runs on a schedule: the standard registry (src/jobs/registry.ts: forecasting,
 * replenishment, anomaly detection, alerts) plus the operations pipeline as a safety net and the workflow's
 * periodic work. The ledger refresh of the registry is replaced by the pipeline (refresh, then allocation),
 * which the server also runs after every ingest batch.
 */
import { smtpFromEnv } from '../alerts/delivery/email.ts';
import { type Job, type JobsContext, standardJobs } from '../jobs/index.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { screenOrders } from '../workflow/approvals.ts';
import { syncExceptions } from '../workflow/exceptions.ts';
import { BusinessClock } from './clock.ts';
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
  const clock = new BusinessClock();
  const context: JobsContext = {
    warehouse: options.warehouse,
    exclusive: options.exclusive,
    clock,
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
      description: 'put high-risk orders on a fulfilment hold pending approval (config/approvals.json)',
      run: () => write(() => screenOrders(options.warehouse, { actor: 'scheduler' })),
    },
    {
      id: 'workflow-sync-exceptions',
      schedule: '*/15 * * * *',
      timeout: 10 * MINUTE,
      preventOverlap: true,
      description: 'open, auto-resolve and escalate exceptions past their SLA (retailos exceptions sync)',
      run: () => write(() => syncExceptions(options.warehouse, { actor: 'scheduler' })),
    },
  ];
  const jobs = [
    ...own,
    ...(options.extra ?? []),
    ...standardJobs(context).filter((job) => job.id !== 'ledger-refresh'),
  ].map(
    (job): Job => ({
      ...job,
      // Every run sees the business clock as it stands (a pinned replay clock, or the wall clock).
      run: async (run) => {
        await write(() => clock.sync(options.warehouse));
        return job.run(run);
      },
    }),
  );
  return { jobs, context };
}
