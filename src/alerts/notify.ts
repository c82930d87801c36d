import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/sources.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { type Mail, type SmtpSettings, sendMail } from './delivery/email.ts';
import { DEFAULT_RETRY, type RetryPolicy, realSleep, type Sleep, withRetries } from './delivery/retry.ts';
import { postWebhook } from './delivery/webhook.ts';
import type { AlertEvent, AlertRow } from './store.ts';
import { toAlertRow } from './store.ts';
import { inQuietHours, matches, type Subscription } from './subscriptions.ts';

export interface NotifyDeps {
  warehouse: Warehouse;
  clock: Clock;
  smtp?: SmtpSettings;
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** Runs a write (the server's serialized writer); default: run it directly. */
  write?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface DispatchSummary {
  delivered: number;
  deadLettered: number;
  queued: number;
  throttled: number;
}

type Reason = AlertEvent['reason'] | 'digest' | 'test';

/** The JSON a webhook receives (and, as text, what an e-mail says). */
export interface NotificationPayload {
  delivery_id: string;
  reason: Reason;
  sent_at: string;
  subscription: { id: string; name: string };
  alerts: AlertRow[];
}

function mailFor(payload: NotificationPayload): Mail & { to: string[] } {
  const first = payload.alerts[0]!;
  const subject =
    payload.alerts.length === 1
      ? `[${first.severity}] ${payload.reason === 'escalated' ? 'escalated: ' : ''}${first.title}`
      : `retailos digest: ${payload.alerts.length} alerts`;
  const text = payload.alerts
    .map((a) =>
      [
        `${a.severity.toUpperCase()} — ${a.title}`,
        a.detail,
        `rule ${a.rule_id}, for ${a.role}, open since ${a.opened_at}`,
        'Impact:',
        ...Object.entries(a.impact).map(
          ([k, v]) => `  ${k.replaceAll('_', ' ')}: ${Array.isArray(v) ? v.join(', ') : v}`,
        ),
      ].join('\n'),
    )
    .join('\n\n');
  return { to: [], subject, text };
}

/** Sends one payload over the subscription's channel with retries; never throws. */
async function send(
  sub: Subscription,
  payload: NotificationPayload,
  deps: NotifyDeps,
): Promise<{ ok: boolean; attempts: number; lastError: string | null }> {
  const body = JSON.stringify(payload);
  return withRetries(
    async () => {
      if (sub.spec.channel === 'webhook') {
        const webhook = sub.spec.webhook;
        if (!webhook)
          throw new Error('the webhook URL and secret of this subscription are missing (secret store)');
        await postWebhook(webhook.url, webhook.secret, payload.delivery_id, body, deps.clock.now());
      } else {
        if (!deps.smtp) throw new Error('no SMTP server configured (RETAILOS_SMTP_URL)');
        await sendMail(deps.smtp, { ...mailFor(payload), to: sub.spec.email!.to });
      }
    },
    deps.retry ?? DEFAULT_RETRY,
    deps.sleep ?? realSleep,
  );
}

/** Delivers and records the outcome: the delivery log, and a dead letter when retries ran out. */
async function deliver(
  sub: Subscription,
  alerts: AlertRow[],
  reason: Reason,
  deps: NotifyDeps,
): Promise<boolean> {
  const createdAt = deps.clock.now();
  const payload: NotificationPayload = {
    delivery_id: `dl-${randomUUID()}`,
    reason,
    sent_at: createdAt.toISOString(),
    subscription: { id: sub.subscription_id, name: sub.spec.name },
    alerts,
  };
  const outcome = await send(sub, payload, deps);
  const write = deps.write ?? ((work) => work());
  const finished = deps.clock.now().toISOString();
  await write(async () => {
    await deps.warehouse.run(
      `INSERT INTO alert_deliveries VALUES ($id, $sub, $alerts::JSON, $channel, $reason, $status, $attempts, $error,
         $created::TIMESTAMPTZ, $finished::TIMESTAMPTZ)`,
      {
        id: payload.delivery_id,
        sub: sub.subscription_id,
        alerts: JSON.stringify(alerts.map((a) => a.alert_id)),
        channel: sub.spec.channel,
        reason,
        status: outcome.ok ? 'delivered' : 'dead_letter',
        attempts: outcome.attempts,
        error: outcome.lastError,
        created: createdAt.toISOString(),
        finished,
      },
    );
    if (!outcome.ok) {
      await deps.warehouse.run(
        `INSERT INTO alert_dead_letters VALUES ($id, $sub, $channel, $payload::JSON, $attempts, $error, $at::TIMESTAMPTZ)`,
        {
          id: payload.delivery_id,
          sub: sub.subscription_id,
          channel: sub.spec.channel,
          payload: JSON.stringify(payload),
          attempts: outcome.attempts,
          error: outcome.lastError ?? 'unknown error',
          at: finished,
        },
      );
    }
  });
  return outcome.ok;
}

async function queue(
  sub: Subscription,
  alert: AlertRow,
  note: string | null,
  deps: NotifyDeps,
): Promise<void> {
  const write = deps.write ?? ((work) => work());
  await write(() =>
    deps.warehouse.run(
      `INSERT INTO alert_deliveries VALUES ($id, $sub, $alerts::JSON, $channel, 'digest', 'queued', 0, $note,
         $now::TIMESTAMPTZ, NULL)`,
      {
        id: `dl-${randomUUID()}`,
        sub: sub.subscription_id,
        alerts: JSON.stringify([alert.alert_id]),
        channel: sub.spec.channel,
        note,
        now: deps.clock.now().toISOString(),
      },
    ),
  );
}

/** Immediate messages a subscription received within its throttle window. */
async function recentImmediate(sub: Subscription, deps: NotifyDeps): Promise<number> {
  const since = new Date(deps.clock.now().getTime() - sub.spec.throttle.window_minutes * 60_000);
  const read = deps.write ?? ((work) => work());
  const row = await read(() =>
    deps.warehouse.one<{ n: bigint }>(
      `SELECT count(*) AS n FROM alert_deliveries
     WHERE subscription_id = $sub AND reason IN ('opened', 'escalated') AND status IN ('delivered', 'dead_letter')
       AND created_at > $since::TIMESTAMPTZ`,
      { sub: sub.subscription_id, since: since.toISOString() },
    ),
  );
  return Number(row?.n ?? 0n);
}

/**
 * Routes alert events to subscriptions: digest subscriptions, quiet hours (critical alerts excepted)
 * and throttled overflow queue the alert for the next digest; the rest are delivered now.
 */
export async function dispatch(
  events: AlertEvent[],
  subs: Subscription[],
  deps: NotifyDeps,
): Promise<DispatchSummary> {
  const summary: DispatchSummary = { delivered: 0, deadLettered: 0, queued: 0, throttled: 0 };
  for (const sub of subs) {
    for (const event of events) {
      if (!matches(sub.spec, event.alert)) continue;
      const now = deps.clock.now();
      const quiet = inQuietHours(sub.spec, now) && event.alert.severity !== 'critical';
      if (sub.spec.mode === 'digest' || quiet) {
        await queue(sub, event.alert, quiet ? 'quiet hours' : null, deps);
        summary.queued++;
        continue;
      }
      if ((await recentImmediate(sub, deps)) >= sub.spec.throttle.max) {
        await queue(sub, event.alert, 'throttled', deps);
        summary.throttled++;
        continue;
      }
      if (await deliver(sub, [event.alert], event.reason, deps)) summary.delivered++;
      else summary.deadLettered++;
    }
  }
  return summary;
}

/** Sends each subscription's queued alerts as one digest (the digest job). Resolved alerts are left out. */
export async function flushDigests(subs: Subscription[], deps: NotifyDeps): Promise<DispatchSummary> {
  const summary: DispatchSummary = { delivered: 0, deadLettered: 0, queued: 0, throttled: 0 };
  const write = deps.write ?? ((work) => work());
  for (const sub of subs) {
    const { queued, alerts } = await write(async () => {
      const pending = await deps.warehouse.all<{ delivery_id: string; alert_id: string }>(
        `SELECT delivery_id, (alert_ids->>0) AS alert_id FROM alert_deliveries
         WHERE subscription_id = $sub AND status = 'queued' ORDER BY created_at`,
        { sub: sub.subscription_id },
      );
      const ids = [...new Set(pending.map((q) => q.alert_id))];
      const open = (
        await deps.warehouse.all<Record<string, unknown>>(
          `SELECT * FROM alerts WHERE list_contains(from_json($ids, '["VARCHAR"]'), alert_id) AND status = 'open'
           ORDER BY opened_at, alert_id`,
          { ids: JSON.stringify(ids) },
        )
      ).map(toAlertRow);
      return { queued: pending, alerts: open };
    });
    if (queued.length === 0) continue;
    if (alerts.length > 0) {
      if (await deliver(sub, alerts, 'digest', deps)) summary.delivered++;
      else summary.deadLettered++;
    }
    await write(() =>
      deps.warehouse.run(
        `UPDATE alert_deliveries SET status = 'digested', finished_at = $now::TIMESTAMPTZ
         WHERE list_contains(from_json($ids, '["VARCHAR"]'), delivery_id)`,
        { ids: JSON.stringify(queued.map((q) => q.delivery_id)), now: deps.clock.now().toISOString() },
      ),
    );
  }
  return summary;
}

/** A test message to one subscription (`retailos alerts test`). */
export async function sendTest(sub: Subscription, deps: NotifyDeps): Promise<boolean> {
  const now = deps.clock.now().toISOString();
  const alert: AlertRow = {
    alert_id: 'al-test',
    rule_id: 'test',
    kind: 'anomaly',
    condition_key: 'test',
    severity: 'info',
    role: 'admin',
    node_id: null,
    channel_id: null,
    sku: null,
    title: 'retailos test alert',
    detail: `A test message to subscription ${sub.spec.name}`,
    metric_value: null,
    threshold: null,
    impact: { note: 'none: this is a test' },
    status: 'open',
    opened_at: now,
    last_seen_at: now,
    escalated_at: null,
    resolved_at: null,
  };
  return deliver(sub, [alert], 'test', deps);
}
