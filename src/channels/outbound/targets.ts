/** The target for a connection: the one place a platform name turns into its protocol. */
import type { ChannelConnection } from '../connections.ts';
import { AmazonTarget } from './amazon.ts';
import { ShopifyTarget } from './shopify.ts';
import type { ChannelTarget } from './target.ts';
import { WebhookTarget } from './webhook.ts';
import { WooCommerceTarget } from './woocommerce.ts';

export interface TargetOptions {
  sleep?: (ms: number) => Promise<void>;
  amazonFeedTimeoutMs?: number;
}

export function targetFor(connection: ChannelConnection, options: TargetOptions = {}): ChannelTarget {
  const s = connection.secrets;
  const need = (value: string | undefined, name: string): string => {
    if (!value)
      throw new Error(`channel ${connection.channelId} has no ${name} stored (retailos channels add …)`);
    return value;
  };
  switch (connection.platform) {
    case 'shopify':
      return new ShopifyTarget({
        settings: connection.settings,
        accessToken: need(s.apiToken, 'api_token'),
        sleep: options.sleep,
      });
    case 'woocommerce':
      return new WooCommerceTarget(connection.settings, {
        consumerKey: need(s.consumerKey, 'consumer_key'),
        consumerSecret: need(s.consumerSecret, 'consumer_secret'),
      });
    case 'amazon':
      return new AmazonTarget(
        connection.settings,
        {
          lwaClientId: need(s.lwaClientId, 'lwa_client_id'),
          lwaClientSecret: need(s.lwaClientSecret, 'lwa_client_secret'),
          refreshToken: need(s.refreshToken, 'refresh_token'),
        },
        { sleep: options.sleep, feedTimeoutMs: options.amazonFeedTimeoutMs },
      );
    case 'webhook':
      return new WebhookTarget(
        connection.channelId,
        connection.settings,
        need(s.signingSecret, 'signing_secret'),
      );
  }
}
