import { runAnalystQuery } from '../../sandbox/local.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import type { Command } from '../command.ts';
import { formatRows, OUTPUT_FORMATS, type OutputFormat } from '../format.ts';

export const sqlCommand: Command = {
  name: 'sql',
  summary: 'Run a read-only SQL query against the warehouse (DuckDB dialect).',
  usage: 'retailos sql "<query>" [--format table|json|csv]',
  details: [
    'Read models resolve unqualified: events, rejected_events, stg_items, stg_nodes, stg_channels, …',
    'The query runs sandboxed, as POST /api/v1/sql does: one read-only statement over the allow-listed',
    'relations and functions (docs/api.md, "Analyst SQL sandbox"), no file or network access.',
    '--format json prints one JSON array of row objects (numbers as JSON numbers).',
  ].join('\n'),
  options: {
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
  },
  async run(args, io) {
    const query = args.positionals.join(' ');
    const format = (args.values.format as string | undefined) ?? 'table';
    if (!OUTPUT_FORMATS.includes(format as OutputFormat)) {
      throw new UserError(`Unknown --format "${format}": use table, json or csv.`);
    }
    if (query.trim() === '')
      throw new UserError('Give a query, e.g. retailos sql "SELECT type, count(*) FROM events GROUP BY 1"');
    const dbPath = resolveDbPath(args.values.db as string | undefined, io.env);
    const result = await runAnalystQuery(dbPath, query);
    io.stdout.write(formatRows(result.columns, result.rows, format as OutputFormat));
    return 0;
  },
};
