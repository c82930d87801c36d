import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  description: string;
  valueName?: string;
};

/** Where a command writes: injected so tests capture output without a terminal. */
export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** One CLI verb: its help text, its flags, and the function that runs it (returns the exit code). */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Longer help, shown under the usage line. */
  details?: string;
  options: Record<string, OptionSpec>;
  run: (args: ParsedArgs, io: CommandIo) => Promise<number>;
}

/** Every command takes --db and --help. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  db: {
    type: 'string',
    valueName: 'PATH',
    description: 'warehouse file (default: $RETAILOS_DB or data/retailos.duckdb)',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export function helpText(command: Command): string {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(30)} ${spec.description}`;
  });
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    '',
    'Options:',
    ...rows,
    '',
  ].join('\n');
}
