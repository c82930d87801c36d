/**
 * `retailos serve` runs the scheduled jobs: the registry of every domain plus the operations pipeline and
 * the workflow's periodic work; a run (here triggered rather than waited for) is recorded and served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, type Json } from '../unit/api/server-fixture.ts';
import { pinClock } from '../unit/ledger/fixtures.ts';

/** The business clock the runs work at, far from the wall clock they are timed by. */
const CLOCK = '2025-03-02T06:00:00Z';

describe('scheduled jobs in the server', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture({ prepare: (warehouse) => pinClock(warehouse, CLOCK) });
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  it('registers every domain’s job and records runs, served at /jobs/runs', async () => {
    const ids = fx.server.jobs!.jobs.map((job) => job.id).sort();
    expect(ids).toEqual([
      'alerts-digest',
      'alerts-evaluate',
      'anomaly-detect',
      'dashboards-build',
      'forecast-predict',
      'forecast-train',
      'operations-pipeline',
      'replenishment-plan',
      'workflow-screen-orders',
      'workflow-sync-exceptions',
    ]);
    await call(fx.url, 'POST', '/api/v1/events', {
      key: fx.keys.integration,
      body: {
        event_id: 'r1',
        type: 'receipt',
        occurred_at: '2025-03-01T08:00:00Z',
        node_id: 'DC-1',
        sku: 'SKU-1',
        qty: 4,
        unit_cost: 2,
      },
    });
    const run = await fx.server.jobs!.trigger('operations-pipeline');
    expect(run.status).toBe('succeeded');
    const sync = await fx.server.jobs!.trigger('workflow-sync-exceptions');
    expect(sync.status).toBe('succeeded');
    const runs = await call(fx.url, 'GET', '/api/v1/jobs/runs', { key: fx.keys.admin });
    expect(runs.status).toBe(200);
    const rows = (runs.json.data ?? runs.json) as Json[];
    expect(rows.map((row) => [row.job_id, row.status]).sort()).toEqual([
      ['operations-pipeline', 'succeeded'],
      ['workflow-sync-exceptions', 'succeeded'],
    ]);
    // each run carries the business time it worked at beside its wall-clock times
    for (const row of rows) {
      expect(row.business_at).toBe('2025-03-02T06:00:00.000Z');
      expect(Date.parse(row.started_at as string)).toBeGreaterThan(Date.parse(CLOCK));
      expect(Date.parse(row.finished_at as string)).toBeGreaterThanOrEqual(
        Date.parse(row.started_at as string),
      );
    }
    const positions = await call(fx.url, 'GET', '/api/v1/positions?sku=SKU-1', { key: fx.keys.admin });
    expect(positions.json.data).toMatchObject([{ node_id: 'DC-1', sellable: 4 }]);
  });
});
