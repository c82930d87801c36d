import { type ClockJson, clockJson, readBusinessClock } from '../clock/business-clock.ts';
import type { StagePoolHealth } from '../ingest/stage-pool.ts';
import type { ApiContext } from './context.ts';
import { readModel } from './read-models.ts';

/** GET /health: open, cheap, and honest about ingest and the ledger (docs/api.md). */
export interface HealthReport {
  /** ok; degraded (serving, but something below needs a look: see `problems`); unavailable (503). */
  status: 'ok' | 'degraded' | 'unavailable';
  problems: string[];
  ingest: {
    status: 'ok' | 'degraded';
    queued_events: number;
    queued_requests: number;
    capacity_events: number;
    staging: {
      workers: number;
      healthy: number;
      busy: number;
      queued: number;
      restarts: number;
      last_failure: string | null;
    } | null;
  };
  /** Events landed but not applied to the ledger yet, and the age of the oldest; null when unknown. */
  ledger: { last_seq: number; pending_events: number; seconds_behind: number } | null;
  /** The business clock in force and why (docs/ledger.md, "The business clock"); null when unknown. */
  clock: ClockJson | null;
}

/** How long /health waits for a reader before it says reads are slow. */
const READ_TIMEOUT_MS = 2_000;
/** Reports are reused this long: a load balancer polling hard costs one query a second. */
const REUSE_MS = 1_000;

export class HealthCheck {
  private last: { at: number; report: Promise<HealthReport> } | undefined;

  constructor(private readonly ctx: ApiContext) {}

  report(): Promise<HealthReport> {
    const now = performance.now();
    if (this.last && now - this.last.at < REUSE_MS) return this.last.report;
    const report = this.compute();
    this.last = { at: now, report };
    return report;
  }

  private async compute(): Promise<HealthReport> {
    const problems: string[] = [];
    const ingest = this.ingest(problems);
    let status: HealthReport['status'] = 'ok';
    let ledger: HealthReport['ledger'] = null;
    const read = await withTimeout(readModel(this.ctx.readers, 'ledger_lag', {}), READ_TIMEOUT_MS).catch(
      (error: unknown) => error as Error,
    );
    if (read === undefined) {
      problems.push(`reads are slow: the warehouse did not answer within ${READ_TIMEOUT_MS / 1000} s`);
    } else if (read instanceof Error) {
      // A warehouse without the ledger's tables still serves; one that cannot answer at all does not.
      const alive = await withTimeout(
        this.ctx.readers.use(async (connection) => (await connection.all('SELECT 1 AS ok', {})).length === 1),
        READ_TIMEOUT_MS,
      ).catch(() => false);
      if (alive === false) {
        status = 'unavailable';
        problems.push('the warehouse does not answer queries');
      }
    } else {
      const row = read[0];
      if (row) {
        ledger = {
          last_seq: Number(row.last_seq),
          pending_events: Number(row.pending_events),
          seconds_behind: Math.round(Number(row.seconds_behind) * 10) / 10,
        };
      }
    }
    // What every date the server writes is based on (src/clock): which clock is in force, and why.
    const reading =
      status === 'unavailable'
        ? undefined
        : await withTimeout(this.ctx.readers.use(readBusinessClock), READ_TIMEOUT_MS).catch(() => undefined);
    const clock = reading === undefined ? null : clockJson(reading);
    if (status === 'ok' && problems.length > 0) status = 'degraded';
    return { status, problems, ingest, ledger, clock };
  }

  private ingest(problems: string[]): HealthReport['ingest'] {
    const queue = this.ctx.ingest;
    const staging: StagePoolHealth | null = queue.stagingHealth();
    const before = problems.length;
    if (staging && staging.healthy === 0) {
      problems.push(
        `ingest: no staging worker is running (${staging.restarts} replaced; last: ${staging.lastFailure ?? 'n/a'})`,
      );
    }
    if (staging?.saturated) problems.push(`ingest: ${staging.queued} request bodies wait for validation`);
    if (queue.queuedEvents >= queue.capacity * 0.9) {
      problems.push(`ingest: the landing queue is full (${queue.queuedEvents} of ${queue.capacity} events)`);
    }
    return {
      status: problems.length > before ? 'degraded' : 'ok',
      queued_events: queue.queuedEvents,
      queued_requests: queue.queuedRequests,
      capacity_events: queue.capacity,
      staging: staging && {
        workers: staging.size,
        healthy: staging.healthy,
        busy: staging.busy,
        queued: staging.queued,
        restarts: staging.restarts,
        last_failure: staging.lastFailure,
      },
    };
  }
}

/** `work`'s value, or undefined when it takes longer than `ms` (it goes on; its result is dropped). */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
