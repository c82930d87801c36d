import { type AlertConfig, loadAlertConfig } from '../alerts/config.ts';
import type { SmtpSettings } from '../alerts/delivery/email.ts';
import { flushDigests } from '../alerts/notify.ts';
import { runAlerts } from '../alerts/service.ts';
import { listSubscriptions } from '../alerts/subscriptions.ts';
import { detectOperationalAnomalies } from '../anomaly/operational.ts';
import type { Clock } from '../clock/sources.ts';
import { refreshLedger } from '../ledger/refresh.ts';
import { FORECAST_JOBS } from '../ml/jobs.ts';
import { planReplenishment } from '../replenishment/service.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { alertJobFailure } from './failure-alert.ts';
import { runContext } from './run-context.ts';
import type { Job, JobRun, SchedulerDeps } from './scheduler.ts';

/** What the standard jobs need from the process that runs them (the API server). */
export interface JobsContext {
  warehouse: Warehouse;
  /** The server's serialized writer; absent when this process is the only writer. */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
  /**
   * The real-time clock of deliveries (sent times, quiet hours, throttles, retries). Business time is not this:
   * each run reads the business clock once, into its operations context (`runContext`).
   */
  clock: Clock;
  alertConfig?: AlertConfig;
  smtp?: SmtpSettings;
  /** The server's metrics (`ApiContext.metrics`): job durations by outcome for /metrics. */
  metrics?: { observeJob(job: string, outcome: 'ok' | 'failed', seconds: number): void };
}

const MINUTE = 60_000;

/**
 * The registry: every domain's scheduled work as data. Other modules add theirs here (or pass extra
 * jobs to createScheduler). Writes go through `exclusive`, so jobs never interleave with ingest.
 */
export function standardJobs(ctx: JobsContext): Job[] {
  const write = ctx.exclusive ?? (<T>(work: () => Promise<T>) => work());
  const alertConfig = (): AlertConfig => ctx.alertConfig ?? loadAlertConfig();
  return [
    {
      id: 'ledger-refresh',
      schedule: '*/5 * * * *',
      timeout: 10 * MINUTE,
      preventOverlap: true,
      description: 'apply newly landed events to the ledger (retailos refresh)',
      run: () => write(() => refreshLedger(ctx.warehouse)),
    },
    ...FORECAST_JOBS.map(
      (job): Job => ({
        id: job.id,
        schedule: job.schedule,
        timeout: job.timeout,
        preventOverlap: job.preventOverlap,
        description: job.description,
        run: () => job.run({ warehouse: ctx.warehouse, exclusive: ctx.exclusive }),
      }),
    ),
    {
      id: 'replenishment-plan',
      schedule: '0 4 * * *',
      timeout: 30 * MINUTE,
      preventOverlap: true,
      description: 'propose purchase orders and transfers (retailos replenish plan)',
      run: async () => {
        const ops = await runContext(ctx);
        return write(() => planReplenishment(ctx.warehouse, { asOf: ops.now }));
      },
    },
    {
      id: 'anomaly-detect',
      schedule: '15 * * * *',
      timeout: 15 * MINUTE,
      preventOverlap: true,
      description: 'score the daily operational series (anomalies table)',
      run: async () => detectOperationalAnomalies(ctx.warehouse, { write, now: (await runContext(ctx)).now }),
    },
    {
      id: 'alerts-evaluate',
      schedule: '*/10 * * * *',
      timeout: 10 * MINUTE,
      preventOverlap: true,
      description: 'evaluate the alert rules and notify subscribers of what opened or escalated',
      run: async () =>
        runAlerts(ctx.warehouse, alertConfig(), {
          asOf: (await runContext(ctx)).now,
          clock: ctx.clock,
          smtp: ctx.smtp,
          write,
        }),
    },
    {
      id: 'alerts-digest',
      schedule: '0 8 * * *',
      timeout: 10 * MINUTE,
      preventOverlap: true,
      description: 'send the queued digest, quiet-hours and throttled alerts',
      run: async () =>
        flushDigests(await write(() => listSubscriptions(ctx.warehouse)), {
          warehouse: ctx.warehouse,
          clock: ctx.clock,
          smtp: ctx.smtp,
          write,
        }),
    },
  ];
}

/**
 * Scheduler hooks: every run to `job_runs` (GET /api/v1/jobs/runs) with its wall-clock start and end and the
 * business time it ran at (`business_at`), and to /metrics (`retailos_job_duration_seconds{job, outcome}`); a
 * failed or timed-out job alerts admins.
 */
export function persistentHooks(ctx: JobsContext): Pick<SchedulerDeps, 'onRun' | 'onFailure'> {
  const write = ctx.exclusive ?? (<T>(work: () => Promise<T>) => work());
  return {
    onRun: async (run: JobRun) => {
      if (run.status !== 'skipped_overlap' && run.duration_ms !== null) {
        ctx.metrics?.observeJob(
          run.job_id,
          run.status === 'succeeded' ? 'ok' : 'failed',
          run.duration_ms / 1000,
        );
      }
      const business = (await runContext(ctx)).now.toISOString();
      if (run.status === 'succeeded') {
        // a successful run ends the job's failure episode (the next failure notifies again)
        await write(() =>
          ctx.warehouse.run(
            `UPDATE alerts SET status = 'resolved', resolved_at = $now::TIMESTAMPTZ
             WHERE rule_id = 'job-failure' AND condition_key = $job_id AND status = 'open'`,
            { now: business, job_id: run.job_id },
          ),
        );
      }
      await write(() =>
        ctx.warehouse.run(
          `INSERT OR REPLACE INTO job_runs (run_id, job_id, started_at, finished_at, status, duration_ms, error,
             business_at)
           VALUES ($run_id, $job_id, $started::TIMESTAMPTZ, $finished::TIMESTAMPTZ, $status, $duration, $error,
             $business::TIMESTAMPTZ)`,
          {
            business,
            run_id: run.run_id,
            job_id: run.job_id,
            started: run.started_at,
            finished: run.finished_at,
            status: run.status,
            duration: run.duration_ms,
            error: run.error,
          },
        ),
      );
    },
    onFailure: (job, run) => alertJobFailure(ctx, job, run),
  };
}
