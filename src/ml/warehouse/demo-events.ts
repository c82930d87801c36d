import { poissonRandom, seededRandom } from '../random.ts';

/**
 * A small, seeded retailer as contract events (item/node/channel upserts, POS sales, web orders and
 * their shipments, price changes with promotions): for tests and demos of the forecasting path.
 * Demand has a weekly pattern and a promotion lift, so a forecaster has something to learn.
 */
export interface DemoOptions {
  skus: number;
  stores: number;
  days: number;
  /** First day (YYYY-MM-DD). */
  start: string;
  seed: number;
  /** A promotion (price −30%, demand ×2) on sku 0 over these day offsets [from, to). */
  promotion?: [number, number];
}

export function demoForecastEvents(options: DemoOptions): Record<string, unknown>[] {
  const random = seededRandom(options.seed);
  const base = Date.parse(`${options.start}T00:00:00Z`);
  const at = (day: number, hour: number): string =>
    new Date(base + day * 86_400_000 + hour * 3_600_000).toISOString();
  const events: Record<string, unknown>[] = [];
  let id = 0;
  const next = (type: string, day: number, hour: number, body: Record<string, unknown>) =>
    events.push({ event_id: `fc-${++id}`, type, occurred_at: at(day, hour), ...body });
  const skus = Array.from({ length: options.skus }, (_, i) => `SKU-${String(i).padStart(3, '0')}`);
  const stores = Array.from({ length: options.stores }, (_, i) => `ST-${String(i).padStart(2, '0')}`);
  for (const [i, sku] of skus.entries()) {
    next('item_upserted', 0, 0, {
      sku,
      name: `Item ${i}`,
      category: `CAT-${i % 3}`,
      unit_cost: 5,
      list_price: 10 + i,
    });
  }
  for (const node of stores) {
    next('node_upserted', 0, 0, {
      node_id: node,
      name: node,
      node_type: 'store',
      region: 'east',
      can_ship: false,
      can_pickup: true,
    });
  }
  next('node_upserted', 0, 0, {
    node_id: 'DC-1',
    name: 'DC',
    node_type: 'dc',
    region: 'east',
    can_ship: true,
    can_pickup: false,
  });
  next('channel_upserted', 0, 0, { channel_id: 'web', name: 'Web', channel_type: 'web' });
  const promo = options.promotion;
  if (promo) {
    next('price_changed', promo[0], 0, {
      sku: skus[0],
      price: Math.round(10 * 0.7 * 100) / 100,
      reason: 'promotion',
      ends_at: at(promo[1], 0),
    });
  }
  const weekly = [0.8, 0.9, 0.9, 1.0, 1.2, 1.5, 1.3];
  let order = 0;
  for (let day = 0; day < options.days; day++) {
    const weekday = new Date(base + day * 86_400_000).getUTCDay();
    for (const [i, sku] of skus.entries()) {
      const lift = promo && i === 0 && day >= promo[0] && day < promo[1] ? 2 : 1;
      for (const [s, node] of stores.entries()) {
        const qty = poissonRandom(random, (1 + ((i + s) % 4)) * weekly[weekday]! * lift);
        if (qty > 0) next('pos_sale', day, 12, { node_id: node, sku, qty, unit_price: 10 + i });
      }
      const web = poissonRandom(random, 2 * weekly[weekday]! * lift);
      if (web > 0) {
        order++;
        next('order_placed', day, 9, {
          order_id: `W-${order}`,
          channel_id: 'web',
          ship_to_region: 'east',
          service_level: 'standard',
          lines: [{ line_id: '1', sku, qty: web, unit_price: 10 + i }],
        });
        next('shipped', day, 15, { order_id: `W-${order}`, line_id: '1', node_id: 'DC-1', sku, qty: web });
      }
    }
  }
  return events;
}
