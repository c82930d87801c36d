/**
 * Inbound channel webhooks: `POST /api/v1/channels/{channel_id}/shopify` and `/woocommerce`.
 *
 * Platforms cannot send an API key, so these routes sit outside the key check and are authenticated by the
 * platform's signature instead: the base64 HMAC-SHA256 of the raw body with the channel's webhook secret
 * (`X-Shopify-Hmac-Sha256`, `X-WC-Webhook-Signature`), compared in constant time. Being open to anyone,
 * they are careful: the body is bounded and never decompressed, each channel is rate-limited, an address
 * that keeps failing signatures is refused before its next one is even checked, and a refusal says nothing
 * about which part was wrong (unknown channel, wrong platform, no secret, bad signature all answer 401).
 *
 * A verified delivery is stored (channel_deliveries) before it is answered 2xx — Shopify retries what is
 * not answered within 5 s — and mapped to events after, by the DeliveryProcessor. Its delivery id makes a
 * redelivery a no-op.
 */
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import express, { type Express, type Request } from 'express';
import type { ChannelLookup } from '../../channels/inbound/channel.ts';
import { loadInboundChannel } from '../../channels/inbound/channel.ts';
import { type NewDelivery, storeDelivery } from '../../channels/inbound/deliveries.ts';
import { DeliveryProcessor } from '../../channels/inbound/processor.ts';
import { isShopifyTopic } from '../../channels/inbound/shopify.ts';
import { verifySignature } from '../../channels/inbound/signature.ts';
import { isWooTopic } from '../../channels/inbound/woocommerce.ts';
import { clientAddress } from '../auth.ts';
import { AuthThrottle, type AuthThrottleOptions, DEFAULT_AUTH_THROTTLE } from '../auth-throttle.ts';
import type { ApiContext } from '../context.ts';
import { HttpError } from '../problem.ts';
import { RateLimiter, type RateLimitOptions } from '../rate-limit.ts';
import { decodeJsonBytes } from '../route.ts';

export interface ChannelWebhookOptions {
  /** Largest body (default 4 MiB, never more than the API's body limit). */
  maxBodyBytes?: number;
  /** Deliveries per channel (default 200/s, bursts of 1,000: a flash sale's orders). */
  rateLimit?: RateLimitOptions;
  /** Failed signatures per client address (default: as for API keys). */
  throttle?: Partial<AuthThrottleOptions>;
  /** How a channel's connection is read (default: channel_connections and the secret store). */
  lookup?: ChannelLookup;
}

const PLATFORMS = {
  shopify: {
    signature: 'x-shopify-hmac-sha256',
    topic: 'x-shopify-topic',
    delivery: 'x-shopify-webhook-id',
    supported: isShopifyTopic,
  },
  woocommerce: {
    signature: 'x-wc-webhook-signature',
    topic: 'x-wc-webhook-topic',
    delivery: 'x-wc-webhook-delivery-id',
    supported: isWooTopic,
  },
} as const;

type WebhookPlatform = keyof typeof PLATFORMS;

/** Channel ids as connections allow them (src/channels/connections.ts): anything else is no channel. */
const CHANNEL_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Ids of deliveries as platforms send them (a UUID, a number): anything else is hashed. */
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Registers the routes on `app` (before the API-key check) and returns the processor that maps deliveries. */
export function registerChannelWebhooks(
  app: Express,
  ctx: ApiContext,
  options: ChannelWebhookOptions = {},
): DeliveryProcessor {
  const lookup: ChannelLookup =
    options.lookup ?? ((channelId) => ctx.readers.use((reader) => loadInboundChannel(reader, channelId)));
  const throttle = new AuthThrottle({ ...DEFAULT_AUTH_THROTTLE, ...options.throttle });
  const limiter = new RateLimiter(options.rateLimit ?? { perSecond: 200, burst: 1_000 });
  const limit = Math.min(options.maxBodyBytes ?? 4 * 1024 * 1024, ctx.limits.maxBodyBytes);
  const processor = new DeliveryProcessor({
    warehouse: ctx.warehouse,
    exclusive: ctx.exclusive,
    lookup: (channelId) => loadInboundChannel(ctx.warehouse, channelId),
    closing: () => ctx.draining,
    onLanded: () => ctx.operations?.notify(),
    onError: (error) =>
      ctx.logger.error({ err: error }, 'channel deliveries: mapping failed (retried on the next delivery)'),
  });
  // The inbox has a connection of its own: storing a delivery never waits behind the serialized writer.
  let inbox: Promise<DuckDBConnection> | undefined;

  for (const platform of Object.keys(PLATFORMS) as WebhookPlatform[]) {
    const spec = PLATFORMS[platform];
    const label = `/api/v1/channels/:channel_id/${platform}`;
    app.post(
      label,
      (req, res, next) => {
        res.locals.route = label;
        const address = clientAddress(req);
        const wait = throttle.check(address);
        if (wait > 0) {
          ctx.metrics.authThrottled.inc();
          const seconds = String(Math.max(1, Math.ceil(wait)));
          throw new HttpError(
            429,
            'too_many_failed_signatures',
            `Too many invalid webhook signatures from this address; try again in ${seconds} s.`,
            {
              headers: { 'Retry-After': seconds },
            },
          );
        }
        next();
      },
      // The raw bytes: the signature is over them. Compressed bodies are refused (415), never inflated.
      express.raw({ limit, type: () => true, inflate: false }),
      async (req, res) => {
        const channelId = String(req.params.channel_id);
        const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const address = clientAddress(req);
        if (platform === 'woocommerce' && isWooPing(req, body)) {
          // Sent once when a webhook is saved, unsigned: acknowledged, nothing stored.
          res.status(200).json({ status: 'ping' });
          return;
        }
        const channel = CHANNEL_ID.test(channelId) ? await lookup(channelId) : null;
        if (channel) {
          // Keyed by channels that exist only: made-up channel ids never grow the limiter's table.
          const channelWait = limiter.take(`${platform}:${channelId}`);
          if (channelWait > 0) {
            ctx.metrics.rateLimited.inc();
            throw new HttpError(429, 'rate_limited', 'Too many deliveries for this channel; retry shortly.', {
              headers: { 'Retry-After': String(Math.max(1, Math.ceil(channelWait))) },
            });
          }
        }
        const secret = channel?.platform === platform ? channel.webhookSecret : undefined;
        if (secret === undefined || !verifySignature(body, req.get(spec.signature), secret)) {
          throttle.fail(address);
          ctx.metrics.authFailures.inc();
          ctx.logger.warn(
            {
              req_id: req.id,
              channel_id: channelId,
              reason: !channel
                ? 'no such channel'
                : channel.platform !== platform
                  ? `channel is ${channel.platform}`
                  : secret === undefined
                    ? 'no webhook_secret configured'
                    : req.get(spec.signature) === undefined
                      ? 'no signature header'
                      : 'signature mismatch',
            },
            'channel webhook refused',
          );
          throw new HttpError(
            401,
            'invalid_signature',
            `The ${spec.signature} signature does not verify for this channel.`,
          );
        }
        const topic = req.get(spec.topic)?.trim();
        if (!topic) throw new HttpError(400, 'missing_topic', `The delivery has no ${spec.topic} header.`);
        const text = decodeJsonBytes(body, req.get('content-type'));
        const given = req.get(spec.delivery)?.trim();
        const deliveryId =
          given !== undefined && DELIVERY_ID.test(given)
            ? given
            : `sha256-${createHash('sha256').update(topic).update('\n').update(body).digest('hex').slice(0, 40)}`;
        const delivery: NewDelivery = {
          channelId,
          platform,
          deliveryId,
          topic: topic.slice(0, 128),
          body: text,
          status: spec.supported(topic) ? 'pending' : 'ignored',
          receivedAt: new Date(),
        };
        inbox ??= ctx.warehouse.connect();
        const stored = await storeDelivery(await inbox, delivery);
        res.status(200).json({
          status: !stored ? 'duplicate' : delivery.status === 'ignored' ? 'ignored' : 'accepted',
          delivery_id: deliveryId,
        });
        if (stored && delivery.status === 'pending') processor.kick();
      },
    );
  }
  // Deliveries stored before a crash or a restart, not yet mapped.
  setImmediate(() => processor.kick());
  return processor;
}

function isWooPing(req: Request, body: Buffer): boolean {
  return (
    req.get('x-wc-webhook-signature') === undefined &&
    /^webhook_id=\d{1,20}$/.test(body.toString('latin1').trim())
  );
}
