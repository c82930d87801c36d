/**
 * What inbound mapping needs to know about a channel beyond its platform's payloads: how shipping
 * addresses map to our regions, shipping methods to service levels, the channel's locations to our nodes,
 * and (Amazon) which node stands for the marketplace's own warehouses. Every field has a sensible default,
 * so a channel maps without any of it; `resolveRegion` and `resolveServiceLevel` are the rules.
 */
import * as z from 'zod';
import { SERVICE_LEVELS, type ServiceLevel } from '../../contracts/index.ts';

const id = z.string().min(1).max(128);

export const inboundSettingsSchema = z.strictObject({
  /**
   * Region of a shipping address: keys `CC-PP` (country and province/state code, `US-CA`), then `CC`
   * (country), then `*`. Without a match the region is `CC-PP` (or `CC`): ISO 3166-2 codes as lanes name them.
   */
  regions: z.record(z.string().min(1).max(64), id).default({}),
  /** Service level of a shipping method, by its code or title (case-insensitive); else guessed from words. */
  service_levels: z.record(z.string().min(1).max(256), z.enum(SERVICE_LEVELS)).default({}),
  /** Amazon: the node that stands for the marketplace's own fulfilment centres (orders fulfilled by Amazon). */
  marketplace_node_id: id.optional(),
  /**
   * Where shipments the channel reports without a location are booked (a Shopify export's fulfilled
   * orders, a completed WooCommerce order, a merchant-fulfilled Amazon order) when the order was never
   * allocated here; absent: the node the order was allocated at, else the shipment is rejected.
   */
  fulfilment_node_id: id.optional(),
  /** Channel location id (Shopify location id or gid, …) → our node, for fulfilments. */
  locations: z.record(z.string().min(1).max(128), id).default({}),
});

export type InboundSettings = z.output<typeof inboundSettingsSchema>;

export const DEFAULT_INBOUND: InboundSettings = inboundSettingsSchema.parse({});

/** A shipping address as the platforms give it (codes, not names). */
export interface AddressCodes {
  country?: string | null | undefined;
  province?: string | null | undefined;
}

/** Our region for an address: the configured mapping, else its ISO 3166-2 code; undefined without a country. */
export function resolveRegion(
  settings: InboundSettings,
  address: AddressCodes | undefined,
): string | undefined {
  const country = clean(address?.country)?.toUpperCase();
  const province = clean(address?.province)?.toUpperCase();
  const full = country && province ? `${country}-${province}` : undefined;
  const regions = upperKeys(settings.regions);
  if (full && regions.has(full)) return regions.get(full);
  if (country && regions.has(country)) return regions.get(country);
  if (regions.has('*')) return regions.get('*');
  return full ?? country;
}

const PICKUP = /\b(pick ?up|pickup|collect(ion)?|click ?(&|and) ?collect|in[- ]store|store pickup|bopis)\b/i;
const EXPRESS =
  /\b(express|expedited|next[- ]?day|nextday|overnight|priority|same[- ]?day|one[- ]?day|two[- ]?day|2[- ]?day|second[- ]?day|secondday|1[- ]?day)\b/i;

/**
 * Service level of a shipping method: the configured mapping (by code, then title), else `pickup` or
 * `express` when the words say so, else `standard`.
 */
export function resolveServiceLevel(
  settings: InboundSettings,
  ...names: (string | null | undefined)[]
): ServiceLevel {
  const levels = new Map(
    Object.entries(settings.service_levels).map(([key, level]) => [key.toLowerCase(), level]),
  );
  for (const name of names) {
    const key = clean(name)?.toLowerCase();
    if (key && levels.has(key)) return levels.get(key)!;
  }
  const text = names.filter((name) => typeof name === 'string').join(' ');
  // Amazon's level names run words together (SecondDay, NextDay): split them first.
  const spaced = text.replace(/([a-z])([A-Z])/g, '$1 $2');
  if (PICKUP.test(spaced)) return 'pickup';
  if (EXPRESS.test(spaced)) return 'express';
  return 'standard';
}

/** The node of a channel location (its id as given, or the number at the end of a gid), if mapped. */
export function nodeForLocation(
  settings: InboundSettings,
  location: string | number | null | undefined,
): string | undefined {
  if (location === null || location === undefined || location === '') return undefined;
  const text = String(location);
  const short = /(\d+)$/.exec(text)?.[1];
  for (const [key, node] of Object.entries(settings.locations)) {
    if (key === text || (short !== undefined && /(\d+)$/.exec(key)?.[1] === short)) return node;
  }
  return undefined;
}

function clean(value: string | null | undefined): string | undefined {
  const text = value?.trim();
  return text ? text : undefined;
}

function upperKeys(record: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(record).map(([key, value]) => [key.toUpperCase(), value]));
}
