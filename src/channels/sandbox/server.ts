/**
 * Loopback stand-ins for the sales platforms (Shopify, WooCommerce, Amazon SP-API, a webhook receiver),
 * built from the platforms' published request and response examples. Tests, the demo (`npm start`) and the
 * channel-sync benchmark push to them over real HTTP; a real deployment never starts one.
 *
 * This file holds what they share: a server on 127.0.0.1 with an ephemeral port, and faults to inject
 * (down for a while: connections refused with 503; rate limited: 429 with Retry-After).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SandboxRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface SandboxResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent as is (text), instead of JSON. */
  text?: string;
}

export abstract class SandboxServer {
  private server: http.Server | null = null;
  url = '';
  /** Answer 503 to everything (a channel down for a while). */
  down = false;
  /** Answer the next N requests 429 with this Retry-After (seconds). */
  private rateLimited = { count: 0, retryAfter: 1 };
  /** Requests answered, by `METHOD path` (for tests and the demo's status). */
  readonly requests: { at: number; method: string; path: string; status: number }[] = [];

  protected abstract handle(request: SandboxRequest): SandboxResponse | Promise<SandboxResponse>;

  rateLimit(count: number, retryAfterSeconds: number): void {
    this.rateLimited = { count, retryAfter: retryAfterSeconds };
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void this.answer(req, Buffer.concat(chunks).toString('utf8'), res);
      });
    });
    this.server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    let response: SandboxResponse;
    if (this.down) {
      response = { status: 503, body: { errors: 'Service Unavailable' } };
    } else if (this.rateLimited.count > 0) {
      this.rateLimited.count--;
      response = {
        status: 429,
        body: { errors: 'Exceeded rate limit' },
        headers: { 'retry-after': String(this.rateLimited.retryAfter) },
      };
    } else {
      try {
        response = await this.handle({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
        });
      } catch (error) {
        response = { status: 500, body: { errors: (error as Error).message } };
      }
    }
    this.requests.push({
      at: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      status: response.status,
    });
    if (this.requests.length > 10_000) this.requests.splice(0, 5_000);
    const text = response.text ?? (response.body === undefined ? '' : JSON.stringify(response.body));
    res.writeHead(response.status, {
      'content-type': response.text === undefined ? 'application/json' : 'text/plain; charset=utf-8',
      ...response.headers,
    });
    res.end(text);
  }
}
