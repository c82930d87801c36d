import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { deleteSecret, readSecrets, storeJsonSecret } from '../secrets/store.ts';
import { UserError } from '../warehouse/errors.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { alertRoleSchema, severityRank, severitySchema } from './config.ts';
import { urlOrigin } from './delivery/webhook.ts';
import type { AlertRow } from './store.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24h, UTC)');

const webhookSchema = z.object({ url: z.url(), secret: z.string().min(16) });

/** What a subscription is, but where to send it: the same in what is given and what is stored. */
const subscriptionFields = {
  name: z.string().min(1).max(200),
  /** Which alerts: every given filter must match (absent = any). */
  filter: z
    .object({
      roles: z.array(alertRoleSchema).optional(),
      rules: z.array(z.string()).optional(),
      min_severity: severitySchema.default('info'),
      nodes: z.array(z.string()).optional(),
      channels: z.array(z.string()).optional(),
    })
    .prefault({}),
  channel: z.enum(['webhook', 'email']),
  email: z.object({ to: z.array(z.email()).min(1) }).optional(),
  /** immediate: one message per alert; digest: queued and sent together by the digest job. */
  mode: z.enum(['immediate', 'digest']).default('immediate'),
  /** Immediate alerts inside quiet hours go to the next digest instead, except critical ones. */
  quiet_hours: z.object({ start: hhmm, end: hhmm }).optional(),
  /** At most `max` immediate messages per `window_minutes`; the rest wait for the digest. */
  throttle: z
    .object({ max: z.number().int().positive(), window_minutes: z.number().int().positive() })
    .default({ max: 20, window_minutes: 60 }),
};

export const subscriptionSpecSchema = z
  .object({
    ...subscriptionFields,
    /** webhook: url + HMAC secret; email: recipients. */
    webhook: webhookSchema.optional(),
  })
  .refine((s) => (s.channel === 'webhook' ? s.webhook !== undefined : s.email !== undefined), {
    message: 'a webhook subscription needs `webhook` {url, secret}; an email one needs `email` {to}',
  });
export type SubscriptionSpec = z.infer<typeof subscriptionSpecSchema>;

/**
 * A subscription as alert_subscriptions.spec holds it: a webhook's URL and signing secret live in the
 * secret store (src/secrets/store.ts); the row keeps the URL's origin, for people and audits, and the
 * secret's id.
 */
const storedSpecSchema = z.object({
  ...subscriptionFields,
  webhook: z.object({ origin: z.string(), credentials: z.string() }).optional(),
});
type StoredSpec = z.infer<typeof storedSpecSchema>;

const WEBHOOK_SECRET = 'alert_subscription.webhook';

export interface Subscription {
  subscription_id: string;
  spec: SubscriptionSpec;
  created_by: string | null;
  created_at: string;
}

export function parseSubscription(raw: unknown): SubscriptionSpec {
  const result = subscriptionSpecSchema.safeParse(raw);
  if (!result.success) {
    throw new UserError(
      `invalid subscription: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}

export async function createSubscription(
  warehouse: Warehouse,
  spec: SubscriptionSpec,
  createdBy: string | null,
  now: Date,
): Promise<Subscription> {
  const id = `sub-${randomUUID()}`;
  await warehouse.transaction(async () => {
    const { webhook, ...rest } = spec;
    const stored: StoredSpec = webhook
      ? {
          ...rest,
          webhook: {
            origin: urlOrigin(webhook.url),
            credentials: await storeJsonSecret(
              warehouse,
              { purpose: WEBHOOK_SECRET, ownerId: id, value: webhook },
              now,
            ),
          },
        }
      : rest;
    await warehouse.run(
      `INSERT INTO alert_subscriptions VALUES ($id, $name, $spec::JSON, $by, $now::TIMESTAMPTZ, true)`,
      { id, name: spec.name, spec: JSON.stringify(stored), by: createdBy, now: now.toISOString() },
    );
  });
  return { subscription_id: id, spec, created_by: createdBy, created_at: now.toISOString() };
}

/**
 * The active subscriptions, webhook credentials read back from the secret store. A webhook subscription
 * whose credentials are gone keeps no `webhook`: its deliveries fail with a message that says so.
 */
export async function listSubscriptions(warehouse: Warehouse): Promise<Subscription[]> {
  const rows = await warehouse.all<{
    subscription_id: string;
    spec: string;
    created_by: string | null;
    created_at: Date;
  }>(
    `SELECT subscription_id, spec::VARCHAR AS spec, created_by, created_at FROM alert_subscriptions
     WHERE active ORDER BY created_at, subscription_id`,
  );
  const stored = rows.map((r) => storedSpecSchema.parse(JSON.parse(r.spec)));
  const secrets = await readSecrets(
    warehouse,
    stored.flatMap((spec) => (spec.webhook ? [spec.webhook.credentials] : [])),
  );
  return rows.map((r, index) => {
    const { webhook, ...rest } = stored[index]!;
    const credentials = webhook ? secrets.get(webhook.credentials) : undefined;
    return {
      subscription_id: r.subscription_id,
      spec: {
        ...rest,
        ...(credentials === undefined ? {} : { webhook: webhookSchema.parse(JSON.parse(credentials)) }),
      },
      created_by: r.created_by,
      created_at: r.created_at.toISOString(),
    };
  });
}

/** Deactivates a subscription (its delivery log stays) and forgets its credentials. False when there was none. */
export async function deleteSubscription(warehouse: Warehouse, id: string): Promise<boolean> {
  const row = await warehouse.one<{ credentials: string | null }>(
    `SELECT spec->>'$.webhook.credentials' AS credentials FROM alert_subscriptions
     WHERE subscription_id = $id AND active`,
    { id },
  );
  if (!row) return false;
  await warehouse.transaction(async () => {
    await warehouse.run(`UPDATE alert_subscriptions SET active = false WHERE subscription_id = $id`, { id });
    if (row.credentials) await deleteSecret(warehouse, row.credentials);
  });
  return true;
}

/** Whether an alert passes a subscription's filter. */
export function matches(
  spec: SubscriptionSpec,
  alert: Pick<AlertRow, 'role' | 'rule_id' | 'severity' | 'node_id' | 'channel_id'>,
): boolean {
  const f = spec.filter;
  if (f.roles && !f.roles.includes(alert.role as (typeof f.roles)[number])) return false;
  if (f.rules && !f.rules.includes(alert.rule_id)) return false;
  if (severityRank(alert.severity) < severityRank(f.min_severity)) return false;
  if (f.nodes && (alert.node_id === null || !f.nodes.includes(alert.node_id))) return false;
  if (f.channels && (alert.channel_id === null || !f.channels.includes(alert.channel_id))) return false;
  return true;
}

/** Whether `now` (UTC) falls in the quiet hours; a window may wrap midnight (22:00–07:00). */
export function inQuietHours(spec: SubscriptionSpec, now: Date): boolean {
  if (!spec.quiet_hours) return false;
  const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  const parse = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  const start = parse(spec.quiet_hours.start);
  const end = parse(spec.quiet_hours.end);
  return start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}
