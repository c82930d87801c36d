import path from 'node:path';
import { SQL_DIR } from '../../warehouse/config.ts';
import { readSqlFolder } from '../../warehouse/sql-files.ts';
import { defineCommand } from '../command.ts';
import { formatRows } from '../format.ts';
import { withLedger } from '../session.ts';
import { FORMAT_OPTION } from '../shared-options.ts';

/** The API's query (sql/api/kpis.sql): the CLI and GET /api/v1/kpis list the same rows of mart_kpis. */
const KPIS_SQL = readSqlFolder(path.join(SQL_DIR, 'api')).find((file) => file.name === 'kpis')!.sql;
const PERIODS = ['trailing', 'day', 'week', 'month', 'all'] as const;
const SCOPES = ['all', 'channel', 'node', 'category'] as const;
const COLUMNS = [
  'kpi',
  'period_start',
  'complete',
  'scope',
  'scope_id',
  'value',
  'unit',
  'numerator',
  'denominator',
];

export const kpisCommand = defineCommand({
  name: 'kpis',
  summary: 'Key performance indicators by period and scope (the numbers the API and the dashboards show).',
  usage:
    'retailos kpis [--period trailing|day|week|month|all] [--kpi NAME] [--scope all|channel|node|category] [--from DATE] [--to DATE] [--format table|json|csv]',
  details: [
    'Reads mart_kpis: every KPI of mart_kpi_definitions (fill rate, stockout rate, order cycle time, gross',
    'margin, inventory value …) over the trailing window (default), each day, ISO week or month, or the whole',
    'data window, for all, or per channel, node or category. `complete` is false for a period the business',
    'clock has not reached the end of: compare complete periods only. Same rows as GET /api/v1/kpis.',
  ].join('\n'),
  options: {
    period: {
      type: 'enum',
      choices: PERIODS,
      valueName: 'PERIOD',
      description: 'trailing (default), day, week, month or all',
    },
    kpi: { type: 'string', valueName: 'NAME', description: 'only this KPI (fill_rate, stockout_rate, …)' },
    scope: {
      type: 'enum',
      choices: SCOPES,
      valueName: 'SCOPE',
      description: 'only this scope: all, channel, node or category',
    },
    from: {
      type: 'date',
      valueName: 'DATE',
      description: 'periods starting on or after this date (YYYY-MM-DD)',
    },
    to: { type: 'date', valueName: 'DATE', description: 'periods starting on or before this date' },
    ...FORMAT_OPTION,
  },
  async run(args, io) {
    const { period, kpi, scope, from, to, format } = args.values;
    return withLedger({ db: args.values.db }, io, async (warehouse) => {
      const rows = await warehouse.all(KPIS_SQL, {
        kpi: kpi ?? null,
        scope: scope ?? null,
        period: period ?? null,
        from: from ?? null,
        to: to ?? null,
      });
      if (rows.length === 0 && kpi !== undefined)
        io.stderr.write(`note: no rows for KPI "${kpi}"; see retailos kpis --period all for the list\n`);
      io.stdout.write(formatRows(COLUMNS, rows, format));
      return 0;
    });
  },
});
