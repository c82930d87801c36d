import {
  type BatchOutcome,
  EventLander,
  type IssueRecord,
  ROW_ACCEPTED,
  ROW_CONFLICT,
  ROW_DUPLICATE,
} from '../warehouse/landing.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { type BodyProblem, type StagedBody, stageBody, stageInputs } from './body-staging.ts';
import { StagePool, type StagePoolHealth, type StagePoolOptions } from './stage-pool.ts';

export { type BodyProblem, EVENTS_BODY, type StagedBody, stageBody, stageInputs } from './body-staging.ts';

/** What happened to one event of a request. */
export interface EventResult {
  /** 0-based position in the request (a single object is index 0). */
  index: number;
  event_id: string | null;
  status: 'accepted' | 'duplicate' | 'rejected';
  /** Arrival sequence number of an accepted event. */
  seq?: number;
  reason?: 'invalid' | 'unreadable' | 'conflict';
  errors?: IssueRecord[];
}

export interface SubmitOutcome {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: EventResult[];
}

export interface HttpIngestOptions {
  /** Most events landed in one transaction (several requests are coalesced up to this). */
  maxBatchEvents?: number;
  /** Most events waiting to land; beyond it `submit` refuses with `IngestBusyError`. */
  maxQueuedEvents?: number;
  /**
   * Runs `work` exclusively on the warehouse's write connection. Everything that
   * writes through that connection in the process must go through the same function.
   */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Worker threads that parse and validate bodies given as text (`submitText`); 0 = on the calling thread. */
  stageWorkers?: number;
  /** Bounds of the staging pool (waits, task timeout, queue, worker heap). */
  stagePool?: Omit<StagePoolOptions, 'size'>;
  /**
   * Longest a validated request waits in the queue before a writer takes it; beyond it the request is
   * answered busy (503) and dropped from the queue, never landed. Default 30 s.
   */
  maxQueueWaitMs?: number;
  /** Called after each landed micro-batch (metrics). */
  onBatch?: (outcome: BatchOutcome, requests: number, seconds: number) => void;
}

/** The queue is full: the caller should retry later (HTTP 503 + Retry-After). */
export class IngestBusyError extends Error {
  constructor(readonly queuedEvents: number) {
    super(`ingest queue is full (${queuedEvents} events waiting)`);
    this.name = 'IngestBusyError';
  }
}

/** The queue no longer accepts work (the server is shutting down). */
export class IngestClosedError extends Error {
  constructor() {
    super('ingest is shutting down');
    this.name = 'IngestClosedError';
  }
}

/** Thrown by `submitText` for a `BodyProblem`. */
export class BodyError extends Error {
  constructor(readonly body: BodyProblem) {
    super(body.message);
    this.name = 'BodyError';
  }
}

interface Pending extends StagedBody {
  requestId: string;
  timer?: NodeJS.Timeout;
  resolve: (outcome: SubmitOutcome) => void;
  reject: (error: unknown) => void;
}

export const DEFAULT_HTTP_BATCH_EVENTS = 20_000;
export const DEFAULT_MAX_QUEUED_EVENTS = 200_000;

/**
 * Lands events posted over HTTP through one serialized writer. Each request
 * is validated on arrival (the same staging as files), then queued; the
 * writer takes as many queued requests as fit in one bounded micro-batch and
 * lands them in one transaction with `EventLander`, so concurrent requests
 * never interleave on the write connection and share the cost of a commit.
 * Every event gets its own outcome: accepted (with its `seq`), duplicate, or
 * rejected with its errors. Rejects are stored with source kind `http`, the
 * request id as their file and the 1-based position in the request as line.
 */
export class HttpIngestQueue {
  private readonly lander: EventLander;
  private readonly maxBatchEvents: number;
  private readonly maxQueuedEvents: number;
  private readonly exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  private readonly queue: Pending[] = [];
  private queued = 0;
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly pool: StagePool | undefined;
  private readonly maxQueueWaitMs: number;

  constructor(
    warehouse: Warehouse,
    private readonly options: HttpIngestOptions = {},
  ) {
    this.lander = new EventLander(warehouse);
    this.maxBatchEvents = options.maxBatchEvents ?? DEFAULT_HTTP_BATCH_EVENTS;
    this.maxQueuedEvents = options.maxQueuedEvents ?? DEFAULT_MAX_QUEUED_EVENTS;
    this.exclusive = options.exclusive ?? ((work) => work());
    const workers = options.stageWorkers ?? 0;
    this.pool = workers > 0 ? new StagePool({ ...options.stagePool, size: workers }) : undefined;
    this.maxQueueWaitMs = options.maxQueueWaitMs ?? 30_000;
  }

  /** Requests validated and waiting for the writer. */
  get queuedRequests(): number {
    return this.queue.length;
  }

  /** The most events the queue holds before it answers busy. */
  get capacity(): number {
    return this.maxQueuedEvents;
  }

  /** Resolves once a staging worker has loaded (true at once without workers); false after `timeoutMs`. */
  ready(timeoutMs: number): Promise<boolean> {
    return this.pool ? this.pool.ready(timeoutMs) : Promise.resolve(true);
  }

  /** The staging workers' state (null when bodies are validated on the calling thread). */
  stagingHealth(): StagePoolHealth | null {
    return this.pool?.health() ?? null;
  }

  /** Events waiting to land (validated, not yet committed). */
  get queuedEvents(): number {
    return this.queued;
  }

  /** Validates and lands `inputs` (decoded JSON values); resolves once they are committed. */
  submit(requestId: string, inputs: readonly unknown[]): Promise<SubmitOutcome> {
    if (this.closed) return Promise.reject(new IngestClosedError());
    return this.enqueue(requestId, stageInputs(inputs));
  }

  /**
   * Parses, validates and lands a request body given as JSON text (in a staging worker when the queue has
   * them). A body that is not a batch of events rejects with `BodyError`.
   */
  async submitText(
    requestId: string,
    text: string,
    maxEvents: number,
    /**
     * Sees the validated body before anything is queued; throws to refuse the whole request, and may take
     * events out of it (the caller answers for those).
     */
    inspect?: (staged: StagedBody) => void | Promise<void>,
  ): Promise<SubmitOutcome> {
    if (this.closed) throw new IngestClosedError();
    if (this.queued >= this.maxQueuedEvents) throw new IngestBusyError(this.queued);
    const staged = this.pool
      ? await this.pool.stage({ kind: 'body', text, maxEvents })
      : stageBody(text, maxEvents);
    if ('problem' in staged) throw new BodyError(staged);
    await inspect?.(staged);
    return this.enqueue(requestId, staged);
  }

  private enqueue(requestId: string, staged: StagedBody): Promise<SubmitOutcome> {
    if (this.closed) return Promise.reject(new IngestClosedError());
    if (this.queued > 0 && this.queued + staged.total > this.maxQueuedEvents) {
      return Promise.reject(new IngestBusyError(this.queued));
    }
    staged.events.sourceName = requestId;
    for (const reject of staged.rejects) reject.sourceName = requestId;
    return new Promise<SubmitOutcome>((resolve, reject) => {
      const pending: Pending = { ...staged, requestId, resolve, reject };
      // A writer that cannot keep up never leaves a request hanging: past the wait it leaves the queue unlanded.
      pending.timer = setTimeout(() => {
        const at = this.queue.indexOf(pending);
        if (at === -1) return;
        this.queue.splice(at, 1);
        this.queued -= pending.total;
        reject(new IngestBusyError(this.queued));
      }, this.maxQueueWaitMs);
      this.queue.push(pending);
      this.queued += staged.total;
      this.running ??= this.pump().finally(() => {
        this.running = undefined;
      });
    });
  }

  /** Stops accepting requests and waits until everything queued has landed. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
    await this.pool?.close();
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      let batch: Pending[] = [];
      try {
        // The batch is formed once the writer is ours: until then requests stay queued, where their wait
        // is bounded (a writer held by a long refresh never leaves a request hanging).
        await this.exclusive(async () => {
          batch = this.takeBatch();
          if (batch.length === 0) return;
          const started = performance.now();
          const outcome = await this.lander.land(
            { kind: 'http', name: batchName(batch) },
            batch.map((request) => request.events),
            batch.flatMap((request) => request.rejects),
            true,
            { rowOutcomes: true },
          );
          this.options.onBatch?.(outcome, batch.length, (performance.now() - started) / 1000);
          for (const [request, result] of distribute(batch, outcome)) request.resolve(result);
        });
      } catch (error) {
        for (const request of batch) request.reject(error);
      }
    }
  }

  /** The oldest queued requests that fit in one micro-batch (at least one), out of the queue. */
  private takeBatch(): Pending[] {
    if (this.queue.length === 0) return [];
    const batch: Pending[] = [this.queue.shift()!];
    let size = batch[0]!.total;
    while (this.queue.length > 0 && size + this.queue[0]!.total <= this.maxBatchEvents) {
      const next = this.queue.shift()!;
      size += next.total;
      batch.push(next);
    }
    for (const request of batch) clearTimeout(request.timer);
    this.queued -= size;
    return batch;
  }
}

function batchName(batch: readonly Pending[]): string {
  return batch.length === 1 ? batch[0]!.requestId : `${batch[0]!.requestId} +${batch.length - 1} requests`;
}

/** Splits a micro-batch's row outcomes back into per-request results. */
function distribute(batch: readonly Pending[], outcome: BatchOutcome): [Pending, SubmitOutcome][] {
  const rows = outcome.rows ?? new Uint8Array(0);
  let seq = outcome.firstSeq ?? 0;
  let offset = 0;
  // A repeat inside the batch shares the fate of its first occurrence when that one conflicts.
  const seen = new Set<string>();
  const firstConflicts = new Set<string>();
  return batch.map((request) => {
    const results: EventResult[] = new Array(request.total);
    const summary: SubmitOutcome = { accepted: 0, duplicates: 0, rejected: 0, results };
    const { events } = request;
    for (let row = 0; row < events.eventId.length; row++) {
      const index = request.eventIndex[row]!;
      const eventId = events.eventId[row]!;
      const code = rows[offset + row];
      const first = !seen.has(eventId);
      if (first) seen.add(eventId);
      if (code === ROW_ACCEPTED) {
        results[index] = { index, event_id: eventId, status: 'accepted', seq: seq++ };
        summary.accepted++;
      } else if (code === ROW_DUPLICATE && !firstConflicts.has(eventId)) {
        results[index] = { index, event_id: eventId, status: 'duplicate' };
        summary.duplicates++;
      } else {
        if (code === ROW_CONFLICT && first) firstConflicts.add(eventId);
        results[index] = {
          index,
          event_id: eventId,
          status: 'rejected',
          reason: 'conflict',
          errors: [
            {
              path: 'event_id',
              code: 'conflict',
              message: `event_id ${eventId} was already received with a different body`,
            },
          ],
        };
        summary.rejected++;
      }
    }
    offset += events.eventId.length;
    request.rejects.forEach((reject, position) => {
      const index = request.rejectIndex[position]!;
      results[index] = {
        index,
        event_id: reject.eventId ?? null,
        status: 'rejected',
        reason: reject.reason,
        errors: reject.errors,
      };
      summary.rejected++;
    });
    return [request, summary];
  });
}
