import { describe, expect, it } from 'vitest';
import { createScheduler, type Job, type JobRun } from '../../../src/jobs/scheduler.ts';

/** A fake clock with timers: time moves only through `advance`, which fires due timers in order. */
class FakeTime {
  private t = Date.parse('2024-04-01T00:00:00Z');
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  now = (): Date => new Date(this.t);
  setTimeout = (fn: () => void, ms: number): number => {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** A job whose runs finish only when the test says so. */
function controlled(id: string, extra: Partial<Job> = {}) {
  const pending: { resolve: () => void; reject: (e: Error) => void; signal: AbortSignal }[] = [];
  const job: Job = {
    id,
    schedule: '* * * * *',
    timeout: 60_000,
    preventOverlap: true,
    run: ({ signal }) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ resolve, reject, signal });
      }),
    ...extra,
  };
  return { job, pending };
}

function setup(jobs: Job[]) {
  const time = new FakeTime();
  const ticks = new Map<string, () => void>();
  const runs: JobRun[] = [];
  const failures: string[] = [];
  const scheduler = createScheduler(jobs, {
    now: time.now,
    setTimeout: time.setTimeout,
    clearTimeout: time.clearTimeout,
    // the fake cron edge: the test fires ticks by hand
    cron: (expression, fire) => {
      ticks.set(expression, fire);
      return () => ticks.delete(expression);
    },
    onRun: (run) => {
      runs.push(run);
    },
    onFailure: (job, run) => {
      failures.push(`${job.id}:${run.status}`);
    },
  });
  return { time, ticks, runs, failures, scheduler };
}

describe('scheduler', () => {
  it('prevents overlap: a tick while a run is in flight is recorded as skipped', async () => {
    const a = controlled('a');
    const { scheduler, runs, time } = setup([a.job]);
    const first = scheduler.trigger('a');
    await flush();
    expect(scheduler.running('a')).toBe(true);
    const second = await scheduler.trigger('a');
    expect(second.status).toBe('skipped_overlap');
    expect(a.pending).toHaveLength(1);
    await time.advance(5_000);
    a.pending[0]!.resolve();
    const done = await first;
    expect(done).toMatchObject({ status: 'succeeded', duration_ms: 5_000 });
    expect(scheduler.running('a')).toBe(false);
    // a later tick runs again
    void scheduler.trigger('a');
    await flush();
    expect(a.pending).toHaveLength(2);
    expect(runs.map((r) => r.status)).toEqual(['skipped_overlap', 'succeeded']);
  });

  it('without preventOverlap, runs may overlap', async () => {
    const b = controlled('b', { preventOverlap: false });
    const { scheduler } = setup([b.job]);
    void scheduler.trigger('b');
    void scheduler.trigger('b');
    await flush();
    expect(b.pending).toHaveLength(2);
  });

  it('times out a run: status timed_out, its signal aborted, admins told; it blocks overlap until it settles', async () => {
    const c = controlled('c', { timeout: 30_000 });
    const { scheduler, time, failures } = setup([c.job]);
    const run = scheduler.trigger('c');
    await flush();
    await time.advance(29_999);
    expect(c.pending[0]!.signal.aborted).toBe(false);
    await time.advance(1);
    expect(await run).toMatchObject({ status: 'timed_out', duration_ms: 30_000 });
    expect(c.pending[0]!.signal.aborted).toBe(true);
    expect(failures).toEqual(['c:timed_out']);
    expect((await scheduler.trigger('c')).status).toBe('skipped_overlap');
    c.pending[0]!.resolve();
    await flush();
    void scheduler.trigger('c');
    await flush();
    expect(c.pending).toHaveLength(2);
  });

  it('a failing job is recorded and reported; the others keep running on their ticks', async () => {
    const bad: Job = {
      id: 'bad',
      schedule: '*/5 * * * *',
      timeout: 1_000,
      preventOverlap: true,
      run: async () => {
        throw new Error('boom');
      },
    };
    let good = 0;
    const ok: Job = {
      id: 'ok',
      schedule: '0 * * * *',
      timeout: 1_000,
      preventOverlap: true,
      run: async () => void good++,
    };
    const { scheduler, ticks, failures } = setup([bad, ok]);
    scheduler.start();
    ticks.get('*/5 * * * *')!();
    ticks.get('0 * * * *')!();
    await flush();
    expect(failures).toEqual(['bad:failed']);
    expect(good).toBe(1);
    expect(scheduler.history('bad')[0]).toMatchObject({ status: 'failed', error: 'boom' });
    await scheduler.stop();
    expect(ticks.size).toBe(0);
  });

  it('rejects invalid jobs up front', () => {
    const base = { id: 'x', timeout: 1, preventOverlap: true, run: async () => {} };
    expect(() => createScheduler([{ ...base, schedule: 'every minute' }])).toThrow(/invalid cron/);
    expect(() =>
      createScheduler([
        { ...base, schedule: '* * * * *' },
        { ...base, schedule: '* * * * *' },
      ]),
    ).toThrow(/duplicate/);
  });
});
