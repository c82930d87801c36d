/**
 * channel-sync: on the demo retailer's Black Friday week, how many units do the channels oversell when they
 * accept orders against the availability they last received — retailos pushing within its measured
 * publication latency, against an hourly batch sync (the status quo) on the same demand?
 *
 * 1. Latency, measured: the demo retailer up to the week is landed into a real warehouse; a real server
 *    (ingest → pipeline → publisher) serves it with the web shop on a sandbox Shopify, Amazon on a sandbox
 *    SP-API and eBay behind a signed webhook (loopback HTTP). The week's events are replayed through
 *    POST /api/v1/events, time compressed into --seconds; every publication's latency (event accepted →
 *    channel updated) comes from channel_publications.
 * 2. Oversell, simulated on the same week: per sku and node a true pool (sellable units minus what accepted
 *    orders took), moved by the week's receipts, transfers, store sales, adjustments and restocks; every
 *    online order is accepted by its channel when the channel shows enough (the platforms then decrement
 *    what they show), and takes its units from the channel's eligible nodes (DC first); an accepted unit with
 *    no unit behind it is oversold. What a channel shows is reset to the truth (channel availability, its
 *    buffer applied): for push, after each change of the sku's pool plus a latency drawn from step 1's
 *    measurements; for hourly, at every full hour.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createKey } from '../src/api/keys.ts';
import { startServer } from '../src/api/server.ts';
import { startDemoChannels } from '../src/channels/demo.ts';
import { ingestSources } from '../src/ingest/ingest.ts';
import { resolveSources } from '../src/ingest/sources.ts';
import { runPipeline } from '../src/operations/pipeline.ts';
import { DEFAULT_SEED } from '../src/sim/params.ts';
import { isSimulationOf, simulate } from '../src/sim/simulate.ts';
import { PROJECT_ROOT } from '../src/warehouse/config.ts';
import { Warehouse } from '../src/warehouse/warehouse.ts';
import type { BenchReport } from './lib/report.ts';
import { seededRandom } from './lib/rng.ts';

const WEEK_START = Date.parse('2024-11-25T00:00:00Z'); // Monday before Black Friday (2024-11-29)
const WEEK_END = Date.parse('2024-12-02T00:00:00Z'); // through the weekend
const ONLINE = ['WEB', 'MKT-AMZ', 'MKT-EBAY'];
const HOUR = 3_600_000;

type Event = Record<string, unknown> & { type: string; occurred_at: string };

/**
 * Splits the simulation at the week: lines before it are written as they are to `beforeFile` (1.5M events
 * never need to be objects), the week's events are parsed; later ones are left out.
 */
function splitEvents(dir: string, beforeFile: string): { before: number; week: Event[] } {
  const out = fs.openSync(beforeFile, 'w');
  let before = 0;
  const week: Event[] = [];
  try {
    for (const file of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()) {
      for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const at = /"occurred_at":"([^"]+)"/.exec(line)?.[1];
        const t = at === undefined ? Number.NaN : Date.parse(at);
        if (Number.isNaN(t) || t < WEEK_START) {
          fs.writeSync(out, `${line}\n`); // master data, and the simulation's malformed rows (rejected as in the demo)
          before++;
        } else if (t < WEEK_END) {
          try {
            week.push(JSON.parse(line) as Event);
          } catch {
            // a malformed row: not demand
          }
        }
      }
    }
  } finally {
    fs.closeSync(out);
  }
  week.sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at));
  return { before, week };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

interface ChannelDef {
  nodes: string[];
  bufferUnits: number;
  bufferPct: number;
}

/** Step 2: the week's demand against what each channel shows, under one update policy. */
function simulateOversell(
  week: Event[],
  start: Map<string, number>,
  channels: Map<string, ChannelDef>,
  updateDelay: ((rng: () => number) => number) | 'hourly',
  seed: number,
): { orders: number; acceptedUnits: number; oversoldUnits: number; lostUnits: number; updates: number } {
  const rng = seededRandom(seed);
  const pool = new Map(start); // `${sku}|${node}` → units
  const get = (sku: string, node: string) => pool.get(`${sku}|${node}`) ?? 0;
  const add = (sku: string, node: string, qty: number) => pool.set(`${sku}|${node}`, get(sku, node) + qty);
  const truth = (channel: ChannelDef, sku: string) => {
    const sum = channel.nodes.reduce((s, n) => s + Math.max(0, get(sku, n)), 0);
    const after = Math.max(0, sum - channel.bufferUnits);
    return Math.max(0, after - Math.floor((after * channel.bufferPct) / 100));
  };
  const shown = new Map<string, number>(); // `${channel}|${sku}`
  const shownOf = (channel: string, sku: string) => {
    const key = `${channel}|${sku}`;
    if (!shown.has(key)) shown.set(key, truth(channels.get(channel)!, sku));
    return shown.get(key)!;
  };
  // pending pushes: time → [channel, sku]; processed before each event at or after their time
  const pending: { at: number; sku: string }[] = [];
  let updates = 0;
  const flushUntil = (t: number) => {
    if (updateDelay === 'hourly') return;
    pending.sort((a, b) => a.at - b.at);
    while (pending.length > 0 && pending[0]!.at <= t) {
      const { sku } = pending.shift()!;
      for (const channel of ONLINE)
        if (channels.has(channel)) shown.set(`${channel}|${sku}`, truth(channels.get(channel)!, sku));
      updates++;
    }
  };
  let nextHour = Math.ceil(WEEK_START / HOUR) * HOUR;
  const hourly = (t: number) => {
    if (updateDelay !== 'hourly') return;
    while (nextHour <= t) {
      for (const key of shown.keys()) {
        const [channel, sku] = key.split('|') as [string, string];
        shown.set(key, truth(channels.get(channel)!, sku));
      }
      updates++;
      nextHour += HOUR;
    }
  };
  const changed = (sku: string, t: number) => {
    if (updateDelay !== 'hourly') pending.push({ at: t + updateDelay(rng), sku });
  };
  let orders = 0;
  let acceptedUnits = 0;
  let oversoldUnits = 0;
  let lostUnits = 0;
  for (const event of week) {
    const t = Date.parse(event.occurred_at);
    flushUntil(t);
    hourly(t);
    const sku = event.sku as string | undefined;
    const node = event.node_id as string | undefined;
    const qty = Number(event.qty ?? 0);
    const sellable = (status: unknown) => status === undefined || status === 'sellable';
    switch (event.type) {
      case 'receipt':
      case 'adjustment':
        if (sku && node && sellable(event.status)) {
          add(sku, node, qty);
          changed(sku, t);
        }
        break;
      case 'transfer_shipped':
        add(sku!, event.from_node_id as string, -qty);
        changed(sku!, t);
        break;
      case 'transfer_received':
        if (sellable(event.status)) {
          add(sku!, event.to_node_id as string, qty);
          changed(sku!, t);
        }
        break;
      case 'pos_sale':
        add(sku!, node!, -qty);
        changed(sku!, t);
        break;
      case 'return_graded':
        if (event.disposition === 'restock' || event.disposition === 'liquidate') {
          add(sku!, node!, qty);
          changed(sku!, t);
        }
        break;
      case 'order_placed': {
        const channelId = event.channel_id as string;
        const channel = channels.get(channelId);
        if (!channel || !ONLINE.includes(channelId)) break;
        orders++;
        for (const line of event.lines as { sku: string; qty: number }[]) {
          const showing = shownOf(channelId, line.sku);
          if (showing < line.qty) {
            lostUnits += line.qty;
            continue;
          }
          shown.set(`${channelId}|${line.sku}`, showing - line.qty);
          acceptedUnits += line.qty;
          let need = line.qty;
          for (const n of channel.nodes) {
            const take = Math.min(need, Math.max(0, get(line.sku, n)));
            if (take > 0) add(line.sku, n, -take);
            need -= take;
            if (need === 0) break;
          }
          oversoldUnits += need;
          changed(line.sku, t);
        }
        break;
      }
    }
  }
  return { orders, acceptedUnits, oversoldUnits, lostUnits, updates };
}

async function ensureSimulation(): Promise<string> {
  const dir = path.join(PROJECT_ROOT, 'data', 'generated', 'demo');
  const options = { scale: 'demo' as const, seed: DEFAULT_SEED };
  if (!isSimulationOf(dir, options)) {
    process.stderr.write('channel-sync: simulating the demo retailer (first run only) …\n');
    await simulate(options, dir);
  }
  return dir;
}

export async function benchChannelSync(options: { seconds?: number }): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const replaySeconds = options.seconds ?? 90;
  const simDir = await ensureSimulation();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-channel-sync-'));
  try {
    const { before, week } = splitEvents(simDir, path.join(tmp, 'before.jsonl'));
    process.stderr.write(`channel-sync: ${before} events before the week, ${week.length} in it; landing …\n`);
    // --- the warehouse as it stood when the week began
    const db = path.join(tmp, 'warehouse.duckdb');
    const setup = await Warehouse.open(db);
    let key: string;
    const start = new Map<string, number>();
    const channels = new Map<string, ChannelDef>();
    try {
      const { sources } = await resolveSources([path.join(tmp, 'before.jsonl')]);
      await ingestSources(setup, sources);
      await runPipeline(setup, { trigger: 'bench' });
      for (const row of await setup.all<{ sku: string; node_id: string; available: bigint }>(
        'SELECT sku, node_id, available FROM inventory_positions',
      ))
        start.set(`${row.sku}|${row.node_id}`, Number(row.available));
      for (const row of await setup.all<{
        channel_id: string;
        nodes: string[];
        buffer_units: number;
        buffer_pct: number;
      }>(
        `SELECT c.channel_id, coalesce(c.node_ids, (SELECT list(node_id ORDER BY node_id) FROM stg_nodes WHERE can_ship)) AS nodes,
                coalesce(c.buffer_units, 0) AS buffer_units, coalesce(c.buffer_pct, 0) AS buffer_pct
         FROM stg_channels c`,
      )) {
        // DC first: the shared node every online channel draws on
        const nodes = [...row.nodes].sort(
          (a, b) => (a.startsWith('DC') ? -1 : 0) - (b.startsWith('DC') ? -1 : 0),
        );
        channels.set(row.channel_id, {
          nodes,
          bufferUnits: Number(row.buffer_units),
          bufferPct: Number(row.buffer_pct),
        });
      }
      key = (await createKey(setup, { role: 'admin', name: 'bench' })).key;
    } finally {
      await setup.close();
    }

    // --- step 1: the real server publishing to the sandboxes while the week is replayed
    const setupChannels = await Warehouse.open(db);
    const sandboxes = await startDemoChannels(setupChannels).finally(() => setupChannels.close());
    const server = await startServer({
      dbPath: db,
      port: 0,
      logger: pino({ level: 'silent' }),
      rateLimit: { perSecond: 10_000, burst: 10_000 },
      jobs: { enabled: false },
    });
    const latencies: number[] = [];
    let replayStarted = new Date();
    try {
      const status = async () =>
        (
          (await (
            await fetch(`${server.url}/api/v1/channels/status`, {
              headers: { authorization: `Bearer ${key}` },
            })
          ).json()) as {
            data: { channel_id: string; pending: number; published: number }[];
          }
        ).data;
      const settle = async (what: string) => {
        const until = Date.now() + 20 * 60_000;
        for (;;) {
          const rows = await status();
          if (rows.length > 0 && rows.every((r) => r.pending === 0 && r.published > 0)) return;
          if (Date.now() > until)
            throw new Error(`channels did not settle (${what}): ${JSON.stringify(rows)}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      };
      await settle('first publication');
      process.stderr.write('channel-sync: first publication done; replaying the week …\n');
      replayStarted = new Date();
      const sliceMs = 250;
      const slices = Math.max(1, Math.round((replaySeconds * 1000) / sliceMs));
      const span = (WEEK_END - WEEK_START) / slices;
      let next = 0;
      for (let slice = 0; slice < slices; slice++) {
        const due = replayStarted.getTime() + slice * sliceMs;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const until = WEEK_START + (slice + 1) * span;
        const batch: Event[] = [];
        while (next < week.length && Date.parse(week[next]!.occurred_at) < until) batch.push(week[next++]!);
        if (batch.length === 0) continue;
        const reply = await fetch(`${server.url}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        });
        await reply.arrayBuffer();
        if (reply.status >= 500) throw new Error(`POST /events answered ${reply.status}`);
      }
      await settle('after the replay');
    } finally {
      await server.close();
      await sandboxes.stop();
    }
    const read = await Warehouse.open(db, { readOnly: true });
    try {
      for (const row of await read.all<{ latency_ms: number }>(
        `SELECT latency_ms FROM channel_publications
         WHERE outcome = 'published' AND latency_ms IS NOT NULL AND accepted_at >= $since::TIMESTAMPTZ`,
        { since: replayStarted.toISOString() },
      ))
        latencies.push(row.latency_ms);
    } finally {
      await read.close();
    }
    latencies.sort((a, b) => a - b);
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);

    // --- step 2: the same demand under both policies
    const push = simulateOversell(
      week,
      start,
      channels,
      (rng) => latencies[Math.floor(rng() * latencies.length)] ?? p50,
      7,
    );
    const hourly = simulateOversell(week, start, channels, 'hourly', 7);
    const per10k = (r: typeof push) => (r.orders === 0 ? 0 : (r.oversoldUnits / r.orders) * 10_000);
    const reduction = per10k(hourly) === 0 ? 0 : 1 - per10k(push) / per10k(hourly);
    const load = os.loadavg();
    return {
      name: 'channel-sync',
      description:
        "demo retailer's Black Friday week: channels accept orders against the availability they last received; retailos push (measured latency) vs hourly sync",
      startedAt,
      parameters: {
        week: [new Date(WEEK_START).toISOString(), new Date(WEEK_END).toISOString()],
        replaySeconds,
        weekEvents: week.length,
        onlineOrders: push.orders,
        latencySamples: latencies.length,
        loadAverage1m: Number(load[0]!.toFixed(1)),
        cpus: os.cpus().length,
        model:
          'oversell: per sku × node pools from inventory_positions at the week start, moved by the week events; channels show channel_availability (buffers), decrement on their own orders, reset after each pool change + a measured latency (push) or at each full hour (hourly)',
      },
      rows: [
        { metric: 'publication latency p50', value: p50, unit: 'ms' },
        { metric: 'publication latency p99', value: p99, unit: 'ms', target: '≤ 5,000', ok: p99 <= 5_000 },
        { metric: 'online orders in the week', value: push.orders, unit: 'orders' },
        { metric: 'oversold units, push', value: push.oversoldUnits, unit: 'units' },
        { metric: 'oversold units, hourly', value: hourly.oversoldUnits, unit: 'units' },
        { metric: 'oversold per 10k orders, push', value: per10k(push), unit: 'units' },
        { metric: 'oversold per 10k orders, hourly', value: per10k(hourly), unit: 'units' },
        {
          metric: 'fewer oversold units than hourly',
          value: reduction * 100,
          unit: '%',
          target: '≥ 90',
          ok: reduction >= 0.9,
        },
        { metric: 'units not sold (shown too few), push', value: push.lostUnits, unit: 'units' },
        { metric: 'units not sold (shown too few), hourly', value: hourly.lostUnits, unit: 'units' },
        { metric: 'machine load (1 min avg) at the end', value: load[0]!, unit: 'load' },
      ],
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
