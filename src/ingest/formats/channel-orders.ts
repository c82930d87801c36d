/**
 * The common half of the channel file formats: orders (each a group of rows) are mapped a batch at a time,
 * with one look-up per batch of what the warehouse holds about them (landed events, known skus), and come
 * out as input items for the usual staging, batching and landing.
 */
import { loadContext, type ReadQuery } from '../../channels/inbound/context.ts';
import type { InboundSettings } from '../../channels/inbound/settings.ts';
import type { MapContext, MapOutput, Needs } from '../../channels/inbound/types.ts';
import type { InputItem } from '../stage.ts';

/** What a channel file format needs to run: the channel, its settings, and a read of the warehouse. */
export interface ChannelReadOptions {
  channelId: string;
  settings: InboundSettings | undefined;
  query: ReadQuery;
}

export interface OrderMapper<G> {
  needs(group: G): Needs;
  map(ctx: MapContext, group: G): MapOutput;
  line(group: G): number;
}

/** Orders per look-up: bounds memory and the size of the look-up's id lists. */
export const ORDERS_PER_BATCH = 500;

export async function mapOrders<G>(
  groups: readonly G[],
  mapper: OrderMapper<G>,
  options: ChannelReadOptions,
): Promise<InputItem[]> {
  const needs: Needs = { orderIds: new Set(), skus: new Set() };
  for (const group of groups) {
    const own = mapper.needs(group);
    for (const id of own.orderIds) needs.orderIds.add(id);
    for (const sku of own.skus) needs.skus.add(sku);
  }
  const ctx = await loadContext(options.query, options.channelId, options.settings, needs);
  const items: InputItem[] = [];
  for (const group of groups) items.push(...toItems(mapper.map(ctx, group), mapper.line(group)));
  return items;
}

export function toItems(out: MapOutput, line: number): InputItem[] {
  const items: InputItem[] = out.events.map((event) => ({ line, raw: JSON.stringify(event), value: event }));
  for (const entry of out.rejects) {
    const [first] = entry.errors;
    items.push({
      line,
      raw: typeof entry.raw === 'string' ? entry.raw : JSON.stringify(entry.raw),
      value: entry.raw,
      readError: {
        path: first?.path ?? '',
        code: first?.code ?? 'invalid',
        message: entry.errors.map((error) => error.message).join('; '),
      },
      rejectReason: entry.eventId !== undefined ? 'invalid' : undefined,
    });
  }
  return items;
}
