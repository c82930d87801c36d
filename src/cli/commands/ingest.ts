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
  usage: 'retailos ingest <path|dir|glob|-> ... [--format jsonl|csv|parquet] [--batch-size N] [--json]',
  details: [
    'Formats by file ending: .jsonl/.ndjson (JSON Lines), .csv, .parquet; .gz is decompressed.',
    "'-' reads JSON Lines from stdin. Idempotent by event_id: re-running the same input lands nothing twice.",
    'Invalid inputs are kept as rejects (see `retailos rejects`) and never stop the rest.',
    'Exit code: 0 when everything was accepted or a duplicate, 1 when some inputs were rejected.',
  ].join('\n'),
  options: {
    format: {
      type: 'string',
      valueName: 'FMT',
      description: 'force the format of every input (jsonl, csv, parquet)',
    },
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
    const { sources, skipped } = await resolveSources(args.positionals, args.values.format);
    if (sources.length === 0)
      throw new UserError('No ingestible files found (.jsonl, .ndjson, .csv, .parquet).');
    const dbPath = resolveDbPath(args.values.db, io.env);
    const warehouse = await Warehouse.open(dbPath);
    let summary: IngestSummary;
    try {
      summary = await ingestWithProgress(warehouse, sources, io, {
        batchSize: args.values['batch-size'],
        verbose: args.values.verbose,
      });
    } finally {
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
