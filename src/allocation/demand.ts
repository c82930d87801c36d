/**
 * Expected demand for the look-ahead (lookahead.ts), from what the system knows at decision time: the
 * demand forecasts when there are any, else the recent demand rate of each sku; spread over channels,
 * regions and promises by the recent order mix (pooled over all skus, so a slow mover gets a sensible split
 * from a handful of orders).
 *
 *   rate(sku, channel, region, promise) = rate(sku, channel) × share(region, promise | channel)
 *   rate(sku, channel) = forecast(sku, channel), else forecast(sku) × share(channel),
 *                        else units(sku) / days × share(channel)
 */
import type { DemandRate } from './lookahead.ts';

/** Recent orders, aggregated: what `sql/allocation/demand_history.sql` and `demand_mix.sql` return. */
export interface DemandHistory {
  /** Days the history covers (≥ a small floor, so the first hours do not inflate the rate). */
  days: number;
  /** Units ordered per sku over those days. */
  skuUnits: ReadonlyMap<string, number>;
  /** Units ordered per (channel, region, promise days) over those days, all skus together. */
  mix: readonly { channelId: string; region: string; promiseDays: number | null; units: number }[];
}

/** A demand forecast: expected units per day of a sku, through one channel or (null) all of them. */
export interface SkuForecast {
  sku: string;
  channelId: string | null;
  unitsPerDay: number;
}

/** Demand rates for `skus` (every sku in the history or the forecasts when omitted). */
export function demandOutlook(
  history: DemandHistory,
  forecasts: readonly SkuForecast[] = [],
  skus?: Iterable<string>,
): DemandRate[] {
  const byChannel = new Map<string, { region: string; promiseDays: number | null; units: number }[]>();
  const channelUnits = new Map<string, number>();
  let mixTotal = 0;
  for (const entry of history.mix) {
    if (!(entry.units > 0)) continue;
    let list = byChannel.get(entry.channelId);
    if (!list) {
      list = [];
      byChannel.set(entry.channelId, list);
    }
    list.push(entry);
    channelUnits.set(entry.channelId, (channelUnits.get(entry.channelId) ?? 0) + entry.units);
    mixTotal += entry.units;
  }
  if (mixTotal <= 0) return [];
  const perChannel = new Map<string, Map<string, number>>();
  const total = new Map<string, number>();
  for (const forecast of forecasts) {
    if (!(forecast.unitsPerDay >= 0)) continue;
    if (forecast.channelId === null) {
      total.set(forecast.sku, (total.get(forecast.sku) ?? 0) + forecast.unitsPerDay);
      continue;
    }
    let map = perChannel.get(forecast.sku);
    if (!map) {
      map = new Map();
      perChannel.set(forecast.sku, map);
    }
    map.set(forecast.channelId, (map.get(forecast.channelId) ?? 0) + forecast.unitsPerDay);
  }
  const wanted = skus
    ? new Set(skus)
    : new Set([...history.skuUnits.keys(), ...perChannel.keys(), ...total.keys()]);
  const rates: DemandRate[] = [];
  for (const sku of [...wanted].sort()) {
    const forecastByChannel = perChannel.get(sku);
    const skuRate = total.get(sku) ?? (history.skuUnits.get(sku) ?? 0) / Math.max(history.days, 1e-9);
    for (const [channelId, entries] of byChannel) {
      const channelTotal = channelUnits.get(channelId)!;
      const channelRate = forecastByChannel?.has(channelId)
        ? forecastByChannel.get(channelId)!
        : skuRate * (channelTotal / mixTotal);
      if (!(channelRate > 0)) continue;
      for (const entry of entries) {
        rates.push({
          sku,
          channelId,
          region: entry.region,
          promiseDays: entry.promiseDays,
          unitsPerDay: (channelRate * entry.units) / channelTotal,
        });
      }
    }
  }
  return rates;
}
