import { describe, expect, it } from 'vitest';
import { splitChunk } from '../../../src/ingest/ingest.ts';
import { stageChunk } from '../../../src/ingest/staging.ts';

const receipt = (line: number) =>
  JSON.stringify({
    event_id: `r${line}`,
    type: 'receipt',
    occurred_at: '2024-01-01T00:00:00Z',
    node_id: 'DC',
    sku: 'A',
    qty: 1,
    unit_cost: 1,
  });

/** Ten lines; lines 3 and 7 are broken. */
const chunk = () =>
  stageChunk(
    Array.from({ length: 10 }, (_, index) => {
      const line = index + 1;
      return { line, raw: line === 3 || line === 7 ? '{broken' : receipt(line) };
    }),
  );

const linesOf = (part: ReturnType<typeof chunk>) => [
  ...Array.from(part.events.line),
  ...part.rejects.map((reject) => reject.line!),
];

describe('splitChunk', () => {
  it('takes exactly `room` inputs in line order, rejects included', () => {
    const [head, tail] = splitChunk(chunk(), 4);
    expect(linesOf(head).sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    expect(head.rejects.map((reject) => reject.line)).toEqual([3]);
    expect(linesOf(tail!).sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9, 10]);
  });

  it('returns the chunk whole when it fits', () => {
    const whole = chunk();
    const [head, tail] = splitChunk(whole, 10);
    expect(head).toBe(whole);
    expect(tail).toBeUndefined();
  });

  it('splits right before a reject', () => {
    const [head, tail] = splitChunk(chunk(), 6);
    expect(linesOf(head).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tail!.rejects.map((reject) => reject.line)).toEqual([7]);
  });
});
