/**
 * What inbound needs of a channel's connection: its platform, the inbound settings, and the secret that
 * signs its webhooks. Read through `ChannelLookup` so the webhook route and the mapping never touch the
 * connections table themselves.
 */
import { type ChannelConnection, loadConnection, type SqlReader } from '../connections.ts';
import { DEFAULT_INBOUND, type InboundSettings } from './settings.ts';

export interface InboundChannel {
  channelId: string;
  platform: string;
  settings: InboundSettings;
  /** Verifies the channel's webhooks (Shopify's app client secret, WooCommerce's webhook secret). */
  webhookSecret?: string | undefined;
}

export type ChannelLookup = (channelId: string) => Promise<InboundChannel | null>;

/** The inbound view of a channel's connection (null when the channel has none). */
export async function loadInboundChannel(db: SqlReader, channelId: string): Promise<InboundChannel | null> {
  const connection = await loadConnection(db, channelId);
  if (!connection) return null;
  return {
    channelId,
    platform: connection.platform,
    settings: inboundSettingsOf(connection),
    webhookSecret: connection.secrets.webhookSecret,
  };
}

/**
 * The connection's inbound settings, with the Shopify locations it publishes to (node → location) read
 * backwards as where fulfilments leave from, unless inbound names the location itself.
 */
export function inboundSettingsOf(connection: ChannelConnection): InboundSettings {
  const settings = connection.settings as { inbound?: InboundSettings; locations?: Record<string, string> };
  const inbound = settings.inbound ?? DEFAULT_INBOUND;
  const locations: Record<string, string> = {};
  if (connection.platform === 'shopify') {
    for (const [node, location] of Object.entries(settings.locations ?? {})) locations[location] = node;
  }
  return { ...inbound, locations: { ...locations, ...inbound.locations } };
}
