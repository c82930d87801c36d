/**
 * Micro-batches for the server: new orders call `notify()`; a run starts once no order has arrived for
 * `debounceMs`, or `maxWaitMs` after the first waiting notification, whichever comes first. One run at a
 * time; notifications during a run schedule the next one. The server passes a `run` that goes through its
 * write mutex, e.g. `() => writer.exclusive(() => runAllocation(warehouse, { trigger: 'server' }))`.
 */
export interface SchedulerTimers {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  now: () => number;
}

export interface SchedulerOptions {
  /** Quiet time before a run. Default 200 ms. */
  debounceMs?: number;
  /** Longest wait after the first notification. Default 2,000 ms. */
  maxWaitMs?: number;
  /** Called with a run's error (the scheduler keeps going). */
  onError?: (error: unknown) => void;
  /**
   * Pause after a run that took `runMs` before the next may start (a duty cycle: under sustained load the
   * runs take at most runMs / (runMs + pause) of the time). Default none. `stop()` cuts a pause short.
   */
  cooldownMs?: (runMs: number) => number;
  timers?: SchedulerTimers;
}

const SYSTEM_TIMERS: SchedulerTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export class AllocationScheduler {
  private timer: unknown = null;
  private firstWaiting: number | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private cooling: { handle: unknown; wake: () => void } | null = null;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly timers: SchedulerTimers;
  /** Runs started so far. */
  runs = 0;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly options: SchedulerOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 200;
    this.maxWaitMs = options.maxWaitMs ?? 2_000;
    this.timers = options.timers ?? SYSTEM_TIMERS;
  }

  /** New orders (or stock, or a released hold) arrived: allocate soon. */
  notify(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const now = this.timers.now();
    this.firstWaiting ??= now;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.debounceMs, this.firstWaiting + this.maxWaitMs - now));
    this.timer = this.timers.setTimeout(() => {
      void this.start();
    }, wait);
  }

  /** Runs now if anything is waiting, and resolves when no run is in flight. */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      await this.start();
    }
    while (this.running) await this.running;
  }

  /** No new runs; waits for the one in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (this.cooling) {
      this.timers.clearTimeout(this.cooling.handle);
      this.cooling.wake();
    }
    while (this.running) await this.running;
  }

  private start(): Promise<void> {
    this.timer = null;
    this.firstWaiting = null;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.runs++;
    const started = this.timers.now();
    let run = this.run().then(
      () => {},
      (error: unknown) => this.options.onError?.(error),
    );
    if (this.options.cooldownMs) run = run.then(() => this.coolDown(this.timers.now() - started));
    this.running = run.finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.notify();
      }
    });
    return this.running;
  }

  /** The pause after a run (part of the run as far as scheduling goes, so the next waits for it). */
  private coolDown(runMs: number): Promise<void> | undefined {
    const pause = this.options.cooldownMs?.(runMs) ?? 0;
    if (pause <= 0 || this.stopped) return undefined;
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.cooling = null;
        resolve();
      };
      this.cooling = { handle: this.timers.setTimeout(wake, pause), wake };
    });
  }
}
