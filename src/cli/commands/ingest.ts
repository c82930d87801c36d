import type { DuckDBConnection } from '@duckdb/node-api';
import type { Pipeline } from '../../../pipelines/pipeline.ts';
import { loadConnection } from '../../channels/connections.ts';
import { inboundSettingsOf } from '../../channels/inbound/channel.ts';
import { connectionQuery } from '../../channels/inbound/context.ts';
import { fieldKinds } from '../../contracts/index.ts';
import {
  amazonOrdersReport,
  FORMATS,
  type FormatName,
  isFormatName,
  mappedCsv,
  shopifyOrdersCsv,
} from '../../ingest/formats/index.ts';
import { loadMapping, type MappingFile } from '../../ingest/formats/mapped-csv.ts';
import { type IngestSummary, ingestSources } from '../../ingest/ingest.ts';
import { resolveSources, type Source } from '../../ingest/sources.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import { type CommandIo, defineCommand } from '../command.ts';
import { formatCount } from '../format.ts';
import { ProgressBar } from '../progress.ts';

export const ingestCommand = defineCommand({
  name: 'ingest',
  summary: 'Validate and land events from files, directories, globs or stdin.',
  usage:
    'retailos ingest <path|dir|glob|-> ... [--format jsonl|csv|parquet] [--from FORMAT --channel ID [--map FILE]] [--batch-size N] [--json]',
  details: [
    'Formats by file ending: .jsonl/.ndjson (JSON Lines), .csv, .parquet; .gz is decompressed.',
    'Files as channels and other systems write them, with --from (docs/channels-inbound.md):',
    ...Object.entries(FORMATS).map(([name, what]) => `  ${name}: ${what}`),
    "Channel orders keep the channel's own ids (external_ref; retailos audit external REF); unknown SKUs and",
    "orders that cannot be placed are rejected with the channel's order id. Re-importing a later file updates",
    'statuses (shipped, cancelled, refunded) without duplicating anything.',
    "'-' reads JSON Lines from stdin. Idempotent by event_id: re-running the same input lands nothing twice.",
    'Invalid inputs are kept as rejects (see `retailos rejects`) and never stop the rest: text that is not',
    'UTF-8 or not valid Unicode, blank ids or control characters in ids (docs/ingestion.md, "Text"), and business',
    'times outside the window: occurred_at from 2000-01-01 to 7 days ahead, planned times to 730 days ahead',
    '(RETAILOS_EARLIEST_BUSINESS_TIME, RETAILOS_MAX_FUTURE_DAYS, RETAILOS_MAX_PLANNED_DAYS).',
    'Exit code: 0 when everything was accepted or a duplicate, 1 when some inputs were rejected.',
  ].join('\n'),
  options: {
    format: {
      type: 'string',
      valueName: 'FMT',
      description: 'force the format of every input (jsonl, csv, parquet)',
    },
    from: {
      type: 'string',
      valueName: 'FORMAT',
      description: `read files in a channel's or another system's format (${Object.keys(FORMATS).join(', ')})`,
    },
    channel: {
      type: 'string',
      valueName: 'ID',
      description: 'the sales channel the files come from (with --from)',
    },
    map: { type: 'string', valueName: 'FILE', description: 'the mapping file of --from mapped-csv (JSON)' },
    'batch-size': {
      type: 'int',
      min: 1,
      max: 1_000_000,
      valueName: 'N',
      description: 'inputs per atomic batch (default 50000)',
    },
    json: { type: 'boolean', description: 'print the summary as JSON' },
    verbose: { type: 'boolean', description: 'print a line to stderr as each batch commits' },
  },
  arguments: [
    {
      name: 'PATH',
      required: true,
      variadic: true,
      missing: 'Nothing to ingest: name files, directories, globs or - for stdin.',
    },
  ],
  async run(args, io) {
    if (args.positionals.length === 0)
      throw new UserError('Nothing to ingest: name files, directories, globs or - for stdin.');
    const _batchSize = args.values['batch-size'];
    const from = args.values.from as string | undefined;
    const channel = args.values.channel as string | undefined;
    const mapFile = args.values.map as string | undefined;
    checkFromOptions(from, channel, mapFile, args.values.format);
    const mapping = mapFile === undefined ? undefined : loadMapping(mapFile);
    const resolved = await resolveSources(args.positionals, from === undefined ? args.values.format : 'csv');
    const { skipped } = resolved;
    let { sources } = resolved;
    if (sources.length === 0)
      throw new UserError('No ingestible files found (.jsonl, .ndjson, .csv, .parquet).');
    const dbPath = resolveDbPath(args.values.db, io.env);
    const warehouse = await Warehouse.open(dbPath);
    let summary: IngestSummary;
    let lookups: DuckDBConnection | undefined;
    try {
      if (from !== undefined) {
        lookups = await warehouse.connect();
        const pipeline = await formatPipeline(warehouse, lookups, from as FormatName, channel, mapping);
        sources = sources.map((source) => ({ ...source, pipeline }));
      }
      summary = await ingestWithProgress(warehouse, sources, io, {
        batchSize: args.values['batch-size'],
        verbose: args.values.verbose,
      });
    } finally {
      lookups?.closeSync();
      await warehouse.close();
    }
    printSummary(io, summary, skipped, args.values.json);
    return summary.rejected > 0 ? 1 : 0;
  },
});

/** Ingests with a progress bar on a terminal (and a line per committed batch with `verbose`). */
export async function ingestWithProgress(
  warehouse: Warehouse,
  sources: Source[],
  io: CommandIo,
  options: { batchSize?: number | undefined; verbose?: boolean } = {},
): Promise<IngestSummary> {
  const progress = new ProgressBar(io.stderr);
  try {
    return await ingestSources(warehouse, sources, {
      batchSize: options.batchSize,
      onBatch: options.verbose
        ? (batch) =>
            io.stderr.write(
              `batch ${batch.batchId} committed: accepted ${batch.accepted}, duplicates ${batch.duplicates}, rejected ${batch.rejected}\n`,
            )
        : undefined,
      onProgress: (state) =>
        progress.update({
          label: `${state.sourceIndex + 1}/${state.sourceCount}`,
          position: state.position,
          total: state.total,
          unit: state.unit,
          detail: `accepted ${formatCount(state.counts.accepted)} rejected ${formatCount(state.counts.rejected)}`,
        }),
    });
  } finally {
    progress.done();
  }
}

function checkFromOptions(
  from: string | undefined,
  channel: string | undefined,
  mapFile: string | undefined,
  format: string | undefined,
): void {
  if (from === undefined) {
    if (channel !== undefined || mapFile !== undefined)
      throw new UserError('--channel and --map go with --from FORMAT (see --help).');
    return;
  }
  if (!isFormatName(from))
    throw new UserError(`Unknown --from format "${from}": use ${Object.keys(FORMATS).join(', ')}.`);
  if (format !== undefined) throw new UserError('Give --from or --format, not both.');
  if (from === 'mapped-csv' && mapFile === undefined)
    throw new UserError(
      "--from mapped-csv needs --map FILE: the mapping of the file's columns (docs/channels-inbound.md).",
    );
  if (from !== 'mapped-csv' && mapFile !== undefined)
    throw new UserError(`--map goes with --from mapped-csv, not ${from}.`);
  if (from !== 'mapped-csv' && channel === undefined)
    throw new UserError(`--from ${from} needs --channel ID: the sales channel the orders were placed on.`);
}

/** The pipeline of a --from format for this run: it knows the channel's settings and reads the warehouse. */
async function formatPipeline(
  warehouse: Warehouse,
  lookups: DuckDBConnection,
  from: FormatName,
  channel: string | undefined,
  mapping: MappingFile | undefined,
): Promise<Pipeline> {
  if (from === 'mapped-csv') {
    const fields = { ...mapping!.fields };
    // A channel given on the command line fills the event's channel_id when the mapping leaves it out.
    if (channel !== undefined && fieldKinds(mapping!.type).has('channel_id') && !('channel_id' in fields))
      fields.channel_id = { value: channel };
    return mappedCsv({ ...mapping!, fields });
  }
  const channelId = channel!;
  const connection = await loadConnection(warehouse, channelId);
  if (!connection) {
    const declared = await warehouse.one(
      `SELECT 1 AS found FROM event_log WHERE type = 'channel_upserted' AND (payload->>'channel_id') = $id LIMIT 1`,
      { id: channelId },
    );
    if (!declared) {
      throw new UserError(
        `Unknown channel "${channelId}": connect it (retailos channels add) or land its channel_upserted first.`,
      );
    }
  }
  const options = {
    channelId,
    settings: connection ? inboundSettingsOf(connection) : undefined,
    query: connectionQuery(lookups),
  };
  return from === 'shopify-orders-csv' ? shopifyOrdersCsv(options) : amazonOrdersReport(options);
}

export function printSummary(
  io: CommandIo,
  summary: IngestSummary,
  skipped: string[],
  asJson: boolean,
): void {
  if (asJson) {
    io.stdout.write(`${JSON.stringify({ ...summary, skipped })}\n`);
    return;
  }
  for (const file of skipped) io.stderr.write(`skipped (unknown format): ${file}\n`);
  if (summary.sources.length > 1) {
    for (const source of summary.sources) {
      io.stdout.write(
        `${source.path}: accepted ${formatCount(source.accepted)}, duplicates ${formatCount(source.duplicates)}, rejected ${formatCount(source.rejected)}\n`,
      );
    }
  }
  io.stdout.write(
    `accepted ${formatCount(summary.accepted)} / duplicates ${formatCount(summary.duplicates)} / ` +
      `rejected ${formatCount(summary.rejected)}${summary.conflicts ? ` (${formatCount(summary.conflicts)} conflicts)` : ''} / ` +
      `${summary.seconds.toFixed(2)} s / ${formatCount(Math.round(summary.eventsPerSecond))} events/s\n`,
  );
  if (summary.rejected > 0) io.stdout.write('See the rejects with: retailos rejects list\n');
}
