/**
 * WooCommerce REST API v3: quantities go out as `POST products/batch` (`update: [{id, manage_stock,
 * stock_quantity}]`, at most 100 per request), variations through `products/{parent}/variations/batch`;
 * products are found with `GET products?sku=a,b` and read back the same way for drift. A refused item
 * comes back in the batch answer with an `error` object. Authentication: HTTP Basic with the consumer key
 * and secret (WooCommerce accepts it over HTTPS; over plain HTTP it demands OAuth 1.0a signatures, which
 * retailos does not send, so use https).
 */
import type { WooSettings } from '../connections.ts';
import { channelRequest, parseJson } from './http.ts';
import {
  type ChannelTarget,
  chunks,
  type Observed,
  type PushResult,
  type QuantityChange,
  type RemoteItem,
} from './target.ts';

interface WooProduct {
  id: number;
  sku: string;
  parent_id?: number;
  stock_quantity: number | null;
  manage_stock?: boolean | string;
}

interface BatchAnswerItem {
  id: number;
  stock_quantity?: number | null;
  error?: { code: string; message: string };
}

export class WooCommerceTarget implements ChannelTarget {
  readonly needsRemoteIds = true;
  readonly maxBatch: number;
  private readonly base: string;
  private readonly auth: string;

  constructor(settings: WooSettings, credentials: { consumerKey: string; consumerSecret: string }) {
    this.base = `${settings.base_url.replace(/\/+$/, '')}/wp-json/${settings.api_version}`;
    this.auth = `Basic ${Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`).toString('base64')}`;
    this.maxBatch = settings.batch_size;
  }

  async probe(): Promise<string> {
    const products = await this.get('/products?per_page=1');
    return `WooCommerce store answers (${(products as unknown[]).length} product(s) on the first page)`;
  }

  async lookup(skus: readonly string[]): Promise<RemoteItem[]> {
    return (await this.bySku(skus)).map((p) => ({
      sku: p.sku,
      remoteId: String(p.id),
      parentId: p.parent_id ? String(p.parent_id) : null,
    }));
  }

  async push(changes: readonly QuantityChange[]): Promise<PushResult> {
    const result: PushResult = { published: [], rejected: [] };
    const groups = new Map<string, QuantityChange[]>();
    for (const change of changes) {
      const key = change.parentId ?? '';
      groups.set(key, [...(groups.get(key) ?? []), change]);
    }
    for (const [parent, group] of groups) {
      const path =
        parent === '' ? '/products/batch' : `/products/${encodeURIComponent(parent)}/variations/batch`;
      for (const batch of chunks(group, this.maxBatch)) {
        const response = await channelRequest(`${this.base}${path}`, {
          method: 'POST',
          headers: { authorization: this.auth, 'content-type': 'application/json' },
          body: JSON.stringify({
            update: batch.map((c) => ({
              id: Number(c.remoteId),
              manage_stock: true,
              stock_quantity: c.quantity,
            })),
          }),
        });
        const answer = parseJson(response.text, 'WooCommerce') as { update?: BatchAnswerItem[] };
        const byId = new Map((answer.update ?? []).map((item) => [String(item.id), item]));
        for (const change of batch) {
          const item = byId.get(change.remoteId!);
          if (item?.error)
            result.rejected.push({ change, error: `${item.error.code}: ${item.error.message}` });
          else if (item && (item.stock_quantity === undefined || item.stock_quantity === change.quantity))
            result.published.push(change);
          else result.rejected.push({ change, error: 'WooCommerce did not confirm the quantity' });
        }
      }
    }
    return result;
  }

  async readBack(items: readonly QuantityChange[]): Promise<Observed[]> {
    const products = new Map((await this.bySku(items.map((i) => i.sku))).map((p) => [p.sku, p]));
    return items.map((item) => ({
      sku: item.sku,
      location: item.location,
      quantity: products.get(item.sku)?.stock_quantity ?? null,
    }));
  }

  private async bySku(skus: readonly string[]): Promise<WooProduct[]> {
    const found: WooProduct[] = [];
    // Commas separate skus in the filter: a sku containing one cannot be looked up this way.
    for (const batch of chunks(
      skus.filter((s) => !s.includes(',')),
      50,
    )) {
      const query = new URLSearchParams({ sku: batch.join(','), per_page: '100' });
      found.push(...((await this.get(`/products?${query}`)) as WooProduct[]));
    }
    return found;
  }

  private async get(path: string): Promise<unknown> {
    const response = await channelRequest(`${this.base}${path}`, { headers: { authorization: this.auth } });
    return parseJson(response.text, 'WooCommerce');
  }
}
