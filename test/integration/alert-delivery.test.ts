import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifySignature,
} from '../../src/alerts/delivery/webhook.ts';
import type { Condition } from '../../src/alerts/evaluate.ts';
import { dispatch, flushDigests, type NotifyDeps } from '../../src/alerts/notify.ts';
import { reconcileAlerts } from '../../src/alerts/store.ts';
import { createSubscription, parseSubscription, type Subscription } from '../../src/alerts/subscriptions.ts';
import { ManualClock } from '../../src/clock/sources.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();
const SECRET = 'a-very-secret-webhook-key';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

interface Received {
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A real HTTP receiver on loopback; `fail` answers 500 to that many first requests (or all: Infinity). */
async function receiver(fail = 0): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  let failures = fail;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      if (failures > 0) {
        failures--;
        res.writeHead(500).end('try later');
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

function condition(key: string, severity: Condition['severity'] = 'warning'): Condition {
  return {
    rule_id: 'low-stock',
    kind: 'low_stock',
    condition_key: key,
    severity,
    role: 'planner',
    node_id: 'ST-1',
    channel_id: null,
    sku: key,
    title: `Low stock: ${key} at ST-1`,
    detail: '2 available',
    metric_value: 2,
    threshold: 3,
    impact: { available: 2, days_of_cover: 2 },
  };
}

async function setup(clock: ManualClock) {
  const warehouse = await tmp.open();
  const delays: number[] = [];
  const deps: NotifyDeps = {
    warehouse,
    clock,
    retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 },
    // the fake edge: backoff waits are recorded and advance the clock instead of sleeping
    sleep: async (ms) => {
      delays.push(ms);
      clock.advance(ms);
    },
  };
  return { warehouse, deps, delays };
}

async function subscribe(
  w: Warehouse,
  clock: ManualClock,
  spec: Record<string, unknown>,
): Promise<Subscription> {
  return createSubscription(w, parseSubscription({ name: 'planners', ...spec }), 'test', clock.now());
}

/** One evaluation: reconcile the conditions, then notify. */
async function evaluate(w: Warehouse, deps: NotifyDeps, subs: Subscription[], conditions: Condition[]) {
  const { events } = await reconcileAlerts(w, conditions, ['low-stock'], deps.clock.now());
  return dispatch(events, subs, deps);
}

describe('webhook delivery', () => {
  it('posts signed JSON; the receiver verifies the HMAC, a tampered body fails', async () => {
    const clock = new ManualClock(new Date('2024-04-01T10:00:00Z'));
    const { warehouse, deps } = await setup(clock);
    const hook = await receiver();
    const sub = await subscribe(warehouse, clock, {
      channel: 'webhook',
      webhook: { url: hook.url, secret: SECRET },
    });
    const summary = await evaluate(warehouse, deps, [sub], [condition('SKU-1')]);
    expect(summary.delivered).toBe(1);
    expect(hook.received).toHaveLength(1);
    const { body, headers } = hook.received[0]!;
    const sig = {
      signature: headers[SIGNATURE_HEADER] as string,
      timestamp: headers[TIMESTAMP_HEADER] as string,
    };
    expect(verifySignature(SECRET, sig, body, clock.now())).toBe(true);
    expect(verifySignature(SECRET, sig, body.replace('SKU-1', 'SKU-2'), clock.now())).toBe(false);
    expect(verifySignature('another-secret-of-16+', sig, body, clock.now())).toBe(false);
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({ reason: 'opened', alerts: [{ sku: 'SKU-1', impact: { available: 2 } }] });
    expect(headers[DELIVERY_HEADER]).toBe(payload.delivery_id);
    const log = await warehouse.all(`SELECT status, attempts, reason FROM alert_deliveries`);
    expect(log).toEqual([{ status: 'delivered', attempts: 1, reason: 'opened' }]);
  });

  it('retries with backoff after failures and delivers', async () => {
    const clock = new ManualClock(new Date('2024-04-01T10:00:00Z'));
    const { warehouse, deps, delays } = await setup(clock);
    const hook = await receiver(2);
    const sub = await subscribe(warehouse, clock, {
      channel: 'webhook',
      webhook: { url: hook.url, secret: SECRET },
    });
    const summary = await evaluate(warehouse, deps, [sub], [condition('SKU-1')]);
    expect(summary).toMatchObject({ delivered: 1, deadLettered: 0 });
    expect(hook.received).toHaveLength(3);
    expect(delays).toEqual([1_000, 2_000]);
    expect(await warehouse.all(`SELECT status, attempts FROM alert_deliveries`)).toEqual([
      { status: 'delivered', attempts: 3 },
    ]);
  });

  it('dead-letters after the last attempt, keeping the payload', async () => {
    const clock = new ManualClock(new Date('2024-04-01T10:00:00Z'));
    const { warehouse, deps, delays } = await setup(clock);
    const hook = await receiver(Number.POSITIVE_INFINITY);
    const sub = await subscribe(warehouse, clock, {
      channel: 'webhook',
      webhook: { url: hook.url, secret: SECRET },
    });
    const summary = await evaluate(warehouse, deps, [sub], [condition('SKU-1')]);
    expect(summary).toMatchObject({ delivered: 0, deadLettered: 1 });
    expect(hook.received).toHaveLength(3);
    expect(delays).toEqual([1_000, 2_000]);
    const dead = await warehouse.all<{ attempts: number; last_error: string; payload: string }>(
      `SELECT attempts, last_error, payload::VARCHAR AS payload FROM alert_dead_letters`,
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]!.attempts).toBe(3);
    expect(dead[0]!.last_error).toMatch(/500/);
    expect(JSON.parse(dead[0]!.payload).alerts[0].sku).toBe('SKU-1');
  });
});

describe('e-mail delivery', () => {
  it('sends to a real local SMTP sink with the impact in the text', async () => {
    const mails: { from: string; to: string[]; data: string }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk) => {
          data += chunk;
        });
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const port = (server.server.address() as AddressInfo).port;
    const clock = new ManualClock(new Date('2024-04-01T10:00:00Z'));
    const { warehouse, deps } = await setup(clock);
    deps.smtp = { host: '127.0.0.1', port, secure: false, from: 'alerts@retailos.test' };
    const sub = await subscribe(warehouse, clock, { channel: 'email', email: { to: ['planner@shop.test'] } });
    const summary = await evaluate(warehouse, deps, [sub], [condition('SKU-9', 'critical')]);
    expect(summary.delivered).toBe(1);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['planner@shop.test']);
    expect(mails[0]!.data).toMatch(/Subject: \[critical\] Low stock: SKU-9 at ST-1/);
    expect(mails[0]!.data).toMatch(/days of cover: 2/);
  });
});

describe('dedup, throttling, quiet hours and digests (fake clock)', () => {
  it('the same condition notifies once until it resolves or escalates', async () => {
    const clock = new ManualClock(new Date('2024-04-01T10:00:00Z'));
    const { warehouse, deps } = await setup(clock);
    const hook = await receiver();
    const sub = await subscribe(warehouse, clock, {
      channel: 'webhook',
      webhook: { url: hook.url, secret: SECRET },
    });
    await evaluate(warehouse, deps, [sub], [condition('SKU-1')]);
    clock.advance(10 * 60_000);
    await evaluate(warehouse, deps, [sub], [condition('SKU-1')]); // still there: silent
    expect(hook.received).toHaveLength(1);
    clock.advance(10 * 60_000);
    await evaluate(warehouse, deps, [sub], [condition('SKU-1', 'critical')]); // escalates
    expect(hook.received).toHaveLength(2);
    expect(JSON.parse(hook.received[1]!.body).reason).toBe('escalated');
    clock.advance(10 * 60_000);
    await evaluate(warehouse, deps, [sub], [condition('SKU-1', 'warning')]); // lower again: silent
    await evaluate(warehouse, deps, [sub], []); // resolves
    expect(await warehouse.all(`SELECT status FROM alerts`)).toEqual([{ status: 'resolved' }]);
    await evaluate(warehouse, deps, [sub], [condition('SKU-1')]); // a new episode
    expect(hook.received).toHaveLength(3);
    expect(await warehouse.all(`SELECT status FROM alerts ORDER BY opened_at`)).toEqual([
      { status: 'resolved' },
      { status: 'open' },
    ]);
  });

  it('throttles beyond max per window; the overflow waits for the digest; the window reopens later', async () => {
    const clock = new ManualClock(new Date('2024-04-01T10:00:00Z'));
    const { warehouse, deps } = await setup(clock);
    const hook = await receiver();
    const sub = await subscribe(warehouse, clock, {
      channel: 'webhook',
      webhook: { url: hook.url, secret: SECRET },
      throttle: { max: 2, window_minutes: 60 },
    });
    const summary = await evaluate(
      warehouse,
      deps,
      [sub],
      ['S1', 'S2', 'S3'].map((k) => condition(k)),
    );
    expect(summary).toMatchObject({ delivered: 2, throttled: 1 });
    expect(hook.received).toHaveLength(2);
    clock.advance(59 * 60_000);
    expect(
      (
        await evaluate(
          warehouse,
          deps,
          [sub],
          ['S1', 'S2', 'S3', 'S4'].map((k) => condition(k)),
        )
      ).throttled,
    ).toBe(1);
    clock.advance(2 * 60_000);
    expect(
      (
        await evaluate(
          warehouse,
          deps,
          [sub],
          ['S1', 'S2', 'S3', 'S4', 'S5'].map((k) => condition(k)),
        )
      ).delivered,
    ).toBe(1);
    await flushDigests([sub], deps);
    const digest = JSON.parse(hook.received.at(-1)!.body);
    expect(digest.reason).toBe('digest');
    expect(digest.alerts.map((a: { sku: string }) => a.sku).sort()).toEqual(['S3', 'S4']);
    // flushed once: nothing left to send
    expect((await flushDigests([sub], deps)).delivered).toBe(0);
  });

  it('quiet hours hold non-critical alerts for the digest; critical ones go through; role/severity filters apply', async () => {
    const clock = new ManualClock(new Date('2024-04-01T23:30:00Z'));
    const { warehouse, deps } = await setup(clock);
    const hook = await receiver();
    const quiet = await subscribe(warehouse, clock, {
      channel: 'webhook',
      webhook: { url: hook.url, secret: SECRET },
      quiet_hours: { start: '22:00', end: '07:00' },
    });
    const other = await subscribe(warehouse, clock, {
      name: 'finance',
      channel: 'webhook',
      webhook: { url: hook.url, secret: SECRET },
      filter: { roles: ['finance'] },
    });
    const summary = await evaluate(
      warehouse,
      deps,
      [quiet, other],
      [condition('S1'), condition('S2', 'critical')],
    );
    expect(summary).toMatchObject({ delivered: 1, queued: 1 });
    expect(JSON.parse(hook.received[0]!.body).alerts[0].sku).toBe('S2');
  });
});
