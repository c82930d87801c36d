import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingestSources } from '../src/ingest/ingest.ts';
import { readJsonl } from '../src/ingest/readers/jsonl.ts';
import { resolveSources } from '../src/ingest/sources.ts';
import { Warehouse } from '../src/warehouse/warehouse.ts';
import { writeMixedEvents } from './lib/mixed-events.ts';
import type { BenchReport } from './lib/report.ts';

const TMP = path.resolve(import.meta.dirname, 'tmp');

/**
 * `ingest` (BENCHMARKS.md): a JSONL file of mixed events → validated,
 * deduplicated, landed; against a bare appender loop over the same rows in
 * the same run. The bare loop reads the same file with the same line reader,
 * takes the envelope out of each line with JSON.parse and appends
 * (event_id, type, occurred_at, raw line) with one appender: no validation,
 * no idempotency, no transactions, no rejects.
 */
export async function benchIngest(options: { events: number }): Promise<BenchReport> {
  fs.mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `mixed-${options.events}.jsonl`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${options.events.toLocaleString('en-US')} mixed events → ${file}\n`);
    await writeMixedEvents(file, options.events, 42);
  }
  const startedAt = new Date().toISOString();

  const bareDb = path.join(TMP, 'bare.duckdb');
  removeDb(bareDb);
  const bare = await bareAppender(file, bareDb);
  removeDb(bareDb);

  const ourDb = path.join(TMP, 'ingest.duckdb');
  removeDb(ourDb);
  const warehouse = await Warehouse.open(ourDb);
  const { sources } = await resolveSources([file]);
  const first = await ingestSources(warehouse, sources);
  const again = await ingestSources(warehouse, sources);
  await warehouse.close();
  removeDb(ourDb);

  const ratio = first.eventsPerSecond / bare.rowsPerSecond;
  return {
    name: 'ingest',
    description: `${options.events.toLocaleString('en-US')} mixed JSONL events, validated, deduplicated and landed vs a bare appender loop`,
    startedAt,
    parameters: { events: options.events, fileBytes: fs.statSync(file).size, batchSize: 50_000 },
    rows: [
      { metric: 'bare appender rows/s', value: Math.round(bare.rowsPerSecond), unit: 'rows/s' },
      {
        metric: 'ingest events/s',
        value: Math.round(first.eventsPerSecond),
        unit: 'events/s',
        target: '>= 200,000',
        ok: first.eventsPerSecond >= 200_000,
      },
      {
        metric: 'ratio to bare appender',
        value: Number(ratio.toFixed(3)),
        unit: 'x',
        target: '>= 0.3',
        ok: ratio >= 0.3,
      },
      { metric: 'ingest seconds', value: Number(first.seconds.toFixed(2)), unit: 's' },
      {
        metric: 'accepted',
        value: first.accepted,
        unit: 'events',
        target: String(options.events),
        ok: first.accepted === options.events,
      },
      {
        metric: 're-ingest (all duplicates) events/s',
        value: Math.round(again.eventsPerSecond),
        unit: 'events/s',
      },
      {
        metric: 're-ingest duplicates',
        value: again.duplicates,
        unit: 'events',
        target: String(options.events),
        ok: again.duplicates === options.events,
      },
    ],
  };
}

async function bareAppender(file: string, dbPath: string): Promise<{ rowsPerSecond: number }> {
  const instance = await DuckDBInstance.create(dbPath);
  const connection = await instance.connect();
  await connection.run(
    'CREATE TABLE bare (event_id VARCHAR, type VARCHAR, occurred_us DOUBLE, payload VARCHAR)',
  );
  const started = performance.now();
  let rows = 0;
  let appender = await connection.createAppender('bare');
  for await (const chunk of readJsonl({ path: file })) {
    for (const item of chunk.items) {
      const event = JSON.parse(item.raw) as { event_id: string; type: string; occurred_at: string };
      appender.appendVarchar(event.event_id);
      appender.appendVarchar(event.type);
      appender.appendDouble(Date.parse(event.occurred_at) * 1000);
      appender.appendVarchar(item.raw);
      appender.endRow();
      // Flush in the same bounded batches as ingest, so both pay the same commits.
      if (++rows % 50_000 === 0) {
        appender.closeSync();
        appender = await connection.createAppender('bare');
      }
    }
  }
  appender.closeSync();
  const seconds = (performance.now() - started) / 1000;
  connection.closeSync();
  instance.closeSync();
  return { rowsPerSecond: rows / seconds };
}

function removeDb(dbPath: string): void {
  fs.rmSync(dbPath, { force: true });
  fs.rmSync(`${dbPath}.wal`, { force: true });
}
