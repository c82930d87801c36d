/**
 * Issue 15: input that is not valid text never lands distorted. Bytes that are not UTF-8 (in JSONL and CSV,
 * plain or gzipped, with and without staging workers) are refused line by line as `invalid_encoding`, their
 * exact bytes kept on the reject; JSON escapes of lone surrogates are refused by the contract at their field;
 * ids that would all have become "…\ufffd" no longer collide; business times outside the window are refused.
 */
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BUSINESS_TIME_ENV } from '../../src/contracts/index.ts';
import type { Warehouse } from '../../src/warehouse/warehouse.ts';
import { count, ingest, receipt, rejects, useTempDir } from '../helpers/retailos.ts';

const tmp = useTempDir();

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))),
  );

/** A receipt line (JSON) whose sku is the given raw bytes. */
function receiptLine(id: string, skuBytes: Buffer): Buffer {
  const [head, tail] = JSON.stringify(receipt(id, { sku: '@@' })).split('@@');
  return Buffer.concat([Buffer.from(head!), skuBytes, Buffer.from(tail!)]);
}

/** Invalid UTF-8 byte sequences, each inside a sku: [label, bytes, the bytes the message names]. */
const INVALID: [string, Buffer, string][] = [
  ['a stray 0xff', bytes('SKU-', [0xff], '-1'), '0xff'],
  ['a UTF-8-encoded lone surrogate (CESU-8)', bytes('SKU-', [0xed, 0xa0, 0x80]), '0xed 0xa0 0x80'],
  ['an overlong encoding of "/"', bytes('SKU-', [0xc0, 0xaf]), '0xc0 0xaf'],
  ['a sequence cut short', bytes('SKU-', [0xe2, 0x82], '-2'), '0xe2 0x82'],
  ['Latin-1 text', bytes('Cr', [0xe8], 'me'), '0xe8'],
  ['a code point above U+10FFFF', bytes('SKU-', [0xf4, 0x90, 0x80, 0x80]), '0xf4 0x90 0x80 0x80'],
];

async function rowsOf(warehouse: Warehouse): Promise<{ event_id: string; sku: string }[]> {
  return warehouse.all(`SELECT event_id, payload->>'sku' AS sku FROM event_log ORDER BY seq`);
}

describe('JSON Lines that are not valid text', () => {
  const lines: Buffer[] = [
    Buffer.from(JSON.stringify(receipt('ok-1'))),
    ...INVALID.map(([, sku], index) => receiptLine(`bad-bytes-${index}`, sku)),
    // valid UTF-8, but JSON escapes of lone surrogates: refused by the contract at their field
    Buffer.from(JSON.stringify(receipt('esc-1', { sku: 'SKU-\ud800' }))),
    Buffer.from(JSON.stringify(receipt('evt-\udffe'))),
    Buffer.from(JSON.stringify(receipt('evt-\udfff'))),
    // the replacement character itself is a character like any other
    Buffer.from(JSON.stringify(receipt('evt-\ufffd'))),
    bytes(
      '{"event_id":"raw-fffd","type":"receipt","occurred_at":"2025-03-01T08:00:00Z","node_id":"DC-1",',
      '"sku":"SKU-',
      [0xef, 0xbf, 0xbd],
      '","qty":1,"unit_cost":1}',
    ),
    Buffer.from(JSON.stringify(receipt('ok-2', { sku: 'SKU-Ü-😀' }))),
  ];
  const file = (): Buffer => Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\r\n')]));

  for (const [label, name, content, workers] of [
    ['plain, validated in place', 'events.jsonl', file, 0],
    ['plain, validated by staging workers', 'events.jsonl', file, 2],
    ['gzipped', 'events.jsonl.gz', () => gzipSync(file()), 0],
  ] as const) {
    it(`${label}: each line that is not UTF-8 is refused with its bytes kept; the others land`, async () => {
      const warehouse = await tmp.open();
      const path = tmp.write(name, content());
      const summary = await ingest(warehouse, [path], { workers });
      expect(summary).toMatchObject({ accepted: 4, rejected: INVALID.length + 3, conflicts: 0 });
      expect(await rowsOf(warehouse)).toEqual([
        { event_id: 'ok-1', sku: 'SKU-1' },
        { event_id: 'evt-\ufffd', sku: 'SKU-1' },
        { event_id: 'raw-fffd', sku: 'SKU-\ufffd' },
        { event_id: 'ok-2', sku: 'SKU-Ü-😀' },
      ]);

      const found = await rejects(warehouse);
      const encoding = found.filter((row) => row.errors[0]?.code === 'invalid_encoding');
      expect(encoding.map((row) => row.source_line)).toEqual(INVALID.map((_, index) => index + 2));
      INVALID.forEach(([what, , shown], index) => {
        const row = encoding[index]!;
        const line = lines[index + 1]!;
        expect(row.reason, what).toBe('unreadable');
        expect(row.errors[0]!.message, what).toContain(`the line is not valid UTF-8 (invalid UTF-8 at byte`);
        expect(row.errors[0]!.message, what).toContain(shown);
        // the exact bytes, and a readable rendering with each invalid byte as \xNN
        expect(Buffer.from((row.errors[0] as { bytes_base64?: string }).bytes_base64!, 'base64')).toEqual(
          line,
        );
        expect(row.raw, what).toContain('"event_id":"bad-bytes-');
        expect(row.raw, what).toMatch(/\\x[0-9a-f]{2}/);
        expect(row.raw, what).not.toContain('\ufffd');
      });

      const surrogates = found.filter((row) => row.reason === 'invalid');
      expect(surrogates.map((row) => [row.event_id, row.errors.map((error) => error.path)])).toEqual([
        ['esc-1', ['sku']],
        ['evt-\\udffe', ['event_id']],
        ['evt-\\udfff', ['event_id']],
      ]);
      expect(surrogates[0]!.errors[0]!.message).toMatch(/not valid Unicode: lone surrogate U\+D800/);
    });
  }

  it('sending the same file again lands nothing twice and stores no reject twice', async () => {
    const warehouse = await tmp.open();
    const path = tmp.write('events.jsonl', file());
    await ingest(warehouse, [path]);
    const again = await ingest(warehouse, [path]);
    expect(again).toMatchObject({ accepted: 0, duplicates: 4, conflicts: 0 });
    expect(await count(warehouse, 'SELECT count(*) AS n FROM rejected_events')).toBe(INVALID.length + 3);
  });
});

describe('CSV that is not valid text', () => {
  it('each row that is not UTF-8 is refused with its bytes; lone-surrogate escapes in JSON cells are refused at their path', async () => {
    const warehouse = await tmp.open();
    const header = 'event_id,type,occurred_at,node_id,sku,qty,unit_cost\r\n';
    const row = (id: string, sku: Buffer | string) =>
      bytes(`${id},receipt,2025-03-01T08:00:00Z,DC-1,`, typeof sku === 'string' ? sku : [...sku], ',5,2\r\n');
    const csv = Buffer.concat([
      bytes([0xef, 0xbb, 0xbf], header),
      row('c-ok', 'SKU-1'),
      ...INVALID.map(([, sku], index) => row(`c-bad-${index}`, sku)),
      // a quoted cell spanning two lines, with an invalid byte on its second line
      bytes('c-multi,receipt,2025-03-01T08:00:00Z,DC-1,"SKU\n-', [0xfe], '",5,2\r\n'),
      // in CSV a backslash is text: "SKU-\ud800" is ten valid characters
      row('c-text', 'SKU-\\ud800'),
      row('c-umlaut', 'SKU-Ü'),
    ]);
    const path = tmp.write('receipts.csv', csv);
    const summary = await ingest(warehouse, [path]);
    expect(summary).toMatchObject({ accepted: 3, rejected: INVALID.length + 1 });
    expect(await rowsOf(warehouse)).toEqual([
      { event_id: 'c-ok', sku: 'SKU-1' },
      { event_id: 'c-text', sku: 'SKU-\\ud800' },
      { event_id: 'c-umlaut', sku: 'SKU-Ü' },
    ]);
    const found = await rejects(warehouse);
    expect(found.map((reject) => [reject.source_line, reject.errors[0]!.code])).toEqual([
      ...INVALID.map((_, index) => [index + 3, 'invalid_encoding']),
      [INVALID.length + 3, 'invalid_encoding'],
    ]);
    for (const reject of found) {
      expect(reject.raw).toMatch(/^c-(bad-\d|multi),receipt,/);
      expect(reject.raw).not.toContain('\ufffd');
      expect(reject.errors[0]!.message).toContain('the row is not valid UTF-8');
    }
    const multi = found.at(-1)!;
    expect(Buffer.from((multi.errors[0] as { bytes_base64?: string }).bytes_base64!, 'base64')).toEqual(
      bytes('c-multi,receipt,2025-03-01T08:00:00Z,DC-1,"SKU\n-', [0xfe], '",5,2'),
    );
  });

  it('JSON cells (order lines, node ids) holding lone-surrogate escapes are refused at their nested path', async () => {
    const warehouse = await tmp.open();
    const csv = [
      'event_id,type,occurred_at,channel_id,name,channel_type,node_ids',
      'ch-1,channel_upserted,2025-03-01T08:00:00Z,WEB,Web,web,"[""DC-1"",""ST-\\udfff""]"',
      'ch-2,channel_upserted,2025-03-01T08:00:00Z,APP,App,web,DC-1|ST-1',
      '',
    ].join('\n');
    const orders = [
      'event_id,occurred_at,order_id,channel_id,ship_to_region,service_level,line_id,sku,qty,unit_price',
      'o-1,2025-03-01T08:00:00Z,O1,WEB,east,standard,1,SKU-1,1,5',
      'o-1,2025-03-01T08:00:00Z,O1,WEB,east,standard,2,SKU-\u0007,1,5',
      'o-2,2025-03-01T08:00:00Z,O2,WEB,east,standard,1,SKU-1,1,5',
      '',
    ].join('\n');
    await ingest(warehouse, [tmp.write('channels.csv', csv), tmp.write('order_placed.csv', orders)]);
    expect(await warehouse.all('SELECT event_id FROM event_log ORDER BY seq')).toEqual([
      { event_id: 'ch-2' },
      { event_id: 'o-2' },
    ]);
    const found = await rejects(warehouse);
    expect(found.map((reject) => [reject.event_id, reject.errors.map((error) => error.path)])).toEqual([
      ['ch-1', ['node_ids.1']],
      ['o-1', ['lines.1.sku']],
    ]);
    expect(found[1]!.errors[0]!.message).toMatch(/control character U\+0007/);
  });
});

describe('business time window at ingest', () => {
  it('refuses years 0000, 0001, 2124 and 9999; the window set in the environment reaches staging workers', async () => {
    const warehouse = await tmp.open();
    const soon = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const events = [
      receipt('t-0000', { occurred_at: '0000-01-01T00:00:00Z' }),
      receipt('t-0001', { occurred_at: '0001-01-01T00:00:00Z' }),
      receipt('t-2124', { occurred_at: '2124-07-01T00:00:00Z' }),
      receipt('t-9999', { occurred_at: '9999-12-31T23:59:59Z' }),
      receipt('t-soon', { occurred_at: soon }),
      receipt('t-ok', { occurred_at: '2025-03-01T08:00:00Z' }),
    ];
    const path = tmp.write('times.jsonl', `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
    // Workers copy the environment when they start: a window of 0 days ahead refuses "soon" there.
    const saved = process.env[BUSINESS_TIME_ENV.maxFutureDays];
    process.env[BUSINESS_TIME_ENV.maxFutureDays] = '0';
    try {
      await ingest(warehouse, [path], { workers: 1 });
    } finally {
      if (saved === undefined) delete process.env[BUSINESS_TIME_ENV.maxFutureDays];
      else process.env[BUSINESS_TIME_ENV.maxFutureDays] = saved;
    }
    expect(await warehouse.all('SELECT event_id FROM event_log')).toEqual([{ event_id: 't-ok' }]);
    const found = await rejects(warehouse);
    expect(found.map((reject) => [reject.event_id, reject.errors[0]!.path, reject.errors[0]!.code])).toEqual([
      ['t-0000', 'occurred_at', 'too_small'],
      ['t-0001', 'occurred_at', 'too_small'],
      ['t-2124', 'occurred_at', 'too_big'],
      ['t-9999', 'occurred_at', 'too_big'],
      ['t-soon', 'occurred_at', 'too_big'],
    ]);
    expect(found[4]!.errors[0]!.message).toMatch(/at most 0 days after arrival/);
    // in place (this thread, default window) "soon" is fine
    const inPlace = await tmp.open('in-place.duckdb');
    await ingest(inPlace, [path], { workers: 0 });
    expect(await inPlace.all('SELECT event_id FROM event_log ORDER BY seq')).toEqual([
      { event_id: 't-soon' },
      { event_id: 't-ok' },
    ]);
    expect(fs.existsSync(path)).toBe(true);
  });
});
