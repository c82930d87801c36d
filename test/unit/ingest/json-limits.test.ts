import { describe, expect, it } from 'vitest';
import { stageBody } from '../../../src/ingest/body-staging.ts';
import { checkJsonLimits, DEFAULT_JSON_LIMITS } from '../../../src/ingest/json-limits.ts';
import { isReject, stageItem } from '../../../src/ingest/stage.ts';

const receipt = (eventId: string, extra: Record<string, unknown> = {}) => ({
  event_id: eventId,
  type: 'receipt',
  occurred_at: '2025-03-01T08:00:00Z',
  node_id: 'DC-1',
  sku: 'SKU-1',
  qty: 1,
  unit_cost: 1,
  ...extra,
});

const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** A receipt whose `lines` field holds `depth` nested arrays: the nesting is inside an event. */
const deepInside = (depth: number) =>
  JSON.stringify(receipt('deep')).replace(/}$/, `,"lines":${deepArrays(depth)}}`);

describe('checkJsonLimits', () => {
  it('passes real events, arrays of them, and nesting up to the bound', () => {
    expect(checkJsonLimits(JSON.stringify(receipt('a')))).toBeUndefined();
    expect(
      checkJsonLimits(JSON.stringify(Array.from({ length: 500 }, (_, i) => receipt(`e${i}`)))),
    ).toBeUndefined();
    expect(checkJsonLimits(deepArrays(DEFAULT_JSON_LIMITS.maxDepth))).toBeUndefined();
    expect(checkJsonLimits(deepObjects(DEFAULT_JSON_LIMITS.maxDepth))).toBeUndefined();
  });

  it.each([
    ['100,000 nested arrays', deepArrays(100_000), 'too_deep'],
    ['one level past the bound', deepArrays(DEFAULT_JSON_LIMITS.maxDepth + 1), 'too_deep'],
    ['50,000 nested objects', deepObjects(50_000), 'too_deep'],
    ['arrays and objects mixed', `${'[{"x":'.repeat(20)}0${'}]'.repeat(20)}`, 'too_deep'],
    ['deep arrays inside an event', deepInside(5_000), 'too_deep'],
    ['unclosed nesting (malformed too)', '['.repeat(1_000), 'too_deep'],
    ['a 1 MB string', JSON.stringify(receipt('s', { note: 'x'.repeat(1 << 20) })), 'string_too_long'],
    ['a 1 MB key', `{"${'k'.repeat(1 << 20)}":1}`, 'string_too_long'],
    ['a string of escapes', `["${'\\u0041'.repeat(20_000)}"]`, 'string_too_long'],
    ['a 100,000-digit number', `{"qty":${'9'.repeat(100_000)}}`, 'number_too_long'],
    ['a long exponent', `[1${'0'.repeat(70)}e5]`, 'number_too_long'],
    [
      '5,000 keys in one object',
      JSON.stringify(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]))),
      'too_many_keys',
    ],
    ['200,000 elements in one array', `{"lines":[${Array(200_000).fill(0).join(',')}]}`, 'too_many_items'],
  ])('refuses %s', (_name, text, code) => {
    expect(checkJsonLimits(text)).toMatchObject({ code });
  });

  it('does not count brackets, commas or digits inside strings', () => {
    const text = JSON.stringify({
      note: `${'['.repeat(10_000)}${','.repeat(5_000)}${'9'.repeat(1_000)}`,
      quote: '\\"[[[',
    });
    expect(checkJsonLimits(text)).toBeUndefined();
  });

  it('says where the problem is', () => {
    expect(checkJsonLimits(`{"a":[${'['.repeat(40)}`)).toMatchObject({
      code: 'too_deep',
      offset: 36,
      depth: 33,
    });
  });
});

describe('staging with the bounds', () => {
  it('a JSON line beyond the bounds is an unreadable reject with the reason, not a crash', () => {
    for (const raw of [
      deepArrays(100_000),
      deepObjects(100_000),
      deepInside(100_000),
      `{"qty":${'1'.repeat(10_000)}}`,
    ]) {
      const staged = stageItem({ raw, line: 7 });
      expect(isReject(staged)).toBe(true);
      expect(staged).toMatchObject({ reason: 'unreadable', line: 7 });
      expect(isReject(staged) && staged.errors[0]!.message).toMatch(/beyond the bounds of any event/);
    }
  });

  it('a request body beyond the bounds is refused whole (too_complex); a too-long batch is too_many', () => {
    for (const text of [deepArrays(100_000), `[${deepInside(1_000)}]`, `[${deepObjects(40)}]`]) {
      expect(stageBody(text, 10)).toMatchObject({
        problem: 'too_complex',
        errors: [{ path: 'body', code: 'too_deep' }],
      });
    }
    // One level more than an event is allowed for the array around the events.
    const limitDeep = JSON.stringify([receipt('ok')]);
    expect('problem' in stageBody(limitDeep, 10)).toBe(false);
    const many = `[${Array(150_000).fill('{}').join(',')}]`;
    expect(stageBody(many, 10_000)).toMatchObject({ problem: 'too_many' });
  });
});
