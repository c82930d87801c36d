import { runAnalystQuery } from '../../sandbox/local.ts';
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { defineCommand } from '../command.ts';
import { formatRows } from '../format.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

const EXAMPLE = 'retailos sql "SELECT type, count(*) FROM events GROUP BY 1"';

export const sqlCommand = defineCommand({
  name: 'sql',
  summary: 'Run a read-only SQL query against the warehouse (DuckDB dialect).',
  usage: 'retailos sql "<query>" [--format table|json|csv]',
  details: [
    'Read models resolve unqualified: events, rejected_events, stg_items, stg_nodes, stg_channels, …',
    'The query runs sandboxed, as POST /api/v1/sql does: one read-only statement over the allow-listed',
    'relations and functions (docs/api.md, "Analyst SQL sandbox"), no file or network access.',
    '--format json prints one JSON array of row objects (numbers as JSON numbers).',
  ].join('\n'),
  options: { ...FORMAT_OPTION },
  arguments: [{ name: 'QUERY', required: true, variadic: true, missing: `Give a query, e.g. ${EXAMPLE}` }],
  async run(args, io) {
    const query = args.positionals.join(' ');
    if (query.trim() === '') throw new UserError(`Give a query, e.g. ${EXAMPLE}`);
    const result = await runAnalystQuery(resolveDbPath(args.values.db, io.env), query);
    io.stdout.write(formatRows(result.columns, result.rows, args.values.format));
    return 0;
  },
});
