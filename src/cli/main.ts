import type { Command, CommandIo } from './command.ts';
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
import { runCommand } from './dispatch.ts';
import { closest } from './suggest.ts';

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
    'Usage: retailos <command> [subcommand] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(12)} ${command.summary}`),
    '',
    'Every command takes --db PATH (default: $RETAILOS_DB or data/retailos.duckdb) and --help;',
    'retailos <command> --help lists its subcommands and options (retailos help <command> too).',
    '',
  ].join('\n');
}

/** Finds the command, runs it, and turns user mistakes into a message and an exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout.write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === 'help') {
    // `retailos help exceptions ack` = `retailos exceptions ack --help`
    if (rest.length > 0) return main([...rest, '--help'], io);
    io.stdout.write(mainHelp());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('retailos 0.1.0\n');
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    const names = COMMANDS.map((candidate) => candidate.name);
    const near = name.startsWith('-') ? undefined : closest(name, names);
    io.stderr.write(
      name.startsWith('-')
        ? `retailos: Unknown option ${name}: a command comes first (retailos <command> [options]). Run retailos --help for the list.\n`
        : `retailos: unknown command '${name}'. ${near === undefined ? 'Run retailos --help for the list.' : `Did you mean '${near}'?`}\n`,
    );
    return 2;
  }
  return runCommand(command, rest, io);
}
