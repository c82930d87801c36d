/**
 * Requests fetch() will not send: paths exactly as written (fetch normalises `.`, `..` and `%2e`),
 * chunked bodies without a length, any Content-Encoding, and a chosen local address on loopback
 * (127.0.0.2, 127.0.0.3, … are other clients to the server).
 */
import http from 'node:http';
import type { Json } from '../unit/api/server-fixture.ts';

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: Json;
}

export interface RawRequest {
  method?: string;
  /** Sent verbatim as the request target. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean;
  localAddress?: string;
}

export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawReply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let responded = false;
    let failure: Error | undefined;
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined && !request.chunked) {
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method ?? 'GET',
        path: request.path,
        headers,
        agent: false,
        ...(request.localAddress ? { localAddress: request.localAddress } : {}),
      },
      (res) => {
        responded = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    // The server may answer (413, 415) and close before a large body is sent in full: the answer counts.
    req.on('error', (error) => {
      failure = error;
    });
    req.on('close', () => {
      if (!responded) reject(failure ?? new Error('the connection closed without an answer'));
    });
    if (request.body === undefined) {
      req.end();
    } else if (request.chunked) {
      const body = Buffer.from(request.body);
      const step = 1 << 20;
      let offset = 0;
      const pump = (): void => {
        while (offset < body.length) {
          const chunk = body.subarray(offset, offset + step);
          offset += step;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    } else {
      req.end(request.body);
    }
  });
}
