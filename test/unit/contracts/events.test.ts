import { describe, expect, it } from 'vitest';
import {
  ADJUSTMENT_REASONS,
  BUCKETS,
  CHANNEL_TYPES,
  DISPOSITIONS,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type EventType,
  eventSchema,
  GRADES,
  LINE_EVENT_TYPES,
  LINE_FIELDS,
  NODE_TYPES,
  PRICE_REASONS,
  SERVICE_LEVELS,
  validateEvent,
} from '../../../src/contracts/index.ts';
import { EXAMPLES, REMOVE, withFields } from './examples.ts';

interface InvalidCase {
  name: string;
  /** Applied to the type's full example (`REMOVE` deletes a key). */
  patch: Record<string, unknown>;
  path: string;
  message: string | RegExp;
  code?: string;
}

const ENVELOPE = ['event_id', 'type', 'occurred_at', 'source', 'actor'];

/** Field order of every type as EVENTS.md lists it (after the envelope). */
const DOC_FIELDS: Record<EventType, string[]> = {
  item_upserted: [
    'sku',
    'name',
    'category',
    'brand',
    'unit_cost',
    'list_price',
    'pack_size',
    'supplier_id',
    'moq',
  ],
  node_upserted: [
    'node_id',
    'name',
    'node_type',
    'region',
    'can_ship',
    'can_pickup',
    'ship_capacity_per_day',
    'pick_cost',
    'carrier_cutoff',
  ],
  channel_upserted: ['channel_id', 'name', 'channel_type', 'node_ids', 'buffer_units', 'buffer_pct'],
  supplier_upserted: ['supplier_id', 'name', 'lead_time_days', 'moq'],
  lane_upserted: ['node_id', 'region', 'transit_days', 'cost_per_order', 'cost_per_unit'],
  receipt: ['node_id', 'sku', 'qty', 'unit_cost', 'po_id', 'status'],
  transfer_shipped: ['transfer_id', 'from_node_id', 'to_node_id', 'sku', 'qty', 'expected_at'],
  transfer_received: ['transfer_id', 'to_node_id', 'sku', 'qty', 'status'],
  pos_sale: ['node_id', 'sku', 'qty', 'unit_price'],
  adjustment: ['node_id', 'sku', 'qty', 'reason', 'status'],
  status_changed: ['node_id', 'sku', 'qty', 'from_status', 'to_status', 'reason'],
  cycle_count: ['node_id', 'sku', 'counted_qty', 'status'],
  order_placed: [
    'order_id',
    'channel_id',
    'ship_to_region',
    'service_level',
    'promised_by',
    'pickup_node_id',
    'lines',
  ],
  allocated: ['order_id', 'line_id', 'node_id', 'sku', 'qty'],
  allocation_released: ['order_id', 'line_id', 'node_id', 'sku', 'qty', 'reason'],
  picked: ['order_id', 'line_id', 'node_id', 'sku', 'qty'],
  shipped: ['order_id', 'line_id', 'node_id', 'sku', 'qty', 'carrier'],
  order_cancelled: ['order_id', 'line_id', 'reason'],
  return_received: ['return_id', 'order_id', 'line_id', 'node_id', 'sku', 'qty', 'reason'],
  return_graded: ['return_id', 'node_id', 'sku', 'qty', 'grade', 'disposition'],
  refund_issued: ['order_id', 'line_id', 'return_id', 'amount', 'reason'],
  price_changed: ['sku', 'channel_id', 'price', 'reason', 'ends_at'],
  po_created: ['po_id', 'supplier_id', 'node_id', 'expected_at', 'lines'],
  po_updated: ['po_id', 'expected_at'],
  po_cancelled: ['po_id', 'line_id'],
};

/**
 * Optional fields added after EVENTS.md v1 (additive extensions, documented where they are used): the sales
 * channel's own reference on order events (docs/channels.md, "Inbound").
 */
const EXTENDED: Partial<Record<EventType, string[]>> = {
  order_placed: ['external_ref'],
  allocated: ['external_ref'],
  shipped: ['external_ref'],
  order_cancelled: ['external_ref'],
  refund_issued: ['external_ref'],
};

/** Fields EVENTS.md marks optional (`?`), besides the envelope's `source` and `actor`. */
const DOC_OPTIONAL: Record<EventType, string[]> = {
  item_upserted: ['brand', 'pack_size', 'supplier_id', 'moq'],
  node_upserted: ['ship_capacity_per_day', 'pick_cost', 'carrier_cutoff'],
  channel_upserted: ['node_ids', 'buffer_units', 'buffer_pct'],
  supplier_upserted: ['moq'],
  lane_upserted: [],
  receipt: ['po_id', 'status'],
  transfer_shipped: ['expected_at'],
  transfer_received: ['status'],
  pos_sale: [],
  adjustment: ['status'],
  status_changed: ['reason'],
  cycle_count: ['status'],
  order_placed: ['promised_by', 'pickup_node_id'],
  allocated: [],
  allocation_released: ['reason'],
  picked: [],
  shipped: ['carrier'],
  order_cancelled: ['line_id', 'reason'],
  return_received: ['order_id', 'line_id', 'reason'],
  return_graded: [],
  refund_issued: ['line_id', 'return_id', 'reason'],
  price_changed: ['channel_id', 'ends_at'],
  po_created: [],
  po_updated: [],
  po_cancelled: ['line_id'],
};

const oneOf = (values: readonly string[]) => values.join(', ');

const qtyCases = (field = 'qty'): InvalidCase[] => [
  {
    name: `${field} not an integer`,
    patch: { [field]: 1.5 },
    path: field,
    message: 'expected an integer number of units, got 1.5',
    code: 'invalid_type',
  },
  {
    name: `${field} zero`,
    patch: { [field]: 0 },
    path: field,
    message: 'expected a positive number of units, got 0',
    code: 'too_small',
  },
  {
    name: `${field} negative`,
    patch: { [field]: -3 },
    path: field,
    message: 'expected a positive number of units, got -3',
    code: 'too_small',
  },
  {
    name: `${field} out of range`,
    patch: { [field]: 1e12 },
    path: field,
    message: 'expected at most 1000000000 units, got 1000000000000',
    code: 'too_big',
  },
  {
    name: `${field} as a string`,
    patch: { [field]: '5' },
    path: field,
    message: 'expected a positive integer number of units, got "5"',
    code: 'invalid_type',
  },
];

const enumCase = (field: string, value: string, allowed: readonly string[]): InvalidCase => ({
  name: `${field} unknown value`,
  patch: { [field]: value },
  path: field,
  message: `expected one of ${oneOf(allowed)}, got "${value}"`,
  code: 'invalid_value',
});

const moneyCases = (field: string): InvalidCase[] => [
  {
    name: `${field} negative`,
    patch: { [field]: -1 },
    path: field,
    message: 'expected a non-negative amount, got -1',
    code: 'too_small',
  },
  {
    name: `${field} out of range`,
    patch: { [field]: 2e12 },
    path: field,
    message: 'expected at most 1000000000000, got 2000000000000',
    code: 'too_big',
  },
  {
    name: `${field} as a string`,
    patch: { [field]: '9.99' },
    path: field,
    message: 'expected an amount of money (number), got "9.99"',
    code: 'invalid_type',
  },
];

const INVALID: Record<EventType, InvalidCase[]> = {
  item_upserted: [
    ...moneyCases('unit_cost'),
    ...moneyCases('list_price'),
    {
      name: 'pack_size fractional',
      patch: { pack_size: 1.5 },
      path: 'pack_size',
      message: 'expected an integer number of units, got 1.5',
    },
    {
      name: 'pack_size zero',
      patch: { pack_size: 0 },
      path: 'pack_size',
      message: 'expected a positive number of units, got 0',
    },
    {
      name: 'moq out of range',
      patch: { moq: 1e12 },
      path: 'moq',
      message: 'expected at most 1000000000 units, got 1000000000000',
    },
    {
      name: 'empty name',
      patch: { name: '' },
      path: 'name',
      message: 'expected a label, got an empty string',
      code: 'too_small',
    },
    {
      name: 'blank sku',
      patch: { sku: '   ' },
      path: 'sku',
      message: 'expected an identifier, got only whitespace',
      code: 'invalid_format',
    },
    {
      name: 'sku too long',
      patch: { sku: 'S'.repeat(129) },
      path: 'sku',
      message: 'expected an identifier of at most 128 characters, got 129 characters',
      code: 'too_big',
    },
    {
      name: 'sku as a number',
      patch: { sku: 123 },
      path: 'sku',
      message: 'expected an identifier (string), got 123',
      code: 'invalid_type',
    },
  ],
  node_upserted: [
    enumCase('node_type', 'warehouse', NODE_TYPES),
    {
      name: 'can_ship as a string',
      patch: { can_ship: 'yes' },
      path: 'can_ship',
      message: 'expected true or false, got "yes"',
      code: 'invalid_type',
    },
    {
      name: 'can_pickup missing',
      patch: { can_pickup: REMOVE },
      path: 'can_pickup',
      message: 'required',
    },
    {
      name: 'ship_capacity_per_day negative',
      patch: { ship_capacity_per_day: -1 },
      path: 'ship_capacity_per_day',
      message: 'expected a non-negative number of units, got -1',
      code: 'too_small',
    },
    {
      name: 'ship_capacity_per_day fractional',
      patch: { ship_capacity_per_day: 10.5 },
      path: 'ship_capacity_per_day',
      message: 'expected an integer number of units, got 10.5',
    },
    ...moneyCases('pick_cost'),
    {
      name: 'carrier_cutoff 24:00',
      patch: { carrier_cutoff: '24:00' },
      path: 'carrier_cutoff',
      message: 'expected a local time HH:MM (00:00 to 23:59), got "24:00"',
      code: 'invalid_format',
    },
    {
      name: 'carrier_cutoff 4pm',
      patch: { carrier_cutoff: '4pm' },
      path: 'carrier_cutoff',
      message: 'expected a local time HH:MM (00:00 to 23:59), got "4pm"',
    },
  ],
  channel_upserted: [
    enumCase('channel_type', 'shop', CHANNEL_TYPES),
    {
      name: 'node_ids as a string',
      patch: { node_ids: 'DC-1' },
      path: 'node_ids',
      message: 'expected a list of node ids, got "DC-1"',
      code: 'invalid_type',
    },
    {
      name: 'node_ids with a duplicate',
      patch: { node_ids: ['DC-1', 'ST-1', 'DC-1'] },
      path: 'node_ids.2',
      message: 'duplicate node id "DC-1"',
      code: 'custom',
    },
    {
      name: 'node_ids with an empty id',
      patch: { node_ids: ['DC-1', ''] },
      path: 'node_ids.1',
      message: 'expected an identifier, got an empty string',
    },
    {
      name: 'buffer_pct above 100',
      patch: { buffer_pct: 101 },
      path: 'buffer_pct',
      message: 'expected at most 100, got 101',
      code: 'too_big',
    },
    {
      name: 'buffer_pct negative',
      patch: { buffer_pct: -5 },
      path: 'buffer_pct',
      message: 'expected a percentage of at least 0, got -5',
      code: 'too_small',
    },
    {
      name: 'buffer_units fractional',
      patch: { buffer_units: 1.5 },
      path: 'buffer_units',
      message: 'expected an integer number of units, got 1.5',
    },
  ],
  supplier_upserted: [
    {
      name: 'lead_time_days above 730',
      patch: { lead_time_days: 731 },
      path: 'lead_time_days',
      message: 'expected at most 730 days, got 731',
      code: 'too_big',
    },
    {
      name: 'lead_time_days negative',
      patch: { lead_time_days: -1 },
      path: 'lead_time_days',
      message: 'expected a non-negative number of days, got -1',
      code: 'too_small',
    },
    {
      name: 'lead_time_days fractional',
      patch: { lead_time_days: 1.5 },
      path: 'lead_time_days',
      message: 'expected an integer number of days, got 1.5',
      code: 'invalid_type',
    },
    {
      name: 'moq zero',
      patch: { moq: 0 },
      path: 'moq',
      message: 'expected a positive number of units, got 0',
    },
  ],
  lane_upserted: [
    {
      name: 'transit_days above 365',
      patch: { transit_days: 366 },
      path: 'transit_days',
      message: 'expected at most 365 days, got 366',
      code: 'too_big',
    },
    {
      name: 'transit_days as a string',
      patch: { transit_days: 'two' },
      path: 'transit_days',
      message: 'expected a whole number of days (0 to 365), got "two"',
      code: 'invalid_type',
    },
    ...moneyCases('cost_per_order'),
    ...moneyCases('cost_per_unit'),
  ],
  receipt: [
    ...qtyCases(),
    ...moneyCases('unit_cost'),
    enumCase('status', 'broken', BUCKETS),
    {
      name: 'status in_transit (not a bucket)',
      patch: { status: 'in_transit' },
      path: 'status',
      message: /^expected one of sellable, damaged, quarantine, repair, returns_pending, got "in_transit"$/,
    },
  ],
  transfer_shipped: [
    ...qtyCases(),
    {
      name: 'same from and to node',
      patch: { to_node_id: 'DC-1' },
      path: 'to_node_id',
      message: 'must differ from from_node_id, got "DC-1" for both',
      code: 'custom',
    },
    {
      name: 'expected_at not a date',
      patch: { expected_at: 'next week' },
      path: 'expected_at',
      message: 'expected a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset or Z, got "next week"',
      code: 'invalid_format',
    },
  ],
  transfer_received: [...qtyCases(), enumCase('status', 'lost', BUCKETS)],
  pos_sale: [...qtyCases(), ...moneyCases('unit_price')],
  adjustment: [
    {
      name: 'qty zero',
      patch: { qty: 0 },
      path: 'qty',
      message: 'expected a non-zero number of units, got 0',
      code: 'custom',
    },
    {
      name: 'qty fractional',
      patch: { qty: -1.5 },
      path: 'qty',
      message: 'expected an integer number of units, got -1.5',
      code: 'invalid_type',
    },
    {
      name: 'qty below range',
      patch: { qty: -1e10 },
      path: 'qty',
      message: 'expected at least -1000000000 units, got -10000000000',
      code: 'too_small',
    },
    {
      name: 'qty above range',
      patch: { qty: 1e12 },
      path: 'qty',
      message: 'expected at most 1000000000 units, got 1000000000000',
      code: 'too_big',
    },
    enumCase('reason', 'theft', ADJUSTMENT_REASONS),
    enumCase('status', 'missing', BUCKETS),
  ],
  status_changed: [
    ...qtyCases(),
    enumCase('from_status', 'ok', BUCKETS),
    enumCase('to_status', 'in_transit', BUCKETS),
    {
      name: 'from_status equals to_status',
      patch: { to_status: 'sellable' },
      path: 'to_status',
      message: 'must differ from from_status, got "sellable" for both',
      code: 'custom',
    },
    {
      name: 'empty reason',
      patch: { reason: '' },
      path: 'reason',
      message: 'expected a note, got an empty string',
    },
  ],
  cycle_count: [
    {
      name: 'counted_qty negative',
      patch: { counted_qty: -1 },
      path: 'counted_qty',
      message: 'expected a non-negative number of units, got -1',
      code: 'too_small',
    },
    {
      name: 'counted_qty fractional',
      patch: { counted_qty: 2.5 },
      path: 'counted_qty',
      message: 'expected an integer number of units, got 2.5',
    },
    {
      name: 'counted_qty out of range',
      patch: { counted_qty: 1e12 },
      path: 'counted_qty',
      message: 'expected at most 1000000000 units, got 1000000000000',
    },
    enumCase('status', 'returns', BUCKETS),
  ],
  order_placed: [
    enumCase('service_level', 'overnight', SERVICE_LEVELS),
    {
      name: 'pickup without pickup_node_id',
      patch: { pickup_node_id: REMOVE },
      path: 'pickup_node_id',
      message: 'required when service_level is "pickup"',
      code: 'custom',
    },
    {
      name: 'promised_by impossible date',
      patch: { promised_by: '2024-02-30' },
      path: 'promised_by',
      message:
        'expected a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset or Z, got "2024-02-30" (no such date: 2024-02-30)',
    },
    {
      name: 'empty lines',
      patch: { lines: [] },
      path: 'lines',
      message: 'expected at least one entry in lines, got an empty array',
      code: 'too_small',
    },
    {
      name: 'lines not an array',
      patch: { lines: 'SKU-1 x2' },
      path: 'lines',
      message: 'expected lines (an array of line objects), got "SKU-1 x2"',
      code: 'invalid_type',
    },
    {
      name: 'lines missing',
      patch: { lines: REMOVE },
      path: 'lines',
      message: 'required',
    },
    {
      name: 'duplicate line_id',
      patch: {
        lines: [
          { line_id: '1', sku: 'SKU-1', qty: 1, unit_price: 1 },
          { line_id: '1', sku: 'SKU-2', qty: 1, unit_price: 1 },
        ],
      },
      path: 'lines.1.line_id',
      message: 'duplicate line_id "1"',
      code: 'custom',
    },
    {
      name: 'bad qty on the second line',
      patch: {
        lines: [
          { line_id: '1', sku: 'SKU-1', qty: 1, unit_price: 1 },
          { line_id: '2', sku: 'SKU-2', qty: 1.5, unit_price: 1 },
        ],
      },
      path: 'lines.1.qty',
      message: 'expected an integer number of units, got 1.5',
    },
    {
      name: 'line missing sku',
      patch: { lines: [{ line_id: '1', qty: 1, unit_price: 1 }] },
      path: 'lines.0.sku',
      message: 'required',
    },
    {
      name: 'line with an unknown key',
      patch: { lines: [{ line_id: '1', sku: 'SKU-1', qty: 1, unit_price: 1, gift_wrap: true }] },
      path: 'lines.0.gift_wrap',
      message: 'unknown field',
      code: 'unrecognized_keys',
    },
    {
      name: 'line not an object',
      patch: { lines: ['SKU-1'] },
      path: 'lines.0',
      message: 'expected a JSON object, got "SKU-1"',
      code: 'invalid_type',
    },
    {
      name: 'line with a negative unit_price',
      patch: { lines: [{ line_id: '1', sku: 'SKU-1', qty: 1, unit_price: -2 }] },
      path: 'lines.0.unit_price',
      message: 'expected a non-negative amount, got -2',
    },
  ],
  allocated: [
    ...qtyCases(),
    {
      name: 'line_id as a number',
      patch: { line_id: 5 },
      path: 'line_id',
      message: 'expected an identifier (string), got 5',
      code: 'invalid_type',
    },
  ],
  allocation_released: [
    ...qtyCases(),
    {
      name: 'empty reason',
      patch: { reason: '' },
      path: 'reason',
      message: 'expected a note, got an empty string',
    },
  ],
  picked: qtyCases(),
  shipped: [
    ...qtyCases(),
    {
      name: 'carrier as a number',
      patch: { carrier: 42 },
      path: 'carrier',
      message: 'expected a label (string), got 42',
    },
  ],
  order_cancelled: [
    {
      name: 'order_id null',
      patch: { order_id: null },
      path: 'order_id',
      message: 'expected an identifier (string), got null',
      code: 'invalid_type',
    },
    {
      name: 'line_id empty',
      patch: { line_id: '' },
      path: 'line_id',
      message: 'expected an identifier, got an empty string',
    },
  ],
  return_received: qtyCases(),
  return_graded: [
    ...qtyCases(),
    enumCase('grade', 'E', GRADES),
    enumCase('grade', 'a', GRADES),
    enumCase('disposition', 'donate', DISPOSITIONS),
  ],
  refund_issued: [
    {
      name: 'amount zero',
      patch: { amount: 0 },
      path: 'amount',
      message: 'expected a positive amount, got 0',
      code: 'too_small',
    },
    {
      name: 'amount negative',
      patch: { amount: -5 },
      path: 'amount',
      message: 'expected a positive amount, got -5',
    },
    {
      name: 'amount out of range',
      patch: { amount: 1e13 },
      path: 'amount',
      message: 'expected at most 1000000000000, got 10000000000000',
      code: 'too_big',
    },
    {
      name: 'amount as a string',
      patch: { amount: '19.98' },
      path: 'amount',
      message: 'expected a positive amount of money (number), got "19.98"',
      code: 'invalid_type',
    },
  ],
  price_changed: [
    enumCase('reason', 'sale', PRICE_REASONS),
    ...moneyCases('price'),
    {
      name: 'ends_at with slashes',
      patch: { ends_at: '2024/03/10' },
      path: 'ends_at',
      message: 'expected a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset or Z, got "2024/03/10"',
    },
  ],
  po_created: [
    {
      name: 'empty lines',
      patch: { lines: [] },
      path: 'lines',
      message: 'expected at least one entry in lines, got an empty array',
      code: 'too_small',
    },
    {
      name: 'duplicate line_id',
      patch: {
        lines: [
          { line_id: 'A', sku: 'SKU-1', qty: 1, unit_cost: 1 },
          { line_id: 'B', sku: 'SKU-2', qty: 1, unit_cost: 1 },
          { line_id: 'A', sku: 'SKU-3', qty: 1, unit_cost: 1 },
        ],
      },
      path: 'lines.2.line_id',
      message: 'duplicate line_id "A"',
      code: 'custom',
    },
    {
      name: 'bad qty on the second line',
      patch: {
        lines: [
          { line_id: '1', sku: 'SKU-1', qty: 1, unit_cost: 1 },
          { line_id: '2', sku: 'SKU-2', qty: 0, unit_cost: 1 },
        ],
      },
      path: 'lines.1.qty',
      message: 'expected a positive number of units, got 0',
    },
    {
      name: 'expected_at missing',
      patch: { expected_at: REMOVE },
      path: 'expected_at',
      message: 'required',
    },
    {
      name: 'too many lines',
      patch: {
        lines: Array.from({ length: 10_001 }, (_, i) => ({
          line_id: `L${i}`,
          sku: 'S',
          qty: 1,
          unit_cost: 1,
        })),
      },
      path: 'lines',
      message: 'expected at most 10000 entries in lines, got 10001',
      code: 'too_big',
    },
  ],
  po_updated: [
    {
      name: 'expected_at not a date',
      patch: { expected_at: 'soon' },
      path: 'expected_at',
      message: 'expected a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset or Z, got "soon"',
    },
    {
      name: 'expected_at without offset',
      patch: { expected_at: '2024-03-18T12:00:00' },
      path: 'expected_at',
      message:
        'expected a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset or Z, got "2024-03-18T12:00:00" (no offset)',
    },
  ],
  po_cancelled: [
    {
      name: 'empty po_id',
      patch: { po_id: '' },
      path: 'po_id',
      message: 'expected an identifier, got an empty string',
      code: 'too_small',
    },
  ],
};

function errorsOf(input: unknown) {
  const result = validateEvent(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.errors;
}

describe('event registry', () => {
  it('has a schema for every type of EVENTS.md, in contract order', () => {
    expect(EVENT_TYPES).toEqual(Object.keys(DOC_FIELDS));
    expect(Object.keys(EVENT_SCHEMAS)).toEqual(EVENT_TYPES);
  });

  it('exports the enums of the contract', () => {
    expect(BUCKETS).toEqual(['sellable', 'damaged', 'quarantine', 'repair', 'returns_pending']);
    expect(ADJUSTMENT_REASONS).toEqual(['damage', 'shrink', 'found', 'expired', 'correction']);
    expect(NODE_TYPES).toEqual(['store', 'dc', '3pl', 'returns_center']);
    expect(CHANNEL_TYPES).toEqual(['web', 'marketplace', 'store', 'wholesale']);
    expect(SERVICE_LEVELS).toEqual(['standard', 'express', 'pickup']);
    expect(GRADES).toEqual(['A', 'B', 'C', 'D']);
    expect(DISPOSITIONS).toEqual(['restock', 'refurbish', 'liquidate', 'return_to_vendor', 'write_off']);
    expect(PRICE_REASONS).toEqual(['regular', 'markdown', 'promotion']);
  });

  it('lists the line event types and their line columns', () => {
    expect(LINE_EVENT_TYPES).toEqual(['order_placed', 'po_created']);
    expect(LINE_FIELDS.order_placed).toEqual(['line_id', 'sku', 'qty', 'unit_price']);
    expect(LINE_FIELDS.po_created).toEqual(['line_id', 'sku', 'qty', 'unit_cost']);
  });

  it('discriminated union accepts every example and rejects a wrong type literal', () => {
    for (const type of EVENT_TYPES) {
      expect(eventSchema.safeParse(EXAMPLES[type].full).success).toBe(true);
    }
    expect(eventSchema.safeParse({ ...EXAMPLES.receipt.full, type: 'nope' }).success).toBe(false);
  });
});

describe.each(EVENT_TYPES)('%s', (type) => {
  const schema = EVENT_SCHEMAS[type];
  const { full, minimal } = EXAMPLES[type];

  it('declares the envelope then the fields in EVENTS.md order', () => {
    expect(Object.keys(schema.shape)).toEqual([...ENVELOPE, ...DOC_FIELDS[type], ...(EXTENDED[type] ?? [])]);
  });

  it('marks exactly the optional fields of EVENTS.md as optional', () => {
    const optional = Object.entries(schema.shape)
      .filter(([, field]) => field._zod.optin === 'optional')
      .map(([key]) => key);
    expect(optional).toEqual(['source', 'actor', ...DOC_OPTIONAL[type], ...(EXTENDED[type] ?? [])]);
  });

  it('accepts a complete event and returns it unchanged', () => {
    const input = structuredClone(full);
    const result = validateEvent(input);
    expect(result).toEqual({ ok: true, event: full });
    expect(input).toEqual(full);
    expect(JSON.stringify(result.ok && result.event)).toBe(JSON.stringify(full)); // same keys, same order
    expect(schema.parse(full)).toEqual(full);
  });

  it('accepts the required fields alone, without adding defaults', () => {
    const result = validateEvent(minimal);
    expect(result).toEqual({ ok: true, event: minimal });
    expect(Object.keys(result.ok ? result.event : {})).toEqual(Object.keys(minimal));
  });

  it.each(Object.keys(minimal))('reports a missing required field: %s', (key) => {
    expect(errorsOf(withFields(minimal, { [key]: REMOVE }))).toEqual([
      { path: key, message: 'required', code: 'invalid_type' },
    ]);
  });

  it.each(Object.keys(full).filter((key) => key !== 'type'))('reports a mistyped field: %s', (key) => {
    const errors = errorsOf(withFields(full, { [key]: { nested: true } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe(key);
    expect(['invalid_type', 'invalid_value']).toContain(errors[0]!.code);
    expect(errors[0]!.message).toMatch(/^expected .+, got an object$/);
  });

  it('rejects an unknown extra key rather than dropping it', () => {
    expect(errorsOf({ ...full, colour: 'blue' })).toEqual([
      { path: 'colour', message: 'unknown field', code: 'unrecognized_keys' },
    ]);
    expect(schema.safeParse({ ...full, colour: 'blue' }).success).toBe(false);
  });

  it.each(INVALID[type].map((c) => [c.name, c] as const))('rejects %s', (_name, invalid) => {
    const errors = errorsOf(withFields(full, invalid.patch));
    expect(errors, JSON.stringify(errors)).toHaveLength(1);
    const [error] = errors;
    expect(error!.path).toBe(invalid.path);
    if (typeof invalid.message === 'string') expect(error!.message).toBe(invalid.message);
    else expect(error!.message).toMatch(invalid.message);
    if (invalid.code !== undefined) expect(error!.code).toBe(invalid.code);
  });
});

describe('valid variants', () => {
  it.each([
    ['adjustment with a positive qty', withFields(EXAMPLES.adjustment.full, { qty: 7, reason: 'found' })],
    ['cycle_count of zero', withFields(EXAMPLES.cycle_count.full, { counted_qty: 0 })],
    ['node with zero capacity', withFields(EXAMPLES.node_upserted.full, { ship_capacity_per_day: 0 })],
    ['channel with no eligible node', withFields(EXAMPLES.channel_upserted.full, { node_ids: [] })],
    ['channel buffer_pct 100', withFields(EXAMPLES.channel_upserted.full, { buffer_pct: 100 })],
    ['lane with 365 transit days', withFields(EXAMPLES.lane_upserted.full, { transit_days: 365 })],
    [
      'supplier with 730 days lead time',
      withFields(EXAMPLES.supplier_upserted.full, { lead_time_days: 730 }),
    ],
    ['qty at the maximum', withFields(EXAMPLES.receipt.full, { qty: 1_000_000_000 })],
    ['money at the maximum', withFields(EXAMPLES.receipt.full, { unit_cost: 1e12 })],
    [
      'express order without pickup node',
      withFields(EXAMPLES.order_placed.minimal, { service_level: 'express' }),
    ],
    [
      'promised_by as a timestamp',
      withFields(EXAMPLES.order_placed.full, { promised_by: '2024-03-05T18:00:00+01:00' }),
    ],
    [
      'expected_at as a timestamp',
      withFields(EXAMPLES.transfer_shipped.full, { expected_at: '2024-03-03T09:30Z' }),
    ],
    ['ends_at as a date', withFields(EXAMPLES.price_changed.full, { ends_at: '2024-03-10' })],
    ['case-sensitive ids kept as-is', withFields(EXAMPLES.receipt.full, { sku: ' sku-1 ', node_id: 'dc-1' })],
    ['leap day', withFields(EXAMPLES.receipt.full, { occurred_at: '2024-02-29T23:59:59.999999999-05:00' })],
  ])('accepts %s unchanged', (_name, event) => {
    expect(validateEvent(event)).toEqual({ ok: true, event });
  });
});
