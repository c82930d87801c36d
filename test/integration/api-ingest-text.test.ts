/**
 * Issue 15 over HTTP, through the real server: events with lone surrogates (any field, nested lines, node ids,
 * free-form workflow objects), blank ids, control characters and business times outside the window are
 * refused one by one with their path; the rest of the request lands; "…\udffe", "…\udfff" and "…\ufffd" never
 * collide; the rejects are stored and listed as readable text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventResult } from '../../src/ingest/http-ingest.ts';
import { call, createFixture, type Fixture, receiptEvent } from '../unit/api/server-fixture.ts';

let fx: Fixture;

beforeAll(async () => {
  fx = await createFixture({ server: { operations: { enabled: false } } });
});
afterAll(async () => {
  await fx?.dispose();
});

/** Posts `body` as JSON text written by JSON.stringify (lone surrogates travel as `\udXXX` escapes). */
async function post(
  body: unknown[],
): Promise<{ results: EventResult[]; accepted: number; rejected: number }> {
  const reply = await call(fx.url, 'POST', '/api/v1/events', {
    key: fx.keys.integration,
    raw: JSON.stringify(body),
  });
  expect(reply.status, reply.text).toBe(200);
  return reply.json;
}

const order = (id: string, lineSku: string) => ({
  event_id: id,
  type: 'order_placed',
  occurred_at: '2025-03-01T08:00:00Z',
  order_id: id,
  channel_id: 'WEB',
  ship_to_region: 'east',
  service_level: 'standard',
  lines: [
    { line_id: '1', sku: 'SKU-1', qty: 1, unit_price: 5 },
    { line_id: '2', sku: lineSku, qty: 1, unit_price: 5 },
  ],
});

describe('POST /api/v1/events with text that is not valid, and times outside the window', () => {
  it('refuses each bad event at its path, lands the others, and stores readable rejects', async () => {
    const body = [
      receiptEvent('h-ok-1'),
      receiptEvent('h-sku', { sku: 'SKU-\ud800' }),
      receiptEvent('h-node', { node_id: '\udbff' }),
      order('h-line', 'SKU-\udc00'),
      order('h-ctl', 'SKU-\u0000'),
      {
        event_id: 'h-chan',
        type: 'channel_upserted',
        occurred_at: '2025-03-01T08:00:00Z',
        channel_id: 'WEB',
        name: 'Web',
        channel_type: 'web',
        node_ids: ['DC-1', 'ST-\ud83d'],
      },
      receiptEvent('   '),
      receiptEvent('h-nul\u0000'),
      receiptEvent('h-c1\u009b'),
      receiptEvent('h-year', { occurred_at: '2124-01-01T00:00:00Z' }),
      receiptEvent('h-zero', { occurred_at: '0001-01-01T00:00:00Z' }),
      receiptEvent('h-unknown', { 'extra\ud800': 1 }),
      receiptEvent('h-ok-2', { sku: 'SKU-😀' }),
    ];
    const outcome = await post(body);
    expect(outcome).toMatchObject({ accepted: 2, rejected: body.length - 2 });
    const byId = outcome.results.map((result) => [
      result.index,
      result.status,
      result.errors?.map((error) => error.path) ?? [],
    ]);
    expect(byId).toEqual([
      [0, 'accepted', []],
      [1, 'rejected', ['sku']],
      [2, 'rejected', ['node_id']],
      [3, 'rejected', ['lines.1.sku']],
      [4, 'rejected', ['lines.1.sku']],
      [5, 'rejected', ['node_ids.1']],
      [6, 'rejected', ['event_id']],
      [7, 'rejected', ['event_id']],
      [8, 'rejected', ['event_id']],
      [9, 'rejected', ['occurred_at']],
      [10, 'rejected', ['occurred_at']],
      [11, 'rejected', ['extra\\ud800']],
      [12, 'accepted', []],
    ]);
    // ids are shown escaped on the answer and the stored reject, never as U+FFFD
    expect(outcome.results[7]!.event_id).toBe('h-nul\\u0000');
    expect(outcome.results[1]!.errors![0]!.message).toMatch(/not valid Unicode: lone surrogate U\+D800/);
    expect(outcome.results[9]!.errors![0]!.message).toMatch(/business time window/);

    const listed = await call(fx.url, 'GET', '/api/v1/rejects?limit=100', { key: fx.keys.analyst });
    expect(listed.status).toBe(200);
    const stored = listed.json.data as { event_id: string | null; raw: string; errors: { path: string }[] }[];
    expect(stored).toHaveLength(body.length - 2);
    expect(stored.map((row) => row.event_id)).toEqual(
      expect.arrayContaining(['h-sku', 'h-nul\\u0000', 'h-c1\\u009b', 'h-unknown']),
    );
    for (const row of stored) {
      expect(row.raw).not.toContain('\ufffd');
      expect(JSON.parse(row.raw)).toBeTypeOf('object');
    }
  });

  it('"…\\udffe" and "…\\udfff" are refused as invalid, "…\\ufffd" is accepted once and then a duplicate: no conflict', async () => {
    const first = await post([
      receiptEvent('id-\udffe'),
      receiptEvent('id-\udfff'),
      receiptEvent('id-\ufffd'),
    ]);
    expect(first.results.map((result) => [result.status, result.reason ?? null])).toEqual([
      ['rejected', 'invalid'],
      ['rejected', 'invalid'],
      ['accepted', null],
    ]);
    const again = await post([receiptEvent('id-\udfff'), receiptEvent('id-\ufffd')]);
    expect(again.results.map((result) => [result.status, result.reason ?? null])).toEqual([
      ['rejected', 'invalid'],
      ['duplicate', null],
    ]);
  });

  it('a workflow event (admin replay) with a lone surrogate deep in its free-form detail is refused at that path', async () => {
    const reply = await call(fx.url, 'POST', '/api/v1/events', {
      key: fx.keys.admin,
      raw: JSON.stringify([
        {
          event_id: 'wf-1',
          type: 'exception_opened',
          occurred_at: '2025-03-01T08:00:00Z',
          actor: 'system',
          exception_id: 'x1',
          exception_type: 'oversell',
          severity: 'high',
          condition_key: 'k1',
          owner_role: 'planner',
          sla_hours: 8,
          detail: { history: [{ note: 'fine' }, { note: 'bad \udfff' }] },
        },
      ]),
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json.results[0]).toMatchObject({
      status: 'rejected',
      errors: [expect.objectContaining({ path: 'detail.history.1.note', code: 'invalid_format' })],
    });
  });
});
