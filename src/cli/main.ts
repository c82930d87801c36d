import { parseArgs } from 'node:util';
import { UserError } from '../warehouse/errors.ts';
import { COMMON_OPTIONS, type Command, type CommandIo, helpText } from './command.ts';
import { alertsCommand } from './commands/alerts.ts';
import { allocateCommand } from './commands/allocate.ts';
import { approvalsCommand } from './commands/approvals.ts';
import { auditCommand } from './commands/audit.ts';
import { availabilityCommand } from './commands/availability.ts';
import { channelsCommand } from './commands/channels.ts';
import { checkCommand } from './commands/check.ts';
import { dashboardsCommand } from './commands/dashboards.ts';
import { demoCommand } from './commands/demo.ts';
import { exceptionsCommand } from './commands/exceptions.ts';
import { forecastCommand } from './commands/forecast.ts';
import { ingestCommand } from './commands/ingest.ts';
import { initCommand } from './commands/init.ts';
import { keysCommand } from './commands/keys.ts';
import { kpisCommand } from './commands/kpis.ts';
import { nabCommand } from './commands/nab.ts';
import { positionsCommand } from './commands/positions.ts';
import { refreshCommand } from './commands/refresh.ts';
import { rejectsCommand } from './commands/rejects.ts';
import { replenishCommand } from './commands/replenish.ts';
import { returnsCommand } from './commands/returns.ts';
import { serveCommand } from './commands/serve.ts';
import { settingsCommand } from './commands/settings.ts';
import { simulateCommand } from './commands/simulate.ts';
import { sqlCommand } from './commands/sql.ts';
import { statusCommand } from './commands/status.ts';

export const COMMANDS: readonly Command[] = [
  initCommand,
  ingestCommand,
  sqlCommand,
  rejectsCommand,
  simulateCommand,
  refreshCommand,
  settingsCommand,
  positionsCommand,
  kpisCommand,
  availabilityCommand,
  channelsCommand,
  exceptionsCommand,
  approvalsCommand,
  returnsCommand,
  auditCommand,
  allocateCommand,
  forecastCommand,
  alertsCommand,
  nabCommand,
  replenishCommand,
  statusCommand,
  checkCommand,
  dashboardsCommand,
  serveCommand,
  keysCommand,
  demoCommand,
];

function mainHelp(): string {
  return [
    'retailos — retail operations on an embedded DuckDB warehouse',
    '',
    'Usage: retailos <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`),
    '',
    'Every command takes --db PATH (default: $RETAILOS_DB or data/retailos.duckdb) and --help.',
    '',
  ].join('\n');
}

/** Parses argv, runs the command, and turns user mistakes into a message and an exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('retailos 0.1.0\n');
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.stderr.write(`retailos: unknown command "${name}". Run retailos --help for the list.\n`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, ...COMMON_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.stdout.write(helpText(command));
      return 0;
    }
    return await command.run({ values, positionals }, io);
  } catch (error) {
    if (error instanceof UserError) {
      io.stderr.write(`retailos ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`retailos ${name}: ${error.message}\nRun retailos ${name} --help for usage.\n`);
      return 2;
    }
    throw error;
  }
}
