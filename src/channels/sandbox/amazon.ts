/**
 * Amazon's Login with Amazon token endpoint and the Selling Partner Feeds API 2021-06-30, as far as a
 * quantity feed goes: `POST /auth/o2/token` (refresh-token grant), `POST /feeds/2021-06-30/documents`
 * (a feedDocumentId and an upload URL), `PUT` of the document, `POST /feeds/2021-06-30/feeds` (202,
 * feedId), `GET /feeds/2021-06-30/feeds/{id}` (IN_QUEUE → IN_PROGRESS → DONE with resultFeedDocumentId),
 * `GET /feeds/2021-06-30/documents/{id}` and the processing report (JSON_LISTINGS_FEED: header, issues by
 * messageId, summary). A sku the seller does not list is refused with an ERROR issue.
 */
import { type SandboxRequest, type SandboxResponse, SandboxServer } from './server.ts';

export interface SandboxAmazonOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  sellerId: string;
  skus: string[];
  /** Polls of getFeed that still answer IN_PROGRESS (default 1). */
  processingPolls?: number;
}

interface FeedState {
  feedId: string;
  feedType: string;
  documentId: string;
  polls: number;
  status: string;
  resultDocumentId?: string;
}

export class SandboxAmazon extends SandboxServer {
  /** Quantity per sku as the listings have it (the seller's merchant-fulfilled offers). */
  readonly quantities = new Map<string, number>();
  readonly feeds: FeedState[] = [];
  private readonly documents = new Map<string, string>();
  private readonly listed: Set<string>;
  private tokens = new Set<string>();
  private counter = 0;

  constructor(private readonly options: SandboxAmazonOptions) {
    super();
    this.listed = new Set(options.skus);
  }

  protected handle(request: SandboxRequest): SandboxResponse {
    if (request.method === 'POST' && request.path === '/auth/o2/token') {
      const form = new URLSearchParams(request.body);
      if (
        form.get('grant_type') !== 'refresh_token' ||
        form.get('client_id') !== this.options.clientId ||
        form.get('client_secret') !== this.options.clientSecret ||
        form.get('refresh_token') !== this.options.refreshToken
      )
        return {
          status: 400,
          body: { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter' },
        };
      const token = `Atza|sandbox-${++this.counter}`;
      this.tokens.add(token);
      return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: 3600 } };
    }
    if (request.method === 'PUT' && request.path.startsWith('/uploads/')) {
      this.documents.set(request.path.slice('/uploads/'.length), request.body);
      return { status: 200, text: '' };
    }
    if (request.method === 'GET' && request.path.startsWith('/reports/'))
      return { status: 200, text: this.documents.get(request.path.slice('/reports/'.length)) ?? '' };
    const token = request.headers['x-amz-access-token'];
    if (typeof token !== 'string' || !this.tokens.has(token))
      return {
        status: 403,
        body: { errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }] },
      };
    const base = '/feeds/2021-06-30';
    if (request.method === 'POST' && request.path === `${base}/documents`) {
      const id = `amzn1.tortuga.sandbox.${++this.counter}`;
      return { status: 201, body: { feedDocumentId: id, url: `${this.url}/uploads/${id}` } };
    }
    if (request.method === 'POST' && request.path === `${base}/feeds`) {
      const body = JSON.parse(request.body) as { feedType: string; inputFeedDocumentId: string };
      const feed: FeedState = {
        feedId: String(50_000 + ++this.counter),
        feedType: body.feedType,
        documentId: body.inputFeedDocumentId,
        polls: 0,
        status: 'IN_QUEUE',
      };
      this.feeds.push(feed);
      return { status: 202, body: { feedId: feed.feedId } };
    }
    if (request.method === 'GET' && request.path === `${base}/feeds`)
      return { status: 200, body: { feeds: [] } };
    const feedMatch = new RegExp(`^${base}/feeds/(\\w+)$`).exec(request.path);
    if (request.method === 'GET' && feedMatch) {
      const feed = this.feeds.find((f) => f.feedId === feedMatch[1]);
      if (!feed) return { status: 404, body: { errors: [{ code: 'NotFound', message: 'feed not found' }] } };
      feed.polls++;
      if (feed.status !== 'DONE' && feed.polls > (this.options.processingPolls ?? 1)) this.process(feed);
      else if (feed.status === 'IN_QUEUE') feed.status = 'IN_PROGRESS';
      return {
        status: 200,
        body: {
          feedId: feed.feedId,
          feedType: feed.feedType,
          processingStatus: feed.status,
          createdTime: new Date().toISOString(),
          ...(feed.resultDocumentId ? { resultFeedDocumentId: feed.resultDocumentId } : {}),
        },
      };
    }
    const documentMatch = new RegExp(`^${base}/documents/(.+)$`).exec(request.path);
    if (request.method === 'GET' && documentMatch)
      return {
        status: 200,
        body: { feedDocumentId: documentMatch[1], url: `${this.url}/reports/${documentMatch[1]}` },
      };
    return { status: 404, body: { errors: [{ code: 'NotFound', message: 'Resource not found' }] } };
  }

  /** Applies a feed and writes its processing report. */
  private process(feed: FeedState): void {
    const content = this.documents.get(feed.documentId) ?? '';
    const reportId = `amzn1.tortuga.report.${++this.counter}`;
    if (feed.feedType === 'JSON_LISTINGS_FEED') {
      const doc = JSON.parse(content) as {
        messages: { messageId: number; sku: string; patches: { value: { quantity: number }[] }[] }[];
      };
      const issues: unknown[] = [];
      for (const message of doc.messages) {
        if (!this.listed.has(message.sku)) {
          issues.push({
            messageId: message.messageId,
            code: '4000003',
            severity: 'ERROR',
            message: `The SKU ${message.sku} is not listed for this seller.`,
            sku: message.sku,
          });
          continue;
        }
        this.quantities.set(message.sku, message.patches[0]!.value[0]!.quantity);
      }
      this.documents.set(
        reportId,
        JSON.stringify({
          header: { sellerId: this.options.sellerId, version: '2.0', feedId: feed.feedId },
          issues,
          summary: {
            errors: issues.length,
            warnings: 0,
            messagesProcessed: doc.messages.length,
            messagesAccepted: doc.messages.length - issues.length,
            messagesInvalid: issues.length,
          },
        }),
      );
    } else {
      const rows = content.split('\n').slice(1);
      const report = ['original-record-number\tsku\terror-code\terror-type\terror-message'];
      rows.forEach((row, index) => {
        const [sku, quantity] = row.split('\t');
        if (!sku) return;
        if (!this.listed.has(sku)) report.push(`${index + 1}\t${sku}\t13013\tError\tSKU not found`);
        else this.quantities.set(sku, Number(quantity));
      });
      this.documents.set(reportId, report.join('\n'));
    }
    feed.status = 'DONE';
    feed.resultDocumentId = reportId;
  }
}
