import fs from 'node:fs';
import path from 'node:path';
import { SCALES, type ScaleName } from '../src/sim/params.ts';
import { simulate } from '../src/sim/simulate.ts';
import type { BenchReport, BenchRow } from './lib/report.ts';

const TMP = path.resolve(import.meta.dirname, 'tmp');
/** Generation speed the simulator aims for (JSON Lines, events per second). */
const TARGET_EVENTS_PER_SECOND = 200_000;

interface Measured {
  scale: ScaleName;
  days: number;
  events: number;
  /** Events of day 0 (opening master data and stock), then per later day. */
  openingEvents: number;
  eventsPerDay: number;
  seconds: number;
  cpuSeconds: number;
  eventsPerSecond: number;
  bytes: number;
  rssMiB: number;
}

async function measure(scale: ScaleName, days: number): Promise<Measured> {
  const out = path.join(TMP, `simulate-${scale}`);
  fs.rmSync(out, { recursive: true, force: true });
  let firstDay = 0;
  const cpu = process.cpuUsage();
  const result = await simulate(
    { scale, seed: 42, days, format: 'jsonl', scenarios: [], noFaults: false },
    out,
    {
      onDay: (done, _days, events) => {
        if (done === 1) firstDay = events;
      },
    },
  );
  const used = process.cpuUsage(cpu);
  const { manifest } = result;
  const measured: Measured = {
    scale,
    days,
    events: manifest.events.total,
    openingEvents: firstDay,
    eventsPerDay: days > 1 ? (manifest.events.total - firstDay) / (days - 1) : manifest.events.total,
    seconds: result.seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    eventsPerSecond: result.eventsPerSecond,
    bytes: manifest.files.reduce((sum, file) => sum + file.bytes, 0),
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
  fs.rmSync(out, { recursive: true, force: true });
  return measured;
}

/**
 * `simulate`: generation speed (JSON Lines, default faults) and events per simulated day at each scale.
 * `small` and `demo` run their default days; `m5` runs a limited number of days (about `events` events)
 * and its full 1,941 days are extrapolated from the per-day rate (stated as such in the rows).
 */
export async function benchSimulate(options: { events: number }): Promise<BenchReport> {
  fs.mkdirSync(TMP, { recursive: true });
  const startedAt = new Date().toISOString();
  const small = await measure('small', SCALES.small.days);
  const demo = await measure('demo', SCALES.demo.days);
  const m5Days = Math.max(14, Math.min(SCALES.m5.days, Math.round(options.events / 25_000)));
  const m5 = await measure('m5', m5Days);
  const fullDays = SCALES.m5.days;
  const m5Events = m5.openingEvents + m5.eventsPerDay * (fullDays - 1);
  const m5Seconds = m5Events / m5.eventsPerSecond;
  const rows: BenchRow[] = [];
  for (const run of [small, demo, m5]) {
    const label =
      run.scale === 'm5' ? `m5 (measured on ${run.days} days)` : `${run.scale} (${run.days} days)`;
    rows.push(
      {
        metric: `${label}: events per simulated day`,
        value: Math.round(run.eventsPerDay),
        unit: 'events/day',
      },
      { metric: `${label}: events`, value: run.events, unit: 'events' },
      { metric: `${label}: wall time`, value: Number(run.seconds.toFixed(2)), unit: 's' },
      {
        metric: `${label}: generation speed`,
        value: Math.round(run.eventsPerSecond),
        unit: 'events/s',
        target: `>= ${TARGET_EVENTS_PER_SECOND.toLocaleString('en-US')}`,
        ok: run.eventsPerSecond >= TARGET_EVENTS_PER_SECOND,
      },
      {
        metric: `${label}: events per CPU second`,
        value: Math.round(run.events / run.cpuSeconds),
        unit: 'events/s',
      },
      { metric: `${label}: output`, value: Number((run.bytes / 2 ** 20).toFixed(1)), unit: 'MiB' },
    );
  }
  rows.push(
    { metric: `m5, ${fullDays} days (extrapolated): events`, value: Math.round(m5Events), unit: 'events' },
    { metric: `m5, ${fullDays} days (extrapolated): wall time`, value: Math.round(m5Seconds), unit: 's' },
    {
      metric: `m5, ${fullDays} days (extrapolated): CPU time`,
      value: Math.round((m5Events / m5.events) * m5.cpuSeconds),
      unit: 's',
    },
    {
      metric: `m5, ${fullDays} days (extrapolated): output`,
      value: Number((((m5.bytes / m5.events) * m5Events) / 2 ** 30).toFixed(1)),
      unit: 'GiB',
    },
    {
      metric: 'peak RSS of the process',
      value: Math.round(Math.max(small.rssMiB, demo.rssMiB, m5.rssMiB)),
      unit: 'MiB',
    },
  );
  return {
    name: 'simulate',
    description:
      'retailos simulate, JSON Lines with the default faults: small and demo at their default days, m5 on a limited number of days, extrapolated to 1,941',
    startedAt,
    parameters: {
      seed: 42,
      smallDays: small.days,
      demoDays: demo.days,
      m5MeasuredDays: m5.days,
      m5FullDays: fullDays,
      note: 'm5 totals are extrapolated from the measured per-day rate and speed',
    },
    rows,
  };
}
