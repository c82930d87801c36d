/**
 * Issue 15: strings that are not valid Unicode, blank ids, control characters in ids and free text, and business
 * times outside the configured window are refused by the contract with a reason and the field's path, in every
 * field of every event type (nested lines, arrays, free-form workflow objects included).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  BUSINESS_TIME_ENV,
  businessTimeWindowFromEnv,
  DEFAULT_BUSINESS_TIME_WINDOW,
  EVENT_TYPES,
  findLoneSurrogate,
  setBusinessTimeWindow,
  type ValidationIssue,
  validateEvent,
} from '../../../src/contracts/index.ts';
import { EXAMPLES } from './examples.ts';

type Path = (string | number)[];

/** Every string leaf of a value with its path (keys of objects, indexes of arrays). */
function stringLeaves(value: unknown, path: Path = []): { path: Path; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringLeaves(item, [...path, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...path, key]));
  }
  return [];
}

function setAt(event: unknown, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(event) as Record<string, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function errorsOf(input: unknown): ValidationIssue[] {
  const result = validateEvent(input);
  return result.ok ? [] : result.errors;
}

/** The errors, checked to be storable text themselves (no lone surrogate in a path or message). */
function storableErrors(input: unknown): ValidationIssue[] {
  const errors = errorsOf(input);
  expect(findLoneSurrogate(errors)).toBeUndefined();
  return errors;
}

const IDENTIFIER_KEYS = new Set([
  'event_id',
  'source',
  'actor',
  'sku',
  'node_id',
  'node_ids',
  'region',
  'ship_to_region',
  'order_id',
  'line_id',
  'po_id',
  'channel_id',
  'supplier_id',
  'transfer_id',
  'return_id',
  'from_node_id',
  'to_node_id',
  'pickup_node_id',
]);
const TEXT_KEYS = new Set(['name', 'category', 'brand', 'carrier']);
/** `reason` is free text in these types (an enum elsewhere). */
const TEXT_REASON_TYPES = new Set([
  'status_changed',
  'allocation_released',
  'order_cancelled',
  'return_received',
  'refund_issued',
]);

type Leaf = [type: (typeof EVENT_TYPES)[number], path: Path, kind: 'identifier' | 'text'];

/** Identifier and free-text leaves of every full example: [type, path, kind]. */
const LEAVES: Leaf[] = EVENT_TYPES.flatMap((type) =>
  stringLeaves(EXAMPLES[type].full).flatMap(({ path }): Leaf[] => {
    const key = path.find((part) => typeof part === 'string' && part !== 'lines') as string;
    const field = typeof path.at(-1) === 'string' ? (path.at(-1) as string) : key;
    if (IDENTIFIER_KEYS.has(field)) return [[type, path, 'identifier']];
    if (TEXT_KEYS.has(field) || (field === 'reason' && TEXT_REASON_TYPES.has(type))) {
      return [[type, path, 'text']];
    }
    return [];
  }),
);

describe('text rules: valid Unicode everywhere', () => {
  it('finds identifier and text fields in every event type, nested lines and node_ids included', () => {
    const paths = LEAVES.map(([type, path]) => `${type}:${path.join('.')}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'order_placed:lines.0.line_id',
        'po_created:lines.1.sku',
        'channel_upserted:node_ids.1',
        'status_changed:reason',
        'shipped:carrier',
        'item_upserted:brand',
      ]),
    );
    expect(new Set(LEAVES.map(([type]) => type)).size).toBe(EVENT_TYPES.length);
  });

  it('refuses a lone surrogate in ANY string of any event, at its path, with a storable message', () => {
    let checked = 0;
    for (const type of EVENT_TYPES) {
      for (const { path, value } of stringLeaves(EXAMPLES[type].full)) {
        if (path[0] === 'type') continue;
        for (const bad of [
          `${value}\ud800`,
          `\udfff${value}`,
          `${value.slice(0, 1)}\udc00\ud800${value.slice(1)}`,
        ]) {
          const errors = storableErrors(setAt(EXAMPLES[type].full, path, bad));
          expect(
            errors.map((error) => error.path),
            `${type} ${path.join('.')}`,
          ).toContain(path.join('.'));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('names the lone surrogate and where it is', () => {
    const event = setAt(EXAMPLES.pos_sale.full, ['sku'], 'SKU-\ud800');
    expect(storableErrors(event)).toEqual([
      {
        path: 'sku',
        code: 'invalid_format',
        message:
          'expected an identifier, got "SKU-\\ud800" (not valid Unicode: lone surrogate U+D800 at character 5)',
      },
    ]);
  });

  it('"…\\udffe", "…\\udfff" are refused; "…\\ufffd" (the replacement character itself) and surrogate pairs are accepted', () => {
    const base = EXAMPLES.receipt.full;
    expect(storableErrors(setAt(base, ['event_id'], 'evt-\udffe'))).toHaveLength(1);
    expect(storableErrors(setAt(base, ['event_id'], 'evt-\udfff'))).toHaveLength(1);
    expect(errorsOf(setAt(base, ['event_id'], 'evt-\ufffd'))).toEqual([]);
    expect(errorsOf(setAt(base, ['sku'], 'SKU-😀-𝄞'))).toEqual([]);
  });

  it('refuses lone surrogates in keys and values of free-form workflow objects, at any depth', () => {
    const opened = {
      event_id: 'w1',
      type: 'exception_opened',
      occurred_at: '2024-03-01T10:00:00Z',
      actor: 'system',
      exception_id: 'x1',
      exception_type: 'oversell',
      severity: 'high',
      condition_key: 'k1',
      owner_role: 'planner',
      sla_hours: 8,
      detail: { ok: '😀', nested: [1, { deeper: ['fine'] }] },
    };
    expect(errorsOf(opened)).toEqual([]);
    expect(storableErrors(setAt(opened, ['detail', 'nested', 1, 'deeper', 0], 'x\udbff'))).toEqual([
      expect.objectContaining({ path: 'detail.nested.1.deeper.0', code: 'invalid_format' }),
    ]);
    const badKey = { ...opened, detail: { 'key\ud800': 1 } };
    expect(storableErrors(badKey)).toEqual([
      expect.objectContaining({ path: 'detail.key\\ud800', code: 'invalid_format' }),
    ]);
  });

  it('an unknown field whose name holds a lone surrogate or a control character is reported with the name escaped', () => {
    const event = { ...EXAMPLES.receipt.minimal, 'x\ud800': 1, 'y\u0000': 2 };
    expect(storableErrors(event).map((error) => error.path)).toEqual(['x\\ud800', 'y\\u0000']);
  });
});

describe('text rules: identifiers', () => {
  const refused: [string, RegExp][] = [
    ['', /got an empty string/],
    [' ', /got only whitespace/],
    ['\t \n', /got only whitespace/],
    ['\u00a0\u3000\u2003', /got only whitespace/],
    ['A\u0000', /control character U\+0000 at character 2/],
    ['\u0001A', /control character U\+0001 at character 1/],
    ['A\tB', /control character U\+0009/],
    ['A\nB', /control character U\+000A/],
    ['A\r', /control character U\+000D/],
    ['A\u001b[31m', /control character U\+001B/],
    ['A\u007f', /control character U\+007F/],
    ['A\u0085', /control character U\+0085/],
    ['A\u009f', /control character U\+009F/],
  ];
  const accepted = ['A B', 'SKU-Ümlaut', 'Ω-1', 'SKU-\ufffd', '😀', 'a\u200bb', 'O\u2019Brien'];

  it.each(
    LEAVES.filter(([, , kind]) => kind === 'identifier').map(([type, path]) => [type, path.join('.'), path]),
  )('%s %s: refuses blanks and control characters, accepts other text', (type, shown, path) => {
    const event = EXAMPLES[type as keyof typeof EXAMPLES].full;
    for (const [value, message] of refused) {
      const errors = storableErrors(setAt(event, path as Path, value));
      expect(errors, JSON.stringify(value)).toEqual([expect.objectContaining({ path: shown })]);
      expect(errors[0]!.message).toMatch(message);
    }
    for (const value of accepted) {
      expect(errorsOf(setAt(event, path as Path, value)), JSON.stringify(value)).toEqual([]);
    }
  });
});

describe('text rules: free text (names, categories, brands, carriers, reasons)', () => {
  it.each(LEAVES.filter(([, , kind]) => kind === 'text').map(([type, path]) => [type, path.join('.'), path]))(
    '%s %s: tab, line feed and carriage return allowed; other control characters and blanks refused',
    (type, shown, path) => {
      const event = EXAMPLES[type as keyof typeof EXAMPLES].full;
      for (const value of ['Line one\nLine two', 'a\tb', 'windows\r\nline', 'Crème brûlée 😀', '\ufffd']) {
        expect(errorsOf(setAt(event, path as Path, value)), JSON.stringify(value)).toEqual([]);
      }
      for (const value of [
        'a\u0000',
        'bell\u0007',
        'esc\u001b[0m',
        'del\u007f',
        'nel\u0085',
        'x\ud800',
        ' \n\t',
      ]) {
        expect(storableErrors(setAt(event, path as Path, value)), JSON.stringify(value)).toEqual([
          expect.objectContaining({ path: shown }),
        ]);
      }
    },
  );
});

describe('business time window', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
  });
  const NOW = Date.parse('2026-06-01T12:00:00Z');
  const DAY = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  it('refuses occurred_at of years 0000, 0001, 1999, 2124 and 9999 by default (the real clock)', () => {
    for (const occurred of [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '1999-12-31T23:59:59Z',
      '2000-01-01T00:30:00+01:00',
      '2124-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999999999Z',
    ]) {
      const errors = errorsOf({ ...EXAMPLES.pos_sale.full, occurred_at: occurred });
      expect(errors, occurred).toEqual([
        expect.objectContaining({
          path: 'occurred_at',
          message: expect.stringMatching(/business time window/),
        }),
      ]);
    }
    expect(errorsOf({ ...EXAMPLES.pos_sale.full, occurred_at: '2000-01-01T00:00:00Z' })).toEqual([]);
    expect(errorsOf({ ...EXAMPLES.pos_sale.full, occurred_at: '1999-12-31T23:00:00-01:00' })).toEqual([]);
  });

  it('occurred_at: at most maxFutureDays after arrival; planned times: at most maxPlannedDays; both not before earliest', () => {
    restore = setBusinessTimeWindow({}, () => NOW);
    const week = DEFAULT_BUSINESS_TIME_WINDOW.maxFutureDays * DAY;
    const planned = DEFAULT_BUSINESS_TIME_WINDOW.maxPlannedDays * DAY;
    const sale = (occurred: string) => errorsOf({ ...EXAMPLES.pos_sale.full, occurred_at: occurred });
    expect(sale(iso(NOW + week))).toEqual([]);
    expect(sale(iso(NOW + week + 1000))).toEqual([
      {
        path: 'occurred_at',
        code: 'too_big',
        message: `expected a time at most 7 days after arrival (until 2026-06-08T12:00Z; business time window), got "${iso(NOW + week + 1000)}"`,
      },
    ]);
    expect(sale('1999-06-01T00:00:00Z')).toEqual([
      {
        path: 'occurred_at',
        code: 'too_small',
        message:
          'expected a time on or after 2000-01-01T00:00:00Z (business time window), got "1999-06-01T00:00:00Z"',
      },
    ]);
    const po = (expected: string) => errorsOf({ ...EXAMPLES.po_created.full, expected_at: expected });
    expect(po(iso(NOW + planned - DAY).slice(0, 10))).toEqual([]);
    expect(po(iso(NOW + planned + DAY).slice(0, 10))).toEqual([
      expect.objectContaining({ path: 'expected_at', code: 'too_big' }),
    ]);
    expect(po('2124-01-01')).toEqual([expect.objectContaining({ path: 'expected_at', code: 'too_big' })]);
    expect(po('0001-01-01T00:00:00Z')).toEqual([
      expect.objectContaining({ path: 'expected_at', code: 'too_small' }),
    ]);
    for (const [type, field] of [
      ['transfer_shipped', 'expected_at'],
      ['order_placed', 'promised_by'],
      ['price_changed', 'ends_at'],
      ['po_updated', 'expected_at'],
    ] as const) {
      const errors = errorsOf({ ...EXAMPLES[type].full, [field]: '2124-06-30' });
      expect(errors, type).toEqual([expect.objectContaining({ path: field, code: 'too_big' })]);
    }
    const escalated = {
      event_id: 'w2',
      type: 'exception_escalated',
      occurred_at: iso(NOW),
      actor: 'system',
      exception_id: 'x1',
      from_role: 'planner',
      to_role: 'admin',
      level: 1,
      due_at: '2124-01-01T00:00:00Z',
    };
    expect(errorsOf(escalated)).toEqual([expect.objectContaining({ path: 'due_at', code: 'too_big' })]);
    expect(errorsOf({ ...escalated, due_at: iso(NOW + DAY) })).toEqual([]);
  });

  it('is configured from the environment, and a value that does not parse names its variable', () => {
    expect(businessTimeWindowFromEnv({})).toEqual(DEFAULT_BUSINESS_TIME_WINDOW);
    expect(
      businessTimeWindowFromEnv({
        [BUSINESS_TIME_ENV.earliest]: '2010-01-01',
        [BUSINESS_TIME_ENV.maxFutureDays]: '0',
        [BUSINESS_TIME_ENV.maxPlannedDays]: '3650',
      }),
    ).toEqual({ earliestMs: Date.parse('2010-01-01T00:00:00Z'), maxFutureDays: 0, maxPlannedDays: 3650 });
    expect(
      businessTimeWindowFromEnv({ [BUSINESS_TIME_ENV.earliest]: '2010-01-01T00:00:00+02:00' }).earliestMs,
    ).toBe(Date.parse('2009-12-31T22:00:00Z'));
    expect(() => businessTimeWindowFromEnv({ [BUSINESS_TIME_ENV.maxFutureDays]: 'a week' })).toThrow(
      'RETAILOS_MAX_FUTURE_DAYS takes a whole number of days, got "a week"',
    );
    expect(() => businessTimeWindowFromEnv({ [BUSINESS_TIME_ENV.earliest]: 'yesterday' })).toThrow(
      /RETAILOS_EARLIEST_BUSINESS_TIME takes a date/,
    );
  });

  it('a narrower window applies to validation at once', () => {
    restore = setBusinessTimeWindow(
      { earliestMs: Date.parse('2024-01-01T00:00:00Z'), maxFutureDays: 0 },
      () => NOW,
    );
    const sale = (occurred: string) => errorsOf({ ...EXAMPLES.pos_sale.full, occurred_at: occurred });
    expect(sale('2023-12-31T23:59:59Z')).toEqual([expect.objectContaining({ code: 'too_small' })]);
    expect(sale(iso(NOW + 1000))).toEqual([expect.objectContaining({ code: 'too_big' })]);
    expect(sale(iso(NOW))).toEqual([]);
  });
});
