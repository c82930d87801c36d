/**
 * One stored delivery → contract events and rejects: parses the body as the topic's payload and maps it
 * with what the warehouse holds about its order. A body that is not JSON, or not the topic's payload, is
 * one reject carrying the delivery's id (never dropped).
 */
import type { z } from 'zod';
import { checkJsonLimits } from '../../ingest/json-limits.ts';
import type { ReadQuery } from './context.ts';
import { loadContext } from './context.ts';
import { deliveryRef, type StoredDelivery } from './deliveries.ts';
import type { InboundSettings } from './settings.ts';
import { isShopifyTopic, mapShopify, parseShopify, shopifyNeeds } from './shopify.ts';
import { issue, type MapContext, type MapOutput, type Needs } from './types.ts';
import { isWooTopic, mapWoo, parseWoo, wooNeeds } from './woocommerce.ts';

interface Prepared {
  needs: Needs;
  map(ctx: MapContext): MapOutput;
}

export async function mapDelivery(
  query: ReadQuery,
  delivery: StoredDelivery,
  settings: InboundSettings | undefined,
  wrap: (ctx: MapContext) => MapContext = (ctx) => ctx,
): Promise<MapOutput> {
  const prepared = prepare(delivery);
  if ('rejects' in prepared) return prepared;
  const ctx = wrap(await loadContext(query, delivery.channelId, settings, prepared.needs));
  return prepared.map(ctx);
}

function prepare(delivery: StoredDelivery): Prepared | MapOutput {
  const ref = `${delivery.platform} delivery ${delivery.deliveryId} (${delivery.topic})`;
  // Bounds first (depth, sizes): parsing and mapping recurse and must never see 100,000 levels.
  const tooComplex = checkJsonLimits(delivery.body);
  if (tooComplex) {
    return malformed(delivery, [
      issue('', tooComplex.code, `${ref}: beyond the bounds of any order: ${tooComplex.message}`),
    ]);
  }
  let body: unknown;
  try {
    body = JSON.parse(delivery.body);
  } catch (error) {
    return malformed(delivery, [issue('', 'invalid_json', `${ref}: not JSON: ${(error as Error).message}`)]);
  }
  const { topic, channelId } = delivery;
  if (delivery.platform === 'shopify' && isShopifyTopic(topic)) {
    const payload = parseShopify(topic, body);
    if ('issues' in payload) return malformed(delivery, fromZod(ref, payload.issues));
    return { needs: shopifyNeeds(channelId, payload), map: (ctx) => mapShopify(ctx, payload) };
  }
  if (delivery.platform === 'woocommerce' && isWooTopic(topic)) {
    const payload = parseWoo(topic, body);
    if ('issues' in payload) return malformed(delivery, fromZod(ref, payload.issues));
    const at = delivery.receivedAt.toISOString();
    return { needs: wooNeeds(channelId, payload), map: (ctx) => mapWoo(ctx, payload, at) };
  }
  return malformed(delivery, [issue('', 'unknown_topic', `${ref}: no mapping for this topic`)]);
}

function malformed(delivery: StoredDelivery, errors: MapOutput['rejects'][number]['errors']): MapOutput {
  return { events: [], rejects: [{ ref: deliveryRef(delivery), errors, raw: delivery.body }] };
}

const MAX_ISSUES = 20;

function fromZod(ref: string, issues: readonly z.core.$ZodIssue[]) {
  return issues.slice(0, MAX_ISSUES).map((entry) => {
    const path = entry.path
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
      .join('')
      .replace(/^\./, '');
    return issue(path, 'malformed', `${ref}: ${path || 'body'}: ${entry.message}`);
  });
}
