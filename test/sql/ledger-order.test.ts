import { describe, expect, it } from 'vitest';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { useTempDir } from '../helpers/retailos.ts';
import {
  type EventBody,
  failingAssertions,
  land,
  ledgerSnapshot as ledgerReadModels,
  pinClock,
  rows,
} from '../unit/ledger/fixtures.ts';
import { randomBatches, randomEvents, rng } from '../unit/ledger/generator.ts';

const tmp = useTempDir();

/** Business "now" of the comparisons (the random events span January to March 2024). */
const CLOCK = '2024-02-10T00:00:00Z';

/**
 * The read models (positions, movements, availability, exceptions with their episodes) and the episodes the
 * refresh stores (ledger_episodes; seq, the arrival order, aside).
 */
async function ledgerSnapshot(warehouse: Warehouse) {
  return {
    ...(await ledgerReadModels(warehouse)),
    episodes: await rows(
      warehouse,
      'SELECT * EXCLUDE (opened_seq, cleared_seq) FROM ledger_episodes ORDER BY ALL',
    ),
  };
}

const byTime = (events: readonly EventBody[]) =>
  [...events].sort((a, b) => Date.parse(a.occurred_at as string) - Date.parse(b.occurred_at as string));

/**
 * Property: the ledger depends only on the set of events. Random valid event sets (every event type, few
 * skus and nodes so accounts collide, loose causality) delivered in business-time order in one batch, and in
 * random orders and random batch splits with an incremental refresh after every batch, give identical
 * positions, movements with their values, channel availability, and exceptions with their episodes (opened
 * and cleared in event time); a full rebuild gives the same again.
 */
describe('ledger: order independence and incremental = full (property)', () => {
  for (const seed of [11, 29]) {
    it(`seed ${seed}: shuffled deliveries in random batches equal in-order delivery and a full rebuild`, async () => {
      const events = randomEvents(seed, 110);
      const r = rng(seed * 7 + 1);

      const reference = await tmp.open('in-order.duckdb');
      await pinClock(reference, CLOCK);
      await land(reference, byTime(events));
      await refreshLedger(reference);
      const expected = await ledgerSnapshot(reference);
      expect(await failingAssertions(reference)).toEqual([]);
      expect(expected.positions.length).toBeGreaterThan(8);
      expect(
        new Set(expected.exceptions.map((row) => (row as { exception_type: string }).exception_type)).size,
      ).toBeGreaterThanOrEqual(4);
      // the episodes compared include cleared ones, of every kind the refresh keeps
      expect(expected.episodes.filter((row) => row.cleared_at !== null).length).toBeGreaterThan(2);
      expect(new Set(expected.episodes.map((row) => row.episode_type)).size).toBe(3);

      for (const [delivery, order] of [
        ['reversed', [...byTime(events)].reverse()],
        ['shuffled', r.shuffle(events)],
      ] as const) {
        const warehouse = await tmp.open(`${delivery}.duckdb`);
        await pinClock(warehouse, CLOCK);
        for (const batch of randomBatches(r, order, 6)) {
          await land(warehouse, batch);
          await refreshLedger(warehouse);
        }
        expect(await failingAssertions(warehouse), delivery).toEqual([]);
        expect(await ledgerSnapshot(warehouse), `${delivery}, incremental`).toEqual(expected);
        const full = await refreshLedger(warehouse, { full: true });
        expect(full.mode).toBe('full');
        expect(await ledgerSnapshot(warehouse), `${delivery}, full rebuild`).toEqual(expected);
      }
    });
  }

  it('bounded refreshes (maxEvents, as the server runs them) absorb a shuffled backlog in chunks to the same result', async () => {
    const events = randomEvents(17, 110);
    const reference = await tmp.open('reference.duckdb');
    await pinClock(reference, CLOCK);
    await land(reference, byTime(events));
    await refreshLedger(reference);
    const expected = await ledgerSnapshot(reference);

    const warehouse = await tmp.open('bounded.duckdb');
    await pinClock(warehouse, CLOCK);
    await land(warehouse, rng(99).shuffle(events));
    const chunks: number[] = [];
    for (let run = 0; run < 100; run++) {
      const result = await refreshLedger(warehouse, { maxEvents: 25 });
      if (result.events === 0) break;
      chunks.push(result.events);
    }
    expect(chunks).toEqual([25, 25, 25, 25, 10]);
    expect(await failingAssertions(warehouse)).toEqual([]);
    expect(await ledgerSnapshot(warehouse)).toEqual(expected);
  });

  it('a refresh with nothing new changes nothing; a second full rebuild is identical', async () => {
    const warehouse = await tmp.open();
    await land(warehouse, randomEvents(5, 60));
    const first = await refreshLedger(warehouse);
    expect(first.events).toBeGreaterThan(0);
    const before = await ledgerSnapshot(warehouse);
    const again = await refreshLedger(warehouse);
    expect(again).toMatchObject({ events: 0, closureRounds: 0 });
    expect(await ledgerSnapshot(warehouse)).toEqual(before);
    await refreshLedger(warehouse, { full: true });
    await refreshLedger(warehouse, { full: true });
    expect(await ledgerSnapshot(warehouse)).toEqual(before);
  });
});
