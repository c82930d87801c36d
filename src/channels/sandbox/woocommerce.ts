/**
 * A WooCommerce store's REST API v3 for stock: `GET /wp-json/wc/v3/products?sku=a,b`, `POST
 * /wp-json/wc/v3/products/batch` with `update: [{id, stock_quantity, manage_stock}]` (at most 100 items;
 * an unknown id comes back with `error: {code: "woocommerce_rest_product_invalid_id", …}`), HTTP Basic
 * authentication with the consumer key and secret.
 */
import { type SandboxRequest, type SandboxResponse, SandboxServer } from './server.ts';

export interface WooProductState {
  id: number;
  sku: string;
  stock_quantity: number | null;
  manage_stock: boolean;
}

export class SandboxWooCommerce extends SandboxServer {
  readonly products = new Map<number, WooProductState>();
  readonly updates: { sku: string; quantity: number; at: number }[] = [];

  constructor(
    private readonly credentials: { consumerKey: string; consumerSecret: string },
    skus: string[],
  ) {
    super();
    skus.forEach((sku, index) => {
      const id = 700 + index;
      this.products.set(id, { id, sku, stock_quantity: null, manage_stock: false });
    });
  }

  stockOf(sku: string): number | null | undefined {
    return [...this.products.values()].find((p) => p.sku === sku)?.stock_quantity;
  }

  /** An edit in wp-admin: the source of drift. */
  editInAdmin(sku: string, quantity: number): void {
    const product = [...this.products.values()].find((p) => p.sku === sku);
    if (product) product.stock_quantity = quantity;
  }

  protected handle(request: SandboxRequest): SandboxResponse {
    const expected = `Basic ${Buffer.from(`${this.credentials.consumerKey}:${this.credentials.consumerSecret}`).toString('base64')}`;
    if (request.headers.authorization !== expected)
      return {
        status: 401,
        body: {
          code: 'woocommerce_rest_cannot_view',
          message: 'Sorry, you cannot list resources.',
          data: { status: 401 },
        },
      };
    if (request.method === 'GET' && request.path === '/wp-json/wc/v3/products') {
      const skus = request.query.get('sku');
      const wanted = skus === null ? null : new Set(skus.split(','));
      const perPage = Number(request.query.get('per_page') ?? 10);
      const list = [...this.products.values()]
        .filter((p) => wanted === null || wanted.has(p.sku))
        .slice(0, perPage);
      return { status: 200, body: list.map((p) => ({ ...p, parent_id: 0, type: 'simple' })) };
    }
    if (request.method === 'POST' && request.path === '/wp-json/wc/v3/products/batch') {
      const body = JSON.parse(request.body) as {
        update?: { id: number; stock_quantity?: number; manage_stock?: boolean }[];
      };
      const update = body.update ?? [];
      if (update.length > 100)
        return {
          status: 413,
          body: {
            code: 'woocommerce_rest_request_entity_too_large',
            message: 'Unable to accept more than 100 items for this request.',
            data: { status: 413 },
          },
        };
      return {
        status: 200,
        body: {
          update: update.map((item) => {
            const product = this.products.get(item.id);
            if (!product)
              return {
                id: item.id,
                error: {
                  code: 'woocommerce_rest_product_invalid_id',
                  message: 'Invalid ID.',
                  data: { status: 400 },
                },
              };
            if (item.manage_stock !== undefined) product.manage_stock = item.manage_stock;
            if (item.stock_quantity !== undefined) {
              product.stock_quantity = item.stock_quantity;
              this.updates.push({ sku: product.sku, quantity: item.stock_quantity, at: Date.now() });
            }
            return { ...product, parent_id: 0 };
          }),
        },
      };
    }
    return {
      status: 404,
      body: {
        code: 'rest_no_route',
        message: 'No route was found matching the URL and request method.',
        data: { status: 404 },
      },
    };
  }
}
