import path from 'node:path';
import { SQL_DIR } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { readSqlFolder } from '../../warehouse/sql-files.ts';
import type { Command } from '../command.ts';
import { formatRows } from '../format.ts';
import { outputFormat, withLedger } from './positions.ts';

/** The API's query (sql/api/kpis.sql): the CLI and GET /api/v1/kpis list the same rows of mart_kpis. */
const KPIS_SQL = readSqlFolder(path.join(SQL_DIR, 'api')).find((file) => file.name === 'kpis')!.sql;
const PERIODS = ['trailing', 'day', 'week', 'month', 'all'];
const SCOPES = ['all', 'channel', 'node', 'category'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
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

export const kpisCommand: Command = {
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
      type: 'string',
      valueName: 'PERIOD',
      description: 'trailing (default), day, week, month or all',
    },
    kpi: { type: 'string', valueName: 'NAME', description: 'only this KPI (fill_rate, stockout_rate, …)' },
    scope: {
      type: 'string',
      valueName: 'SCOPE',
      description: 'only this scope: all, channel, node or category',
    },
    from: {
      type: 'string',
      valueName: 'DATE',
      description: 'periods starting on or after this date (YYYY-MM-DD)',
    },
    to: { type: 'string', valueName: 'DATE', description: 'periods starting on or before this date' },
    format: { type: 'string', valueName: 'FMT', description: 'table (default), json or csv' },
  },
  async run(args, io) {
    const format = outputFormat(args);
    const value = (name: string) => args.values[name] as string | undefined;
    const period = value('period');
    if (period !== undefined && !PERIODS.includes(period))
      throw new UserError(`Unknown --period "${period}": use ${PERIODS.join(', ')}.`);
    const scope = value('scope');
    if (scope !== undefined && !SCOPES.includes(scope))
      throw new UserError(`Unknown --scope "${scope}": use ${SCOPES.join(', ')}.`);
    for (const name of ['from', 'to'])
      if (value(name) !== undefined && !DATE.test(value(name)!))
        throw new UserError(`--${name} takes a date like 2024-03-04, not "${value(name)}".`);
    return withLedger(args, io, async (warehouse) => {
      const rows = await warehouse.all(KPIS_SQL, {
        kpi: value('kpi') ?? null,
        scope: scope ?? null,
        period: period ?? null,
        from: value('from') ?? null,
        to: value('to') ?? null,
      });
      if (rows.length === 0 && value('kpi') !== undefined)
        io.stderr.write(
          `note: no rows for KPI "${value('kpi')}"; see retailos kpis --period all for the list\n`,
        );
      io.stdout.write(formatRows(COLUMNS, rows, format));
      return 0;
    });
  },
};
