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

/** The acceptance batch: 10,000 valid events, and the ledger they make without any poisoned event. */
interface Batch {
  events: EventBody[];
  expected: LedgerSnapshot;
  clock: Record<string, unknown>[];
}

let batchPromise: Promise<Batch> | undefined;
function acceptanceBatch(): Promise<Batch> {
  batchPromise ??= (async () => {
    const events = randomEvents(15, 10_000);
    const reference = await tmp.open('reference.duckdb');
    await pinClock(reference, CLOCK);
    await land(reference, events);
    await refreshLedger(reference);
    const expected = await ledgerSnapshot(reference);
    expect(expected.positions.length).toBeGreaterThan(8);
    const clock = await rows(reference, 'SELECT watermark_at, clock_at FROM business_clock');
    return { events, expected, clock };
  })();
  return batchPromise;
}

/**
 * Lands the batch with `poisoned` written in its middle (around the contract, as before the rules), refreshes
 * once and checks the acceptance: the other 10,000 are applied exactly as without it, and it is quarantined
 * with its reason, listed in rejected_events and in exceptions, and moves no business clock.
 */
async function poisonedBatch(
  file: string,
  poisoned: EventBody,
  reason: string,
  message: RegExp,
): Promise<{ warehouse: Warehouse; batch: Batch }> {
  const batch = await acceptanceBatch();
  const warehouse = await Warehouse.open(file);
  await pinClock(warehouse, CLOCK);
  await land(warehouse, batch.events.slice(0, 5_000));
  const seq = await poison(warehouse, poisoned);
  await land(warehouse, batch.events.slice(5_000));

  try {
    const result = await refreshLedger(warehouse);
    expect(result.events).toBe(batch.events.length + 1); // every row of the range, the quarantined one included
    expect(result.quarantined).toBe(1);
    expect(await quarantine(warehouse)).toEqual([
      {
        seq,
        event_id: poisoned.event_id,
        type: poisoned.type,
        reason,
        message: expect.stringMatching(message),
      },
    ]);
    expect(withoutQuarantine(await ledgerSnapshot(warehouse))).toEqual(batch.expected);
    expect(await failingAssertions(warehouse)).toEqual([]);
    expect(await rows(warehouse, 'SELECT watermark_at, clock_at FROM business_clock')).toEqual(batch.clock);

    const rejects = (await listRejects(warehouse)).filter((row) => row.reason === 'quarantined');
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({
      event_id: poisoned.event_id,
      type: poisoned.type,
      source_file: 'injected.jsonl',
      source_line: 7,
      raw: JSON.stringify(poisoned),
    });
    expect(rejects[0]!.errors[0]).toMatchObject({ code: reason });
    expect(rejects[0]!.errors[0]!.message).toMatch(/seq \d+ quarantined by the ledger: /);
    const exceptions = await rows(
      warehouse,
      "SELECT event_id, severity, detail FROM exceptions WHERE exception_type = 'quarantined_event'",
    );
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]).toMatchObject({ event_id: poisoned.event_id, severity: 'high' });
    expect(JSON.parse(String(exceptions[0]!.detail))).toMatchObject({ seq, type: poisoned.type, reason });
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  return { warehouse, batch };
}

describe('ledger quarantine', () => {
  it('10,000 events with one poisoned event: the other 10,000 are applied as if it never landed, full and after reopening', async () => {
    const file = tmp.join('poisoned.duckdb');
    const poisoned = {
      event_id: 'poison-1',
      type: 'pos_sale',
      occurred_at: '2024-02-01T10:00:00Z',
      node_id: 'DC',
      sku: 'SKU-\ud800',
      qty: 1,
      unit_price: 9.99,
    };
    const { warehouse, batch } = await poisonedBatch(
      file,
      poisoned,
      'malformed_payload',
      /lone UTF-16 surrogate in sku/,
    );
    try {
      await everyModelAnswers(warehouse);
      expect(await rows(warehouse, 'SELECT count(*) AS n FROM events')).toEqual([{ n: batch.events.length }]);

      // a full rebuild: the same ledger, the same single quarantine row and reject
      const full = await refreshLedger(warehouse, { full: true });
      expect(full.mode).toBe('full');
      expect(withoutQuarantine(await ledgerSnapshot(warehouse))).toEqual(batch.expected);
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

  // the same batch, other poisons: each quarantined with its own reason, the 10,000 others applied
  const variants: [string, EventBody, string, RegExp][] = [
    [
      'a lone surrogate nested in an order line',
      {
        event_id: 'poison-nested',
        type: 'order_placed',
        occurred_at: '2024-02-02T11:00:00Z',
        order_id: 'O-POISON',
        channel_id: 'WEB',
        ship_to_region: 'east',
        service_level: 'standard',
        lines: [
          { line_id: '1', sku: 'A', qty: 1, unit_price: 5 },
          { line_id: '2', sku: 'B\udfff', qty: 1, unit_price: 5 },
        ],
      },
      'malformed_payload',
      /lone UTF-16 surrogate in lines\.1\.sku/,
    ],
    [
      'a field of the wrong type (an object for a quantity)',
      {
        event_id: 'poison-type',
        type: 'receipt',
        occurred_at: '2024-02-03T12:00:00Z',
        node_id: 'DC',
        sku: 'A',
        qty: { units: 5 },
        unit_cost: 2,
      },
      'bad_field',
      /^qty does not convert to what a receipt event needs: \{"units":5\}$/,
    ],
    [
      'a business time in year 9999, landed before the window existed',
      {
        event_id: 'poison-9999',
        type: 'pos_sale',
        occurred_at: '9999-12-31T23:59:59Z',
        node_id: 'DC',
        sku: 'A',
        qty: 1,
        unit_price: 5,
      },
      'outside_window',
      /^occurred_at 9999-12-31T23:59:59Z is outside the business time window/,
    ],
  ];
  it.each(variants)(
    '10,000 events with %s',
    async (_name, poisoned, reason, message) => {
      const { warehouse } = await poisonedBatch(
        tmp.join(`${poisoned.event_id}.duckdb`),
        poisoned,
        reason,
        message,
      );
      await warehouse.close();
    },
    600_000,
  );

  it('upgrading a warehouse filled before the rules: unreadable payloads of any type are quarantined at once, read models answer before any refresh', async () => {
    const file = tmp.join('old.duckdb');
    const oldMigrations = tmp.join('old-migrations');
    fs.mkdirSync(oldMigrations);
    for (const name of fs.readdirSync(path.join(SQL_DIR, 'migrations'))) {
      if (Number(name.slice(0, 4)) < 110) {
        fs.copyFileSync(path.join(SQL_DIR, 'migrations', name), path.join(oldMigrations, name));
      }
    }
    const f = new EventFactory('old');
    const valid = [
      f.item('A', 2, 5),
      f.node('DC'),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 2 }),
      f.make('order_placed', at(3), {
        order_id: 'O1',
        channel_id: 'WEB',
        ship_to_region: 'east',
        service_level: 'standard',
        lines: [{ line_id: '1', sku: 'A', qty: 2, unit_price: 5 }],
      }),
    ];
    const old = await Warehouse.open(file, { migrate: false });
    try {
      await applyMigrations(old, oldMigrations);
      await land(old, valid);
      // a lone surrogate nested in a line, in a name, and in a key: types the ledger never parses
      await poison(old, {
        ...f.make('order_placed', at(4), {
          order_id: 'O2',
          channel_id: 'WEB',
          ship_to_region: 'east',
          service_level: 'standard',
        }),
        lines: [{ line_id: '1', sku: 'A\udfff', qty: 1, unit_price: 5 }],
      });
      await poison(old, f.node('ST\ud83d'));
      await poison(old, {
        ...f.make('price_changed', at(5), { sku: 'A', price: 4, reason: 'markdown' }),
        'x\udc00': 1,
      });
    } finally {
      await old.close();
    }

    const upgraded = await Warehouse.open(file);
    try {
      const found = await quarantine(upgraded);
      expect(found.map((row) => [row.type, row.reason])).toEqual([
        ['order_placed', 'malformed_payload'],
        ['node_upserted', 'malformed_payload'],
        ['price_changed', 'malformed_payload'],
      ]);
      const rejects = (await listRejects(upgraded)).filter((row) => row.reason === 'quarantined');
      expect(rejects.map((row) => row.type)).toEqual(['order_placed', 'node_upserted', 'price_changed']);
      await everyModelAnswers(upgraded);
      expect(await rows(upgraded, 'SELECT order_id FROM ledger_order_lines')).toEqual([{ order_id: 'O1' }]);
      expect(await rows(upgraded, 'SELECT node_id FROM stg_nodes')).toEqual([{ node_id: 'DC' }]);

      const result = await refreshLedger(upgraded);
      expect(result.quarantined).toBe(0); // already quarantined by the upgrade
      expect(await failingAssertions(upgraded)).toEqual([]);
      expect(await rows(upgraded, "SELECT sellable FROM inventory_positions WHERE sku = 'A'")).toEqual([
        { sellable: 10 },
      ]);
    } finally {
      await upgraded.close();
    }
  });

  it('fields that do not convert, missing fields, and a failure found only by isolating the event: each quarantined with its reason, the rest applied', async () => {
    const f = new EventFactory('v');
    const valid = [
      f.item('A', 2, 5),
      f.item('B', 3, 7),
      f.node('DC'),
      f.node('ST1', { node_type: 'store' }),
      f.make('receipt', at(2), { node_id: 'DC', sku: 'A', qty: 10, unit_cost: 2 }),
      f.make('receipt', at(2, 1), { node_id: 'DC', sku: 'B', qty: 8, unit_cost: 3 }),
      f.make('transfer_shipped', at(3), {
        transfer_id: 'T1',
        from_node_id: 'DC',
        to_node_id: 'ST1',
        sku: 'A',
        qty: 4,
      }),
      f.make('pos_sale', at(4), { node_id: 'DC', sku: 'B', qty: 3, unit_price: 7 }),
      f.make('po_created', at(5), {
        po_id: 'P1',
        supplier_id: 'S1',
        node_id: 'DC',
        expected_at: '2024-02-01',
        lines: [{ line_id: '1', sku: 'A', qty: 20, unit_cost: 2 }],
      }),
      f.make('transfer_received', at(6), { transfer_id: 'T1', to_node_id: 'ST1', sku: 'A', qty: 4 }),
    ];
    const bad: [EventBody, string, RegExp][] = [
      [
        f.make('receipt', at(2, 2), { node_id: 'DC', sku: 'A', qty: 'abc', unit_cost: 2 }),
        'bad_field',
        /^qty does not convert to what a receipt event needs: abc$/,
      ],
      [
        f.make('cycle_count', at(2, 3), { node_id: 'DC', sku: 'A', counted_qty: 'many' }),
        'bad_field',
        /^counted_qty does not convert to what a cycle_count event needs: many$/,
      ],
      [
        f.make('pos_sale', at(2, 4), { node_id: 'DC', qty: 1, unit_price: 5 }),
        'missing_field',
        /^missing sku, needed by pos_sale events$/,
      ],
      [
        f.make('allocated', at(2, 5), { line_id: '1', node_id: 'DC', sku: 'A', qty: 1 }),
        'missing_field',
        /^missing order_id, needed by allocated events$/,
      ],
      [
        f.make('po_created', at(2, 6), {
          po_id: 'P2',
          supplier_id: 'S1',
          node_id: 'DC',
          expected_at: '2024-02-01',
          lines: 'none',
        }),
        'bad_field',
        /^lines does not convert to what a po_created event needs: none$/,
      ],
      [
        f.make('po_updated', at(2, 7), { po_id: 'P1', expected_at: 'soon' }),
        'bad_field',
        /^expected_at does not convert to what a po_updated event needs: soon$/,
      ],
      // business times outside the window, landed before the window existed (any type)
      [
        f.make('pos_sale', '2124-01-01T00:00:00Z', { node_id: 'DC', sku: 'A', qty: 1, unit_price: 5 }),
        'outside_window',
        /^occurred_at 2124-01-01T00:00:00Z is outside the business time window \(from 2000-01-01T00:00:00Z to 7 days after arrival\)$/,
      ],
      [
        f.make('order_placed', '0001-01-01T00:00:00Z', {
          order_id: 'O9',
          channel_id: 'WEB',
          ship_to_region: 'east',
          service_level: 'standard',
          lines: [{ line_id: '1', sku: 'A', qty: 1, unit_price: 5 }],
        }),
        'outside_window',
        /^occurred_at 0001-01-01T00:00:00Z is outside the business time window/,
      ],
      // unreadable, of a type the ledger itself never parses (read models do)
      [
        f.make('price_changed', at(2, 7, 30), { sku: 'A\ud800', price: 4, reason: 'markdown' }),
        'malformed_payload',
        /^the stored payload holds a lone UTF-16 surrogate in sku /,
      ],
      // converts fine, but its value overflows the ledger's DECIMAL(38, 2): found only by isolating it
      [
        f.make('receipt', at(2, 8), { node_id: 'DC', sku: 'B', qty: 5, unit_cost: 1e300 }),
        'refresh_failed',
        /^the ledger refresh fails on this event: .*Conversion Error: Could not cast value 500000000000…/,
      ],
    ];

    const reference = await tmp.open('reference.duckdb');
    await land(reference, valid);
    await refreshLedger(reference);
    const expected = await ledgerSnapshot(reference);

    const warehouse = await tmp.open('mixed.duckdb');
    await land(warehouse, valid.slice(0, 5));
    for (const [event] of bad) await poison(warehouse, event);
    // a quantity that fits a BIGINT but overflows the running balance (10 units are there already): written
    // as text, since JavaScript numbers cannot hold it; found only by isolating it
    const overflow = f.make('receipt', at(2, 9), { node_id: 'DC', sku: 'A', qty: 0, unit_cost: 1 });
    await inject(warehouse, {
      event_id: String(overflow.event_id),
      type: 'receipt',
      occurred_at: String(overflow.occurred_at),
      payload: JSON.stringify(overflow).replace('"qty":0', '"qty":9223372036854775800'),
    });
    bad.push([
      overflow,
      'refresh_failed',
      /^the ledger refresh fails on this event: .*(Out of Range|Conversion) Error/,
    ]);
    await land(warehouse, valid.slice(5));
    // bounded refreshes, as the server runs them
    let quarantined = 0;
    for (let round = 0; round < 20; round++) {
      const result = await refreshLedger(warehouse, { maxEvents: 4 });
      quarantined += result.quarantined;
      if (result.events === 0) break;
    }
    expect(quarantined).toBe(bad.length);
    const found = await quarantine(warehouse);
    expect(found.map((row) => [row.event_id, row.reason])).toEqual(
      bad.map(([event, reason]) => [event.event_id, reason]),
    );
    for (const [index, [, , message]] of bad.entries()) expect(found[index]!.message).toMatch(message);
    expect(withoutQuarantine(await ledgerSnapshot(warehouse))).toEqual(expected);
    expect(await failingAssertions(warehouse)).toEqual([]);
    await everyModelAnswers(warehouse);
    // the business clock (the watermark of business time) ignores the sale of 2124
    expect(await rows(warehouse, 'SELECT watermark_at FROM business_clock')).toEqual(
      await rows(reference, 'SELECT watermark_at FROM business_clock'),
    );

    // after a fix of the refresh, --release-quarantine judges them again: still bad, so back (new rejects)
    await refreshLedger(warehouse, { full: true, releaseQuarantine: true });
    expect((await quarantine(warehouse)).map((row) => row.reason)).toEqual(bad.map(([, reason]) => reason));
    const rejects = (await listRejects(warehouse, { status: 'all' })).filter(
      (row) => row.reason === 'quarantined',
    );
    expect(rejects.filter((row) => row.status === 'resolved')).toHaveLength(bad.length);
    expect(rejects.filter((row) => row.status === 'open')).toHaveLength(bad.length);
    expect(withoutQuarantine(await ledgerSnapshot(warehouse))).toEqual(expected);
  }, 300_000);
});
