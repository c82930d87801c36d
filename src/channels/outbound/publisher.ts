/**
 * The server's outbound worker: after every operations-pipeline run that moved the ledger (`notify()`), each
 * enabled channel is synced (sync.ts) within a debounce of a few hundred milliseconds, the channels in
 * parallel and each one alone (a channel's next run waits for its current one, then runs again if more
 * changed meanwhile). A channel backing off (throttled, 429, down) is retried when its backoff ends; a
 * periodic tick catches connections added meanwhile, retries and drift checks (each channel's
 * `drift_check_minutes`). Everything it knows is in the warehouse: a restart resumes where it stopped.
 */
import type { Warehouse } from '../../warehouse/warehouse.ts';
import { type ChannelConnection, loadEnabledConnections } from '../connections.ts';
import { checkDrift, type DriftReport, fixDrift } from '../drift.ts';
import { type BackoffPolicy, direct, type Exclusive, type SyncReport, syncChannel } from './sync.ts';
import type { ChannelTarget } from './target.ts';
import { type TargetOptions, targetFor } from './targets.ts';

export interface PublisherLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface PublisherOptions {
  exclusive?: Exclusive;
  logger?: PublisherLogger;
  /** Wait this long after a notify for more (coalesces the runs of one ingest burst). Default 100 ms. */
  debounceMs?: number;
  /** The safety-net tick. Default 30 s. */
  tickMs?: number;
  backoff?: BackoffPolicy;
  targets?: TargetOptions;
  /** Called after each channel run (metrics, tests, the benchmark). */
  onSync?: (report: SyncReport) => void;
}

interface ChannelWorker {
  running: Promise<void> | null;
  again: boolean;
  retryTimer: NodeJS.Timeout | null;
  target: ChannelTarget | null;
  /** The connection the target was built for (rebuilt when it changes). */
  key: string;
}

export class ChannelPublisher {
  private readonly workers = new Map<string, ChannelWorker>();
  private debounce: NodeJS.Timeout | null = null;
  private tick: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly exclusive: Exclusive;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly options: PublisherOptions = {},
  ) {
    this.exclusive = options.exclusive ?? direct;
  }

  start(): void {
    this.tick = setInterval(() => this.notify(), this.options.tickMs ?? 30_000);
    this.tick.unref();
    this.notify();
  }

  /** Something may have changed what channels should show: sync them soon. */
  notify(): void {
    if (this.stopped || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.runAll();
    }, this.options.debounceMs ?? 100);
    this.debounce.unref?.();
  }

  /** Syncs every enabled channel now (or after its run in flight) and waits. */
  async flush(): Promise<SyncReport[]> {
    const connections = await this.connections();
    const reports: SyncReport[] = [];
    await Promise.all(connections.map((c) => this.runChannel(c, (r) => reports.push(r))));
    return reports;
  }

  /** One channel, on demand (API and CLI): a forced sync, optionally fixing drift first. */
  async syncNow(
    channelId: string,
    options: { fixDrift?: boolean; retryRejected?: boolean } = {},
  ): Promise<{ sync: SyncReport; drift: DriftReport | null } | null> {
    const connection = (await this.connections()).find((c) => c.channelId === channelId);
    if (!connection) return null;
    const worker = this.worker(connection);
    let result: { sync: SyncReport; drift: DriftReport | null } | null = null;
    await this.serial(worker, async () => {
      const target = this.targetOf(worker, connection);
      if (options.fixDrift) {
        const fixed = await fixDrift(this.warehouse, connection, target, { exclusive: this.exclusive });
        result = fixed;
      } else {
        const sync = await syncChannel(this.warehouse, connection, target, {
          exclusive: this.exclusive,
          force: true,
          retryRejected: options.retryRejected,
          backoff: this.options.backoff,
        });
        result = { sync, drift: null };
      }
      this.options.onSync?.(result.sync);
    });
    return result;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.debounce) clearTimeout(this.debounce);
    if (this.tick) clearInterval(this.tick);
    for (const worker of this.workers.values()) {
      if (worker.retryTimer) clearTimeout(worker.retryTimer);
      await worker.running?.catch(() => {});
    }
  }

  private async connections(): Promise<ChannelConnection[]> {
    return this.exclusive(() => loadEnabledConnections(this.warehouse));
  }

  private async runAll(): Promise<void> {
    if (this.stopped) return;
    let connections: ChannelConnection[];
    try {
      connections = await this.connections();
    } catch (error) {
      this.options.logger?.error({ err: error }, 'channel sync: connections could not be read');
      return;
    }
    for (const connection of connections) void this.runChannel(connection);
  }

  private worker(connection: ChannelConnection): ChannelWorker {
    let worker = this.workers.get(connection.channelId);
    if (!worker) {
      worker = { running: null, again: false, retryTimer: null, target: null, key: '' };
      this.workers.set(connection.channelId, worker);
    }
    return worker;
  }

  private targetOf(worker: ChannelWorker, connection: ChannelConnection): ChannelTarget {
    const key = JSON.stringify([connection.platform, connection.settings, connection.secrets]);
    if (!worker.target || worker.key !== key) {
      worker.target = targetFor(connection, this.options.targets);
      worker.key = key;
    }
    return worker.target;
  }

  /** Runs `work` after the channel's run in flight (one at a time per channel). */
  private async serial(worker: ChannelWorker, work: () => Promise<void>): Promise<void> {
    while (worker.running) await worker.running.catch(() => {});
    worker.running = work().finally(() => {
      worker.running = null;
    });
    await worker.running;
  }

  private async runChannel(
    connection: ChannelConnection,
    collect?: (report: SyncReport) => void,
  ): Promise<void> {
    const worker = this.worker(connection);
    if (worker.running && !collect) {
      worker.again = true; // runs once more when the current run ends
      return;
    }
    await this.serial(worker, async () => {
      do {
        worker.again = false;
        if (this.stopped) return;
        const report = await this.syncOnce(worker, connection);
        if (report) {
          collect?.(report);
          if (report.remaining > 0 && !report.error && !report.skipped) worker.again = true;
        }
      } while (worker.again && !this.stopped);
    });
  }

  private async syncOnce(worker: ChannelWorker, connection: ChannelConnection): Promise<SyncReport | null> {
    try {
      const target = this.targetOf(worker, connection);
      const report = await syncChannel(this.warehouse, connection, target, {
        exclusive: this.exclusive,
        backoff: this.options.backoff,
      });
      this.options.onSync?.(report);
      if (report.error) {
        this.options.logger?.warn(
          { channel: connection.channelId, error: report.error, next: report.nextAttemptAt },
          'channel sync failed; retrying after backoff',
        );
      } else if (report.published + report.rejected > 0) {
        this.options.logger?.info(
          { channel: connection.channelId, published: report.published, rejected: report.rejected },
          'channel sync published',
        );
      }
      if (report.nextAttemptAt) this.retryAt(worker, report.nextAttemptAt);
      await this.driftIfDue(connection, target);
      return report;
    } catch (error) {
      this.options.logger?.error({ err: error, channel: connection.channelId }, 'channel sync crashed');
      return null;
    }
  }

  private retryAt(worker: ChannelWorker, at: Date): void {
    if (worker.retryTimer) clearTimeout(worker.retryTimer);
    worker.retryTimer = setTimeout(
      () => {
        worker.retryTimer = null;
        this.notify();
      },
      Math.max(0, at.getTime() - Date.now()) + 10,
    );
    worker.retryTimer.unref?.();
  }

  private async driftIfDue(connection: ChannelConnection, target: ChannelTarget): Promise<void> {
    const minutes = connection.settings.drift_check_minutes;
    if (!target.readBack || minutes === 0) return;
    const last = await this.exclusive(() =>
      this.warehouse.one<{ at: Date | null; failing: number | null }>(
        'SELECT last_drift_check_at AS at, consecutive_failures AS failing FROM channel_sync_status WHERE channel_id = $id',
        { id: connection.channelId },
      ),
    );
    if ((last?.failing ?? 0) > 0) return;
    if (last?.at && Date.now() - last.at.getTime() < minutes * 60_000) return;
    try {
      const report = await checkDrift(this.warehouse, connection, target, { exclusive: this.exclusive });
      if (report.opened > 0)
        this.options.logger?.warn(
          { channel: connection.channelId, opened: report.opened, drifting: report.drifting },
          'channel drift: the channel shows other quantities than we published',
        );
    } catch (error) {
      this.options.logger?.warn({ err: error, channel: connection.channelId }, 'channel drift check failed');
    }
  }
}
