import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventResult } from '../../src/ingest/http-ingest.ts';
import { call, createFixture, type Fixture, receiptEvent } from '../unit/api/server-fixture.ts';

let fx: Fixture;

beforeAll(async () => {
  // Small micro-batches so that concurrent requests are split and coalesced in many ways.
  // Raw HTTP ingest: the operations pipeline (which lands the allocator's own events) is off, so the log
  // holds exactly what the clients posted, in contiguous seqs.
  fx = await createFixture({ server: { ingest: { maxBatchEvents: 700 }, operations: { enabled: false } } });
});
afterAll(async () => {
  await fx?.dispose();
});

const CLIENTS = 6;
const REQUESTS = 8;
const OWN = 200;
const SHARED = 120;

/** Events of one request: its own, a slice of a pool every client sends too, and a few invalid ones. */
function requestBody(client: number, request: number): unknown[] {
  const own = Array.from({ length: OWN }, (_, index) =>
    receiptEvent(`c${client}-r${request}-${index}`, { qty: index + 1, sku: `SKU-${index % 7}` }),
  );
  const shared = Array.from({ length: 30 }, (_, index) => {
    const k = (client * 17 + request * 30 + index) % SHARED;
    return receiptEvent(`shared-${k}`, { qty: k + 1 });
  });
  const invalid = [
    { ...receiptEvent(`bad-c${client}-r${request}-qty`), qty: 0 },
    { ...receiptEvent(`bad-c${client}-r${request}-type`), type: 'no_such_type' },
    null,
  ];
  return [...own.slice(0, 100), ...shared.slice(0, 15), ...invalid, ...own.slice(100), ...shared.slice(15)];
}

describe('concurrent POST /api/v1/events', () => {
  it('loses and duplicates nothing, answers every event, and keeps reads available meanwhile', async () => {
    const results: EventResult[][] = [];
    const requestIds: string[] = [];
    let reads = 0;
    let ingesting = true;
    const reader = (async () => {
      while (ingesting) {
        const reply = await call(fx.url, 'GET', '/api/v1/rejects?limit=5', { key: fx.keys.analyst });
        expect(reply.status).toBe(200);
        reads++;
      }
    })();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let request = 0; request < REQUESTS; request++) {
          const body = requestBody(client, request);
          // Every client also re-sends its first request once (a retry after a lost response).
          for (const attempt of request === 0 ? [0, 1] : [0]) {
            const requestId = `c${client}-r${request}-a${attempt}`;
            const reply = await call(fx.url, 'POST', '/api/v1/events', {
              key: fx.keys.integration,
              body,
              headers: { 'x-request-id': requestId },
            });
            expect(reply.status, reply.text).toBe(200);
            expect(reply.json.results).toHaveLength(body.length);
            results.push(reply.json.results);
            requestIds.push(requestId);
          }
        }
      }),
    );
    ingesting = false;
    await reader;
    expect(reads).toBeGreaterThan(0);

    const all = results.flat();
    const accepted = all.filter((result) => result.status === 'accepted');
    const validIds = new Set(
      all.filter((result) => result.reason !== 'invalid').map((result) => result.event_id),
    );
    const expectedIds = CLIENTS * REQUESTS * OWN + SHARED;
    expect(validIds.size).toBe(expectedIds);
    // Each event id accepted exactly once, whichever client won the race; every other copy a duplicate.
    expect(accepted).toHaveLength(expectedIds);
    expect(new Set(accepted.map((result) => result.event_id)).size).toBe(expectedIds);
    expect(all.filter((result) => result.status === 'duplicate')).toHaveLength(
      all.length - accepted.length - all.filter((result) => result.status === 'rejected').length,
    );
    const rejected = all.filter((result) => result.status === 'rejected');
    expect(rejected.every((result) => result.reason === 'invalid')).toBe(true);
    expect(rejected).toHaveLength(3 * CLIENTS * (REQUESTS + 1));
    const seqs = accepted.map((result) => result.seq!);
    expect(new Set(seqs).size).toBe(expectedIds);

    const check = await call(fx.url, 'POST', '/api/v1/sql', {
      key: fx.keys.analyst,
      body: {
        sql: `SELECT count(*) AS events, count(DISTINCT event_id) AS ids, min(seq) AS first, max(seq) AS last,
                     (SELECT count(*) FROM rejected_events WHERE source_kind = 'http') AS rejects,
                     (SELECT count(DISTINCT source_file) FROM rejected_events WHERE source_kind = 'http') AS reject_requests
              FROM events`,
      },
    });
    expect(check.json.rows).toEqual([
      {
        events: expectedIds,
        ids: expectedIds,
        first: 1,
        last: expectedIds,
        rejects: 3 * CLIENTS * (REQUESTS + 1),
        reject_requests: CLIENTS * (REQUESTS + 1),
      },
    ]);
    // The seq each response reported is the seq the event landed with.
    const sample = accepted.filter((_, index) => index % 97 === 0);
    const landed = await call(fx.url, 'POST', '/api/v1/sql', {
      key: fx.keys.analyst,
      body: {
        sql: `SELECT event_id, seq FROM events WHERE event_id IN (${sample.map((result) => `'${result.event_id}'`).join(',')}) ORDER BY seq`,
      },
    });
    expect(landed.json.rows).toEqual(
      sample
        .map((result) => ({ event_id: result.event_id, seq: result.seq }))
        .sort((a, b) => a.seq! - b.seq!),
    );
    expect(new Set(requestIds).size).toBe(CLIENTS * (REQUESTS + 1));
  });
});
