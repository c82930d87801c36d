import * as z from 'zod';
import {
  createSubscription,
  deleteSubscription,
  listSubscriptions,
  subscriptionSpecSchema,
} from '../../alerts/subscriptions.ts';
import type { ApiContext } from '../context.ts';
import { HttpError } from '../problem.ts';
import type { ApiRouter } from '../route.ts';

const subscription = z.object({
  subscription_id: z.string(),
  spec: z.record(z.string(), z.unknown()).describe('the subscription; a webhook secret is never returned'),
  created_by: z.string().nullable(),
  created_at: z.string(),
});

/** Secrets stay write-only. */
function redact<T extends { spec: { webhook?: { url: string; secret: string } } }>(s: T): T {
  return s.spec.webhook
    ? { ...s, spec: { ...s.spec, webhook: { url: s.spec.webhook.url, secret: '***' } } }
    : s;
}

/**
 * Subscriptions to alerts. Admins see and delete every subscription; other roles only the ones their
 * key created.
 */
export function registerSubscriptions(api: ApiRouter, ctx: ApiContext): void {
  const owner = (req: { caller?: { keyId: string; role: string } }) => req.caller?.keyId ?? null;
  const isAdmin = (req: { caller?: { role: string } }) => req.caller?.role === 'admin';

  api.route({
    method: 'get',
    path: '/subscriptions',
    tag: 'alerts',
    summary: 'Alert subscriptions (yours; all for admins)',
    permission: 'subscriptions:manage',
    response: z.object({ data: z.array(subscription) }),
    async handler({ req }) {
      const all = await ctx.exclusive(() => listSubscriptions(ctx.warehouse));
      return { data: all.filter((s) => isAdmin(req) || s.created_by === owner(req)).map(redact) };
    },
  });

  api.route({
    method: 'post',
    path: '/subscriptions',
    tag: 'alerts',
    summary:
      'Subscribe to alerts by role, rule, severity, node and channel; by webhook (HMAC-signed) or e-mail',
    permission: 'subscriptions:manage',
    status: 201,
    body: subscriptionSpecSchema,
    response: subscription,
    errors: [415],
    async handler({ body, req }) {
      const created = await ctx.exclusive(() =>
        createSubscription(ctx.warehouse, body, owner(req), new Date()),
      );
      return redact(created);
    },
  });

  api.route({
    method: 'delete',
    path: '/subscriptions/:subscription_id',
    tag: 'alerts',
    summary: 'Unsubscribe (the delivery log is kept)',
    permission: 'subscriptions:manage',
    params: z.strictObject({ subscription_id: z.string().min(1).max(80) }),
    response: z.object({ subscription_id: z.string(), deleted: z.literal(true) }),
    errors: [404],
    async handler({ params, req }) {
      const deleted = await ctx.exclusive(async () => {
        const mine = (await listSubscriptions(ctx.warehouse)).find(
          (s) => s.subscription_id === params.subscription_id,
        );
        if (!mine || (!isAdmin(req) && mine.created_by !== owner(req))) return false;
        return deleteSubscription(ctx.warehouse, params.subscription_id);
      });
      if (!deleted)
        throw new HttpError(404, 'not_found', `No subscription ${params.subscription_id} of yours.`);
      return { subscription_id: params.subscription_id, deleted: true as const };
    },
  });
}
