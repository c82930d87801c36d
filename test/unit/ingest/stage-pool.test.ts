/**
 * The staging pool with real worker threads: failures are provoked for real (a worker heap too small for
 * the input, a task timeout shorter than the work), never simulated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StageFailedError, StagePool, StageUnavailableError } from '../../../src/ingest/stage-pool.ts';

const receipt = (eventId: string, note = '') => ({
  event_id: eventId,
  type: 'receipt',
  occurred_at: '2025-03-01T08:00:00Z',
  node_id: 'DC-1',
  sku: 'SKU-1',
  qty: 1,
  unit_cost: 1,
  ...(note ? { note } : {}),
});
const body = (count: number, note = '') =>
  JSON.stringify(Array.from({ length: count }, (_, index) => receipt(`e${index}`, note)));

const pools: StagePool[] = [];
/** A pool whose waits are guard rails for a loaded machine (workers can take many seconds to load). */
function pool(options: Exclude<ConstructorParameters<typeof StagePool>[0], number>): StagePool {
  const created = new StagePool({ maxWaitMs: 240_000, ...options });
  pools.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.close()));
});

describe('StagePool', () => {
  it('stages JSON Lines and request bodies in the same workers', async () => {
    const stager = pool({ size: 2 });
    const [lines, staged, problem] = await Promise.all([
      stager.stage({
        kind: 'lines',
        lines: new Float64Array([3, 4]),
        raws: [JSON.stringify(receipt('l1')), `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
      }),
      stager.stage({ kind: 'body', text: body(3), maxEvents: 10 }),
      stager.stage({
        kind: 'body',
        text: `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
        maxEvents: 10,
      }),
    ]);
    expect(lines.events.eventId).toEqual(['l1']);
    expect(lines.rejects).toMatchObject([{ reason: 'unreadable', line: 4, errors: [{ code: 'too_deep' }] }]);
    expect('events' in staged && staged.events.eventId).toEqual(['e0', 'e1', 'e2']);
    expect(problem).toMatchObject({ problem: 'too_complex' });
    await expect.poll(() => stager.health().healthy, { timeout: 120_000 }).toBe(2);
    expect(stager.health()).toMatchObject({ size: 2, busy: 0, queued: 0, restarts: 0 });
  });

  it('replaces a worker that dies under an input, refuses that input after its retry, and keeps serving', async () => {
    // 24 MB of heap loads a worker and stages small bodies, but not 10,000 events of 1 KB each.
    const stager = pool({ size: 1, maxHeapMb: 24 });
    const outcomes = await Promise.allSettled([
      stager.stage({ kind: 'body', text: body(10_000, 'x'.repeat(1_000)), maxEvents: 10_000 }),
      stager.stage({ kind: 'body', text: body(2), maxEvents: 10 }),
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: expect.any(StageFailedError) });
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/stopped under this input 2 time/);
    // The innocent request queued behind it was served by a replacement worker.
    expect(outcomes[1]).toMatchObject({ status: 'fulfilled' });
    const after = await stager.stage({
      kind: 'lines',
      lines: new Float64Array([1]),
      raws: [JSON.stringify(receipt('z'))],
    });
    expect(after.events.eventId).toEqual(['z']);
    const health = stager.health();
    expect(health).toMatchObject({ healthy: 1, busy: 0, queued: 0, restarts: 2 });
    expect(health.lastFailure).toMatch(/memory/);
  });

  it('stops a worker that overruns the task timeout, answers busy, and replaces it', async () => {
    const stager = pool({ size: 1, taskTimeoutMs: 1 });
    await expect(stager.stage({ kind: 'body', text: body(5_000), maxEvents: 10_000 })).rejects.toBeInstanceOf(
      StageUnavailableError,
    );
    expect(stager.health().restarts).toBe(1);
  });

  it('bounds the queue and the wait for a worker', async () => {
    const stager = pool({ size: 1, maxQueued: 1 });
    await expect.poll(() => stager.health().healthy, { timeout: 120_000 }).toBe(1);
    // Two tasks go to the worker (one runs, one waits inside it), one waits in the queue; the next is refused.
    const handed = [200, 1, 1].map((count) =>
      stager.stage({ kind: 'body', text: body(count), maxEvents: 1_000 }),
    );
    await expect(stager.stage({ kind: 'body', text: body(1), maxEvents: 10 })).rejects.toThrow(
      /already waiting/,
    );
    expect(stager.health()).toMatchObject({ saturated: true });
    await expect(Promise.all(handed)).resolves.toHaveLength(3);

    // Workers that cannot even load (2 MB of heap): nothing is charged to the input, the wait is bounded.
    const broken = pool({ size: 1, maxHeapMb: 2, maxWaitMs: 1_500 });
    await expect(broken.stage({ kind: 'body', text: body(1), maxEvents: 10 })).rejects.toThrow(
      /no validating worker was free within 2 s \(0 of 1 healthy\)/,
    );
    expect(broken.health()).toMatchObject({ healthy: 0 });
  });

  it('finishes the work in hand on close, then refuses', async () => {
    const stager = pool({ size: 1 });
    const pending = stager.stage({ kind: 'body', text: body(50), maxEvents: 100 });
    await stager.close();
    await expect(pending).resolves.toMatchObject({ total: 50 });
    await expect(stager.stage({ kind: 'body', text: body(1), maxEvents: 10 })).rejects.toBeInstanceOf(
      StageUnavailableError,
    );
  });
});
