import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BatchOutcome } from '../../src/warehouse/landing.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  count,
  FIXTURES,
  ingest,
  readJsonl,
  receipt,
  rejects,
  runCli,
  sqlText,
  toJsonl,
  useTempDir,
  writeParquet,
} from '../helpers/retailos.ts';

const tmp = useTempDir();

const EVENTS_JSONL = path.join(FIXTURES, 'events.jsonl');
const EVENTS_CSV = path.join(FIXTURES, 'events.csv');

interface LandedEvent {
  event_id: string;
  type: string;
  occurred_at: string;
  payload: Record<string, unknown>;
}

async function landedEvents(warehouse: Warehouse): Promise<LandedEvent[]> {
  const rows = await warehouse.all<{ event_id: string; type: string; occurred_at: Date; payload: string }>(
    'SELECT event_id, type, occurred_at, payload::VARCHAR AS payload FROM events ORDER BY event_id',
  );
  return rows.map((row) => ({
    event_id: row.event_id,
    type: row.type,
    occurred_at: row.occurred_at.toISOString(),
    payload: JSON.parse(row.payload),
  }));
}

function node(eventId: string, occurredAt: string, name: string, canShip: boolean): Record<string, unknown> {
  return {
    event_id: eventId,
    type: 'node_upserted',
    occurred_at: occurredAt,
    node_id: 'DC-9',
    name,
    node_type: 'dc',
    region: 'north',
    can_ship: canShip,
    can_pickup: !canShip,
  };
}

/** The Parquet twin of events.csv: native BOOLEAN/BIGINT/DOUBLE/DATE columns, node_ids as a LIST. */
async function eventsParquet(
  out: string,
  types = "{'occurred_at': 'VARCHAR', 'carrier_cutoff': 'VARCHAR'}",
  where = 'true',
) {
  return writeParquet(
    `SELECT * REPLACE (string_split(node_ids, '|') AS node_ids)
     FROM read_csv(${sqlText(EVENTS_CSV)}, types = ${types})
     WHERE ${where}`,
    out,
  );
}

describe('one event set in three formats', () => {
  it('JSONL, CSV and Parquet of the same events land identical events', async () => {
    const parquet = await eventsParquet(tmp.join('events.parquet'));
    const landed: LandedEvent[][] = [];
    for (const [name, file] of [
      ['jsonl', EVENTS_JSONL],
      ['csv', EVENTS_CSV],
      ['parquet', parquet],
    ] as const) {
      const warehouse = await tmp.open(`${name}.duckdb`);
      const summary = await ingest(warehouse, [file]);
      expect(summary, name).toMatchObject({ accepted: 9, duplicates: 0, rejected: 0, conflicts: 0 });
      expect(await count(warehouse, 'SELECT count(*) AS n FROM rejected_events'), name).toBe(0);
      landed.push(await landedEvents(warehouse));
    }
    const [fromJsonl, fromCsv, fromParquet] = landed;
    // The payload is the event exactly as the contract shapes it: what the JSONL fixture says.
    const expected = readJsonl(EVENTS_JSONL).sort((a, b) =>
      String(a.event_id).localeCompare(String(b.event_id)),
    );
    expect(fromJsonl!.map((event) => event.payload)).toEqual(expected);
    expect(fromCsv).toEqual(fromJsonl);
    expect(fromParquet).toEqual(fromJsonl);

    const byId = new Map(fromParquet!.map((event) => [event.event_id, event]));
    expect(byId.get('fx-ord-1')?.payload.lines).toEqual([
      { line_id: 'L1', sku: 'SKU-1', qty: 2, unit_price: 29.9 },
      { line_id: 'L2', sku: 'SKU-2', qty: 1, unit_price: 7.25 },
    ]);
    expect(byId.get('fx-po-1')?.payload.lines).toHaveLength(2);
    expect(byId.get('fx-node-1')?.payload).toMatchObject({ can_ship: true, can_pickup: false });
    expect(byId.get('fx-node-2')?.payload).toMatchObject({ can_ship: false, can_pickup: true });
    expect(byId.get('fx-chan-1')?.payload.node_ids).toEqual(['DC-1', 'ST-1']);
    expect(byId.get('fx-adj-1')?.payload.qty).toBe(-3);
    expect(byId.get('fx-sale-1')?.occurred_at).toBe('2025-01-11T14:30:00.000Z');
  });

  it('re-sending JSONL events as Parquet with a native TIMESTAMPTZ occurred_at is a duplicate, not a conflict', async () => {
    // A Parquet writer types occurred_at as a timestamp; the event is still the same event. Only the events
    // sent in UTC with whole seconds (`…:00Z`) are re-sent: a TIMESTAMPTZ keeps the instant, not the offset.
    const parquet = await eventsParquet(
      tmp.join('typed.parquet'),
      "{'carrier_cutoff': 'VARCHAR'}",
      "event_id <> 'fx-sale-1'",
    );
    const warehouse = await tmp.open();
    await ingest(warehouse, [EVENTS_JSONL]);
    const summary = await ingest(warehouse, [parquet]);
    expect(summary).toMatchObject({ accepted: 0, duplicates: 8, rejected: 0, conflicts: 0 });
    expect(await count(warehouse, 'SELECT count(*) AS n FROM rejected_events')).toBe(0);
  });

  it('a Parquet TIME column for carrier_cutoff is read as HH:MM', async () => {
    const parquet = await writeParquet(
      `SELECT 'pq-node-1' AS event_id, 'node_upserted' AS type, '2025-01-01T06:00:00Z' AS occurred_at,
              'DC-1' AS node_id, 'Main DC' AS name, 'dc' AS node_type, 'east' AS region,
              true AS can_ship, false AS can_pickup, TIME '17:00:00' AS carrier_cutoff`,
      tmp.join('nodes.parquet'),
    );
    const warehouse = await tmp.open();
    const summary = await ingest(warehouse, [parquet]);
    expect(await rejects(warehouse)).toEqual([]);
    expect(summary.accepted).toBe(1);
    const row = await warehouse.one<{ carrier_cutoff: string }>('SELECT carrier_cutoff FROM stg_nodes');
    expect(row?.carrier_cutoff).toBe('17:00');
  });
});

describe('CSV', () => {
  const ORDER_HEADER =
    'event_id,occurred_at,order_id,channel_id,ship_to_region,service_level,line_id,sku,qty,unit_price';

  it('rows sharing an event_id form one event with one line per row', async () => {
    const file = tmp.write(
      'order_placed.csv',
      [
        ORDER_HEADER,
        'csv-o-1,2025-02-01T10:00:00Z,O-1,WEB,east,standard,1,SKU-1,2,10.5',
        'csv-o-1,2025-02-01T10:00:00Z,O-1,WEB,east,standard,2,SKU-2,1,3',
        'csv-o-1,2025-02-01T10:00:00Z,O-1,WEB,east,standard,3,SKU-3,4,0.99',
        'csv-o-2,2025-02-01T11:00:00Z,O-2,WEB,west,express,1,SKU-1,1,10.5',
        '',
      ].join('\n'),
    );
    const warehouse = await tmp.open();
    const summary = await ingest(warehouse, [file]);
    expect(summary).toMatchObject({ accepted: 2, rejected: 0 });
    const rows = await warehouse.all<{ event_id: string; payload: string; source_line: bigint }>(
      'SELECT event_id, payload::VARCHAR AS payload, source_line FROM events ORDER BY event_id',
    );
    expect(rows.map((row) => [row.event_id, Number(row.source_line)])).toEqual([
      ['csv-o-1', 2],
      ['csv-o-2', 5],
    ]);
    const first = JSON.parse(rows[0]!.payload);
    expect(first).toEqual({
      event_id: 'csv-o-1',
      type: 'order_placed',
      occurred_at: '2025-02-01T10:00:00Z',
      order_id: 'O-1',
      channel_id: 'WEB',
      ship_to_region: 'east',
      service_level: 'standard',
      lines: [
        { line_id: '1', sku: 'SKU-1', qty: 2, unit_price: 10.5 },
        { line_id: '2', sku: 'SKU-2', qty: 1, unit_price: 3 },
        { line_id: '3', sku: 'SKU-3', qty: 4, unit_price: 0.99 },
      ],
    });
    expect(JSON.parse(rows[1]!.payload).lines).toHaveLength(1);
  });

  it('rows of one event that disagree on a header field reject that event (inconsistent_rows)', async () => {
    const file = tmp.write(
      'order_placed.csv',
      [
        ORDER_HEADER,
        'csv-o-1,2025-02-01T10:00:00Z,O-1,WEB,east,standard,1,SKU-1,2,10.5',
        'csv-o-1,2025-02-01T10:00:00Z,O-1,AMAZON,east,standard,2,SKU-2,1,3',
        'csv-o-2,2025-02-01T11:00:00Z,O-2,WEB,west,express,1,SKU-1,1,10.5',
        '',
      ].join('\n'),
    );
    const warehouse = await tmp.open();
    const summary = await ingest(warehouse, [file]);
    expect(summary).toMatchObject({ accepted: 1, rejected: 1 });
    expect(await count(warehouse, "SELECT count(*) AS n FROM events WHERE event_id = 'csv-o-1'")).toBe(0);
    expect(await count(warehouse, "SELECT count(*) AS n FROM events WHERE event_id = 'csv-o-2'")).toBe(1);
    const [reject] = await rejects(warehouse);
    expect(reject).toMatchObject({ source_file: file, source_line: 2, status: 'open' });
    expect(reject!.errors.map((error) => error.code)).toContain('inconsistent_rows');
    expect(reject!.errors.find((error) => error.code === 'inconsistent_rows')?.message).toContain(
      'channel_id',
    );
  });

  it('rows of one event need not be consecutive (EVENTS.md: rows sharing event_id form one event)', async () => {
    const file = tmp.write(
      'order_placed.csv',
      [
        ORDER_HEADER,
        'nc-1,2025-02-01T10:00:00Z,O-1,WEB,east,standard,1,SKU-1,2,10',
        'nc-2,2025-02-01T10:05:00Z,O-2,WEB,east,standard,1,SKU-1,1,10',
        'nc-1,2025-02-01T10:00:00Z,O-1,WEB,east,standard,2,SKU-2,3,4',
        '',
      ].join('\n'),
    );
    const warehouse = await tmp.open();
    const summary = await ingest(warehouse, [file]);
    expect(await rejects(warehouse)).toEqual([]);
    expect(summary).toMatchObject({ accepted: 2, rejected: 0 });
    const order = await warehouse.one<{ payload: string }>(
      "SELECT payload::VARCHAR AS payload FROM events WHERE event_id = 'nc-1'",
    );
    expect(JSON.parse(order!.payload).lines).toEqual([
      { line_id: '1', sku: 'SKU-1', qty: 2, unit_price: 10 },
      { line_id: '2', sku: 'SKU-2', qty: 3, unit_price: 4 },
    ]);
  });

  it('a quoted field spanning lines keeps the line numbers of later rows right', async () => {
    const file = tmp.write(
      'status_changed.csv',
      [
        'event_id,occurred_at,node_id,sku,qty,from_status,to_status,reason',
        'ml-1,2025-02-01T08:00:00Z,DC-1,SKU-1,1,sellable,damaged,"dropped\nby the\nforklift"',
        'ml-2,2025-02-01T09:00:00Z,DC-1,SKU-1,1.5,sellable,damaged,ok',
        'ml-3,2025-02-01T10:00:00Z,DC-1,SKU-1,2,damaged,repair,',
        '',
      ].join('\n'),
    );
    const warehouse = await tmp.open();
    expect(await ingest(warehouse, [file])).toMatchObject({ accepted: 2, rejected: 1 });
    const landed = await warehouse.all<{ event_id: string; source_line: bigint; reason: string | null }>(
      "SELECT event_id, source_line, payload->>'reason' AS reason FROM events ORDER BY event_id",
    );
    expect(landed.map((row) => [row.event_id, Number(row.source_line), row.reason])).toEqual([
      ['ml-1', 2, 'dropped\nby the\nforklift'],
      ['ml-3', 6, null],
    ]);
    expect((await rejects(warehouse)).map((row) => [row.event_id, row.source_line, row.reason])).toEqual([
      ['ml-2', 5, 'invalid'],
    ]);
  });

  it('takes the type from the file name when there is no type column', async () => {
    const file = tmp.write(
      'receipt.csv',
      'event_id,occurred_at,node_id,sku,qty,unit_cost\ncsv-r-1,2025-02-01T08:00:00Z,DC-1,SKU-1,12,4.75\n',
    );
    const warehouse = await tmp.open();
    expect(await ingest(warehouse, [file])).toMatchObject({ accepted: 1, rejected: 0 });
    const row = await warehouse.one<{ type: string; payload: string }>(
      'SELECT type, payload::VARCHAR AS payload FROM events',
    );
    expect(row?.type).toBe('receipt');
    expect(JSON.parse(row!.payload)).toEqual({
      event_id: 'csv-r-1',
      type: 'receipt',
      occurred_at: '2025-02-01T08:00:00Z',
      node_id: 'DC-1',
      sku: 'SKU-1',
      qty: 12,
      unit_cost: 4.75,
    });
  });

  it('a type column may mix event types in one file', async () => {
    const file = tmp.write(
      'mixed.csv',
      [
        'event_id,type,occurred_at,node_id,sku,qty,unit_cost,unit_price,order_id,channel_id,ship_to_region,service_level,line_id',
        'm-1,receipt,2025-02-01T08:00:00Z,DC-1,SKU-1,5,2,,,,,,',
        'm-2,pos_sale,2025-02-01T09:00:00Z,ST-1,SKU-1,1,,4.5,,,,,',
        'm-3,order_placed,2025-02-01T10:00:00Z,,SKU-1,2,,4.5,O-9,WEB,east,standard,1',
        'm-3,order_placed,2025-02-01T10:00:00Z,,SKU-2,1,,6,O-9,WEB,east,standard,2',
        'm-4,receipt,2025-02-01T11:00:00Z,DC-1,SKU-2,3,1.25,,,,,,',
        '',
      ].join('\n'),
    );
    const warehouse = await tmp.open();
    expect(await ingest(warehouse, [file])).toMatchObject({ accepted: 4, rejected: 0 });
    const rows = await warehouse.all<{ event_id: string; type: string }>(
      'SELECT event_id, type FROM events ORDER BY event_id',
    );
    expect(rows).toEqual([
      { event_id: 'm-1', type: 'receipt' },
      { event_id: 'm-2', type: 'pos_sale' },
      { event_id: 'm-3', type: 'order_placed' },
      { event_id: 'm-4', type: 'receipt' },
    ]);
    const order = await warehouse.one<{ payload: string }>(
      "SELECT payload::VARCHAR AS payload FROM events WHERE event_id = 'm-3'",
    );
    expect(JSON.parse(order!.payload).lines).toEqual([
      { line_id: '1', sku: 'SKU-1', qty: 2, unit_price: 4.5 },
      { line_id: '2', sku: 'SKU-2', qty: 1, unit_price: 6 },
    ]);
  });

  it('a malformed row (wrong column count) is rejected with its line number; the rest land', async () => {
    const file = tmp.write(
      'receipt.csv',
      [
        'event_id,occurred_at,node_id,sku,qty,unit_cost',
        'bad-1,2025-02-01T08:00:00Z,DC-1,SKU-1,1,1',
        'bad-2,2025-02-01T08:00:00Z,DC-1,SKU-1,2,1',
        'bad-3,2025-02-01T08:00:00Z,DC-1,SKU-1,3,1,surplus,cells',
        'bad-4,2025-02-01T08:00:00Z,DC-1,SKU-1,4,1',
        '',
      ].join('\n'),
    );
    const warehouse = await tmp.open();
    const summary = await ingest(warehouse, [file]);
    expect(summary).toMatchObject({ accepted: 3, rejected: 1 });
    const landed = await warehouse.all<{ event_id: string }>('SELECT event_id FROM events ORDER BY event_id');
    expect(landed.map((row) => row.event_id)).toEqual(['bad-1', 'bad-2', 'bad-4']);
    const [reject] = await rejects(warehouse);
    expect(reject).toMatchObject({ reason: 'unreadable', source_file: file, source_line: 4 });
    expect(reject!.raw).toContain('bad-3');
    expect(reject!.errors).toHaveLength(1);
  });
});

describe('malformed and invalid JSON Lines', () => {
  it('a garbage line in the middle is rejected as unreadable; the other lines land', async () => {
    const garbage = '{"event_id": ';
    const lines = [
      JSON.stringify(receipt('j-1')),
      JSON.stringify(receipt('j-2')),
      garbage,
      JSON.stringify(receipt('j-4')),
      JSON.stringify(receipt('j-5')),
    ];
    const file = tmp.write('mixed.jsonl', `${lines.join('\n')}\n`);
    const warehouse = await tmp.open();
    const summary = await ingest(warehouse, [file]);
    expect(summary).toMatchObject({ accepted: 4, rejected: 1, duplicates: 0 });
    const landed = await warehouse.all<{ event_id: string; source_line: bigint }>(
      'SELECT event_id, source_line FROM events ORDER BY event_id',
    );
    expect(landed.map((row) => [row.event_id, Number(row.source_line)])).toEqual([
      ['j-1', 1],
      ['j-2', 2],
      ['j-4', 4],
      ['j-5', 5],
    ]);
    const all = await rejects(warehouse);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      source_file: file,
      source_line: 3,
      reason: 'unreadable',
      raw: garbage,
      status: 'open',
    });
    expect(all[0]!.errors.length).toBeGreaterThan(0);
  });

  it('an invalid field (qty 1.5) is rejected as invalid with the path of the field', async () => {
    const bad = JSON.stringify(receipt('j-bad', { qty: 1.5 }));
    const file = tmp.write('receipts.jsonl', `${toJsonl([receipt('j-ok')])}${bad}\n`);
    const warehouse = await tmp.open();
    expect(await ingest(warehouse, [file])).toMatchObject({ accepted: 1, rejected: 1 });
    const [reject] = await rejects(warehouse);
    expect(reject).toMatchObject({
      reason: 'invalid',
      event_id: 'j-bad',
      type: 'receipt',
      source_line: 2,
      raw: bad,
    });
    expect(reject!.errors.map((error) => error.path)).toEqual(['qty']);
    expect(await count(warehouse, "SELECT count(*) AS n FROM events WHERE event_id = 'j-bad'")).toBe(0);
  });
});

describe('idempotency', () => {
  it('across two ingests: an identical event is a duplicate, a changed body a conflict, a new one lands', async () => {
    const warehouse = await tmp.open();
    const fileA = tmp.write('a.jsonl', toJsonl([receipt('d-1'), receipt('d-2', { qty: 5 }), receipt('d-3')]));
    expect(await ingest(warehouse, [fileA])).toMatchObject({ accepted: 3, duplicates: 0, rejected: 0 });
    const original = await warehouse.one<{ payload: string; seq: bigint }>(
      "SELECT payload::VARCHAR AS payload, seq FROM event_log WHERE event_id = 'd-2'",
    );

    const changed = receipt('d-2', { qty: 6 });
    const fileB = tmp.write('b.jsonl', toJsonl([receipt('d-1'), changed, receipt('d-4')]));
    const summary = await ingest(warehouse, [fileB]);
    expect(summary).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1, conflicts: 1 });

    expect(await count(warehouse, 'SELECT count(*) AS n FROM event_log')).toBe(4);
    expect(await count(warehouse, "SELECT count(*) AS n FROM event_log WHERE event_id = 'd-1'")).toBe(1);
    const after = await warehouse.one<{ payload: string; seq: bigint }>(
      "SELECT payload::VARCHAR AS payload, seq FROM event_log WHERE event_id = 'd-2'",
    );
    expect(after).toEqual(original);
    expect(JSON.parse(after!.payload).qty).toBe(5);

    const all = await rejects(warehouse);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ reason: 'conflict', event_id: 'd-2', source_file: fileB, source_line: 2 });
    expect(JSON.parse(all[0]!.raw)).toEqual(changed);
    expect(all[0]!.errors.map((error) => error.code)).toEqual(['conflict']);
  });

  it('within one file: a repeat is a duplicate, a repeat with another body a conflict', async () => {
    const warehouse = await tmp.open();
    const file = tmp.write(
      'repeats.jsonl',
      toJsonl([receipt('w-1'), receipt('w-2'), receipt('w-1'), receipt('w-2', { qty: 99 }), receipt('w-3')]),
    );
    const summary = await ingest(warehouse, [file]);
    expect(summary).toMatchObject({ accepted: 3, duplicates: 1, rejected: 1, conflicts: 1 });
    const landed = await warehouse.all<{ event_id: string; payload: string }>(
      'SELECT event_id, payload::VARCHAR AS payload FROM event_log ORDER BY event_id',
    );
    expect(landed.map((row) => row.event_id)).toEqual(['w-1', 'w-2', 'w-3']);
    expect(JSON.parse(landed[1]!.payload).qty).toBe(10);
    const all = await rejects(warehouse);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ reason: 'conflict', event_id: 'w-2', source_line: 4 });
  });

  it('re-running the same files lands nothing new and records no new rejects', async () => {
    const warehouse = await tmp.open();
    const clean = tmp.write('clean.jsonl', toJsonl([receipt('r-1'), receipt('r-2'), receipt('r-3')]));
    const messy = tmp.write(
      'messy.jsonl',
      [
        JSON.stringify(receipt('r-1', { qty: 11 })), // conflict with clean.jsonl
        'not json at all',
        JSON.stringify(receipt('r-5', { qty: 0 })), // invalid
        JSON.stringify(receipt('r-6')),
        '',
      ].join('\n'),
    );
    await ingest(warehouse, [clean, messy]);
    const events = await count(warehouse, 'SELECT count(*) AS n FROM event_log');
    const rejectRows = await count(warehouse, 'SELECT count(*) AS n FROM rejected_events');
    expect(events).toBe(4);
    expect(rejectRows).toBe(3);

    const again = await ingest(warehouse, [clean]);
    expect(again).toMatchObject({ accepted: 0, duplicates: 3, rejected: 0, conflicts: 0 });
    await ingest(warehouse, [messy]);
    await ingest(warehouse, [clean, messy]);
    expect(await count(warehouse, 'SELECT count(*) AS n FROM event_log')).toBe(events);
    expect(await count(warehouse, 'SELECT count(*) AS n FROM rejected_events')).toBe(rejectRows);
  });
});

describe('late and out-of-order events', () => {
  it('a newer upsert that arrived first still wins over an older one that arrived later', async () => {
    const warehouse = await tmp.open();
    const newer = tmp.write(
      'newer.jsonl',
      toJsonl([node('n-new', '2025-02-01T00:00:00Z', 'New name', true)]),
    );
    const older = tmp.write(
      'older.jsonl',
      toJsonl([node('n-old', '2025-01-01T00:00:00Z', 'Old name', false)]),
    );
    await ingest(warehouse, [newer]);
    await ingest(warehouse, [older]);

    const nodes = await warehouse.all<Record<string, unknown>>(
      'SELECT node_id, name, can_ship, can_pickup, source_event_id FROM stg_nodes',
    );
    expect(nodes).toEqual([
      { node_id: 'DC-9', name: 'New name', can_ship: true, can_pickup: false, source_event_id: 'n-new' },
    ]);
    const ordered = await warehouse.all<{ event_id: string; seq: bigint }>(
      'SELECT event_id, seq FROM events ORDER BY occurred_at, seq',
    );
    expect(ordered.map((row) => row.event_id)).toEqual(['n-old', 'n-new']);
    // Arrival order is kept in seq: the older event arrived second.
    expect(ordered[0]!.seq).toBeGreaterThan(ordered[1]!.seq);
  });
});

describe('sources', () => {
  it('a directory ingests its .jsonl and .csv files and ignores a README.md', async () => {
    tmp.write('drop/events.jsonl', toJsonl([receipt('dir-1'), receipt('dir-2')]));
    tmp.write(
      'drop/nested/receipt.csv',
      'event_id,occurred_at,node_id,sku,qty,unit_cost\ndir-3,2025-02-01T08:00:00Z,DC-1,SKU-1,1,1\n',
    );
    tmp.write('drop/README.md', '# Not data\n\nThese are the drop files.\n');
    const warehouse = await tmp.open();
    const summary = await ingest(warehouse, [tmp.join('drop')]);
    expect(summary).toMatchObject({ accepted: 3, rejected: 0 });
    expect(summary.sources.map((source) => [path.basename(source.path), source.format])).toEqual([
      ['events.jsonl', 'jsonl'],
      ['receipt.csv', 'csv'],
    ]);
    expect(await count(warehouse, 'SELECT count(*) AS n FROM rejected_events')).toBe(0);
    const files = await warehouse.all<{ source_file: string }>(
      'SELECT DISTINCT source_file FROM events ORDER BY source_file',
    );
    expect(files.map((row) => path.basename(row.source_file))).toEqual(['events.jsonl', 'receipt.csv']);
  });

  it('a glob picks only the files it matches', async () => {
    tmp.write('in/day-1.jsonl', toJsonl([receipt('g-1')]));
    tmp.write('in/day-2.jsonl', toJsonl([receipt('g-2')]));
    tmp.write('in/other.ndjson', toJsonl([receipt('g-3')]));
    const warehouse = await tmp.open();
    const summary = await ingest(warehouse, [tmp.join('in', 'day-*.jsonl')]);
    expect(summary.sources.map((source) => path.basename(source.path))).toEqual([
      'day-1.jsonl',
      'day-2.jsonl',
    ]);
    const landed = await warehouse.all<{ event_id: string }>('SELECT event_id FROM events ORDER BY event_id');
    expect(landed.map((row) => row.event_id)).toEqual(['g-1', 'g-2']);
  });

  it('a .jsonl.gz file is decompressed and ingested', async () => {
    const file = tmp.write('events.jsonl.gz', gzipSync(fs.readFileSync(EVENTS_JSONL)));
    const warehouse = await tmp.open();
    expect(await ingest(warehouse, [file])).toMatchObject({ accepted: 9, rejected: 0 });
    expect(await count(warehouse, "SELECT count(*) AS n FROM events WHERE type = 'order_placed'")).toBe(1);
  });

  it("'-' reads JSON Lines from stdin (CLI subprocess)", async () => {
    const db = tmp.join('stdin.duckdb');
    const input = `${toJsonl([receipt('s-1'), receipt('s-2')])}garbage line\n`;
    const result = runCli(['ingest', '-', '--db', db, '--json'], { input });
    expect(result.status, result.stderr).toBe(1); // one reject
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ accepted: 2, rejected: 1 });
    const warehouse = await tmp.open('stdin.duckdb', { readOnly: true });
    const landed = await warehouse.all<{ event_id: string; source_file: string }>(
      'SELECT event_id, source_file FROM events ORDER BY event_id',
    );
    expect(landed).toEqual([
      { event_id: 's-1', source_file: 'stdin' },
      { event_id: 's-2', source_file: 'stdin' },
    ]);
    expect((await rejects(warehouse)).map((row) => [row.reason, row.source_line])).toEqual([
      ['unreadable', 3],
    ]);
  });
});

describe('batches', () => {
  it('a small batch size lands every event once, in several batches, seq increasing with arrival', async () => {
    const events = Array.from({ length: 10 }, (_, index) =>
      receipt(`b-${String(index + 1).padStart(2, '0')}`, {
        // business time runs backwards, so ordering by it would not give arrival order
        occurred_at: `2025-03-${String(20 - index).padStart(2, '0')}T08:00:00Z`,
      }),
    );
    const file = tmp.write('batched.jsonl', toJsonl(events));
    const warehouse = await tmp.open();
    const outcomes: BatchOutcome[] = [];
    const summary = await ingest(warehouse, [file], {
      batchSize: 3,
      onBatch: (outcome) => outcomes.push(outcome),
    });
    expect(summary).toMatchObject({ accepted: 10, duplicates: 0, rejected: 0 });
    expect(outcomes.map((outcome) => outcome.accepted)).toEqual([3, 3, 3, 1]);

    const batches = await warehouse.all<{
      batch_id: bigint;
      accepted: number;
      first_line: bigint;
      last_line: bigint;
    }>('SELECT batch_id, accepted, first_line, last_line FROM ingest_batches ORDER BY batch_id');
    expect(
      batches.map((batch) => [batch.accepted, Number(batch.first_line), Number(batch.last_line)]),
    ).toEqual([
      [3, 1, 3],
      [3, 4, 6],
      [3, 7, 9],
      [1, 10, 10],
    ]);

    const landed = await warehouse.all<{
      event_id: string;
      seq: bigint;
      batch_id: bigint;
      source_line: bigint;
    }>('SELECT event_id, seq, batch_id, source_line FROM event_log ORDER BY source_line');
    expect(landed.map((row) => row.event_id)).toEqual(events.map((event) => event.event_id));
    expect(new Set(landed.map((row) => row.event_id)).size).toBe(10);
    for (let index = 1; index < landed.length; index++) {
      expect(landed[index]!.seq).toBeGreaterThan(landed[index - 1]!.seq);
      expect(landed[index]!.batch_id).toBeGreaterThanOrEqual(landed[index - 1]!.batch_id);
    }
    expect(new Set(landed.map((row) => row.batch_id)).size).toBe(4);
  });
});
