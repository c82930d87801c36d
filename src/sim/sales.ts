/**
 * Store sales: each open store draws the day's demand for every item it carries (negative binomial around
 * the mean of demand.ts, times a store-day shock), sells what is physically on the shelf (the rest is a lost
 * sale) and reports one aggregated `pos_sale` per store, item and day when the tills close. Selling also
 * wears the shelf: hidden shrink, damage, expiry of health items, and sold units that come back.
 */

import type { Demand } from './demand.ts';
import { at } from './emitter.ts';
import { adjustment, posSale, statusChanged } from './events.ts';
import type { InventoryControl } from './inventory.ts';
import { BEHAVIOUR, CALIBRATION, CATEGORIES, CATEGORY_PARAMS } from './params.ts';
import type { Returns } from './returns.ts';
import type { Rng } from './rng.ts';
import type { World } from './world.ts';

export class StoreSales {
  private readonly category: Uint8Array;
  private readonly shrinkRate: Float64Array;
  private readonly damageRate: Float64Array;
  private readonly expiryRate: Float64Array;

  constructor(
    private readonly world: World,
    private readonly demand: Demand,
    private readonly returns: Returns,
    private readonly inventory: InventoryControl,
  ) {
    const items = world.catalog.items;
    this.category = Uint8Array.from(items.map((item) => item.category));
    this.shrinkRate = Float64Array.from(CATEGORIES.map((c) => CATEGORY_PARAMS[c].shrinkRate));
    this.damageRate = Float64Array.from(CATEGORIES.map((c) => CATEGORY_PARAMS[c].damageRate));
    this.expiryRate = Float64Array.from(CATEGORIES.map((c) => (c === 'health' ? BEHAVIOUR.expiryRate : 0)));
  }

  run(day: number, rng: Rng): void {
    const { catalog, calendar, stock, out, stats, pricing } = this.world;
    if (calendar.storesClosed(day)) return;
    const k = BEHAVIOUR.nbShape;
    const storeItem = this.demand.storeItem;
    const storeCategory = this.demand.storeCategory;
    const phys = stock.phys;
    const n = stock.items;
    for (const store of catalog.stores) {
      const node = catalog.nodes[store]!;
      const multiplier = node.size * rng.shock(CALIBRATION.noise.storeDayLogSd);
      const assortment = catalog.assortment[store]!;
      const base = store * n;
      // the tills report at closing, one store after the other
      let second = at(21) + (store % 60) * 60;
      for (let index = 0; index < assortment.length; index++) {
        const item = assortment[index]!;
        const mean = storeItem[item]! * storeCategory[this.category[item]!]! * multiplier;
        if (mean <= 0) continue;
        const wanted = rng.negBinomial(mean, k);
        if (wanted === 0) continue;
        stats.storeDemandUnits += wanted;
        const onShelf = phys[base + item]!;
        const sold = Math.min(wanted, Math.max(0, onShelf));
        stats.storeLostUnits += wanted - sold;
        if (sold === 0) continue;
        stats.storeSoldUnits += sold;
        const sku = catalog.items[item]!.sku;
        out.emit(second++, posSale(node.id, sku, sold, pricing.storePrice[item]!));
        stock.remove(store, item, sold);
        const category = this.category[item]!;
        if (rng.next() < sold * this.shrinkRate[category]!) this.inventory.shrink(store, item, day, rng);
        if (rng.next() < sold * this.damageRate[category]! && phys[base + item]! > 0) {
          out.emit(
            at(12) + rng.int(6 * 3600),
            statusChanged('store', node.id, sku, 1, 'sellable', 'damaged', 'damaged on the shop floor'),
          );
          stock.remove(store, item, 1);
          this.inventory.damage(store, item, 1);
        }
        if (rng.next() < sold * this.expiryRate[category]! && phys[base + item]! > 0) {
          out.emit(at(20) + rng.int(1800), adjustment('store', node.id, sku, -1, 'expired'));
          stock.remove(store, item, 1);
        }
        this.returns.scheduleStore(store, item, sold, day, rng);
      }
    }
  }
}
