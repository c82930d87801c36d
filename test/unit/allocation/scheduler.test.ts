import { describe, expect, it } from 'vitest';
import { AllocationScheduler, type SchedulerTimers } from '../../../src/allocation/scheduler.ts';

/** Timers driven by hand: `advance(ms)` fires what is due, in order. */
function manualTimers(): SchedulerTimers & { advance(ms: number): void } {
  let now = 0;
  let next = 1;
  const pending = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = next++;
      pending.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
}

describe('AllocationScheduler (micro-batches)', () => {
  it('debounces a burst of orders into one run, and caps the wait', async () => {
    const timers = manualTimers();
    let runs = 0;
    const scheduler = new AllocationScheduler(async () => void runs++, {
      debounceMs: 100,
      maxWaitMs: 250,
      timers,
    });
    scheduler.notify();
    timers.advance(50);
    scheduler.notify();
    timers.advance(50);
    scheduler.notify();
    timers.advance(99);
    expect(runs).toBe(0);
    timers.advance(1);
    await scheduler.flush();
    expect(runs).toBe(1);
    // A steady stream (every 80 ms) never goes quiet for 100 ms: the run starts 250 ms after the first order.
    for (let i = 0; i < 3; i++) {
      scheduler.notify();
      timers.advance(80);
    }
    expect(scheduler.runs).toBe(1);
    scheduler.notify(); // t = 240: at most 10 ms more
    timers.advance(10);
    expect(scheduler.runs).toBe(2);
    await scheduler.flush();
    expect(runs).toBe(2);
  });

  it('runs one at a time; a notification during a run schedules another', async () => {
    const timers = manualTimers();
    let release: () => void = () => {};
    let runs = 0;
    const scheduler = new AllocationScheduler(
      () =>
        new Promise<void>((resolve) => {
          runs++;
          release = resolve;
        }),
      { debounceMs: 10, timers },
    );
    scheduler.notify();
    timers.advance(10);
    expect(runs).toBe(1);
    scheduler.notify();
    timers.advance(10);
    expect(runs).toBe(1);
    release();
    await Promise.resolve();
    await Promise.resolve();
    timers.advance(10);
    expect(runs).toBe(2);
    release();
    await scheduler.stop();
  });

  it('reports run errors and keeps going', async () => {
    const timers = manualTimers();
    const errors: unknown[] = [];
    let runs = 0;
    const scheduler = new AllocationScheduler(
      async () => {
        runs++;
        if (runs === 1) throw new Error('locked');
      },
      { debounceMs: 5, timers, onError: (error) => errors.push(error) },
    );
    scheduler.notify();
    await scheduler.flush();
    scheduler.notify();
    await scheduler.flush();
    expect(runs).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('pauses after a run for its cool-down, then runs what arrived; stop() cuts the pause short', async () => {
    const timers = manualTimers();
    let runs = 0;
    const pauses: number[] = [];
    const scheduler = new AllocationScheduler(async () => void runs++, {
      debounceMs: 10,
      timers,
      cooldownMs: (runMs) => {
        pauses.push(runMs);
        return 100;
      },
    });
    const settle = async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    scheduler.notify();
    timers.advance(10);
    await settle();
    expect(runs).toBe(1);
    scheduler.notify(); // during the cool-down: waits for it
    timers.advance(50);
    await settle();
    expect(runs).toBe(1);
    timers.advance(50); // the pause ends; the waiting notification is debounced
    await settle();
    timers.advance(10);
    await settle();
    expect(runs).toBe(2);
    // Each run measured (0 ms on these timers) and paused; a stop during the second pause returns at once.
    expect(pauses).toEqual([0, 0]);
    let stopped = false;
    void scheduler.stop().then(() => {
      stopped = true;
    });
    await settle();
    expect(stopped).toBe(true);
  });
});
