import { describe, expect, it } from 'vitest';
import { sameEvent } from '../../../src/warehouse/landing.ts';

describe('sameEvent', () => {
  const base = {
    event_id: 'e1',
    type: 'receipt',
    occurred_at: '2025-01-01T06:00:00Z',
    qty: 2,
    lines: [{ sku: 'A' }],
  };

  it('treats one instant written differently as the same time', () => {
    expect(sameEvent(base, { ...base, occurred_at: '2025-01-01T06:00:00.000000Z' })).toBe(true);
    expect(sameEvent(base, { ...base, occurred_at: '2025-01-01T07:00:00+01:00' })).toBe(true);
    expect(sameEvent(base, { ...base, occurred_at: '2025-01-01T06:00:00.000001Z' })).toBe(false);
  });

  it('compares every other value exactly, keys in any order', () => {
    const { qty, ...rest } = base;
    expect(sameEvent(base, { qty, ...rest })).toBe(true);
    expect(sameEvent(base, { ...base, qty: 3 })).toBe(false);
    expect(sameEvent(base, { ...base, lines: [{ sku: 'B' }] })).toBe(false);
    expect(sameEvent(base, { ...base, extra: 1 })).toBe(false);
    expect(sameEvent(base, rest)).toBe(false);
    // a date is not a timestamp: compared as text
    expect(sameEvent({ d: '2025-01-01' }, { d: '2025-01-01T00:00:00Z' })).toBe(false);
  });
});
