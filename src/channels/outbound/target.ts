/**
 * What every outbound platform implements (Shopify, WooCommerce, Amazon, a generic webhook): push absolute
 * quantities, look items up by sku, and (where the platform has a read API) read back what it shows. The
 * sync engine (sync.ts) decides what to push; a target only speaks the platform's protocol and classifies
 * what came back: accepted, refused for one item (not retried until the quantity changes), or a failure of
 * the whole request (retried with backoff).
 */

/** One quantity for the channel: a sku at one of the channel's locations ('' for the whole channel). */
export interface QuantityChange {
  sku: string;
  location: string;
  nodeId: string | null;
  quantity: number;
  /** The channel's id for the item (Shopify inventory item gid, WooCommerce product id), when it has one. */
  remoteId: string | null;
  /** WooCommerce variations: the parent product. */
  parentId: string | null;
}

export interface PushResult {
  /** Accepted by the channel. */
  published: QuantityChange[];
  /** Refused by the channel for this item, with its reason. */
  rejected: { change: QuantityChange; error: string }[];
}

/** A remote item found by sku. */
export interface RemoteItem {
  sku: string;
  remoteId: string;
  parentId: string | null;
}

/** A target's reading of what the channel shows now (null: the channel does not list the item there). */
export interface Observed {
  sku: string;
  location: string;
  quantity: number | null;
}

export interface ChannelTarget {
  /** Whether the platform addresses items by its own id (then skus are looked up first). */
  readonly needsRemoteIds: boolean;
  /** Most quantities in one push. */
  readonly maxBatch: number;
  lookup(skus: readonly string[]): Promise<RemoteItem[]>;
  push(changes: readonly QuantityChange[], batchId: string): Promise<PushResult>;
  /** Absent: the platform gives no way to read stock back (Amazon feeds, a generic webhook). */
  readBack?(items: readonly QuantityChange[]): Promise<Observed[]>;
  /** A cheap authenticated call that proves the settings and credentials work (channels test). */
  probe(): Promise<string>;
}

/**
 * A failure of a whole request that is worth retrying later (network, 5xx, 429, Shopify THROTTLED, an expired
 * token); `retryAfterMs` when the platform said how long to wait.
 */
export class TransientChannelError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'TransientChannelError';
  }
}

/** A refusal of the whole request that retrying will not change (bad credentials, a 4xx about the request). */
export class ChannelRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'ChannelRequestError';
  }
}

/** Splits into consecutive chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
