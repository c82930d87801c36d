/**
 * Shopify Admin GraphQL API: quantities go out with `inventorySetQuantities` (name `available`, absolute
 * values, `ignoreCompareQuantity`: retailos is the source of truth for what the channel may sell), items are
 * found by sku through `inventoryItems`, and stock is read back per location for drift.
 *
 * Limits: the API meters calculated query cost in a leaky bucket (`extensions.cost.throttleStatus`:
 * maximumAvailable, currentlyAvailable, restoreRate). We keep the last status we saw and wait before a
 * request the bucket cannot pay for; a `THROTTLED` answer waits for the bucket to refill by the request's
 * cost and tries again (a few times, then the push fails as transient and the sync engine backs off);
 * HTTP 429 honours `Retry-After`.
 */
import type { ShopifySettings } from '../connections.ts';
import { brief, channelRequest, parseJson } from './http.ts';
import {
  ChannelRequestError,
  type ChannelTarget,
  chunks,
  type Observed,
  type PushResult,
  type QuantityChange,
  type RemoteItem,
  TransientChannelError,
} from './target.ts';

const SET_QUANTITIES = `mutation RetailosSetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}`;

const ITEMS_BY_SKU = `query RetailosItemsBySku($query: String!, $first: Int!) {
  inventoryItems(first: $first, query: $query) { nodes { id sku } }
}`;

const LEVELS = `query RetailosLevels($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) {
    ... on InventoryItem { id sku inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } }
  }
}`;

const PROBE = `query RetailosProbe($id: ID!) { shop { name } location(id: $id) { id name } }`;

/** Quantities per inventorySetQuantities call (the mutation's documented maximum is 250). */
const MAX_QUANTITIES = 250;
/** Skus per lookup query (keeps the search string short). */
const LOOKUP_BATCH = 50;
/** Waits on THROTTLED inside one push before giving up to the engine's backoff. */
const MAX_THROTTLE_WAITS = 4;

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface GraphQlAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } };
}

export interface ShopifyTargetOptions {
  settings: ShopifySettings;
  accessToken: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class ShopifyTarget implements ChannelTarget {
  readonly needsRemoteIds = true;
  readonly maxBatch = MAX_QUANTITIES;
  private readonly url: string;
  private bucket: (ThrottleStatus & { at: number }) | null = null;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  /** Cost estimates per operation, learnt from requestedQueryCost. */
  private readonly costs = new Map<string, number>();
  /** Throttled answers seen (for status and tests). */
  throttled = 0;

  constructor(private readonly options: ShopifyTargetOptions) {
    const { settings } = options;
    this.url =
      settings.endpoint ?? `https://${settings.shop_domain}/admin/api/${settings.api_version}/graphql.json`;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async probe(): Promise<string> {
    const location = this.options.settings.location_id ?? Object.values(this.options.settings.locations)[0];
    const data = await this.graphql('probe', PROBE, { id: location });
    const shop = (data.shop as { name?: string } | null)?.name ?? '?';
    if (!data.location) throw new ChannelRequestError(`Shopify has no location ${location}`);
    return `Shopify shop "${shop}", location ${location} found`;
  }

  async lookup(skus: readonly string[]): Promise<RemoteItem[]> {
    const found: RemoteItem[] = [];
    for (const batch of chunks(skus, LOOKUP_BATCH)) {
      const query = batch.map((sku) => `sku:${JSON.stringify(sku)}`).join(' OR ');
      const data = await this.graphql('lookup', ITEMS_BY_SKU, { query, first: batch.length * 2 });
      const nodes = (data.inventoryItems as { nodes: { id: string; sku: string | null }[] }).nodes;
      const wanted = new Set(batch);
      for (const node of nodes)
        if (node.sku !== null && wanted.has(node.sku))
          found.push({ sku: node.sku, remoteId: node.id, parentId: null });
    }
    return found;
  }

  async push(changes: readonly QuantityChange[], batchId: string): Promise<PushResult> {
    const result: PushResult = { published: [], rejected: [] };
    let pending = [...changes];
    // userErrors name the quantities they refuse (field: ["input", "quantities", "<index>", …]); the
    // mutation applies nothing then, so the others go again without them (at most twice).
    for (let round = 0; round < 3 && pending.length > 0; round++) {
      const data = await this.graphql('set', SET_QUANTITIES, {
        input: {
          name: 'available',
          reason: 'correction',
          referenceDocumentUri: `gid://retailos/ChannelSync/${batchId}`,
          ignoreCompareQuantity: true,
          quantities: pending.map((change) => ({
            inventoryItemId: change.remoteId,
            locationId: change.location,
            quantity: change.quantity,
          })),
        },
      });
      const payload = data.inventorySetQuantities as {
        userErrors: { code: string | null; field: string[] | null; message: string }[];
      } | null;
      const errors = payload?.userErrors ?? [];
      if (errors.length === 0) {
        result.published.push(...pending);
        return result;
      }
      const refused = new Map<number, string>();
      for (const error of errors) {
        const index = Number(error.field?.[2]);
        if (error.field?.[1] === 'quantities' && Number.isInteger(index) && pending[index])
          refused.set(index, `${error.code ?? 'error'}: ${error.message}`);
      }
      if (refused.size === 0)
        throw new ChannelRequestError(
          `Shopify refused the update: ${errors.map((e) => e.message).join('; ')}`,
        );
      for (const [index, message] of refused)
        result.rejected.push({ change: pending[index]!, error: message });
      pending = pending.filter((_, index) => !refused.has(index));
    }
    if (pending.length > 0) throw new TransientChannelError('Shopify kept refusing parts of the update');
    return result;
  }

  async readBack(items: readonly QuantityChange[]): Promise<Observed[]> {
    const observed: Observed[] = [];
    const byLocation = new Map<string, QuantityChange[]>();
    for (const item of items) {
      if (!item.remoteId) continue;
      const list = byLocation.get(item.location) ?? [];
      list.push(item);
      byLocation.set(item.location, list);
    }
    for (const [location, list] of byLocation) {
      for (const batch of chunks(list, 100)) {
        const data = await this.graphql('levels', LEVELS, {
          ids: batch.map((i) => i.remoteId),
          locationId: location,
        });
        const nodes = (data.nodes ?? []) as ({
          id: string;
          sku: string | null;
          inventoryLevel: { quantities: { name: string; quantity: number }[] } | null;
        } | null)[];
        const byId = new Map(nodes.filter((n) => n !== null).map((n) => [n!.id, n!]));
        for (const item of batch) {
          const node = byId.get(item.remoteId!);
          const available = node?.inventoryLevel?.quantities.find((q) => q.name === 'available');
          observed.push({ sku: item.sku, location, quantity: available ? available.quantity : null });
        }
      }
    }
    return observed;
  }

  /** One GraphQL request, paid for out of the cost bucket; THROTTLED waits for the bucket and retries. */
  private async graphql(
    kind: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    for (let wait = 0; ; wait++) {
      await this.waitForBudget(this.costs.get(kind) ?? 10);
      const response = await channelRequest(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'x-shopify-access-token': this.options.accessToken,
        },
        body: JSON.stringify({ query, variables }),
      });
      const answer = parseJson(response.text, 'Shopify') as GraphQlAnswer;
      const cost = answer.extensions?.cost;
      if (cost?.throttleStatus) this.bucket = { ...cost.throttleStatus, at: this.now() };
      if (typeof cost?.requestedQueryCost === 'number') this.costs.set(kind, cost.requestedQueryCost);
      const throttled = answer.errors?.some((e) => e.extensions?.code === 'THROTTLED');
      if (throttled) {
        this.throttled++;
        const needed = cost?.requestedQueryCost ?? this.costs.get(kind) ?? 10;
        const waitMs = this.refillMs(needed);
        if (wait >= MAX_THROTTLE_WAITS)
          throw new TransientChannelError('Shopify throttled the request (cost budget exhausted)', waitMs);
        await this.sleep(waitMs);
        continue;
      }
      if (answer.errors && answer.errors.length > 0)
        throw new ChannelRequestError(`Shopify: ${brief(answer.errors.map((e) => e.message).join('; '))}`);
      if (!answer.data) throw new TransientChannelError('Shopify answered without data');
      return answer.data;
    }
  }

  /** How long until the bucket holds `cost` points, from the last status seen (refilled since). */
  private refillMs(cost: number): number {
    if (!this.bucket || this.bucket.restoreRate <= 0) return 1_000;
    const available = this.available();
    return available >= cost ? 0 : Math.ceil(((cost - available) / this.bucket.restoreRate) * 1000);
  }

  private available(): number {
    if (!this.bucket) return Number.POSITIVE_INFINITY;
    const elapsed = (this.now() - this.bucket.at) / 1000;
    return Math.min(
      this.bucket.maximumAvailable,
      this.bucket.currentlyAvailable + elapsed * this.bucket.restoreRate,
    );
  }

  private async waitForBudget(cost: number): Promise<void> {
    if (!this.bucket) return; // nothing known yet: the first answer tells
    const waitMs = this.refillMs(cost);
    if (waitMs > 0) await this.sleep(waitMs);
  }
}
