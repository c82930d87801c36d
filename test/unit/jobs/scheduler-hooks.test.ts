import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock/sources.ts';
import { persistentHooks } from '../../../src/jobs/registry.ts';
import { createScheduler, type Job } from '../../../src/jobs/scheduler.ts';
import { useTempDir } from '../../helpers/retailos.ts';

const tmp = useTempDir();

describe('scheduler hooks on a warehouse', () => {
  it('persists runs to job_runs; a failure opens one admin alert, a later success resolves it', async () => {
    const warehouse = await tmp.open();
    const clock = new ManualClock(new Date('2024-04-01T03:00:00Z'));
    let fail = true;
    const job: Job = {
      id: 'nightly',
      schedule: '0 3 * * *',
      timeout: 60_000,
      preventOverlap: true,
      run: async () => {
        if (fail) throw new Error('disk full');
      },
    };
    const observed: string[] = [];
    const metrics = { observeJob: (id: string, outcome: string) => void observed.push(`${id}:${outcome}`) };
    const scheduler = createScheduler([job], {
      now: () => clock.now(),
      ...persistentHooks({ warehouse, clock, metrics }),
    });
    await scheduler.trigger('nightly');
    await scheduler.trigger('nightly'); // fails again: same episode, no second alert
    const open = await warehouse.all(`SELECT rule_id, condition_key, severity, role, status FROM alerts`);
    expect(open).toEqual([
      {
        rule_id: 'job-failure',
        condition_key: 'nightly',
        severity: 'critical',
        role: 'admin',
        status: 'open',
      },
    ]);
    fail = false;
    await scheduler.trigger('nightly');
    expect(await warehouse.all(`SELECT status FROM alerts`)).toEqual([{ status: 'resolved' }]);
    expect(await warehouse.all(`SELECT status, error FROM job_runs ORDER BY started_at, status`)).toEqual([
      { status: 'failed', error: 'disk full' },
      { status: 'failed', error: 'disk full' },
      { status: 'succeeded', error: null },
    ]);
    expect(observed).toEqual(['nightly:failed', 'nightly:failed', 'nightly:ok']);
  });
});
