/**
 * The shapes every inbound mapping shares. A mapping is a pure function from what a channel sent (a webhook
 * body, a file's rows for one order) and a `MapContext` (the channel's settings and what the warehouse
 * already holds about the orders concerned) to contract events and rejects.
 */
import type { IssueRecord } from '../../warehouse/landing.ts';
import type { InboundSettings } from './settings.ts';

/** One event already in the event log. */
export interface LandedEvent {
  event_id: string;
  type: string;
  payload: Record<string, unknown>;
}

export interface MapContext {
  channelId: string;
  settings: InboundSettings;
  /** The landed event with this id, if any. */
  landed(eventId: string): Record<string, unknown> | undefined;
  /** Landed order events (placed, allocated, shipped, cancelled, refunds) of one of our order ids. */
  history(orderId: string): readonly LandedEvent[];
  /** Whether `sku` is an item we know (an item_upserted landed for it). */
  knownSku(sku: string): boolean;
}

/** What the warehouse must be asked before mapping: the orders and skus an input concerns. */
export interface Needs {
  orderIds: Set<string>;
  skus: Set<string>;
}

/** Something the channel sent that does not land, with the channel's own reference for it. */
export interface ChannelReject {
  /** The channel's name for it: `order #1001`, `fulfillment 255858046`, `line 14`. */
  ref: string;
  errors: IssueRecord[];
  /** The event it became (so a corrected retry lands it), or the record as read. */
  raw: unknown;
  eventId?: string | undefined;
  type?: string | undefined;
}

export interface MapOutput {
  events: Record<string, unknown>[];
  rejects: ChannelReject[];
}

export function emptyOutput(): MapOutput {
  return { events: [], rejects: [] };
}

export function issue(path: string, code: string, message: string): IssueRecord {
  return { path, code, message };
}
