import { describe, expect, it } from 'vitest';
import {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  formatIssues,
  toValidationIssues,
  type ValidationIssue,
  validateEvent,
} from '../../../src/contracts/index.ts';
import { EXAMPLES, REMOVE, withFields } from './examples.ts';

const receipt = EXAMPLES.receipt.full;

function errorsOf(input: unknown): ValidationIssue[] {
  const result = validateEvent(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.errors;
}

describe('validateEvent: input shape', () => {
  it.each([
    ['null', null, 'expected a JSON object, got null'],
    ['an array', [receipt], 'expected a JSON object, got an array'],
    ['a string', '{"type":"receipt"}', 'expected a JSON object, got "{\\"type\\":\\"receipt\\"}"'],
    ['a number', 42, 'expected a JSON object, got 42'],
    ['undefined', undefined, 'expected a JSON object, got nothing'],
    ['a Date', new Date(0), 'expected a JSON object, got an object'],
  ])('rejects %s at the root', (_name, input, message) => {
    expect(errorsOf(input)).toEqual([{ path: '', message, code: 'invalid_type' }]);
  });

  it('accepts an object without prototype', () => {
    const input = Object.assign(Object.create(null) as object, receipt);
    expect(validateEvent(input).ok).toBe(true);
  });
});

describe('validateEvent: type', () => {
  it('requires a type', () => {
    expect(errorsOf(withFields(receipt, { type: REMOVE }))).toEqual([
      { path: 'type', message: 'required', code: 'invalid_type' },
    ]);
  });

  it('requires the type to be a string', () => {
    expect(errorsOf({ ...receipt, type: 7 })).toEqual([
      { path: 'type', message: 'expected an event type name (string), got 7', code: 'invalid_type' },
    ]);
  });

  it('rejects an unknown type and lists the known ones', () => {
    const [error, ...rest] = errorsOf({ ...receipt, type: 'foo' });
    expect(rest).toEqual([]);
    expect(error).toEqual({
      path: 'type',
      code: 'unknown_type',
      message: `unknown event type "foo" (expected one of: ${EVENT_TYPES.join(', ')})`,
    });
  });

  it('suggests the closest type for a near miss', () => {
    expect(errorsOf({ ...receipt, type: 'reciept' })[0]!.message).toMatch(
      /^unknown event type "reciept" \(did you mean "receipt"\? expected one of: item_upserted, /,
    );
    expect(errorsOf({ ...receipt, type: 'Order-Placed' })[0]!.message).toContain(
      'did you mean "order_placed"?',
    );
  });

  it('does not echo a huge type name in full', () => {
    const message = errorsOf({ ...receipt, type: 'x'.repeat(10_000) })[0]!.message;
    expect(message.length).toBeLessThan(600);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'treats the Object.prototype key %s as an unknown type',
    (type) => {
      expect(errorsOf({ ...receipt, type })[0]!.code).toBe('unknown_type');
    },
  );
});

describe('validateEvent: envelope', () => {
  it.each([
    ['no offset', '2024-03-01T10:00:00', 'got "2024-03-01T10:00:00" (no offset)'],
    ['impossible date', '2024-02-30T00:00:00Z', 'got "2024-02-30T00:00:00Z" (no such date: 2024-02-30)'],
    ['impossible hour', '2024-03-01T25:00:00Z', 'got "2024-03-01T25:00:00Z" (no such time: 25:00:00)'],
    ['a word', 'yesterday', 'got "yesterday"'],
    ['a date only', '2024-03-01', 'got "2024-03-01"'],
    ['month 13', '2024-13-01', 'got "2024-13-01"'],
    ['a number', 1709287200000, 'got 1709287200000'],
  ])('rejects occurred_at as %s', (_name, occurred_at, got) => {
    expect(errorsOf({ ...receipt, occurred_at })).toEqual([
      {
        path: 'occurred_at',
        message: `expected an ISO-8601 timestamp with offset or Z, ${got}`,
        code: typeof occurred_at === 'number' ? 'invalid_type' : 'invalid_format',
      },
    ]);
  });

  it('requires occurred_at', () => {
    expect(errorsOf(withFields(receipt, { occurred_at: REMOVE }))).toEqual([
      { path: 'occurred_at', message: 'required', code: 'invalid_type' },
    ]);
  });

  it.each([
    ['empty', '', 'expected an event id, got an empty string', 'too_small'],
    [
      '129 chars',
      'e'.repeat(129),
      'expected an event id of at most 128 characters, got 129 characters',
      'too_big',
    ],
    ['a number', 17, 'expected an event id (string), got 17', 'invalid_type'],
  ])('rejects an event_id that is %s', (_name, event_id, message, code) => {
    expect(errorsOf({ ...receipt, event_id })).toEqual([{ path: 'event_id', message, code }]);
  });

  it('accepts an event_id of 128 chars', () => {
    expect(validateEvent({ ...receipt, event_id: 'e'.repeat(128) }).ok).toBe(true);
  });

  it('checks the optional source and actor', () => {
    expect(errorsOf({ ...receipt, source: 's'.repeat(65), actor: '' })).toEqual([
      {
        path: 'source',
        message: 'expected a source system name of at most 64 characters, got 65 characters',
        code: 'too_big',
      },
      { path: 'actor', message: 'expected an actor name, got an empty string', code: 'too_small' },
    ]);
  });
});

describe('validateEvent: every error is reported', () => {
  it('reports three bad fields as three issues', () => {
    const errors = errorsOf({ ...receipt, qty: 1.5, unit_cost: -1, status: 'broken' });
    expect(errors.map((e) => e.path)).toEqual(['qty', 'unit_cost', 'status']);
    expect(errors.map((e) => e.code)).toEqual(['invalid_type', 'too_small', 'invalid_value']);
  });

  it('reports missing, mistyped and unknown fields together', () => {
    const errors = errorsOf(withFields(receipt, { node_id: REMOVE, occurred_at: 'now', extra: 1, other: 2 }));
    expect(errors).toEqual([
      {
        path: 'occurred_at',
        message: 'expected an ISO-8601 timestamp with offset or Z, got "now"',
        code: 'invalid_format',
      },
      { path: 'node_id', message: 'required', code: 'invalid_type' },
      { path: 'extra', message: 'unknown field', code: 'unrecognized_keys' },
      { path: 'other', message: 'unknown field', code: 'unrecognized_keys' },
    ]);
  });

  it('reports cross-field rules alongside field errors', () => {
    const order = withFields(EXAMPLES.order_placed.full, {
      pickup_node_id: REMOVE,
      lines: [
        { line_id: '1', sku: 'SKU-1', qty: 1, unit_price: 1 },
        { line_id: '1', sku: 'SKU-2', qty: 1.5, unit_price: 1 },
      ],
    });
    expect(errorsOf(order)).toEqual([
      { path: 'lines.1.qty', message: 'expected an integer number of units, got 1.5', code: 'invalid_type' },
      { path: 'pickup_node_id', message: 'required when service_level is "pickup"', code: 'custom' },
      { path: 'lines.1.line_id', message: 'duplicate line_id "1"', code: 'custom' },
    ]);
  });

  it('reports every duplicate line_id once', () => {
    const lines = ['a', 'b', 'a', 'a', 'b'].map((line_id) => ({ line_id, sku: 'S', qty: 1, unit_cost: 1 }));
    expect(errorsOf({ ...EXAMPLES.po_created.full, lines }).map((e) => e.path)).toEqual([
      'lines.2.line_id',
      'lines.3.line_id',
      'lines.4.line_id',
    ]);
  });

  it('skips a cross-field rule whose own fields are invalid', () => {
    const errors = errorsOf({ ...EXAMPLES.transfer_shipped.full, from_node_id: '', to_node_id: '', qty: 0 });
    expect(errors.map((e) => e.path)).toEqual(['from_node_id', 'to_node_id', 'qty']);
    const status = errorsOf({ ...EXAMPLES.status_changed.full, from_status: 'x', to_status: 'x' });
    expect(status.map((e) => e.code)).toEqual(['invalid_value', 'invalid_value']);
  });

  it('reports a cross-field rule once when it is the only problem', () => {
    expect(errorsOf({ ...EXAMPLES.transfer_shipped.full, to_node_id: 'DC-1' })).toHaveLength(1);
  });
});

describe('validateEvent matches the plain schemas', () => {
  const samples: unknown[] = [];
  for (const type of EVENT_TYPES) {
    const { full, minimal } = EXAMPLES[type];
    samples.push(full, minimal, { ...full, extra: true });
    for (const key of Object.keys(full)) {
      if (key === 'type') continue;
      samples.push(withFields(full, { [key]: REMOVE }), withFields(full, { [key]: 1.5 }));
      samples.push(withFields(full, { [key]: '' }), withFields(full, { [key]: -1 }));
    }
  }

  it('gives the same verdict and issues as EVENT_SCHEMAS[type].safeParse (the fast path is an optimisation)', () => {
    for (const input of samples) {
      const type = (input as { type: keyof typeof EVENT_SCHEMAS }).type;
      const plain = EVENT_SCHEMAS[type].safeParse(input);
      const result = validateEvent(input);
      expect(result.ok, JSON.stringify(input)).toBe(plain.success);
      if (plain.success && result.ok) expect(result.event).toEqual(plain.data);
      if (!plain.success && !result.ok) {
        const direct = toValidationIssues(plain.error.issues, input);
        // validateEvent may add cross-field issues that the schema skipped; it never drops one
        expect(result.errors.slice(0, direct.length)).toEqual(direct);
      }
    }
  });
});

describe('formatIssues', () => {
  it('joins path: message pairs', () => {
    expect(
      formatIssues([
        {
          path: 'lines.0.qty',
          message: 'expected an integer number of units, got 1.5',
          code: 'invalid_type',
        },
        { path: 'occurred_at', message: 'required', code: 'invalid_type' },
      ]),
    ).toBe('lines.0.qty: expected an integer number of units, got 1.5; occurred_at: required');
  });

  it('prints a root issue without a path', () => {
    expect(
      formatIssues([{ path: '', message: 'expected a JSON object, got null', code: 'invalid_type' }]),
    ).toBe('expected a JSON object, got null');
    expect(formatIssues([])).toBe('');
  });

  it('formats the errors of a real event', () => {
    expect(formatIssues(errorsOf(withFields(receipt, { qty: 0, status: REMOVE, po_id: 5 })))).toBe(
      'qty: expected a positive number of units, got 0; po_id: expected an identifier (string), got 5',
    );
  });
});
