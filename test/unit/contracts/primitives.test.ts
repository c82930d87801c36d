import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import {
  dateOnly,
  dateOrTimestamp,
  describeValue,
  eventId,
  hhmm,
  identifier,
  money,
  nonNegativeQuantity,
  positiveMoney,
  quantity,
  signedQuantity,
  timestamp,
} from '../../../src/contracts/index.ts';

/** The single issue message, or `ok` with the parsed value checked to be the input. */
function check(schema: z.ZodType, input: unknown): string {
  const result = schema.safeParse(input);
  if (result.success) {
    expect(result.data).toBe(input);
    return 'ok';
  }
  expect(result.error.issues).toHaveLength(1);
  return result.error.issues[0]!.message;
}

describe('timestamp', () => {
  it.each([
    '2024-03-01T10:00:00Z',
    '2024-03-01T10:00:00.123+02:00',
    '2024-03-01T10:00:00.123456789-05:30',
    '2024-03-01T10:00Z',
    '2024-02-29T23:59:59+00:00',
    '2000-02-29T00:00:00Z',
    '2024-12-31T23:59:59+14:00',
  ])('accepts %s unchanged', (value) => {
    expect(check(timestamp, value)).toBe('ok');
  });

  const prefix = 'expected an ISO-8601 timestamp with offset or Z, got';
  it.each([
    ['2024-03-01T10:00:00', `${prefix} "2024-03-01T10:00:00" (no offset)`],
    ['2024-02-30T00:00:00Z', `${prefix} "2024-02-30T00:00:00Z" (no such date: 2024-02-30)`],
    ['2023-02-29T00:00:00Z', `${prefix} "2023-02-29T00:00:00Z" (no such date: 2023-02-29)`],
    ['1900-02-29T00:00:00Z', `${prefix} "1900-02-29T00:00:00Z" (no such date: 1900-02-29)`],
    ['2024-04-31T00:00:00Z', `${prefix} "2024-04-31T00:00:00Z" (no such date: 2024-04-31)`],
    ['2024-13-01T00:00:00Z', `${prefix} "2024-13-01T00:00:00Z" (no such date: 2024-13-01)`],
    ['2024-03-01T25:00:00Z', `${prefix} "2024-03-01T25:00:00Z" (no such time: 25:00:00)`],
    ['2024-03-01T23:60Z', `${prefix} "2024-03-01T23:60Z" (no such time: 23:60)`],
    ['2024-03-01T23:59:60Z', `${prefix} "2024-03-01T23:59:60Z" (no such time: 23:59:60)`],
    ['2024-03-01T10:00:00+24:00', `${prefix} "2024-03-01T10:00:00+24:00" (no such offset: +24:00)`],
    ['2024-13-01', `${prefix} "2024-13-01"`],
    ['2024-03-01', `${prefix} "2024-03-01"`],
    ['yesterday', `${prefix} "yesterday"`],
    ['', `${prefix} ""`],
    ['2024-03-01 10:00:00Z', `${prefix} "2024-03-01 10:00:00Z"`],
    ['2024-03-01t10:00:00z', `${prefix} "2024-03-01t10:00:00z"`],
    ['2024-03-01T10:00:00+0200', `${prefix} "2024-03-01T10:00:00+0200"`],
    ['2024-03-01T10:00:00.Z', `${prefix} "2024-03-01T10:00:00.Z"`],
    ['2024-03-01T10:00:00.1234567890Z', `${prefix} "2024-03-01T10:00:00.1234567890Z"`],
    ['2024-03-01T10:00:00ZZ', `${prefix} "2024-03-01T10:00:00ZZ"`],
    ['+2024-03-01T10:00:00Z', `${prefix} "+2024-03-01T10:00:00Z"`],
    [1709287200, `${prefix} 1709287200`],
    [null, `${prefix} null`],
    [undefined, 'required'],
  ])('rejects %j', (value, message) => {
    expect(check(timestamp, value)).toBe(message);
  });
});

describe('dateOnly, dateOrTimestamp, hhmm', () => {
  it.each([
    [dateOnly, '2024-02-29', 'ok'],
    [dateOnly, '2023-02-29', 'expected a date YYYY-MM-DD, got "2023-02-29" (no such date: 2023-02-29)'],
    [dateOnly, '2024-3-1', 'expected a date YYYY-MM-DD, got "2024-3-1"'],
    [dateOnly, '2024-03-01T00:00:00Z', 'expected a date YYYY-MM-DD, got "2024-03-01T00:00:00Z"'],
    [dateOrTimestamp, '2024-03-01', 'ok'],
    [dateOrTimestamp, '2024-03-01T10:00:00+01:00', 'ok'],
    [
      dateOrTimestamp,
      '2024-00-10',
      'expected a date (YYYY-MM-DD) or an ISO-8601 timestamp with offset or Z, got "2024-00-10" (no such date: 2024-00-10)',
    ],
    [hhmm, '00:00', 'ok'],
    [hhmm, '23:59', 'ok'],
    [hhmm, '16:00', 'ok'],
    [hhmm, '24:00', 'expected a local time HH:MM (00:00 to 23:59), got "24:00"'],
    [hhmm, '9:30', 'expected a local time HH:MM (00:00 to 23:59), got "9:30"'],
    [hhmm, '09:30:00', 'expected a local time HH:MM (00:00 to 23:59), got "09:30:00"'],
    [hhmm, 930, 'expected a local time HH:MM (00:00 to 23:59), got 930'],
  ] as const)('%#: %j', (schema, value, expected) => {
    expect(check(schema, value)).toBe(expected);
  });
});

describe('identifiers', () => {
  it.each([
    [identifier, 'SKU-1', 'ok'],
    [identifier, ' padded ', 'ok'],
    [identifier, 'x'.repeat(128), 'ok'],
    [identifier, '', 'expected an identifier, got an empty string'],
    [identifier, ' \t ', 'expected an identifier, got only whitespace'],
    [identifier, 'x'.repeat(129), 'expected an identifier of at most 128 characters, got 129 characters'],
    [identifier, 42, 'expected an identifier (string), got 42'],
    [eventId, 'evt-1', 'ok'],
    [eventId, '', 'expected an event id, got an empty string'],
  ] as const)('%#: %j', (schema, value, expected) => {
    expect(check(schema, value)).toBe(expected);
  });
});

describe('quantities and money', () => {
  it.each([
    [quantity, 1, 'ok'],
    [quantity, 1_000_000_000, 'ok'],
    [quantity, 0, 'expected a positive number of units, got 0'],
    [quantity, -2, 'expected a positive number of units, got -2'],
    [quantity, 1.5, 'expected an integer number of units, got 1.5'],
    [quantity, -1.5, 'expected an integer number of units, got -1.5'],
    [quantity, 1e12, 'expected at most 1000000000 units, got 1000000000000'],
    [quantity, 1e21, 'expected at most 1000000000 units, got 1e+21'],
    [quantity, Number.NaN, 'expected a positive integer number of units, got NaN'],
    [quantity, Number.POSITIVE_INFINITY, 'expected a positive integer number of units, got Infinity'],
    [quantity, '3', 'expected a positive integer number of units, got "3"'],
    [quantity, true, 'expected a positive integer number of units, got true'],
    [nonNegativeQuantity, 0, 'ok'],
    [nonNegativeQuantity, -1, 'expected a non-negative number of units, got -1'],
    [signedQuantity, -1_000_000_000, 'ok'],
    [signedQuantity, 0, 'expected a non-zero number of units, got 0'],
    [signedQuantity, 2.5, 'expected an integer number of units, got 2.5'],
    [money, 0, 'ok'],
    [money, 0.005, 'ok'],
    [money, 1e12, 'ok'],
    [money, -0.01, 'expected a non-negative amount, got -0.01'],
    [money, 1e12 + 1, 'expected at most 1000000000000, got 1000000000001'],
    [positiveMoney, 0.01, 'ok'],
    [positiveMoney, 0, 'expected a positive amount, got 0'],
  ] as const)('%#: %j', (schema, value, expected) => {
    expect(check(schema, value)).toBe(expected);
  });
});

describe('describeValue', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    ['a"b', '"a\\"b"'],
    ['x'.repeat(100), `"${'x'.repeat(64)}…"`],
    [1.5, '1.5'],
    [false, 'false'],
    [[], 'an empty array'],
    [[1], 'an array'],
    [{}, 'an object'],
  ])('%j → %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
