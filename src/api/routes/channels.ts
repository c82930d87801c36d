/**
 * Channel connections and the outbound sync (docs/channels.md): configure a channel (its credentials are
 * write-only), test it, push to it now, fix drift, and read status and publications. The inbound webhook
 * routes are elsewhere (they authenticate by the channel's signature, not an API key).
 */
import * as z from 'zod';
import {
  connectionInputSchema,
  deleteConnection,
  listConnections,
  loadConnection,
  PLATFORMS,
  saveConnection,
} from '../../channels/connections.ts';
import { ChannelRequestError, TransientChannelError } from '../../channels/outbound/target.ts';
import { targetFor } from '../../channels/outbound/targets.ts';
import { channelStatus } from '../../channels/status.ts';
import { UserError } from '../../warehouse/errors.ts';
import type { ApiContext } from '../context.ts';
import { HttpError } from '../problem.ts';
import { readModel } from '../read-models.ts';
import type { ApiRouter } from '../route.ts';
import { idParam, limitParam } from './common.ts';

const connection = z.object({
  channel_id: z.string(),
  platform: z.enum(PLATFORMS),
  settings: z
    .record(z.string(), z.unknown())
    .describe('the platform settings; a generic webhook URL shows its origin only'),
  secrets_set: z
    .array(z.string())
    .describe('names of the stored credentials (their values are never returned)'),
  enabled: z.boolean(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const status = z.object({
  channel_id: z.string(),
  platform: z.string(),
  enabled: z.boolean(),
  last_published_at: z.string().nullable(),
  published: z.number(),
  rejected: z.number(),
  dead_letters: z.number(),
  pending: z.number().describe('quantities the channel does not show yet'),
  lag_seconds: z
    .number()
    .describe('how long the oldest pending quantity has waited since its event was accepted'),
  latency_p50_ms: z.number().nullable(),
  latency_p99_ms: z.number().nullable(),
  last_success_at: z.string().nullable(),
  consecutive_failures: z.number().nullable(),
  failing_since: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  last_error: z.string().nullable(),
  open_drift: z.number(),
  last_drift_check_at: z.string().nullable(),
});

const syncReport = z.object({
  channel_id: z.string(),
  pending: z.number(),
  published: z.number(),
  rejected: z.number(),
  dead_lettered: z.number(),
  error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  drift: z
    .object({ checked: z.number(), drifting: z.number(), opened: z.number(), cleared: z.number() })
    .nullable(),
});

const publication = z.object({
  publication_id: z.number().int(),
  channel_id: z.string(),
  sku: z.string(),
  location: z.string(),
  node_id: z.string().nullable(),
  quantity: z.number().int(),
  previous_quantity: z.number().int().nullable(),
  published_at: z.string(),
  outcome: z.enum(['published', 'rejected', 'dead_letter']),
  attempts: z.number().int(),
  accepted_at: z.string().nullable(),
  latency_ms: z.number().nullable(),
  batch_id: z.string(),
  reason: z.string().nullable(),
  error: z.string().nullable(),
});

const channelParams = z.strictObject({ channel_id: z.string().min(1).max(128) });

export function registerChannels(api: ApiRouter, ctx: ApiContext): void {
  api.route({
    method: 'get',
    path: '/channels',
    tag: 'channels',
    summary: 'Channel connections (credentials never shown: only the names of those stored)',
    permission: 'channels:read',
    response: z.object({ data: z.array(connection) }),
    async handler() {
      return { data: await ctx.readers.use((c) => listConnections(c)) };
    },
  });

  api.route({
    method: 'post',
    path: '/channels',
    tag: 'channels',
    summary: 'Connect a channel, or change its connection (Shopify, WooCommerce, Amazon, generic webhook)',
    description:
      'Credentials given replace those stored under the same name; credentials not given are kept. The outbound sync starts at once.',
    permission: 'channels:manage',
    body: connectionInputSchema,
    response: connection,
    status: 201,
    errors: [415],
    async handler({ body, req }) {
      let saved: z.infer<typeof connection>;
      try {
        saved = await ctx.exclusive(() =>
          saveConnection(ctx.warehouse, body, { actor: req.caller?.keyId ?? null }),
        );
      } catch (error) {
        if (error instanceof UserError) throw new HttpError(422, 'invalid_connection', error.message);
        throw error;
      }
      ctx.channels?.notify();
      return saved;
    },
  });

  api.route({
    method: 'delete',
    path: '/channels/:channel_id',
    tag: 'channels',
    summary: 'Disconnect a channel and forget its credentials (its publications are kept)',
    permission: 'channels:manage',
    params: channelParams,
    response: z.object({ channel_id: z.string(), deleted: z.literal(true) }),
    errors: [404],
    async handler({ params }) {
      const deleted = await ctx.exclusive(() => deleteConnection(ctx.warehouse, params.channel_id));
      if (!deleted) throw new HttpError(404, 'not_found', `No connection for channel ${params.channel_id}.`);
      return { channel_id: params.channel_id, deleted: true as const };
    },
  });

  api.route({
    method: 'get',
    path: '/channels/status',
    tag: 'channels',
    summary: 'Outbound sync per channel: last publication, lag, latency p50/p99, failures, open drift',
    permission: 'channels:read',
    response: z.object({ data: z.array(status) }),
    async handler() {
      return { data: await ctx.readers.use((c) => channelStatus(c)) };
    },
  });

  api.route({
    method: 'get',
    path: '/channels/publications',
    tag: 'channels',
    summary: 'Quantities published to channels (newest first; keyset-paged with before_id)',
    permission: 'channels:read',
    query: z.strictObject({
      channel_id: idParam('only this channel'),
      sku: idParam('only this sku'),
      outcome: z.enum(['published', 'rejected', 'dead_letter']).optional(),
      before_id: z.coerce.number().int().min(1).optional().describe('only publications with a smaller id'),
      limit: limitParam(ctx.limits.maxPageSize),
    }),
    response: z.object({ data: z.array(publication), next_before_id: z.number().int().nullable() }),
    async handler({ query }) {
      const rows = await readModel(ctx.readers, 'channel_publications', { ...query });
      const last = rows.at(-1);
      return {
        data: rows,
        next_before_id: rows.length === query.limit && last ? (last.publication_id as number) : null,
      };
    },
  });

  api.route({
    method: 'post',
    path: '/channels/:channel_id/test',
    tag: 'channels',
    summary: 'Check that the channel answers with these settings and credentials (nothing is changed)',
    permission: 'channels:manage',
    params: channelParams,
    body: z.strictObject({}).optional(),
    response: z.object({ channel_id: z.string(), ok: z.boolean(), message: z.string() }),
    errors: [404, 415],
    async handler({ params }) {
      const found = await ctx.readers.use((c) => loadConnection(c, params.channel_id));
      if (!found) throw new HttpError(404, 'not_found', `No connection for channel ${params.channel_id}.`);
      try {
        return { channel_id: params.channel_id, ok: true, message: await targetFor(found).probe() };
      } catch (error) {
        if (error instanceof TransientChannelError || error instanceof ChannelRequestError)
          return { channel_id: params.channel_id, ok: false, message: error.message };
        throw error;
      }
    },
  });

  api.route({
    method: 'post',
    path: '/channels/:channel_id/sync',
    tag: 'channels',
    summary:
      'Push what the channel should show now; with fix_drift, put our quantities back where it drifted',
    permission: 'channels:sync',
    params: channelParams,
    body: z
      .strictObject({
        fix_drift: z.boolean().default(false),
        retry_rejected: z.boolean().default(false).describe('also retry quantities the channel refused'),
      })
      .prefault({}),
    response: syncReport,
    errors: [404, 415, 503],
    async handler({ params, body }) {
      if (!ctx.channels)
        throw new HttpError(503, 'channels_disabled', 'This server runs without the channel sync.');
      const result = await ctx.channels.syncNow(params.channel_id, {
        fixDrift: body.fix_drift,
        retryRejected: body.retry_rejected,
      });
      if (!result)
        throw new HttpError(404, 'not_found', `No enabled connection for channel ${params.channel_id}.`);
      const { sync, drift } = result;
      return {
        channel_id: sync.channelId,
        pending: sync.pending,
        published: sync.published,
        rejected: sync.rejected,
        dead_lettered: sync.deadLettered,
        error: sync.error,
        next_attempt_at: sync.nextAttemptAt?.toISOString() ?? null,
        drift: drift
          ? { checked: drift.checked, drifting: drift.drifting, opened: drift.opened, cleared: drift.cleared }
          : null,
      };
    },
  });
}
