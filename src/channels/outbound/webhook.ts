/**
 * A generic signed webhook for any other channel: one JSON POST per batch of changed quantities,
 * signed like retailos' alert webhooks (HMAC-SHA256 over `${timestamp}.${body}` in `x-retailos-signature`,
 * the timestamp in `x-retailos-timestamp`, the batch id in `x-retailos-delivery`; receivers verify with
 * `verifySignature` in src/alerts/delivery/webhook.ts). A 2xx accepts the whole batch; a 400/422 refuses it
 * (recorded as rejected); anything else is retried.
 */
import { DELIVERY_HEADER, SIGNATURE_HEADER, sign, TIMESTAMP_HEADER } from '../../alerts/delivery/webhook.ts';
import type { WebhookSettings } from '../connections.ts';
import { channelRequest, originOf } from './http.ts';
import {
  ChannelRequestError,
  type ChannelTarget,
  type PushResult,
  type QuantityChange,
  type RemoteItem,
} from './target.ts';

/** The body of one POST (docs/channels.md "Generic webhook"). */
export interface WebhookPayload {
  type: 'channel_availability';
  channel_id: string;
  batch_id: string;
  sent_at: string;
  quantities: { sku: string; location: string; quantity: number }[];
}

export class WebhookTarget implements ChannelTarget {
  readonly needsRemoteIds = false;
  readonly maxBatch: number;

  constructor(
    private readonly channelId: string,
    private readonly settings: WebhookSettings,
    private readonly secret: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.maxBatch = settings.batch_size;
  }

  async probe(): Promise<string> {
    await this.post(
      {
        type: 'channel_availability',
        channel_id: this.channelId,
        batch_id: 'probe',
        sent_at: this.now().toISOString(),
        quantities: [],
      },
      'probe',
    );
    return `${originOf(this.settings.url)} accepted a signed empty batch`;
  }

  async lookup(): Promise<RemoteItem[]> {
    return [];
  }

  async push(changes: readonly QuantityChange[], batchId: string): Promise<PushResult> {
    const payload: WebhookPayload = {
      type: 'channel_availability',
      channel_id: this.channelId,
      batch_id: batchId,
      sent_at: this.now().toISOString(),
      quantities: changes.map((c) => ({ sku: c.sku, location: c.location, quantity: c.quantity })),
    };
    try {
      await this.post(payload, batchId);
    } catch (error) {
      if (error instanceof ChannelRequestError && (error.status === 400 || error.status === 422))
        return { published: [], rejected: changes.map((change) => ({ change, error: error.message })) };
      throw error;
    }
    return { published: [...changes], rejected: [] };
  }

  private async post(payload: WebhookPayload, deliveryId: string): Promise<void> {
    const body = JSON.stringify(payload);
    const timestamp = this.now().toISOString();
    await channelRequest(this.settings.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: sign(this.secret, timestamp, body),
        [TIMESTAMP_HEADER]: timestamp,
        [DELIVERY_HEADER]: deliveryId,
      },
      body,
    });
  }
}
