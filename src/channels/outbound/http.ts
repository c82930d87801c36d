/**
 * One HTTP exchange with a channel, with a timeout, classified the same way for every platform:
 * a network failure, a 5xx or a 429 is transient (retried; `Retry-After` honoured), 401/403 are the
 * credentials (retried too: someone may fix them, and nothing is lost meanwhile), other 4xx refuse the
 * request. Error messages name the channel by its origin only (a URL's path or query may carry a token).
 */
import { ChannelRequestError, TransientChannelError } from './target.ts';

export interface ChannelResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Statuses the caller handles itself (no exception). */
  accept?: readonly number[];
}

export async function channelRequest(url: string, options: RequestOptions = {}): Promise<ChannelResponse> {
  const origin = originOf(url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      redirect: 'error',
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new TransientChannelError(`${origin} unreachable: ${why}`);
  }
  const text = await response.text().catch(() => '');
  const { status } = response;
  if (options.accept?.includes(status) || (status >= 200 && status < 300))
    return { status, headers: response.headers, text };
  const detail = brief(text);
  if (status === 429 || status >= 500 || status === 401 || status === 403 || status === 408) {
    throw new TransientChannelError(
      `${origin} answered ${status}${detail ? `: ${detail}` : ''}`,
      retryAfterMs(response.headers.get('retry-after')),
    );
  }
  throw new ChannelRequestError(`${origin} answered ${status}${detail ? `: ${detail}` : ''}`, status);
}

/** `Retry-After` as seconds or an HTTP date, in ms (null when absent or unreadable). */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The start of a response body for an error message, on one line. */
export function brief(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TransientChannelError(`${what}: the answer is not JSON (${brief(text, 80)})`);
  }
}
