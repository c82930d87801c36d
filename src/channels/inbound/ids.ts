/**
 * Deterministic ids for what a channel sends: the same platform object always maps to the same event id,
 * so a redelivered webhook or a re-imported file lands nothing twice, and each status transition of an
 * order (placed, a line cancelled, a fulfilment, a refund) has an id of its own.
 */
import { createHash } from 'node:crypto';

/** Longest id the contract accepts (event ids and identifiers alike). */
const MAX_ID = 128;

export type PlatformTag = 'shopify' | 'woo' | 'amazon';

/** `tag:channel:part:part…`; longer than the contract allows, the tail becomes a hash (still deterministic). */
export function channelEventId(tag: PlatformTag, channelId: string, ...parts: (string | number)[]): string {
  return bounded(`${tag}:${channelId}:${parts.join(':')}`);
}

/** Our order id for a channel's order: `channel:orderKey` (order ids must be unique across channels). */
export function channelOrderId(channelId: string, orderKey: string | number): string {
  return bounded(`${channelId}:${orderKey}`);
}

function bounded(id: string): string {
  if (id.length <= MAX_ID) return id;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 32);
  return `${id.slice(0, MAX_ID - digest.length - 1)}~${digest}`;
}
