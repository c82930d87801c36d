/**
 * What inbound needs of a channel's connection: its platform, the inbound settings, and the secret that
 * signs its webhooks. Read through `ChannelLookup` so the webhook route and the mapping never touch the
 * connections table themselves.
 */
import type { InboundSettings } from './settings.ts';

export interface InboundChannel {
  channelId: string;
  platform: string;
  settings: InboundSettings;
  /** Verifies the channel's webhooks (Shopify's app client secret, WooCommerce's webhook secret). */
  webhookSecret?: string | undefined;
}

export type ChannelLookup = (channelId: string) => Promise<InboundChannel | null>;
