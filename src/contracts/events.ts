/**
 * Zod schemas for every event type of the event contract v1 (docs EVENTS.md).
 *
 * - Objects are strict: unknown keys are rejected, never silently dropped.
 * - No `.default()` and no transforms: a parsed event deep-equals its input (defaults such as
 *   `status = sellable` or `pack_size = 1` are applied downstream).
 * - Field order: envelope (`event_id`, `type`, `occurred_at`, `source`, `actor`), then the type's fields in
 *   the order EVENTS.md lists them.
 */
import * as z from 'zod';
import {
  actorName,
  arrayMessage,
  customCheck,
  days,
  describeValue,
  eventId,
  expectedMessage,
  flag,
  hhmm,
  identifier,
  label,
  money,
  nonNegativeQuantity,
  note,
  occurredAt,
  oneOf,
  percent,
  plannedDateOrTimestamp,
  positiveMoney,
  quantity,
  signedQuantity,
  sourceName,
} from './primitives.ts';

// ---------------------------------------------------------------------------------------------------------
// enums

export const BUCKETS = ['sellable', 'damaged', 'quarantine', 'repair', 'returns_pending'] as const;
export const NODE_TYPES = ['store', 'dc', '3pl', 'returns_center'] as const;
export const CHANNEL_TYPES = ['web', 'marketplace', 'store', 'wholesale'] as const;
export const SERVICE_LEVELS = ['standard', 'express', 'pickup'] as const;
export const ADJUSTMENT_REASONS = ['damage', 'shrink', 'found', 'expired', 'correction'] as const;
export const GRADES = ['A', 'B', 'C', 'D'] as const;
export const DISPOSITIONS = ['restock', 'refurbish', 'liquidate', 'return_to_vendor', 'write_off'] as const;
export const PRICE_REASONS = ['regular', 'markdown', 'promotion'] as const;

export const bucketSchema = oneOf(BUCKETS);
export const nodeTypeSchema = oneOf(NODE_TYPES);
export const channelTypeSchema = oneOf(CHANNEL_TYPES);
export const serviceLevelSchema = oneOf(SERVICE_LEVELS);
export const adjustmentReasonSchema = oneOf(ADJUSTMENT_REASONS);
export const gradeSchema = oneOf(GRADES);
export const dispositionSchema = oneOf(DISPOSITIONS);
export const priceReasonSchema = oneOf(PRICE_REASONS);

export type Bucket = (typeof BUCKETS)[number];
export type NodeType = (typeof NODE_TYPES)[number];
export type ChannelType = (typeof CHANNEL_TYPES)[number];
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];
export type Grade = (typeof GRADES)[number];
export type Disposition = (typeof DISPOSITIONS)[number];
export type PriceReason = (typeof PRICE_REASONS)[number];

// ---------------------------------------------------------------------------------------------------------
// helpers

/** Most lines one order or purchase order may carry. */
export const MAX_LINES = 10_000;
/** Most node ids one channel may list. */
export const MAX_CHANNEL_NODES = 10_000;

/** Envelope fields shared by every event (without `type`, which is a literal per schema). */
export const envelopeShape = {
  event_id: eventId,
  occurred_at: occurredAt,
  source: sourceName.optional(),
  actor: actorName.optional(),
};

/** One problem found by a cross-field rule; `path` is relative to the event. */
export interface RuleIssue {
  path: (string | number)[];
  input: unknown;
  message: string;
}

/**
 * A rule spanning several fields (or several array entries). Inside a schema it runs once every field is
 * individually valid; `validateEvent` also runs it on events that failed elsewhere, as long as none of
 * `fields` has an issue of its own, so that every error of an event is reported at once.
 */
export interface CrossFieldRule {
  /** Stable id, reported in the zod issue as `params.rule`. */
  readonly id: string;
  /** Top-level fields the rule reads and relies on being valid (empty: the rule guards its own input). */
  readonly fields: readonly string[];
  /** Problems in `event`, an object whose `fields` are valid (any other field may be anything). */
  find(event: Readonly<Record<string, unknown>>): RuleIssue[];
}

/** Zod check running `rules` (reached only when the rest of the event is valid). */
function rulesCheck(rules: readonly CrossFieldRule[]) {
  return customCheck<unknown>(
    (payload) => {
      const event = payload.value as Record<string, unknown>;
      for (const rule of rules) {
        for (const issue of rule.find(event)) {
          payload.issues.push({
            code: 'custom',
            path: issue.path,
            input: issue.input,
            message: issue.message,
            params: { rule: rule.id },
          });
        }
      }
    },
    (value) => rules.every((rule) => rule.find(value as Record<string, unknown>).length === 0),
  );
}

function defineEvent<const T extends string, S extends z.ZodRawShape>(
  type: T,
  shape: S,
  rules: readonly CrossFieldRule[] = [],
) {
  const schema = z.strictObject(
    {
      event_id: envelopeShape.event_id,
      type: z.literal(type, { error: expectedMessage(`"${type}"`) }),
      occurred_at: envelopeShape.occurred_at,
      source: envelopeShape.source,
      actor: envelopeShape.actor,
      ...shape,
    },
    { error: objectMessage },
  );
  return rules.length === 0 ? schema : schema.check(rulesCheck(rules));
}

function objectMessage(issue: { input?: unknown; code?: string }): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  return issue.input === undefined ? 'required' : `expected a JSON object, got ${describeValue(issue.input)}`;
}

function lines<S extends z.ZodRawShape>(shape: S) {
  return z
    .array(z.strictObject(shape, { error: objectMessage }), {
      error: arrayMessage('lines (an array of line objects)', MAX_LINES),
    })
    .min(1, { error: arrayMessage('lines', MAX_LINES) })
    .max(MAX_LINES, { error: arrayMessage('lines', MAX_LINES) });
}

// ---------------------------------------------------------------------------------------------------------
// cross-field rules

/** Every repeated value of `field` (or of the entry itself when `key` is undefined) in the array `field`. */
function uniqueRule(id: string, field: string, what: string, key?: string): CrossFieldRule {
  return {
    id,
    fields: [],
    find(event) {
      const items = event[field];
      if (!Array.isArray(items)) return [];
      const issues: RuleIssue[] = [];
      const seen = new Set<string>();
      items.forEach((item: unknown, index) => {
        const value = key === undefined ? item : (item as Record<string, unknown> | null)?.[key];
        if (typeof value !== 'string') return;
        if (seen.has(value)) {
          issues.push({
            path: key === undefined ? [field, index] : [field, index, key],
            input: value,
            message: `duplicate ${what} ${describeValue(value)}`,
          });
        }
        seen.add(value);
      });
      return issues;
    },
  };
}

/** `to` must differ from `from`. */
function distinctRule(id: string, from: string, to: string): CrossFieldRule {
  return {
    id,
    fields: [from, to],
    find(event) {
      if (event[from] !== event[to]) return [];
      return [
        {
          path: [to],
          input: event[to],
          message: `must differ from ${from}, got ${describeValue(event[to])} for both`,
        },
      ];
    },
  };
}

const uniqueLineIds = uniqueRule('unique_line_ids', 'lines', 'line_id', 'line_id');

const transferShippedRules: readonly CrossFieldRule[] = [
  distinctRule('distinct_nodes', 'from_node_id', 'to_node_id'),
];
const statusChangedRules: readonly CrossFieldRule[] = [
  distinctRule('distinct_statuses', 'from_status', 'to_status'),
];
const channelUpsertedRules: readonly CrossFieldRule[] = [
  uniqueRule('unique_node_ids', 'node_ids', 'node id'),
];
const orderPlacedRules: readonly CrossFieldRule[] = [
  {
    id: 'pickup_node_required',
    fields: ['service_level', 'pickup_node_id'],
    find(event) {
      if (event.service_level !== 'pickup' || event.pickup_node_id !== undefined) return [];
      return [
        { path: ['pickup_node_id'], input: undefined, message: 'required when service_level is "pickup"' },
      ];
    },
  },
  uniqueLineIds,
];
const poCreatedRules: readonly CrossFieldRule[] = [uniqueLineIds];

// ---------------------------------------------------------------------------------------------------------
// master data

export const itemUpsertedSchema = defineEvent('item_upserted', {
  sku: identifier,
  name: label,
  category: label,
  brand: label.optional(),
  unit_cost: money,
  list_price: money,
  pack_size: quantity.optional(),
  supplier_id: identifier.optional(),
  moq: quantity.optional(),
});

export const nodeUpsertedSchema = defineEvent('node_upserted', {
  node_id: identifier,
  name: label,
  node_type: nodeTypeSchema,
  region: identifier,
  can_ship: flag,
  can_pickup: flag,
  ship_capacity_per_day: nonNegativeQuantity.optional(),
  pick_cost: money.optional(),
  carrier_cutoff: hhmm.optional(),
});

export const channelUpsertedSchema = defineEvent(
  'channel_upserted',
  {
    channel_id: identifier,
    name: label,
    channel_type: channelTypeSchema,
    node_ids: z
      .array(identifier, { error: arrayMessage('a list of node ids', MAX_CHANNEL_NODES) })
      .max(MAX_CHANNEL_NODES, { error: arrayMessage('node_ids', MAX_CHANNEL_NODES) })
      .optional(),
    buffer_units: nonNegativeQuantity.optional(),
    buffer_pct: percent.optional(),
  },
  channelUpsertedRules,
);

export const supplierUpsertedSchema = defineEvent('supplier_upserted', {
  supplier_id: identifier,
  name: label,
  lead_time_days: days(730),
  moq: quantity.optional(),
});

export const laneUpsertedSchema = defineEvent('lane_upserted', {
  node_id: identifier,
  region: identifier,
  transit_days: days(365),
  cost_per_order: money,
  cost_per_unit: money,
});

// ---------------------------------------------------------------------------------------------------------
// inventory movements

export const receiptSchema = defineEvent('receipt', {
  node_id: identifier,
  sku: identifier,
  qty: quantity,
  unit_cost: money,
  po_id: identifier.optional(),
  status: bucketSchema.optional(),
});

export const transferShippedSchema = defineEvent(
  'transfer_shipped',
  {
    transfer_id: identifier,
    from_node_id: identifier,
    to_node_id: identifier,
    sku: identifier,
    qty: quantity,
    expected_at: plannedDateOrTimestamp.optional(),
  },
  transferShippedRules,
);

export const transferReceivedSchema = defineEvent('transfer_received', {
  transfer_id: identifier,
  to_node_id: identifier,
  sku: identifier,
  qty: quantity,
  status: bucketSchema.optional(),
});

export const posSaleSchema = defineEvent('pos_sale', {
  node_id: identifier,
  sku: identifier,
  qty: quantity,
  unit_price: money,
});

export const adjustmentSchema = defineEvent('adjustment', {
  node_id: identifier,
  sku: identifier,
  qty: signedQuantity,
  reason: adjustmentReasonSchema,
  status: bucketSchema.optional(),
});

export const statusChangedSchema = defineEvent(
  'status_changed',
  {
    node_id: identifier,
    sku: identifier,
    qty: quantity,
    from_status: bucketSchema,
    to_status: bucketSchema,
    reason: note.optional(),
  },
  statusChangedRules,
);

export const cycleCountSchema = defineEvent('cycle_count', {
  node_id: identifier,
  sku: identifier,
  counted_qty: nonNegativeQuantity,
  status: bucketSchema.optional(),
});

// ---------------------------------------------------------------------------------------------------------
// orders and fulfilment

/**
 * The sales channel's own reference for what an event is about (a Shopify order name `#1001`, an Amazon order
 * id, a WooCommerce order number, a fulfilment or refund id): optional, kept so `retailos audit external REF`
 * finds the order by the id the channel shows. Channel connectors set it; other senders may.
 */
const externalRef = label.optional();

export const orderLineSchema = z.strictObject(
  {
    line_id: identifier,
    sku: identifier,
    qty: quantity,
    unit_price: money,
  },
  { error: objectMessage },
);

export const orderPlacedSchema = defineEvent(
  'order_placed',
  {
    order_id: identifier,
    channel_id: identifier,
    ship_to_region: identifier,
    service_level: serviceLevelSchema,
    promised_by: plannedDateOrTimestamp.optional(),
    pickup_node_id: identifier.optional(),
    lines: lines(orderLineSchema.shape),
    external_ref: externalRef,
  },
  orderPlacedRules,
);

const orderLineRef = {
  order_id: identifier,
  line_id: identifier,
  node_id: identifier,
  sku: identifier,
  qty: quantity,
};

export const allocatedSchema = defineEvent('allocated', { ...orderLineRef, external_ref: externalRef });

export const allocationReleasedSchema = defineEvent('allocation_released', {
  ...orderLineRef,
  reason: note.optional(),
});

export const pickedSchema = defineEvent('picked', { ...orderLineRef });

export const shippedSchema = defineEvent('shipped', {
  ...orderLineRef,
  carrier: label.optional(),
  external_ref: externalRef,
});

export const orderCancelledSchema = defineEvent('order_cancelled', {
  order_id: identifier,
  line_id: identifier.optional(),
  reason: note.optional(),
  external_ref: externalRef,
});

export const returnReceivedSchema = defineEvent('return_received', {
  return_id: identifier,
  order_id: identifier.optional(),
  line_id: identifier.optional(),
  node_id: identifier,
  sku: identifier,
  qty: quantity,
  reason: note.optional(),
});

export const returnGradedSchema = defineEvent('return_graded', {
  return_id: identifier,
  node_id: identifier,
  sku: identifier,
  qty: quantity,
  grade: gradeSchema,
  disposition: dispositionSchema,
});

export const refundIssuedSchema = defineEvent('refund_issued', {
  order_id: identifier,
  line_id: identifier.optional(),
  return_id: identifier.optional(),
  amount: positiveMoney,
  reason: note.optional(),
  external_ref: externalRef,
});

export const priceChangedSchema = defineEvent('price_changed', {
  sku: identifier,
  channel_id: identifier.optional(),
  price: money,
  reason: priceReasonSchema,
  ends_at: plannedDateOrTimestamp.optional(),
});

// ---------------------------------------------------------------------------------------------------------
// procurement

export const poLineSchema = z.strictObject(
  {
    line_id: identifier,
    sku: identifier,
    qty: quantity,
    unit_cost: money,
  },
  { error: objectMessage },
);

export const poCreatedSchema = defineEvent(
  'po_created',
  {
    po_id: identifier,
    supplier_id: identifier,
    node_id: identifier,
    expected_at: plannedDateOrTimestamp,
    lines: lines(poLineSchema.shape),
  },
  poCreatedRules,
);

export const poUpdatedSchema = defineEvent('po_updated', {
  po_id: identifier,
  expected_at: plannedDateOrTimestamp,
});

export const poCancelledSchema = defineEvent('po_cancelled', {
  po_id: identifier,
  line_id: identifier.optional(),
});

// ---------------------------------------------------------------------------------------------------------
// registry

/** Schema of every event type, by type name (contract order). */
export const EVENT_SCHEMAS = {
  item_upserted: itemUpsertedSchema,
  node_upserted: nodeUpsertedSchema,
  channel_upserted: channelUpsertedSchema,
  supplier_upserted: supplierUpsertedSchema,
  lane_upserted: laneUpsertedSchema,
  receipt: receiptSchema,
  transfer_shipped: transferShippedSchema,
  transfer_received: transferReceivedSchema,
  pos_sale: posSaleSchema,
  adjustment: adjustmentSchema,
  status_changed: statusChangedSchema,
  cycle_count: cycleCountSchema,
  order_placed: orderPlacedSchema,
  allocated: allocatedSchema,
  allocation_released: allocationReleasedSchema,
  picked: pickedSchema,
  shipped: shippedSchema,
  order_cancelled: orderCancelledSchema,
  return_received: returnReceivedSchema,
  return_graded: returnGradedSchema,
  refund_issued: refundIssuedSchema,
  price_changed: priceChangedSchema,
  po_created: poCreatedSchema,
  po_updated: poUpdatedSchema,
  po_cancelled: poCancelledSchema,
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;

/** Every event type name, in contract order. */
export const EVENT_TYPES: readonly EventType[] = Object.freeze(Object.keys(EVENT_SCHEMAS) as EventType[]);

/** Cross-field rules per event type (also enforced by the schemas themselves). */
export const EVENT_RULES: { readonly [T in EventType]?: readonly CrossFieldRule[] } = Object.freeze({
  channel_upserted: channelUpsertedRules,
  transfer_shipped: transferShippedRules,
  status_changed: statusChangedRules,
  order_placed: orderPlacedRules,
  po_created: poCreatedRules,
});

/** True when `value` is the name of an event type. */
export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(EVENT_SCHEMAS, value);
}

/** Every event, discriminated on `type` (prefer `validateEvent`, which looks the schema up directly). */
export const eventSchema = z.discriminatedUnion('type', [
  itemUpsertedSchema,
  nodeUpsertedSchema,
  channelUpsertedSchema,
  supplierUpsertedSchema,
  laneUpsertedSchema,
  receiptSchema,
  transferShippedSchema,
  transferReceivedSchema,
  posSaleSchema,
  adjustmentSchema,
  statusChangedSchema,
  cycleCountSchema,
  orderPlacedSchema,
  allocatedSchema,
  allocationReleasedSchema,
  pickedSchema,
  shippedSchema,
  orderCancelledSchema,
  returnReceivedSchema,
  returnGradedSchema,
  refundIssuedSchema,
  priceChangedSchema,
  poCreatedSchema,
  poUpdatedSchema,
  poCancelledSchema,
]);

/** The event of type `T`. */
export type EventOf<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;
/** Any event. */
export type Event = { [T in EventType]: EventOf<T> }[EventType];

export type ItemUpsertedEvent = EventOf<'item_upserted'>;
export type NodeUpsertedEvent = EventOf<'node_upserted'>;
export type ChannelUpsertedEvent = EventOf<'channel_upserted'>;
export type SupplierUpsertedEvent = EventOf<'supplier_upserted'>;
export type LaneUpsertedEvent = EventOf<'lane_upserted'>;
export type ReceiptEvent = EventOf<'receipt'>;
export type TransferShippedEvent = EventOf<'transfer_shipped'>;
export type TransferReceivedEvent = EventOf<'transfer_received'>;
export type PosSaleEvent = EventOf<'pos_sale'>;
export type AdjustmentEvent = EventOf<'adjustment'>;
export type StatusChangedEvent = EventOf<'status_changed'>;
export type CycleCountEvent = EventOf<'cycle_count'>;
export type OrderPlacedEvent = EventOf<'order_placed'>;
export type AllocatedEvent = EventOf<'allocated'>;
export type AllocationReleasedEvent = EventOf<'allocation_released'>;
export type PickedEvent = EventOf<'picked'>;
export type ShippedEvent = EventOf<'shipped'>;
export type OrderCancelledEvent = EventOf<'order_cancelled'>;
export type ReturnReceivedEvent = EventOf<'return_received'>;
export type ReturnGradedEvent = EventOf<'return_graded'>;
export type RefundIssuedEvent = EventOf<'refund_issued'>;
export type PriceChangedEvent = EventOf<'price_changed'>;
export type PoCreatedEvent = EventOf<'po_created'>;
export type PoUpdatedEvent = EventOf<'po_updated'>;
export type PoCancelledEvent = EventOf<'po_cancelled'>;

export type OrderLine = z.infer<typeof orderLineSchema>;
export type PoLine = z.infer<typeof poLineSchema>;

// ---------------------------------------------------------------------------------------------------------
// events with lines (flattened one row per line in CSV / Parquet)

/** Event types that carry `lines`. */
export const LINE_EVENT_TYPES = ['order_placed', 'po_created'] as const;
export type LineEventType = (typeof LINE_EVENT_TYPES)[number];

/** Line field names per line event type, in column order (derived from the line schemas). */
export const LINE_FIELDS: {
  readonly order_placed: readonly (keyof OrderLine)[];
  readonly po_created: readonly (keyof PoLine)[];
} = Object.freeze({
  order_placed: Object.freeze(Object.keys(orderLineSchema.shape) as (keyof OrderLine)[]),
  po_created: Object.freeze(Object.keys(poLineSchema.shape) as (keyof PoLine)[]),
});

/** True when events of `type` carry `lines`. */
export function isLineEventType(type: string): type is LineEventType {
  return type === 'order_placed' || type === 'po_created';
}
