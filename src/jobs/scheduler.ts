import { randomUUID } from 'node:crypto';
import cron from 'node-cron';

/** What a run gets: the time it started and a signal raised when it times out or the scheduler stops. */
export interface JobContext {
  startedAt: Date;
  signal: AbortSignal;
}

/** A scheduled job as data (ARCHITECTURE.md: `{id, schedule, timeout, preventOverlap, run}`). */
export interface Job {
  id: string;
  /** node-cron expression (5 or 6 fields), evaluated in UTC */
  schedule: string;
  /** milliseconds before the run is declared timed out (its signal is aborted) */
  timeout: number;
  /** skip a tick while the previous run is still going (a timed-out run counts until it settles) */
  preventOverlap: boolean;
  description?: string;
  run: (context: JobContext) => Promise<unknown>;
}

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'skipped_overlap';

export interface JobRun {
  run_id: string;
  job_id: string;
  started_at: string;
  finished_at: string | null;
  status: JobStatus;
  duration_ms: number | null;
  error: string | null;
}

/** The edges a test replaces: the clock, timers and the cron trigger. */
export interface SchedulerDeps {
  now?: () => Date;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** Registers `fire` for `expression`; returns a stop function. Default: node-cron in UTC. */
  cron?: (expression: string, fire: () => void) => () => void;
  /** Every finished (or skipped) run: persist it, export metrics. Errors here are swallowed. */
  onRun?: (run: JobRun) => void | Promise<void>;
  /** A failed or timed-out run: alert admins. Errors here are swallowed. */
  onFailure?: (job: Job, run: JobRun) => void | Promise<void>;
  /** How long `stop` waits for aborted runs to settle (default 10 s). */
  stopGraceMs?: number;
  /** Runs kept in memory per job. */
  historySize?: number;
}

export interface Scheduler {
  readonly jobs: readonly Job[];
  start(): void;
  /** Stops the triggers and aborts runs in flight (awaited up to `stopGraceMs`). */
  stop(): Promise<void>;
  /** Runs a job now, as a tick would (overlap and timeout rules apply). */
  trigger(id: string): Promise<JobRun>;
  history(id?: string): JobRun[];
  /** Whether a job has a run in flight. */
  running(id: string): boolean;
}

const defaultCron = (expression: string, fire: () => void): (() => void) => {
  const task = cron.schedule(expression, fire, { timezone: 'Etc/UTC' });
  return () => {
    void task.stop();
  };
};

/**
 * The job runner inside `retailos serve`: each job fires on its cron schedule; a run that is still
 * going makes the next tick a recorded skip (preventOverlap); a run past its timeout is recorded as
 * timed out and its signal aborted; a failing job is recorded, reported to `onFailure`, and never
 * stops the others.
 */
export function createScheduler(jobs: readonly Job[], deps: SchedulerDeps = {}): Scheduler {
  const ids = new Set<string>();
  for (const job of jobs) {
    if (ids.has(job.id)) throw new Error(`duplicate job id: ${job.id}`);
    ids.add(job.id);
    if (!cron.validate(job.schedule))
      throw new Error(`job ${job.id}: invalid cron expression "${job.schedule}"`);
    if (!(job.timeout > 0))
      throw new Error(`job ${job.id}: timeout must be a positive number of milliseconds`);
  }
  const now = deps.now ?? (() => new Date());
  const setTimer = deps.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimeout ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const historySize = deps.historySize ?? 50;
  const inFlight = new Map<string, { promise: Promise<unknown>; abort: AbortController }>();
  const histories = new Map<string, JobRun[]>(jobs.map((j) => [j.id, []]));
  let stops: (() => void)[] = [];

  const record = async (run: JobRun, job: Job): Promise<JobRun> => {
    const list = histories.get(run.job_id)!;
    list.push(run);
    if (list.length > historySize) list.splice(0, list.length - historySize);
    await Promise.resolve(deps.onRun?.(run)).catch(() => {});
    if (run.status === 'failed' || run.status === 'timed_out') {
      await Promise.resolve(deps.onFailure?.(job, run)).catch(() => {});
    }
    return run;
  };

  const execute = async (job: Job): Promise<JobRun> => {
    const started = now();
    const base = { run_id: `run-${randomUUID()}`, job_id: job.id, started_at: started.toISOString() };
    if (job.preventOverlap && inFlight.has(job.id)) {
      return record(
        {
          ...base,
          finished_at: started.toISOString(),
          status: 'skipped_overlap',
          duration_ms: 0,
          error: null,
        },
        job,
      );
    }
    const abort = new AbortController();
    const promise = Promise.resolve().then(() => job.run({ startedAt: started, signal: abort.signal }));
    const entry = { promise, abort };
    inFlight.set(job.id, entry);
    // The run leaves the in-flight set when it settles, even after a timeout.
    promise.then(
      () => inFlight.get(job.id) === entry && inFlight.delete(job.id),
      () => inFlight.get(job.id) === entry && inFlight.delete(job.id),
    );
    let timer: unknown;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimer(() => resolve('timeout'), job.timeout);
    });
    let status: JobStatus;
    let error: string | null = null;
    try {
      const outcome = await Promise.race([promise.then(() => 'done' as const), timedOut]);
      if (outcome === 'timeout') {
        status = 'timed_out';
        error = `timed out after ${job.timeout} ms`;
        abort.abort(new Error(error));
      } else {
        status = 'succeeded';
      }
    } catch (e) {
      status = 'failed';
      error = e instanceof Error ? e.message : String(e);
    } finally {
      clearTimer(timer);
    }
    const finished = now();
    return record(
      {
        ...base,
        finished_at: finished.toISOString(),
        status,
        duration_ms: finished.getTime() - started.getTime(),
        error,
      },
      job,
    );
  };

  const byId = new Map(jobs.map((j) => [j.id, j]));
  return {
    jobs,
    start() {
      if (stops.length > 0) return;
      const register = deps.cron ?? defaultCron;
      stops = jobs.map((job) => register(job.schedule, () => void execute(job)));
    },
    async stop() {
      for (const stop of stops) stop();
      stops = [];
      for (const { abort } of inFlight.values()) abort.abort(new Error('scheduler stopped'));
      // Runs in flight get a grace period to notice the abort; a run that ignores it is left behind.
      let timer: unknown;
      const grace = new Promise<void>((resolve) => {
        timer = setTimer(resolve, deps.stopGraceMs ?? 10_000);
      });
      await Promise.race([Promise.allSettled([...inFlight.values()].map((f) => f.promise)), grace]);
      clearTimer(timer);
    },
    trigger(id) {
      const job = byId.get(id);
      if (!job) return Promise.reject(new Error(`no job ${id}`));
      return execute(job);
    },
    history(id) {
      if (id) return [...(histories.get(id) ?? [])];
      return [...histories.values()].flat().sort((a, b) => a.started_at.localeCompare(b.started_at));
    },
    running: (id) => inFlight.has(id),
  };
}
