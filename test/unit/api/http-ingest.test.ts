import { describe, expect, it } from 'vitest';
import { stageBody } from '../../../src/ingest/http-ingest.ts';

const receipt = (eventId: string) => ({
  event_id: eventId,
  type: 'receipt',
  occurred_at: '2025-03-01T08:00:00Z',
  node_id: 'DC-1',
  sku: 'SKU-1',
  qty: 1,
  unit_cost: 1,
});

describe('stageBody', () => {
  it('stages an array event by event, keeping each one’s request position', () => {
    const staged = stageBody(JSON.stringify([receipt('a'), { type: 'receipt' }, receipt('b'), 7]), 10);
    if ('problem' in staged) throw new Error(staged.message);
    expect(staged.total).toBe(4);
    expect(staged.events.eventId).toEqual(['a', 'b']);
    expect(staged.eventIndex).toEqual([0, 2]);
    expect([...staged.events.line]).toEqual([1, 3]);
    expect(staged.rejectIndex).toEqual([1, 3]);
    expect(staged.rejects.map((reject) => [reject.reason, reject.line, reject.raw])).toEqual([
      ['invalid', 2, '{"type":"receipt"}'],
      ['invalid', 4, '7'],
    ]);
  });

  it('takes a single object as a batch of one', () => {
    const staged = stageBody(JSON.stringify(receipt('solo')), 10);
    expect('problem' in staged ? staged : staged.events.eventId).toEqual(['solo']);
  });

  it('names what is wrong with a body that is not a batch of events', () => {
    expect(stageBody('{"event_id": ', 10)).toMatchObject({ problem: 'malformed_json' });
    for (const text of ['42', '"x"', 'null', '[]', 'true']) {
      const staged = stageBody(text, 10);
      expect(staged, text).toMatchObject({ problem: 'invalid_body' });
      expect('problem' in staged && staged.errors?.[0]?.path.startsWith('body')).toBe(true);
    }
    expect(stageBody(JSON.stringify([receipt('1'), receipt('2'), receipt('3')]), 2)).toMatchObject({
      problem: 'too_many',
    });
  });
});
