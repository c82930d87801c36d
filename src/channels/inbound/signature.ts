/**
 * Webhook signatures: Shopify's `X-Shopify-Hmac-Sha256` and WooCommerce's `X-WC-Webhook-Signature` are both
 * the base64 HMAC-SHA256 of the raw body (the bytes as sent, never a re-serialisation) keyed with the
 * channel's secret. Compared in constant time, and only when the header is exactly one base64 digest.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Base64 of 32 bytes: 43 characters and one `=`. */
const DIGEST_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

export function signBody(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export function verifySignature(body: Buffer, header: string | undefined, secret: string): boolean {
  if (header === undefined || secret === '') return false;
  const given = header.trim();
  if (!DIGEST_BASE64.test(given)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(given, 'base64'), expected);
}
