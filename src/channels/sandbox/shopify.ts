/**
 * A Shopify shop's Admin GraphQL endpoint (`POST /admin/api/{version}/graphql.json`, `X-Shopify-Access-Token`)
 * for the operations retailos uses: `inventorySetQuantities` (absolute `available` per item and location,
 * userErrors with the index of a refused quantity), `inventoryItems(query: "sku:…")`, `nodes(ids:)` with
 * `inventoryLevel(locationId:)`, `shop` and `location(id:)`. Calculated query cost is metered in a leaky
 * bucket; past it the answer is `{"errors":[{"message":"Throttled","extensions":{"code":"THROTTLED"}}],
 * "extensions":{"cost":{…,"throttleStatus":{…}}}}` as Shopify's docs show. Not a GraphQL engine: requests are
 * recognised by their root field.
 */
import { type SandboxRequest, type SandboxResponse, SandboxServer } from './server.ts';

// biome-ignore lint/suspicious/noExplicitAny: GraphQL variables are whatever the operation declares
type Vars = Record<string, any>;

export interface SandboxShopifyOptions {
  accessToken: string;
  /** Shopify location ids (numbers) the shop has. */
  locations: number[];
  /** Skus the shop lists (each gets an inventory item). */
  skus: string[];
  bucket?: { maximumAvailable: number; restoreRate: number };
  now?: () => number;
}

export class SandboxShopify extends SandboxServer {
  private readonly items = new Map<string, string>(); // gid → sku
  private readonly bySku = new Map<string, string>(); // sku → gid
  /** `${itemGid}|${locationGid}` → available */
  readonly levels = new Map<string, number>();
  private available: number;
  private at: number;
  private readonly now: () => number;
  throttledAnswers = 0;
  /** Every quantity set, in order (sku, location, quantity, when). */
  readonly sets: { sku: string; location: string; quantity: number; at: number }[] = [];

  constructor(private readonly options: SandboxShopifyOptions) {
    super();
    for (const [index, sku] of options.skus.entries()) this.addItem(sku, index + 1);
    this.now = options.now ?? Date.now;
    this.available = this.bucket.maximumAvailable;
    this.at = this.now();
  }

  private get bucket() {
    return this.options.bucket ?? { maximumAvailable: 2000, restoreRate: 100 };
  }

  addItem(sku: string, id = this.items.size + 1): string {
    const gid = `gid://shopify/InventoryItem/${40_000 + id}`;
    this.items.set(gid, sku);
    this.bySku.set(sku, gid);
    return gid;
  }

  private drainNext = false;

  /** Another app (or another worker of ours) spends the bucket: the next request finds it empty. */
  drain(): void {
    this.drainNext = true;
  }

  /** What the shop shows for a sku at a location (someone may have edited it in the admin). */
  availableAt(sku: string, location: string): number | undefined {
    const gid = this.bySku.get(sku);
    return gid ? this.levels.get(`${gid}|${location}`) : undefined;
  }

  /** An edit in Shopify's admin: the source of drift. */
  editInAdmin(sku: string, location: string, quantity: number): void {
    const gid = this.bySku.get(sku);
    if (gid) this.levels.set(`${gid}|${location}`, quantity);
  }

  protected handle(request: SandboxRequest): SandboxResponse {
    if (request.method !== 'POST' || !/^\/admin\/api\/\d{4}-\d{2}\/graphql\.json$/.test(request.path))
      return { status: 404, body: { errors: 'Not Found' } };
    if (request.headers['x-shopify-access-token'] !== this.options.accessToken)
      return {
        status: 401,
        body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
      };
    const { query, variables } = JSON.parse(request.body) as {
      query: string;
      variables: Vars;
    };
    const cost = this.costOf(query, variables);
    this.refill();
    if (this.drainNext) {
      this.drainNext = false;
      this.available = 0;
    }
    if (this.available < cost) {
      this.throttledAnswers++;
      return {
        status: 200,
        body: {
          errors: [
            {
              message: 'Throttled',
              extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
            },
          ],
          extensions: {
            cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: this.status() },
          },
        },
      };
    }
    this.available -= cost;
    const data = this.execute(query, variables);
    return {
      status: 200,
      body: {
        data,
        extensions: {
          cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: this.status() },
        },
      },
    };
  }

  private execute(query: string, variables: Vars): Record<string, unknown> {
    if (/\binventorySetQuantities\s*\(/.test(query)) {
      const input = variables.input as {
        name: string;
        reason: string;
        quantities: { inventoryItemId: string; locationId: string; quantity: number }[];
      };
      const userErrors: { code: string; field: string[]; message: string }[] = [];
      if (input.name !== 'available' && input.name !== 'on_hand')
        userErrors.push({
          code: 'INVALID_NAME',
          field: ['input', 'name'],
          message: 'The quantity name must be available or on_hand.',
        });
      input.quantities.forEach((q, index) => {
        if (!this.items.has(q.inventoryItemId))
          userErrors.push({
            code: 'INVALID_INVENTORY_ITEM',
            field: ['input', 'quantities', String(index), 'inventoryItemId'],
            message: 'The specified inventory item could not be found.',
          });
        else if (!this.options.locations.some((l) => `gid://shopify/Location/${l}` === q.locationId))
          userErrors.push({
            code: 'INVALID_LOCATION',
            field: ['input', 'quantities', String(index), 'locationId'],
            message: 'The specified location could not be found.',
          });
      });
      if (userErrors.length > 0)
        return { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors } };
      for (const q of input.quantities) {
        this.levels.set(`${q.inventoryItemId}|${q.locationId}`, q.quantity);
        this.sets.push({
          sku: this.items.get(q.inventoryItemId)!,
          location: q.locationId,
          quantity: q.quantity,
          at: this.now(),
        });
      }
      return {
        inventorySetQuantities: {
          inventoryAdjustmentGroup: { id: `gid://shopify/InventoryAdjustmentGroup/${this.sets.length}` },
          userErrors: [],
        },
      };
    }
    if (/\binventoryItems\s*\(/.test(query)) {
      const wanted = [...String(variables.query).matchAll(/sku:("(?:[^"\\]|\\.)*"|\S+)/g)].map((m) =>
        m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]!,
      );
      const nodes = wanted
        .filter((sku) => this.bySku.has(sku))
        .slice(0, Number(variables.first ?? 50))
        .map((sku) => ({ id: this.bySku.get(sku)!, sku }));
      return { inventoryItems: { nodes } };
    }
    if (/\bnodes\s*\(/.test(query)) {
      const location = String(variables.locationId);
      return {
        nodes: (variables.ids as string[]).map((id) => {
          const sku = this.items.get(id);
          if (sku === undefined) return null;
          const level = this.levels.get(`${id}|${location}`);
          return {
            id,
            sku,
            inventoryLevel:
              level === undefined ? null : { quantities: [{ name: 'available', quantity: level }] },
          };
        }),
      };
    }
    if (/\bshop\s*\{/.test(query)) {
      const id = String(variables.id ?? '');
      const known = this.options.locations.some((l) => `gid://shopify/Location/${l}` === id);
      return {
        shop: { name: 'retailos sandbox shop' },
        location: known ? { id, name: `Location ${id}` } : null,
      };
    }
    throw new Error('the sandbox shop does not know this operation');
  }

  /** Cost as Shopify counts it, roughly: a mutation 10; a connection 2 + what it may return. */
  private costOf(query: string, variables: Vars): number {
    if (/^\s*mutation\b/.test(query)) return 10;
    if (/\binventoryItems\s*\(/.test(query)) return 2 + Number(variables.first ?? 50);
    if (/\bnodes\s*\(/.test(query)) return 1 + 2 * (variables.ids as unknown[]).length;
    return 2;
  }

  private refill(): void {
    const now = this.now();
    this.available = Math.min(
      this.bucket.maximumAvailable,
      this.available + ((now - this.at) / 1000) * this.bucket.restoreRate,
    );
    this.at = now;
  }

  private status() {
    return {
      maximumAvailable: this.bucket.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.bucket.restoreRate,
    };
  }
}
