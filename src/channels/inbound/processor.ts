/**
 * Maps stored webhook deliveries to events, oldest first, in bounded batches on the serialized writer: each
 * batch lands its events and rejects in one transaction (EventLander: idempotent by event id), then marks
 * its deliveries mapped. A crash between the two re-maps them on the next run, which lands nothing twice.
 * Deliveries of one batch see each other's events (an order created and updated in quick succession).
 */
import { isReject, stageItem } from '../../ingest/stage.ts';
import { EventLander, emptyColumns, pushEvent, type StagedReject } from '../../warehouse/landing.ts';
import type { Warehouse } from '../../warehouse/warehouse.ts';
import type { ChannelLookup } from './channel.ts';
import type { ReadQuery } from './context.ts';
import { mapDelivery } from './deliver.ts';
import { type DeliveryOutcome, deliveryRef, pendingDeliveries, recordOutcomes } from './deliveries.ts';
import type { LandedEvent, MapContext } from './types.ts';

export interface ProcessorOptions {
  warehouse: Warehouse;
  /** The serialized writer (every write of the server goes through it). */
  exclusive: <T>(work: () => Promise<T>) => Promise<T>;
  lookup: ChannelLookup;
  /** True once the server shuts down: no new batch starts. */
  closing?: () => boolean;
  /** After a batch landed events (the operations pipeline picks them up). */
  onLanded?: (accepted: number) => void;
  onError?: (error: unknown) => void;
  /** Deliveries per batch (default 200). */
  batchSize?: number;
  /** A delivery whose mapping keeps failing is tried this often (default 5), then left as failed. */
  maxAttempts?: number;
}

export class DeliveryProcessor {
  private running: Promise<void> | undefined;
  private again = false;
  private readonly lander: EventLander;

  constructor(private readonly options: ProcessorOptions) {
    this.lander = new EventLander(options.warehouse);
  }

  /** Maps what is pending, soon (coalesced: one run at a time, another after it when kicked meanwhile). */
  kick(): void {
    if (this.options.closing?.()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Resolves once nothing is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    const size = this.options.batchSize ?? 200;
    do {
      this.again = false;
      let taken: number;
      do {
        taken = await this.options.exclusive(() => this.batch(size));
      } while (taken === size && !this.options.closing?.());
    } while (this.again && !this.options.closing?.());
  }

  /** One batch; returns how many deliveries it took. */
  async batch(size: number): Promise<number> {
    if (this.options.closing?.()) return 0;
    const { warehouse } = this.options;
    const deliveries = await pendingDeliveries(warehouse, size, this.options.maxAttempts ?? 5);
    if (deliveries.length === 0) return 0;
    const query: ReadQuery = (sql, params) => warehouse.all(sql, params);
    const overlay = new Overlay();
    const chunks = [];
    const rejects: StagedReject[] = [];
    const outcomes: DeliveryOutcome[] = [];
    const channels = new Map<string, Awaited<ReturnType<ChannelLookup>>>();
    for (const delivery of deliveries) {
      try {
        if (!channels.has(delivery.channelId)) {
          channels.set(delivery.channelId, await this.options.lookup(delivery.channelId));
        }
        const settings = channels.get(delivery.channelId)?.settings;
        const out = await mapDelivery(query, delivery, settings, (ctx) => overlay.wrap(ctx));
        const ref = deliveryRef(delivery);
        const columns = emptyColumns();
        columns.sourceName = ref;
        let events = 0;
        let rejected = 0;
        for (const event of out.events) {
          const staged = stageItem({ raw: JSON.stringify(event), value: event });
          if (isReject(staged)) {
            rejects.push({ ...staged, sourceName: ref });
            rejected++;
          } else {
            pushEvent(columns, staged);
            overlay.add(event);
            events++;
          }
        }
        for (const entry of out.rejects) {
          rejects.push({
            reason: entry.errors.some((error) => error.code === 'malformed' || error.code === 'invalid_json')
              ? 'unreadable'
              : 'invalid',
            raw: typeof entry.raw === 'string' ? entry.raw : JSON.stringify(entry.raw),
            errors: entry.errors,
            eventId: entry.eventId,
            type: entry.type,
            sourceName: ref,
          });
          rejected++;
        }
        chunks.push(columns);
        outcomes.push({ key: delivery.deliveryKey, status: 'mapped', events, rejects: rejected });
      } catch (error) {
        outcomes.push({
          key: delivery.deliveryKey,
          status: 'failed',
          events: 0,
          rejects: 0,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const landable = rejects.length > 0 || chunks.some((chunk) => chunk.eventId.length > 0);
    const outcome = landable
      ? await this.lander.land({ kind: 'http', name: 'channel webhooks' }, chunks, rejects)
      : undefined;
    await recordOutcomes(warehouse, outcomes);
    if (outcome && outcome.accepted > 0) this.options.onLanded?.(outcome.accepted);
    return deliveries.length;
  }
}

/** Events mapped earlier in the same batch, seen by the later deliveries' contexts as if landed. */
class Overlay {
  private readonly byId = new Map<string, Record<string, unknown>>();
  private readonly byOrder = new Map<string, LandedEvent[]>();

  add(event: Record<string, unknown>): void {
    const id = event.event_id as string;
    if (this.byId.has(id)) return;
    this.byId.set(id, event);
    const orderId = event.order_id;
    if (typeof orderId !== 'string') return;
    const list = this.byOrder.get(orderId) ?? [];
    if (list.length === 0) this.byOrder.set(orderId, list);
    list.push({ event_id: id, type: event.type as string, payload: event });
  }

  wrap(ctx: MapContext): MapContext {
    return {
      ...ctx,
      landed: (eventId) => ctx.landed(eventId) ?? this.byId.get(eventId),
      history: (orderId) => [...ctx.history(orderId), ...(this.byOrder.get(orderId) ?? [])],
    };
  }
}
