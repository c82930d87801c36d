/**
 * Exceptions as episodes (sql/marts/exception_episodes.sql, ledger_episodes kept by the refresh): given events,
 * the expected episodes with opened_at / cleared_at in event time, identical whether the events arrive in
 * business-time order in one batch, or shuffled in random batches with a refresh after each, and after a full
 * rebuild.
 */
import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { useTempDir } from '../helpers/retailos.ts';
import {
  at,
  type EventBody,
  EventFactory,
  failingAssertions,
  land,
  pinClock,
  rows,
} from '../unit/ledger/fixtures.ts';
import { randomBatches, rng } from '../unit/ledger/generator.ts';

const tmp = useTempDir();
const CLOCK = at(20);

/** Master data that raises no exception of its own: items with cost and price, nodes with lanes. */
function world(f: EventFactory, skus: string[]): EventBody[] {
  return [
    ...skus.map((sku) => f.item(sku, 2, 5)),
    ...['DC', 'ST'].flatMap((node) => [
      f.node(node),
      f.make('lane_upserted', at(1), {
        node_id: node,
        region: 'east',
        transit_days: 2,
        cost_per_order: 1,
        cost_per_unit: 0.1,
      }),
    ]),
    ...['WEB', 'MKT'].map((channel) =>
      f.make('channel_upserted', at(1), {
        channel_id: channel,
        name: channel,
        channel_type: channel === 'WEB' ? 'web' : 'marketplace',
      }),
    ),
  ];
}

const byTime = (events: readonly EventBody[]) =>
  [...events].sort((a, b) => Date.parse(a.occurred_at as string) - Date.parse(b.occurred_at as string));

interface Episode {
  exception_id: string;
  condition_key: string;
  exception_type: string;
  sku: string | null;
  node_id: string | null;
  transfer_id: string | null;
  opened_at: string;
  cleared_at: string | null;
  status: string;
  qty: number;
  duration_hours: number | null;
}

async function episodes(w: Warehouse): Promise<Episode[]> {
  return (await rows(
    w,
    `SELECT exception_id, condition_key, exception_type, sku, node_id, transfer_id, opened_at, cleared_at, status,
            qty, duration_hours
     FROM exceptions ORDER BY exception_type, sku, node_id, transfer_id, opened_at`,
  )) as unknown as Episode[];
}

async function stored(w: Warehouse): Promise<Record<string, unknown>[]> {
  // seq is arrival order: the only column that may differ between deliveries
  return rows(w, 'SELECT * EXCLUDE (opened_seq, cleared_seq) FROM ledger_episodes ORDER BY ALL');
}

/**
 * The episodes of `events` delivered in business-time order (one batch), then in two shuffled orders in
 * random batches (refresh after each), then rebuilt in full: all must agree; returns them.
 */
async function deliveredAnyWay(
  events: EventBody[],
  seed: number,
): Promise<{ found: Episode[]; reference: Warehouse }> {
  const reference = await tmp.open(`in-order-${seed}.duckdb`);
  await pinClock(reference, CLOCK);
  await land(reference, byTime(events));
  await refreshLedger(reference);
  expect(await failingAssertions(reference)).toEqual([]);
  const expected = await episodes(reference);
  const expectedStored = await stored(reference);
  const r = rng(seed);
  for (let round = 0; round < 2; round++) {
    const w = await tmp.open(`shuffled-${seed}-${round}.duckdb`);
    await pinClock(w, CLOCK);
    for (const batch of randomBatches(r, r.shuffle(events), 5)) {
      await land(w, batch);
      await refreshLedger(w);
    }
    expect(await failingAssertions(w)).toEqual([]);
    expect(await episodes(w), `shuffled delivery ${round}`).toEqual(expected);
    expect(await stored(w), `shuffled delivery ${round}: ledger_episodes`).toEqual(expectedStored);
    await refreshLedger(w, { full: true });
    expect(await stored(w), `shuffled delivery ${round}: full rebuild`).toEqual(expectedStored);
    expect(await episodes(w), `shuffled delivery ${round}: full rebuild`).toEqual(expected);
  }
  return { found: expected, reference };
}

const iso = (time: string) => new Date(time).toISOString();

/** The fields of an episode a test states (ids are checked apart). */
function brief(episode: Episode) {
  const { exception_id: _, condition_key: __, ...rest } = episode;
  return rest;
}

describe('exceptions as episodes, in event time, however the events arrive', () => {
  it('an oversell cleared by a cancellation stays as resolved, with when it cleared and how long it lasted', async () => {
    const f = new EventFactory();
    const placed = (order: string, channel: string, day: number) =>
      f.make('order_placed', at(day), {
        order_id: order,
        channel_id: channel,
        ship_to_region: 'east',
        service_level: 'standard',
        lines: [{ line_id: '1', sku: 'A', qty: 2, unit_price: 5 }],
      });
    const { found, reference } = await deliveredAnyWay(
      [
        ...world(f, ['A']),
        f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 3, unit_cost: 2 }),
        placed('O1', 'WEB', 3),
        f.make('allocated', at(3, 1), { order_id: 'O1', line_id: '1', node_id: 'DC', sku: 'A', qty: 2 }),
        placed('O2', 'MKT', 4),
        f.make('allocated', at(4, 1), { order_id: 'O2', line_id: '1', node_id: 'DC', sku: 'A', qty: 2 }),
        f.make('order_cancelled', at(5, 7), { order_id: 'O2', reason: 'customer' }),
      ],
      1,
    );
    expect(found.map(brief)).toEqual([
      {
        exception_type: 'oversell',
        sku: 'A',
        node_id: 'DC',
        transfer_id: null,
        opened_at: iso(at(4, 1)),
        cleared_at: iso(at(5, 7)),
        status: 'resolved',
        qty: -1,
        duration_hours: 30,
      },
    ]);
    // the oversell KPI counts it, on the channel of the promise it left without stock
    const w = reference;
    expect(
      await rows(
        w,
        `SELECT strftime(week_start, '%Y-%m-%d') AS week, is_complete, channel_id, node_id, oversell_episodes,
                oversold_units, still_open, skus, hours_to_clear
         FROM mart_oversells_weekly`,
      ),
    ).toEqual([
      {
        week: '2024-01-01',
        is_complete: true,
        channel_id: 'MKT',
        node_id: 'DC',
        oversell_episodes: 1,
        oversold_units: 1,
        still_open: 0,
        skus: 1,
        hours_to_clear: 30,
      },
    ]);
    expect(
      await rows(w, "SELECT opened_by, cleared_by, order_id, line_id FROM ledger_episodes WHERE sku = 'A'"),
    ).toEqual([{ opened_by: 'allocated', cleared_by: 'order_cancelled', order_id: 'O2', line_id: '1' }]);
  });

  it('an oversell cleared by a receipt; a reopening is a second episode of the same condition', async () => {
    const f = new EventFactory();
    const alloc = (order: string, qty: number, time: string) =>
      f.make('allocated', time, { order_id: order, line_id: '1', node_id: 'ST', sku: 'E', qty });
    const { found } = await deliveredAnyWay(
      [
        ...world(f, ['E']),
        f.make('receipt', at(2), { node_id: 'ST', sku: 'E', qty: 2, unit_cost: 2 }),
        alloc('O3', 3, at(3)), // -1
        alloc('O4', 2, at(3, 12)), // -3
        f.make('receipt', at(6), { node_id: 'ST', sku: 'E', qty: 3, unit_cost: 2 }), // 0: cleared
        alloc('O5', 1, at(9)), // -1 again: a new episode, still open
      ],
      2,
    );
    expect(found.map(brief)).toEqual([
      {
        exception_type: 'oversell',
        sku: 'E',
        node_id: 'ST',
        transfer_id: null,
        opened_at: iso(at(3)),
        cleared_at: iso(at(6)),
        status: 'resolved',
        qty: -3, // the worst of the episode
        duration_hours: 72,
      },
      {
        exception_type: 'oversell',
        sku: 'E',
        node_id: 'ST',
        transfer_id: null,
        opened_at: iso(at(9)),
        cleared_at: null,
        status: 'open',
        qty: -1,
        duration_hours: null,
      },
    ]);
    expect(found[0]!.condition_key).toBe(found[1]!.condition_key);
    expect(found[0]!.exception_id).not.toBe(found[1]!.exception_id);
  });

  it('negative stock that recovers (and the oversell it is), per bucket', async () => {
    const f = new EventFactory();
    const { found } = await deliveredAnyWay(
      [
        ...world(f, ['B']),
        f.make('pos_sale', at(2, 20), { node_id: 'ST', sku: 'B', qty: 2, unit_price: 5 }),
        f.make('receipt', at(4, 6), { node_id: 'ST', sku: 'B', qty: 5, unit_cost: 2 }),
        f.make('adjustment', at(5), {
          node_id: 'ST',
          sku: 'B',
          qty: -1,
          reason: 'damage',
          status: 'damaged',
        }),
      ],
      3,
    );
    expect(found.map(brief)).toEqual([
      {
        exception_type: 'negative_stock',
        sku: 'B',
        node_id: 'ST',
        transfer_id: null,
        opened_at: iso(at(2, 20)),
        cleared_at: iso(at(4, 6)),
        status: 'resolved',
        qty: -2,
        duration_hours: 34,
      },
      {
        exception_type: 'negative_stock',
        sku: 'B',
        node_id: 'ST',
        transfer_id: null,
        opened_at: iso(at(5)),
        cleared_at: null,
        status: 'open',
        qty: -1,
        duration_hours: null,
      },
      {
        exception_type: 'oversell',
        sku: 'B',
        node_id: 'ST',
        transfer_id: null,
        opened_at: iso(at(2, 20)),
        cleared_at: iso(at(4, 6)),
        status: 'resolved',
        qty: -2,
        duration_hours: 34,
      },
    ]);
  });

  it('an inventory mismatch stays open until a recount confirms the book', async () => {
    const f = new EventFactory();
    const count = (counted: number, time: string) =>
      f.make('cycle_count', time, { node_id: 'DC', sku: 'C', counted_qty: counted });
    const { found } = await deliveredAnyWay(
      [
        ...world(f, ['C']),
        f.make('receipt', at(2), { node_id: 'DC', sku: 'C', qty: 100, unit_cost: 2 }),
        count(90, at(3)), // -10: beyond max(2 units, 5% of 100)
        count(89, at(5)), // -1: within 5% of 90: the book is confirmed
        count(80, at(7)), // -9: beyond 5% of 89: open
      ],
      4,
    );
    expect(found.map(brief)).toEqual([
      {
        exception_type: 'inventory_mismatch',
        sku: 'C',
        node_id: 'DC',
        transfer_id: null,
        opened_at: iso(at(3)),
        cleared_at: iso(at(5)),
        status: 'resolved',
        qty: -10,
        duration_hours: 48,
      },
      {
        exception_type: 'inventory_mismatch',
        sku: 'C',
        node_id: 'DC',
        transfer_id: null,
        opened_at: iso(at(7)),
        cleared_at: null,
        status: 'open',
        qty: -9,
        duration_hours: null,
      },
    ]);
  });

  it('a transfer received short is an in-transit loss, not overdue; a late one is overdue until it arrives', async () => {
    const f = new EventFactory();
    const ship = (id: string, qty: number) =>
      f.make('transfer_shipped', at(3, 20), {
        transfer_id: id,
        from_node_id: 'DC',
        to_node_id: 'ST',
        sku: 'D',
        qty,
        expected_at: '2024-01-05',
      });
    const receive = (id: string, qty: number, time: string) =>
      f.make('transfer_received', time, { transfer_id: id, to_node_id: 'ST', sku: 'D', qty });
    const { found } = await deliveredAnyWay(
      [
        ...world(f, ['D']),
        f.make('receipt', at(2), { node_id: 'DC', sku: 'D', qty: 20, unit_cost: 2 }),
        ship('T1', 6),
        ship('T2', 4),
        ship('T3', 4),
        ship('T4', 2),
        receive('T1', 5, at(5, 6)), // 5 of 6, on its due date: one unit lost
        receive('T2', 4, at(8, 6)), // all of it, three days late
        receive('T3', 2, at(5, 6)), // half on time ...
        receive('T3', 2, at(7, 6)), // ... the rest two days later
        receive('T4', 2, at(5, 9)), // on time
      ],
      5,
    );
    expect(found.map(brief)).toEqual([
      {
        exception_type: 'transfer_overdue',
        sku: 'D',
        node_id: 'ST',
        transfer_id: 'T2',
        opened_at: iso(at(5)), // due on the 5th: overdue from the 6th, opened at its due time
        cleared_at: iso(at(8, 6)),
        status: 'resolved',
        qty: 4,
        duration_hours: 78,
      },
      {
        exception_type: 'transfer_short_received',
        sku: 'D',
        node_id: 'ST',
        transfer_id: 'T1',
        opened_at: iso(at(6)), // short once the due date has passed
        cleared_at: null,
        status: 'open',
        qty: 1,
        duration_hours: null,
      },
      {
        exception_type: 'transfer_short_received',
        sku: 'D',
        node_id: 'ST',
        transfer_id: 'T3',
        opened_at: iso(at(6)),
        cleared_at: iso(at(7, 6)),
        status: 'resolved',
        qty: 2,
        duration_hours: 30,
      },
    ]);
  });
});
