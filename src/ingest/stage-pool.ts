import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BodyProblem, StagedBody } from './body-staging.ts';
import type { StagedChunk } from './staging.ts';

const BOOT = new URL('./stage-worker-boot.js', import.meta.url);

/** Work for a staging worker: JSON Lines of a file (CLI ingest) or one HTTP request body. */
export type StageTask =
  | { kind: 'lines'; lines: Float64Array; raws: string[] }
  | { kind: 'body'; text: string; maxEvents: number };

export type StageResult<T extends StageTask> = T extends { kind: 'lines' }
  ? StagedChunk
  : StagedBody | BodyProblem;

/** No worker could take the task in time, the queue is full, or the pool is closing: retry later (503). */
export class StageUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageUnavailableError';
  }
}

/** The task itself failed: it threw in the worker, or its worker died under it on every attempt (5xx). */
export class StageFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageFailedError';
  }
}

export interface StagePoolOptions {
  /** Worker threads (default: one per core beyond the main thread, 1..4). */
  size?: number;
  /** Longest a task waits for a free healthy worker before `StageUnavailableError`. Default 10 s. */
  maxWaitMs?: number;
  /** Longest one task may run; beyond it its worker is stopped and replaced, the task refused. Default 60 s. */
  taskTimeoutMs?: number;
  /** Most tasks waiting for a worker; beyond it `stage` refuses at once. Default 64. */
  maxQueued?: number;
  /** Heap of each worker, in MB: a task that needs more ends only its own worker. Default 1024. */
  maxHeapMb?: number;
  /** Runs of a task whose worker dies under it (the first run + retries). Default 2. */
  attempts?: number;
  /**
   * Tasks handed to one worker at a time (default 2): the next one waits inside the worker, so the worker
   * never idles while the main thread is busy. Only the one running when a worker dies is charged with it.
   */
  perWorker?: number;
}

/** What `/health` shows of the pool. */
export interface StagePoolHealth {
  size: number;
  /** Workers loaded, alive and in rotation. */
  healthy: number;
  busy: number;
  queued: number;
  /** Workers replaced since start (died, or stopped after a timeout). */
  restarts: number;
  /** The last reason a worker was replaced. */
  lastFailure: string | null;
  saturated: boolean;
}

interface Job {
  task: StageTask;
  /** Line numbers are transferred to the worker: this copy survives a retry. */
  lines?: Float64Array;
  /** Workers that died while running it. */
  deaths: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  waitTimer?: NodeJS.Timeout | undefined;
}

interface Slot {
  worker: Worker;
  /** Handed to the worker, in order: the first is running, the rest wait inside the worker. */
  jobs: Job[];
  /** Times the running (first) job. */
  taskTimer: NodeJS.Timeout | undefined;
  /** Set when the worker has loaded and listens (a worker that dies while loading never was healthy). */
  ready: boolean;
  /** Set once the worker is out of rotation (it died, was stopped, or the pool closed). */
  gone: boolean;
}

/**
 * Worker threads that validate input off the main thread: JSON Lines for CLI ingest, request bodies for
 * HTTP ingest. A worker runs its tasks in order, so a failure is pinned on the task that was running.
 * A worker that dies (an uncaught error, out of memory) or overruns the task timeout is taken out of
 * rotation at once and replaced; the task that was running is retried on another worker, up to
 * `attempts` runs, then refused with `StageFailedError`; tasks waiting behind it go back to the queue's
 * front, uncharged. Nothing is ever left pending: a task waits for a worker at most `maxWaitMs`, runs at
 * most `taskTimeoutMs`, and the queue is bounded.
 */
export class StagePool {
  readonly size: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private readonly maxWaitMs: number;
  private readonly taskTimeoutMs: number;
  private readonly maxQueued: number;
  private readonly maxHeapMb: number;
  private readonly attempts: number;
  private readonly perWorker: number;
  private restarts = 0;
  private lastFailure: string | null = null;
  /** Workers in a row that died before they had loaded: backs respawning off (a broken install). */
  private failuresInARow = 0;
  private respawnTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private idle: (() => void) | undefined;
  private loaded: ((ok: boolean) => void)[] = [];

  constructor(options: StagePoolOptions | number = {}) {
    const settings = typeof options === 'number' ? { size: options } : options;
    this.size = Math.max(1, settings.size ?? defaultPoolSize());
    this.maxWaitMs = settings.maxWaitMs ?? 10_000;
    this.taskTimeoutMs = settings.taskTimeoutMs ?? 60_000;
    this.maxQueued = settings.maxQueued ?? 64;
    this.maxHeapMb = settings.maxHeapMb ?? 1024;
    this.attempts = Math.max(1, settings.attempts ?? 2);
    this.perWorker = Math.max(1, settings.perWorker ?? 2);
    for (let index = 0; index < this.size; index++) this.spawn();
  }

  /** Validates `task` in a worker. */
  stage<T extends StageTask>(task: T): Promise<StageResult<T>> {
    if (this.closed) return Promise.reject(new StageUnavailableError('the staging pool is closed'));
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(
        new StageUnavailableError(`${this.queue.length} inputs are already waiting for validation`),
      );
    }
    return new Promise((resolve, reject) => {
      const job: Job = {
        task,
        deaths: 0,
        resolve: resolve as (value: unknown) => void,
        reject,
        ...(task.kind === 'lines' ? { lines: Float64Array.from(task.lines) } : {}),
      };
      this.wait(job);
      this.queue.push(job);
      this.dispatch();
    });
  }

  /**
   * Resolves true once a worker has loaded; false if none has within `timeoutMs`, or once every worker
   * has died twice while loading (a server waits for this before it listens, so its first requests do not
   * queue behind the workers' start-up).
   */
  ready(timeoutMs: number): Promise<boolean> {
    if ([...this.slots].some((slot) => slot.ready && !slot.gone)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.loaded.push((ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
    });
  }

  health(): StagePoolHealth {
    let healthy = 0;
    let busy = 0;
    for (const slot of this.slots) {
      if (slot.gone || !slot.ready) continue;
      healthy++;
      if (slot.jobs.length > 0) busy++;
    }
    return {
      size: this.size,
      healthy,
      busy,
      queued: this.queue.length,
      restarts: this.restarts,
      lastFailure: this.lastFailure,
      saturated: this.queue.length >= this.maxQueued,
    };
  }

  /** Lets the tasks in hand finish (each is bounded), refuses the rest, and stops the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.respawnTimer);
    if ([...this.slots].some((slot) => slot.jobs.length > 0) || this.queue.length > 0) {
      await new Promise<void>((resolve) => {
        this.idle = resolve;
      });
    }
    await Promise.all(
      [...this.slots].map((slot) => {
        slot.gone = true;
        return slot.worker.terminate();
      }),
    );
    this.slots.clear();
  }

  private spawn(): void {
    let worker: Worker;
    try {
      worker = new Worker(BOOT, { resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb } });
    } catch (error) {
      // No thread to be had right now (resources): try again shortly; queued jobs wait at most maxWaitMs.
      this.failuresInARow++;
      this.lastFailure = `${new Date().toISOString()} staging worker not started: ${(error as Error).message}`;
      this.respawnTimer ??= setTimeout(
        () => {
          this.respawnTimer = undefined;
          this.fillUp();
        },
        Math.min(5_000, 50 * 2 ** this.failuresInARow),
      );
      return;
    }
    const slot: Slot = { worker, jobs: [], taskTimer: undefined, ready: false, gone: false };
    this.slots.add(slot);
    worker.unref();
    worker.on('message', (message: { ready?: true; result?: unknown; error?: string }) => {
      if (message.ready) {
        slot.ready = true;
        this.failuresInARow = 0;
        for (const resolve of this.loaded.splice(0)) resolve(true);
        this.dispatch();
      } else {
        this.finish(slot, message);
      }
    });
    worker.on('error', (error) => this.lose(slot, `it failed: ${error.message}`));
    worker.on('exit', (code) => this.lose(slot, `it exited with code ${code}`));
  }

  /** Hands queued jobs to loaded workers with room. */
  private dispatch(): void {
    for (let room = 1; room <= this.perWorker && this.queue.length > 0; room++) {
      for (const slot of this.slots) {
        if (this.queue.length === 0) break;
        // Only loaded workers take jobs: one that dies while loading is never charged to an input.
        if (slot.gone || !slot.ready || slot.jobs.length >= room) continue;
        const job = this.queue.shift()!;
        clearTimeout(job.waitTimer);
        slot.jobs.push(job);
        if (slot.jobs.length === 1) this.startRunning(slot);
        const { task } = job;
        if (task.kind === 'lines') {
          const lines = Float64Array.from(job.lines!);
          slot.worker.postMessage({ kind: 'lines', lines, raws: task.raws }, [lines.buffer as ArrayBuffer]);
        } else {
          slot.worker.postMessage(task);
        }
      }
    }
    this.settleIfIdle();
  }

  /** The slot's first job is running: keep the worker (and the process) alive, and time it. */
  private startRunning(slot: Slot): void {
    slot.worker.ref();
    clearTimeout(slot.taskTimer);
    slot.taskTimer = setTimeout(() => this.overrun(slot), this.taskTimeoutMs);
  }

  private finish(slot: Slot, message: { result?: unknown; error?: string }): void {
    if (slot.gone) return;
    const job = slot.jobs.shift();
    if (!job) return;
    clearTimeout(slot.taskTimer);
    if (slot.jobs.length > 0) this.startRunning(slot);
    else slot.worker.unref();
    if (message.error !== undefined) job.reject(new StageFailedError(`validation failed: ${message.error}`));
    else job.resolve(message.result);
    this.dispatch();
  }

  /**
   * The worker is gone: out of rotation now; the job it was running retried (behind the others) or
   * refused; the jobs waiting behind it back to the queue's front, uncharged; a replacement started.
   */
  private lose(slot: Slot, why: string): void {
    if (slot.gone) return;
    slot.gone = true;
    clearTimeout(slot.taskTimer);
    this.slots.delete(slot);
    void slot.worker.terminate();
    const [running, ...waiting] = slot.jobs.splice(0);
    if (this.closed) {
      for (const job of [running, ...waiting])
        job?.reject(new StageUnavailableError('the staging pool is closed'));
      this.settleIfIdle();
      return;
    }
    this.restarts++;
    this.failuresInARow++;
    this.lastFailure = `${new Date().toISOString()} staging worker replaced: ${why}`;
    for (const job of waiting.reverse()) {
      this.wait(job);
      this.queue.unshift(job);
    }
    if (running) {
      running.deaths++;
      if (running.deaths < this.attempts) {
        // Behind the others: inputs that did nothing wrong go first to the replacement.
        this.wait(running);
        this.queue.push(running);
      } else {
        running.reject(
          new StageFailedError(
            `the validating worker stopped under this input ${running.deaths} time(s) (${why}); nothing of it was stored`,
          ),
        );
      }
    }
    if (this.failuresInARow >= 2 * this.size) for (const resolve of this.loaded.splice(0)) resolve(false);
    // Back off when replacements keep dying before they have loaded (a broken install, not one input).
    const delay = this.failuresInARow <= 2 ? 0 : Math.min(5_000, 50 * 2 ** this.failuresInARow);
    if (delay === 0) this.fillUp();
    else {
      this.respawnTimer ??= setTimeout(() => {
        this.respawnTimer = undefined;
        this.fillUp();
      }, delay);
    }
    this.dispatch();
  }

  private fillUp(): void {
    const missing = this.size - this.slots.size;
    for (let count = 0; count < missing && !this.closed; count++) this.spawn();
  }

  /** The running job overran the task timeout: refused (not retried), its worker stopped and replaced. */
  private overrun(slot: Slot): void {
    const job = slot.jobs.shift();
    if (!job || slot.gone) return;
    job.reject(
      new StageUnavailableError(`validation took longer than ${Math.round(this.taskTimeoutMs / 1000)} s`),
    );
    this.lose(slot, `a task ran longer than ${this.taskTimeoutMs} ms`);
  }

  /** Bounds how long a job waits in the queue. */
  private wait(job: Job): void {
    clearTimeout(job.waitTimer);
    job.waitTimer = setTimeout(() => {
      const at = this.queue.indexOf(job);
      if (at === -1) return;
      this.queue.splice(at, 1);
      job.reject(
        new StageUnavailableError(
          `no validating worker was free within ${Math.round(this.maxWaitMs / 1000)} s (${this.health().healthy} of ${this.size} healthy)`,
        ),
      );
      this.settleIfIdle();
    }, this.maxWaitMs);
  }

  private settleIfIdle(): void {
    if (!this.idle || this.queue.length > 0) return;
    for (const slot of this.slots) if (slot.jobs.length > 0) return;
    const idle = this.idle;
    this.idle = undefined;
    idle();
  }
}

/** One worker per core beyond the main thread (at least one, at most four). */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}
