import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-retailos-signature';
export const TIMESTAMP_HEADER = 'x-retailos-timestamp';
export const DELIVERY_HEADER = 'x-retailos-delivery';

/** HMAC-SHA256 over `${timestamp}.${body}`, hex, prefixed `sha256=` (the timestamp defeats replays). */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver runs: constant-time comparison, and a timestamp no older than `toleranceMs`. */
export function verifySignature(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  body: string,
  now: Date = new Date(),
  toleranceMs = 5 * 60_000,
): boolean {
  if (!headers.signature || !headers.timestamp) return false;
  const sent = Date.parse(headers.timestamp);
  if (Number.isNaN(sent) || Math.abs(now.getTime() - sent) > toleranceMs) return false;
  const expected = Buffer.from(sign(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** One POST; anything but a 2xx is an error (so it is retried). */
export async function postWebhook(
  url: string,
  secret: string,
  deliveryId: string,
  body: string,
  now: Date,
  timeoutMs = 10_000,
): Promise<void> {
  const timestamp = now.toISOString();
  // Errors end up in the delivery log: name the receiver by its origin, never by the whole URL (a
  // webhook URL's path or query is often its bearer token).
  const origin = urlOrigin(url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: sign(secret, timestamp, body),
        [TIMESTAMP_HEADER]: timestamp,
        [DELIVERY_HEADER]: deliveryId,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`webhook ${origin} unreachable: ${why}`);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`webhook ${origin} answered ${response.status}`);
}

/** Scheme, host and port of a URL: no user info, path or query. */
export function urlOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(invalid URL)';
  }
}
