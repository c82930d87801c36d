/**
 * Amazon Selling Partner API: quantities go out as a feed (Feeds API 2021-06-30): an access token from Login
 * with Amazon (refresh-token grant), `createFeedDocument`, the document uploaded to the URL it returns,
 * `createFeed`, then `getFeed` until it is DONE and its processing report names the messages it refused.
 *
 * Feed types: `JSON_LISTINGS_FEED` (one PATCH message per sku: `merge` of
 * `/attributes/fulfillment_availability` with the fulfilment channel code and quantity, product type
 * `PRODUCT`), or the inventory loader flat file `POST_FLAT_FILE_INVENTORY_LOADER_DATA` (tab-separated
 * sku / quantity / fulfillment-channel). Amazon reports no stock to read back through feeds: no drift check.
 */
import type { AmazonSettings } from '../connections.ts';
import { channelRequest, parseJson } from './http.ts';
import {
  ChannelRequestError,
  type ChannelTarget,
  type PushResult,
  type QuantityChange,
  type RemoteItem,
  TransientChannelError,
} from './target.ts';

const FEEDS = '/feeds/2021-06-30';
/** Messages per feed (the JSON_LISTINGS_FEED limit is 10,000). */
const MAX_MESSAGES = 10_000;

export interface AmazonCredentials {
  lwaClientId: string;
  lwaClientSecret: string;
  refreshToken: string;
}

interface ProcessingReport {
  header?: { sellerId?: string; version?: string; feedId?: string };
  issues?: { messageId?: number; sku?: string; code?: string; severity?: string; message?: string }[];
  summary?: {
    errors?: number;
    messagesProcessed?: number;
    messagesAccepted?: number;
    messagesInvalid?: number;
  };
}

export interface AmazonTargetOptions {
  sleep?: (ms: number) => Promise<void>;
  /** How long to wait for a feed to be processed before the push counts as failed (retried). Default 15 min. */
  feedTimeoutMs?: number;
}

export class AmazonTarget implements ChannelTarget {
  readonly needsRemoteIds = false;
  readonly maxBatch = MAX_MESSAGES;
  private token: { value: string; expires: number } | null = null;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly settings: AmazonSettings,
    private readonly credentials: AmazonCredentials,
    private readonly options: AmazonTargetOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async probe(): Promise<string> {
    await this.accessToken();
    const query = new URLSearchParams({ feedTypes: this.settings.feed_type, pageSize: '1' });
    await this.api('GET', `${FEEDS}/feeds?${query}`);
    return `Amazon SP-API answers for seller ${this.settings.seller_id}`;
  }

  async lookup(): Promise<RemoteItem[]> {
    return [];
  }

  async push(changes: readonly QuantityChange[]): Promise<PushResult> {
    const json = this.settings.feed_type === 'JSON_LISTINGS_FEED';
    const contentType = json ? 'application/json; charset=UTF-8' : 'text/tab-separated-values; charset=UTF-8';
    const content = json ? this.listingsFeed(changes) : this.flatFile(changes);
    const document = (await this.api('POST', `${FEEDS}/documents`, { contentType })) as {
      feedDocumentId: string;
      url: string;
    };
    await channelRequest(document.url, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body: content,
    });
    const created = (await this.api('POST', `${FEEDS}/feeds`, {
      feedType: this.settings.feed_type,
      marketplaceIds: this.settings.marketplace_ids,
      inputFeedDocumentId: document.feedDocumentId,
    })) as { feedId: string };
    const feed = await this.waitForFeed(created.feedId);
    if (feed.processingStatus !== 'DONE' || !feed.resultFeedDocumentId)
      throw new TransientChannelError(`Amazon feed ${created.feedId} ended ${feed.processingStatus}`);
    const result = (await this.api(
      'GET',
      `${FEEDS}/documents/${encodeURIComponent(feed.resultFeedDocumentId)}`,
    )) as {
      url: string;
    };
    const report = (await channelRequest(result.url)).text;
    return json ? this.readJsonReport(changes, report) : this.readFlatReport(changes, report);
  }

  private listingsFeed(changes: readonly QuantityChange[]): string {
    return JSON.stringify({
      header: { sellerId: this.settings.seller_id, version: '2.0', issueLocale: 'en_US' },
      messages: changes.map((change, index) => ({
        messageId: index + 1,
        sku: change.sku,
        operationType: 'PATCH',
        productType: 'PRODUCT',
        patches: [
          {
            op: 'merge',
            path: '/attributes/fulfillment_availability',
            value: [
              { fulfillment_channel_code: this.settings.fulfillment_channel_code, quantity: change.quantity },
            ],
          },
        ],
      })),
    });
  }

  private flatFile(changes: readonly QuantityChange[]): string {
    const clean = (s: string) => s.replace(/[\t\r\n]/g, ' ');
    return [
      'sku\tquantity\tfulfillment-channel',
      ...changes.map((c) => `${clean(c.sku)}\t${c.quantity}\t${this.settings.fulfillment_channel_code}`),
    ].join('\n');
  }

  private readJsonReport(changes: readonly QuantityChange[], text: string): PushResult {
    const report = parseJson(text, 'Amazon processing report') as ProcessingReport;
    const refused = new Map<number, string>();
    for (const issue of report.issues ?? [])
      if (issue.severity === 'ERROR' && typeof issue.messageId === 'number')
        refused.set(issue.messageId, `${issue.code ?? 'error'}: ${issue.message ?? ''}`.trim());
    return split(changes, (index) => refused.get(index + 1));
  }

  /** The flat file's report: tab-separated rows `original-record-number, sku, error-code, error-type, error-message`. */
  private readFlatReport(changes: readonly QuantityChange[], text: string): PushResult {
    const refused = new Map<number, string>();
    for (const line of text.split(/\r?\n/)) {
      const [record, , code, type, message] = line.split('\t');
      const index = Number(record);
      if (Number.isInteger(index) && type?.toLowerCase() === 'error')
        refused.set(index, `${code}: ${message ?? ''}`);
    }
    return split(changes, (index) => refused.get(index + 1));
  }

  private async waitForFeed(
    feedId: string,
  ): Promise<{ processingStatus: string; resultFeedDocumentId?: string }> {
    const deadline = Date.now() + (this.options.feedTimeoutMs ?? 15 * 60_000);
    for (let poll = 0; ; poll++) {
      const feed = (await this.api('GET', `${FEEDS}/feeds/${encodeURIComponent(feedId)}`)) as {
        processingStatus: string;
        resultFeedDocumentId?: string;
      };
      if (['DONE', 'FATAL', 'CANCELLED'].includes(feed.processingStatus)) return feed;
      if (Date.now() > deadline)
        throw new TransientChannelError(`Amazon feed ${feedId} still ${feed.processingStatus}`);
      // Quick at first (a small feed is often processed within seconds), then every 30 s.
      await this.sleep(Math.min(30_000, 250 * 2 ** poll));
    }
  }

  private async api(method: string, path: string, body?: unknown): Promise<unknown> {
    const token = await this.accessToken();
    const response = await channelRequest(`${this.settings.endpoint.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        'x-amz-access-token': token,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = parseJson(response.text, 'Amazon') as { payload?: unknown };
    // 2020-09-04 answers wrap the result in `payload`; 2021-06-30 answers do not.
    return answer.payload ?? answer;
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expires > Date.now() + 60_000) return this.token.value;
    const response = await channelRequest(this.settings.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: this.credentials.refreshToken,
        client_id: this.credentials.lwaClientId,
        client_secret: this.credentials.lwaClientSecret,
      }).toString(),
    });
    const answer = parseJson(response.text, 'Login with Amazon') as {
      access_token?: string;
      expires_in?: number;
    };
    if (!answer.access_token) throw new ChannelRequestError('Login with Amazon gave no access token');
    this.token = { value: answer.access_token, expires: Date.now() + (answer.expires_in ?? 3600) * 1000 };
    return this.token.value;
  }
}

function split(
  changes: readonly QuantityChange[],
  refusal: (index: number) => string | undefined,
): PushResult {
  const result: PushResult = { published: [], rejected: [] };
  changes.forEach((change, index) => {
    const error = refusal(index);
    if (error === undefined) result.published.push(change);
    else result.rejected.push({ change, error });
  });
  return result;
}
