import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AllocationScheduler } from '../allocation/scheduler.ts';
import { ChannelPublisher, type PublisherOptions } from '../channels/outbound/publisher.ts';
import { type HttpIngestOptions, HttpIngestQueue } from '../ingest/http-ingest.ts';
import { defaultPoolSize } from '../ingest/stage-pool.ts';
import { createScheduler, persistentHooks, type Scheduler } from '../jobs/index.ts';
import { ledgerLag } from '../ledger/refresh.ts';
import { serverJobs } from '../operations/jobs.ts';
import { createOperationsScheduler } from '../operations/pipeline.ts';
import { ensureReadModels as ensureReplenishmentViews } from '../replenishment/sql.ts';
import { UserError } from '../warehouse/errors.ts';
import { SANDBOX_SETTINGS } from '../warehouse/query.ts';
import { ReaderPool } from '../warehouse/reader-pool.ts';
import { Warehouse } from '../warehouse/warehouse.ts';
import { createApp } from './app.ts';
import type { AuthThrottleOptions } from './auth-throttle.ts';
import type { ApiContext, ApiLimits } from './context.ts';
import { KeyRing } from './key-ring.ts';
import { listKeys } from './keys.ts';
import { createLogger, type Logger } from './logger.ts';
import { Metrics } from './metrics.ts';
import type { RateLimitOptions } from './rate-limit.ts';
import type { ChannelWebhookOptions } from './routes/channel-webhooks.ts';

import { rebuildSite } from './routes/dashboards.ts';
import { AnalystSandbox, configureSandboxConnection, type SandboxLimits } from './sandbox.ts';
import { SerialWriter } from './writer.ts';

export interface ServerOptions {
  dbPath: string;
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  logger?: Logger;
  limits?: Partial<ApiLimits>;
  rateLimit?: Partial<RateLimitOptions>;
  sql?: Partial<SandboxLimits> & { connections?: number };
  ingest?: Pick<
    HttpIngestOptions,
    'maxBatchEvents' | 'maxQueuedEvents' | 'stageWorkers' | 'stagePool' | 'maxQueueWaitMs'
  >;
  /** Throttling of failed authentications per client address and overall (src/api/auth-throttle.ts). */
  authThrottle?: Partial<AuthThrottleOptions>;
  /** Inbound channel webhooks: body limit, per-channel rate, failed-signature throttle (src/api/routes/channel-webhooks.ts). */
  channelWebhooks?: ChannelWebhookOptions;
  /** Reader connections for the read routes. Default 4. */
  readers?: number;
  /** How long shutdown waits for requests in flight before cutting connections. Default 10 s. */
  shutdownTimeoutMs?: number;
  /**
   * The operations pipeline after ingest (ledger refresh, then allocation), debounced. On by default: the
   * server keeps positions, availability and allocations current without anyone running `retailos refresh`.
   */
  operations?: {
    enabled?: boolean;
    allocate?: boolean;
    debounceMs?: number;
    maxWaitMs?: number;
    /** Events the ledger absorbs per pipeline run (default 20,000): bounds how long ingest waits. */
    maxLedgerEvents?: number;
  };
  /**
   * The scheduled jobs (src/operations/jobs.ts: forecasting, replenishment, anomaly detection, alerts,
   * workflow sync, the pipeline as a safety net) on their cron schedules. On by default.
   */
  jobs?: { enabled?: boolean };
  /**
   * The outbound channel sync (docs/channels.md): after every pipeline run that moved the ledger, what each
   * connected channel may sell is pushed to it. On by default (it does nothing without connections).
   */
  channels?: { enabled?: boolean } & Pick<
    PublisherOptions,
    'debounceMs' | 'tickMs' | 'backoff' | 'targets' | 'onSync'
  >;
}

export const DEFAULT_LIMITS: ApiLimits = {
  maxBodyBytes: 16 * 1024 * 1024,
  maxEventsPerRequest: 10_000,
  maxPageSize: 10_000,
};

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 100, burst: 200 };

export const DEFAULT_SQL_LIMITS: SandboxLimits = { timeoutMs: 10_000, maxRows: 100_000, maxWaiting: 8 };

export interface RunningServer {
  url: string;
  port: number;
  context: ApiContext;
  /** Every /api/v1 operation: method, express path and the permission it needs. */
  routes: { method: string; path: string; permission: string }[];
  /** The scheduled jobs (null when started without them). */
  jobs: Scheduler | null;
  /** Graceful stop: refuse new requests, finish those in flight, land what is queued, close DuckDB. */
  close(): Promise<void>;
}

/**
 * Starts the API server: the process that owns the warehouse. It opens the
 * DuckDB file read-write with external access switched off (the server needs
 * none: file ingest and exports run in other processes or private
 * instances), opens its reader and sandbox connections, then locks DuckDB's
 * configuration for the rest of its life.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger();
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const sqlLimits: SandboxLimits = { ...DEFAULT_SQL_LIMITS, ...options.sql };
  const warehouse = await Warehouse.open(options.dbPath, { settings: { ...SANDBOX_SETTINGS } });
  let context: ApiContext;
  let operations: AllocationScheduler | undefined;
  let scheduler: Scheduler | undefined;
  let channels: ChannelPublisher | undefined;
  try {
    const keys = new KeyRing();
    keys.replace(await listKeys(warehouse, false));
    const readerConnections = await Promise.all(
      Array.from({ length: options.readers ?? 4 }, () => warehouse.connect()),
    );
    const sandboxConnections = await Promise.all(
      Array.from({ length: options.sql?.connections ?? 2 }, async () => {
        const connection = await warehouse.connect();
        await configureSandboxConnection(connection);
        return connection;
      }),
    );
    // Replenishment's read models as views (analyst SQL, dashboards), before the catalog is only read.
    // A warehouse without the ledger's models (an old or partial one) just goes without them.
    await ensureReplenishmentViews(warehouse).catch((error: unknown) =>
      logger.warn({ err: error }, 'replenishment read-model views not created'),
    );
    // From here on no connection of this instance can change a setting (the sandbox relies on it).
    await warehouse.run('SET lock_configuration = true');
    const metrics = new Metrics();
    const writer = new SerialWriter();
    const exclusive = <T>(work: () => Promise<T>) => writer.exclusive(work);
    const ingest = new HttpIngestQueue(warehouse, {
      stageWorkers: defaultPoolSize(),
      ...options.ingest,
      exclusive,
      onBatch(outcome, _requests, seconds) {
        metrics.eventsIngested.inc({ outcome: 'accepted' }, outcome.accepted);
        metrics.eventsIngested.inc({ outcome: 'duplicate' }, outcome.duplicates);
        metrics.eventsIngested.inc({ outcome: 'rejected' }, outcome.rejected);
        if (outcome.rejected > 0) metrics.rejects.inc({ source: 'http' }, outcome.rejected);
        metrics.ingestBatches.observe({}, seconds);
        if (outcome.accepted > 0) operations?.notify();
      },
    });
    if (options.channels?.enabled ?? true) {
      const { enabled: _enabled, ...publisher } = options.channels ?? {};
      channels = new ChannelPublisher(warehouse, { exclusive, logger, ...publisher });
    }
    if (options.operations?.enabled ?? true) {
      operations = createOperationsScheduler(warehouse, {
        exclusive,
        debounceMs: options.operations?.debounceMs ?? 250,
        maxWaitMs: options.operations?.maxWaitMs ?? 2_000,
        pipeline: {
          allocate: options.operations?.allocate ?? true,
          trigger: 'server',
          maxLedgerEvents: options.operations?.maxLedgerEvents ?? 20_000,
        },
        onReport(report) {
          // The ledger moved: channels may have something new to sell (or less).
          if (report.ledger || report.allocation) channels?.notify();
          if (report.ledger || report.allocation) {
            logger.info(
              {
                seconds: Number(report.seconds.toFixed(3)),
                ledgerEvents: report.ledger?.events ?? 0,
                allocated: report.allocation?.landing?.accepted ?? 0,
              },
              'operations pipeline ran',
            );
          }
        },
        onError(error) {
          logger.error({ err: error }, 'operations pipeline failed (will retry after the next batch)');
        },
      });
    }
    context = {
      warehouse,
      readers: new ReaderPool(readerConnections),
      ingest,
      sandbox: new AnalystSandbox(sandboxConnections, sqlLimits),
      keys,
      metrics,
      logger,
      limits,
      exclusive,
      operations: operations ?? null,
      channels: channels ?? null,
      draining: false,
    };
    if (options.jobs?.enabled ?? true) {
      const { jobs, context: jobsContext } = serverJobs({
        warehouse,
        exclusive,
        metrics,
        extra: [
          {
            id: 'dashboards-build',
            schedule: '45 * * * *',
            timeout: 30 * 60_000,
            preventOverlap: true,
            description: 'rebuild the dashboards from the read models (also POST /dashboards/rebuild)',
            run: () => rebuildSite(context),
          },
        ],
      });
      const hooks = persistentHooks(jobsContext);
      scheduler = createScheduler(jobs, {
        ...hooks,
        onRun: async (run) => {
          await hooks.onRun?.(run);
          if (run.status === 'failed' || run.status === 'timed_out')
            logger.error({ job: run.job_id, status: run.status, error: run.error }, 'scheduled job failed');
        },
      });
    }
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  const ctx = context;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const renderMetrics = ctx.metrics.render.bind(ctx.metrics);
  ctx.metrics.render = () => {
    ctx.metrics.eventLoopDelay.set({}, loopDelay.percentile(99) / 1e9);
    return renderMetrics();
  };

  // The first requests should not queue behind the staging workers' start-up (seconds on a busy machine).
  if (!(await ctx.ingest.ready(120_000)))
    logger.warn('no staging worker has started yet; ingest answers 503 until one does');
  const { app, api } = createApp(ctx, {
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...options.rateLimit },
    sqlMaxRows: sqlLimits.maxRows,
    ...(options.authThrottle ? { authThrottle: options.authThrottle } : {}),
    ...(options.channelWebhooks ? { channelWebhooks: options.channelWebhooks } : {}),
  });
  let inFlight = 0;
  let settled: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0) settled?.();
    });
    app(req, res);
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await ctx.ingest.drain();
    await operations?.stop();
    ctx.readers.close();
    await ctx.sandbox.close();
    loopDelay.disable();
    await warehouse.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new UserError(`Cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 8080}: ${code}`);
    }
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, db: options.dbPath, keys: ctx.keys.size }, 'listening');
  // Catch up with events landed while no server ran (a file ingest, a crash before the pipeline ran).
  if (operations && (await ledgerLag(warehouse)).pendingEvents > 0) operations.notify();
  scheduler?.start();
  channels?.start();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      logger.info({ inFlight }, 'shutting down: draining requests');
      ctx.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timeout = options.shutdownTimeoutMs ?? 10_000;
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => {
            settled = resolve;
          }),
          new Promise<void>((resolve) => setTimeout(resolve, timeout).unref()),
        ]);
      }
      server.closeAllConnections();
      await closed;
      await ctx.ingest.drain();
      // Runs in flight finish (jobs are aborted after a grace period); what is pending is caught up later.
      await scheduler?.stop();
      await operations?.stop();
      await channels?.stop();
      await ctx.exclusive(async () => {});
      ctx.readers.close();
      await ctx.sandbox.close();
      loopDelay.disable();
      await warehouse.close();
      logger.info('stopped: warehouse checkpointed and closed');
    })();
    return closing;
  };
  const routes = api.specs.map((spec) => ({
    method: spec.method,
    path: `/api/v1${spec.path}`,
    permission: spec.permission,
  }));
  return { url, port: address.port, context: ctx, routes, jobs: scheduler ?? null, close };
}
