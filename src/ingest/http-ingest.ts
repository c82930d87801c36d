import os from 'node:os';
import { Worker } from 'node:worker_threads';
import * as z from 'zod';
import {
  type BatchOutcome,
  type EventColumns,
  EventLander,
  emptyColumns,
  type IssueRecord,
  pushEvent,
  ROW_ACCEPTED,
  ROW_CONFLICT,
  ROW_DUPLICATE,
  type StagedReject,
} from '../warehouse/landing.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { isReject, stageItem } from './stage.ts';

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

/** A request body after validation: landable events (with their request positions) and rejects. */
export interface StagedBody {
  events: EventColumns;
  /** Request index of each row of `events`. */
  eventIndex: number[];
  rejects: StagedReject[];
  /** Request index of each reject. */
  rejectIndex: number[];
  total: number;
}

/** A body that is not a batch of events at all: nothing of it is landed or stored. */
export interface BodyProblem {
  problem: 'malformed_json' | 'invalid_body' | 'too_many';
  message: string;
  errors?: IssueRecord[];
}

/** Thrown by `submitText` for a `BodyProblem`. */
export class BodyError extends Error {
  constructor(readonly body: BodyProblem) {
    super(body.message);
    this.name = 'BodyError';
  }
}

/**
 * The shape of a POST /events body, checked before any event is looked at:
 * one event object, or a non-empty array. Each element is then validated by
 * the event contract on its own, so one bad event never fails the others.
 */
export const EVENTS_BODY = z.union([z.array(z.unknown()).min(1), z.record(z.string(), z.unknown())]);

/** Validates decoded inputs (the same staging as files); rejects keep the input as JSON text. */
export function stageInputs(inputs: readonly unknown[]): StagedBody {
  const events = emptyColumns();
  const eventIndex: number[] = [];
  const rejects: StagedReject[] = [];
  const rejectIndex: number[] = [];
  for (let index = 0; index < inputs.length; index++) {
    const value = inputs[index] === undefined ? null : inputs[index];
    const staged = stageItem({ raw: '', value, line: index + 1 });
    if (isReject(staged)) {
      rejects.push({ ...staged, raw: JSON.stringify(value) });
      rejectIndex.push(index);
    } else {
      pushEvent(events, staged);
      eventIndex.push(index);
    }
  }
  return { events, eventIndex, rejects, rejectIndex, total: inputs.length };
}

/** Parses a request body (JSON text), checks its shape with `EVENTS_BODY`, and stages every event. */
export function stageBody(text: string, maxEvents: number): StagedBody | BodyProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: 'malformed_json', message: `The body is not valid JSON: ${(error as Error).message}` };
  }
  const shape = EVENTS_BODY.safeParse(value);
  if (!shape.success) {
    return {
      problem: 'invalid_body',
      message: 'The body must be one event object or a non-empty array of events.',
      errors: shape.error.issues.map((issue) => ({
        path: ['body', ...issue.path.map(String)].join('.'),
        code: issue.code,
        message: issue.message,
      })),
    };
  }
  const inputs = Array.isArray(value) ? value : [value];
  if (inputs.length > maxEvents) {
    return {
      problem: 'too_many',
      message: `At most ${maxEvents} events per request; this one has ${inputs.length}.`,
    };
  }
  const staged = stageInputs(inputs);
  // Typed arrays cross the thread boundary by transfer, not by copy.
  staged.events.occurredUs = Float64Array.from(staged.events.occurredUs);
  staged.events.line = Float64Array.from(staged.events.line);
  return staged;
}

interface Pending extends StagedBody {
  requestId: string;
  resolve: (outcome: SubmitOutcome) => void;
  reject: (error: unknown) => void;
}

const BOOT = new URL('./http-stage-worker-boot.js', import.meta.url);

/** Worker threads that parse and stage request bodies, so the server's event loop stays free. */
export class HttpStagePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<
    number,
    { resolve: (value: StagedBody | BodyProblem) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;

  constructor(size = Math.max(1, Math.min(4, os.availableParallelism() - 1))) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(BOOT);
      worker.on('message', (message: { id: number; staged: StagedBody | BodyProblem }) => {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        waiting?.resolve(message.staged);
      });
      worker.on('error', (error) => {
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
      });
      worker.unref();
      return worker;
    });
  }

  stage(text: string, maxEvents: number): Promise<StagedBody | BodyProblem> {
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, text, maxEvents });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
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
  private readonly pool: HttpStagePool | undefined;

  constructor(
    warehouse: Warehouse,
    private readonly options: HttpIngestOptions = {},
  ) {
    this.lander = new EventLander(warehouse);
    this.maxBatchEvents = options.maxBatchEvents ?? DEFAULT_HTTP_BATCH_EVENTS;
    this.maxQueuedEvents = options.maxQueuedEvents ?? DEFAULT_MAX_QUEUED_EVENTS;
    this.exclusive = options.exclusive ?? ((work) => work());
    const workers = options.stageWorkers ?? 0;
    this.pool = workers > 0 ? new HttpStagePool(workers) : undefined;
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
    const staged = this.pool ? await this.pool.stage(text, maxEvents) : stageBody(text, maxEvents);
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
      this.queue.push({ ...staged, requestId, resolve, reject });
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
      const batch: Pending[] = [this.queue.shift()!];
      let size = batch[0]!.total;
      while (this.queue.length > 0 && size + this.queue[0]!.total <= this.maxBatchEvents) {
        const next = this.queue.shift()!;
        size += next.total;
        batch.push(next);
      }
      this.queued -= size;
      try {
        const started = performance.now();
        const outcome = await this.exclusive(() =>
          this.lander.land(
            { kind: 'http', name: batchName(batch) },
            batch.map((request) => request.events),
            batch.flatMap((request) => request.rejects),
            true,
            { rowOutcomes: true },
          ),
        );
        this.options.onBatch?.(outcome, batch.length, (performance.now() - started) / 1000);
        for (const [request, result] of distribute(batch, outcome)) request.resolve(result);
      } catch (error) {
        for (const request of batch) request.reject(error);
      }
    }
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
