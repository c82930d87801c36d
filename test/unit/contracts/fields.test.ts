import { describe, expect, it } from 'vitest';
import {
  coerceCell,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type FieldKind,
  fieldKinds,
  LINE_EVENT_TYPES,
  LINE_FIELDS,
  lineFieldKinds,
  validateEvent,
} from '../../../src/contracts/index.ts';
import { EXAMPLES } from './examples.ts';

describe('fieldKinds', () => {
  it('derives a kind for every field of every event type, in schema order', () => {
    for (const type of EVENT_TYPES) {
      expect([...fieldKinds(type).keys()]).toEqual(Object.keys(EVENT_SCHEMAS[type].shape));
    }
  });

  it('is memoised', () => {
    expect(fieldKinds('receipt')).toBe(fieldKinds('receipt'));
    expect(lineFieldKinds('po_created')).toBe(lineFieldKinds('po_created'));
  });

  it('gives the envelope as strings', () => {
    const kinds = fieldKinds('receipt');
    for (const key of ['event_id', 'type', 'occurred_at', 'source', 'actor'])
      expect(kinds.get(key)).toBe('string');
  });

  it('describes order_placed, its lines and their columns', () => {
    const kinds = fieldKinds('order_placed');
    expect(kinds.get('lines')).toBe('lines');
    expect(kinds.get('service_level')).toBe('string');
    expect(kinds.get('promised_by')).toBe('string');
    expect(Object.fromEntries(lineFieldKinds('order_placed'))).toEqual({
      line_id: 'string',
      sku: 'string',
      qty: 'number',
      unit_price: 'number',
    });
    expect(Object.fromEntries(lineFieldKinds('po_created'))).toEqual({
      line_id: 'string',
      sku: 'string',
      qty: 'number',
      unit_cost: 'number',
    });
    for (const type of LINE_EVENT_TYPES) expect([...lineFieldKinds(type).keys()]).toEqual(LINE_FIELDS[type]);
  });

  it('has no line fields for other types', () => {
    expect(lineFieldKinds('receipt').size).toBe(0);
  });

  it.each([
    ['node_upserted', 'can_ship', 'boolean'],
    ['node_upserted', 'can_pickup', 'boolean'],
    ['node_upserted', 'ship_capacity_per_day', 'number'],
    ['node_upserted', 'carrier_cutoff', 'string'],
    ['channel_upserted', 'node_ids', 'string[]'],
    ['channel_upserted', 'buffer_pct', 'number'],
    ['adjustment', 'qty', 'number'],
    ['adjustment', 'reason', 'string'],
    ['receipt', 'status', 'string'],
    ['refund_issued', 'amount', 'number'],
  ] as const)('%s.%s is %s', (type, field, kind) => {
    expect(fieldKinds(type).get(field)).toBe(kind);
  });
});

describe('coerceCell', () => {
  it.each<[FieldKind, string, unknown]>([
    ['string', '', undefined],
    ['number', '', undefined],
    ['boolean', '', undefined],
    ['string[]', '', undefined],
    ['string', ' SKU-1 ', ' SKU-1 '],
    ['string', '007', '007'],
    ['number', '42', 42],
    ['number', '-3', -3],
    ['number', '9.99', 9.99],
    ['number', '1e3', 1000],
    ['number', '2.5E-1', 0.25],
    ['number', ' 12 ', 12],
    ['number', '-0', 0],
    ['number', '1.5', 1.5],
    ['number', 'abc', 'abc'],
    ['number', '1,5', '1,5'],
    ['number', '0x10', '0x10'],
    ['number', '+5', '+5'],
    ['number', '.5', '.5'],
    ['number', '1e400', '1e400'],
    ['boolean', 'true', true],
    ['boolean', 'FALSE', false],
    ['boolean', '1', true],
    ['boolean', '0', false],
    ['boolean', 'Yes', true],
    ['boolean', 'no', false],
    ['boolean', 'maybe', 'maybe'],
    ['string[]', '["DC-1","ST-1"]', ['DC-1', 'ST-1']],
    ['string[]', '[]', []],
    ['string[]', 'DC-1|ST-1', ['DC-1', 'ST-1']],
    ['string[]', 'DC-1 | ST-1', ['DC-1', 'ST-1']],
    ['string[]', 'DC-1', ['DC-1']],
    ['string[]', '[DC-1', '[DC-1'],
    ['string[]', '{"a":1}', ['{"a":1}']],
    ['lines', '[{"line_id":"1"}]', [{ line_id: '1' }]],
    ['lines', 'nope', 'nope'],
  ])('%s %j → %j', (kind, raw, expected) => {
    expect(coerceCell(kind, raw)).toEqual(expected);
  });

  it('leaves a non-converting cell for validation to report precisely', () => {
    const row = { ...EXAMPLES.receipt.full, qty: coerceCell('number', 'ten') };
    const result = validateEvent(row);
    expect(result.ok || result.errors).toEqual([
      {
        path: 'qty',
        message: 'expected a positive integer number of units, got "ten"',
        code: 'invalid_type',
      },
    ]);
  });
});

/** Renders a JSON value as the CSV cell a writer would produce. */
function toCell(value: unknown): string {
  if (Array.isArray(value)) return value.join('|');
  return String(value);
}

describe('CSV round trip through field kinds', () => {
  it.each(EVENT_TYPES)('%s: cells coerce back to the original event', (type) => {
    const { full } = EXAMPLES[type];
    const kinds = fieldKinds(type);
    const lineKinds = lineFieldKinds(type);
    const event: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(full)) {
      const kind = kinds.get(key)!;
      if (kind === 'lines') {
        // flattened CSV: one row per line, line fields as columns
        event[key] = (value as Record<string, unknown>[]).map((line) =>
          Object.fromEntries(
            Object.entries(line).map(([field, cell]) => [
              field,
              coerceCell(lineKinds.get(field)!, toCell(cell)),
            ]),
          ),
        );
      } else {
        event[key] = coerceCell(kind, toCell(value));
      }
    }
    expect(event).toEqual(full);
    expect(validateEvent(event).ok).toBe(true);
  });
});
