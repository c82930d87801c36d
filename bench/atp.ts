import { percentile, runHttpLoad } from './ingest-http.ts';
import type { BenchReport } from './lib/report.ts';

/**
 * `atp` (BENCHMARKS.md): GET /api/v1/availability for one sku (all nodes, all
 * channels) in a loop while the `ingest-http` load runs; latency percentiles
 * as the client sees them (loopback).
 */
export async function benchAtp(options: { events: number }): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const load = await runHttpLoad({ events: options.events, probe: true });
  const p50 = percentile(load.probe, 50);
  const p99 = percentile(load.probe, 99);
  return {
    name: 'atp',
    description: `GET /api/v1/availability?sku=${load.probeSku} while ${load.events.toLocaleString('en-US')} events are posted (ingest-http load)`,
    startedAt,
    parameters: { events: load.events, sku: load.probeSku, readModels: load.readModels },
    rows: [
      { metric: 'requests', value: load.probe.length, unit: 'requests' },
      { metric: 'latency p50', value: Number(p50.toFixed(2)), unit: 'ms' },
      { metric: 'latency p99', value: Number(p99.toFixed(2)), unit: 'ms', target: '<= 10', ok: p99 <= 10 },
      {
        metric: 'no-load baseline p50 (same run)',
        value: Number(percentile(load.idle, 50).toFixed(2)),
        unit: 'ms',
      },
      {
        metric: 'no-load baseline p99 (same run)',
        value: Number(percentile(load.idle, 99).toFixed(2)),
        unit: 'ms',
      },
      { metric: 'latency max', value: Number(Math.max(...load.probe).toFixed(2)), unit: 'ms' },
      {
        metric: 'probe errors',
        value: load.probeErrors,
        unit: 'requests',
        target: '0',
        ok: load.probeErrors === 0,
      },
      { metric: 'ingest events/s meanwhile', value: Math.round(load.eventsPerSecond), unit: 'events/s' },
      { metric: 'event-loop delay p99', value: Number(load.loopDelayP99Ms.toFixed(1)), unit: 'ms' },
    ],
  };
}
