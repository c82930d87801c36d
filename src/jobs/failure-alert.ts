import { dispatch } from '../alerts/notify.ts';
import { reconcileAlerts } from '../alerts/store.ts';
import { listSubscriptions } from '../alerts/subscriptions.ts';
import type { JobsContext } from './registry.ts';
import { runContext } from './run-context.ts';
import type { Job, JobRun } from './scheduler.ts';

/**
 * A failed or timed-out job becomes a critical alert for admins (rule `job-failure`, one episode per
 * job): subscribers filtering on role admin hear about it once, until a later run of the job succeeds
 * and resolves it (persistentHooks.onRun).
 */
export async function alertJobFailure(ctx: JobsContext, job: Job, run: JobRun): Promise<void> {
  const write = ctx.exclusive ?? (<T>(work: () => Promise<T>) => work());
  // Dated by the business clock like every alert (the delivery itself runs on ctx.clock, in real time).
  const now = (await runContext(ctx)).now;
  const condition = {
    rule_id: 'job-failure',
    kind: 'job_failure' as const,
    condition_key: job.id,
    severity: 'critical' as const,
    role: 'admin',
    node_id: null,
    channel_id: null,
    sku: null,
    title: `Scheduled job ${job.id} ${run.status === 'timed_out' ? 'timed out' : 'failed'}`,
    detail: run.error ?? run.status,
    metric_value: run.duration_ms,
    threshold: job.timeout,
    impact: {
      job: job.id,
      description: job.description ?? null,
      run_id: run.run_id,
      other_jobs: 'keep running',
    },
  };
  // Only this condition is reconciled: other open job-failure alerts are left as they are.
  const { events } = await write(() =>
    ctx.warehouse.transaction(() => reconcileAlerts(ctx.warehouse, [condition], [], now)),
  );
  await dispatch(events, await write(() => listSubscriptions(ctx.warehouse)), {
    warehouse: ctx.warehouse,
    clock: ctx.clock,
    smtp: ctx.smtp,
    write,
  });
}
