/**
 * The ledger never stops on one event (issue 15, docs/ledger.md "Quarantine"): an event it cannot apply is
 * quarantined with its reason (ledger_quarantine, rejected_events, exceptions), every read model leaves it out,
 * and everything else is applied exactly as if the event had never landed, incrementally, with a full rebuild
 * and after the warehouse is opened again. Poisoned rows are written straight into event_log, as a warehouse
 * filled before the contract refused them (or written around it) holds them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRejects } from '../../src/ingest/rejects.ts';
import { refreshLedger } from '../../src/ledger/refresh.ts';
import { SQL_DIR } from '../../src/warehouse/config.ts';
import { EventLander } from '../../src/warehouse/landing.ts';
import { applyMigrations } from '../../src/warehouse/migrations.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { useTempDir } from '../helpers/retailos.ts';
import {
  at,
  type EventBody,
  EventFactory,
  failingAssertions,
  type LedgerSnapshot,
  land,
  ledgerSnapshot,
  pinClock,
  rows,
} from '../unit/ledger/fixtures.ts';
import { randomEvents } from '../unit/ledger/generator.ts';

const tmp = useTempDir();
const CLOCK = '2025-03-01T00:00:00Z';

/**
 * Appends one row to event_log as it is, bypassing the contract (the next seq, the last batch). `payload` is
 * the stored text: a JSON text holding `\ud800` written by JSON.stringify, or anything else.
 */
async function inject(
  warehouse: Warehouse,
  row: { event_id: string; type: string; occurred_at: string; payload: string },
): Promise<number> {
  await warehouse.run(
    `INSERT INTO event_log (seq, event_id, type, occurred_at, received_at, source, actor, payload, batch_id,
                            source_file, source_line)
     SELECT coalesce(max(seq), 0) + 1, $id, $type, $at::TIMESTAMPTZ, now(), NULL, NULL, $payload,
            (SELECT coalesce(max(batch_id), 0) FROM ingest_batches), 'injected.jsonl', 7
     FROM event_log`,
    { id: row.event_id, type: row.type, at: row.occurred_at, payload: row.payload },
  );
  const seq = await warehouse.one<{ seq: bigint }>('SELECT max(seq) AS seq FROM event_log');
  return Number(seq!.seq);
}

/** A poisoned event: `event` stored as JSON.stringify writes it (lone surrogates become `\udXXX` escapes). */
function poison(warehouse: Warehouse, event: EventBody): Promise<number> {
  return inject(warehouse, {
    event_id: String(event.event_id),
    type: String(event.type),
    occurred_at: String(event.occurred_at),
    payload: JSON.stringify(event),
  });
}

/** The snapshot without the quarantine's own exceptions (the only thing a quarantined event adds). */
function withoutQuarantine(snapshot: LedgerSnapshot): LedgerSnapshot {
  return {
    ...snapshot,
    exceptions: snapshot.exceptions.filter((row) => row.exception_type !== 'quarantined_event'),
  };
}

async function quarantine(warehouse: Warehouse): Promise<Record<string, unknown>[]> {
  return rows(warehouse, 'SELECT seq, event_id, type, reason, message FROM ledger_quarantine ORDER BY seq');
}

/** Every view of the staging, ledger and mart layers answers (none trips over a stored payload). */
async function everyModelAnswers(warehouse: Warehouse): Promise<void> {
  const models = await warehouse.all<{ name: string }>('SELECT name FROM sql_models ORDER BY name');
  expect(models.length).toBeGreaterThan(20);
  for (const { name } of models) {
    await expect(warehouse.all(`SELECT count(*) AS n FROM ${name}`), name).resolves.toBeDefined();
  }
}

describe('ledger quarantine', () => {
  it('10,000 events with one poisoned event: the other 10,000 are applied as if it never landed, full and after reopening', async () => {
    const events = randomEvents(15, 10_000);
    const reference = await tmp.open('reference.duckdb');
    await pinClock(reference, CLOCK);
    await land(reference, events);
    await refreshLedger(reference);
    const expected = await ledgerSnapshot(reference);
    expect(expected.positions.length).toBeGreaterThan(8);

    const file = tmp.join('poisoned.duckdb');
    const warehouse = await Warehouse.open(file);
    try {
      await pinClock(warehouse, CLOCK);
      await land(warehouse, events.slice(0, 5_000));
      const poisoned = {
        event_id: 'poison-1',
        type: 'pos_sale',
        occurred_at: '2024-02-01T10:00:00Z',
        node_id: 'DC',
        sku: 'SKU-\ud800',
        qty: 1,
        unit_price: 9.99,
      };
      const seq = await poison(warehouse, poisoned);
      await land(warehouse, events.slice(5_000));

      const result = await refreshLedger(warehouse);
      expect(events.length).toBeGreaterThanOrEqual(10_000);
      expect(result.events).toBe(events.length + 1); // every row of the range, the quarantined one included
      expect(result.quarantined).toBe(1);
      expect(await quarantine(warehouse)).toEqual([
        {
          seq,
          event_id: 'poison-1',
          type: 'pos_sale',
          reason: 'malformed_payload',
          message: expect.stringMatching(/lone UTF-16 surrogate in sku/),
        },
      ]);
      expect(withoutQuarantine(await ledgerSnapshot(warehouse))).toEqual(expected);
      expect(await failingAssertions(warehouse)).toEqual([]);
      await everyModelAnswers(warehouse);
      expect(await rows(warehouse, 'SELECT count(*) AS n FROM events')).toEqual([{ n: events.length }]);

      // visible as a reject (with the stored payload) and as an exception
      const rejects = (await listRejects(warehouse)).filter((row) => row.reason === 'quarantined');
      expect(rejects).toHaveLength(1);
      expect(rejects[0]).toMatchObject({
        event_id: 'poison-1',
        type: 'pos_sale',
        source_file: 'injected.jsonl',
        source_line: 7,
        raw: JSON.stringify(poisoned),
      });
      expect(rejects[0]!.errors[0]!.message).toMatch(
        /seq \d+ quarantined by the ledger: .*lone UTF-16 surrogate/,
      );
      const exceptions = await rows(
        warehouse,
        "SELECT event_id, severity, detail FROM exceptions WHERE exception_type = 'quarantined_event'",
      );
      expect(exceptions).toHaveLength(1);
      expect(exceptions[0]).toMatchObject({ event_id: 'poison-1', severity: 'high' });

      // a full rebuild: the same ledger, the same single quarantine row and reject
      const full = await refreshLedger(warehouse, { full: true });
      expect(full.mode).toBe('full');
      expect(withoutQuarantine(await ledgerSnapshot(warehouse))).toEqual(expected);
      expect(await quarantine(warehouse)).toHaveLength(1);
      expect((await listRejects(warehouse)).filter((row) => row.reason === 'quarantined')).toHaveLength(1);
    } finally {
      await warehouse.close();
    }

    // opened again (a restart): the quarantine holds, new events apply
    const reopened = await Warehouse.open(file);
    try {
      expect(await quarantine(reopened)).toHaveLength(1);
      const f = new EventFactory('after');
      await land(reopened, [f.make('receipt', at(40), { node_id: 'DC', sku: 'A', qty: 5, unit_cost: 2 })]);
      const next = await refreshLedger(reopened);
      expect(next).toMatchObject({ events: 1, quarantined: 0 });
      expect(await failingAssertions(reopened)).toEqual([]);
    } finally {
      await reopened.close();
    }
  }, 600_000);
});
