/** Help texts made from the command declarations: usage, summary, details, subcommands and options. */
import {
  COMMON_OPTIONS,
  type Command,
  type GroupCommand,
  isGroup,
  type LeafCommand,
  type OptionSpec,
  type OptionSpecs,
} from './command.ts';

const WIDTH = 110;

/** `--limit N`, `--json`, `--format table|json|csv` */
function flagText(name: string, spec: OptionSpec): string {
  if (spec.type === 'boolean') return `--${name}`;
  const choices = spec.type === 'enum' ? spec.choices.join('|') : undefined;
  const value =
    spec.valueName ?? (choices !== undefined && choices.length <= 20 ? choices : spec.type.toUpperCase());
  return `--${name} ${value}`;
}

function optionRows(options: OptionSpecs): string[] {
  const all: OptionSpecs = { ...options, ...COMMON_OPTIONS };
  return Object.entries(all).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}${flagText(name, spec)}`;
    return `  ${flag.padEnd(30)} ${spec.description}`;
  });
}

/** `retailos exceptions ack ID [--note TEXT] …`, wrapped under its start. */
export function leafUsage(path: string, command: LeafCommand): string {
  if (command.usage !== undefined) return command.usage;
  const words = [path];
  for (const arg of command.arguments ?? []) {
    const name = arg.variadic ? `${arg.name}...` : arg.name;
    words.push(arg.required ? name : `[${name}]`);
  }
  for (const [name, spec] of Object.entries(command.options)) {
    const flag = flagText(name, spec);
    words.push('required' in spec && spec.required ? flag : `[${flag}]`);
  }
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && `${line} ${word}`.length > WIDTH - 7) {
      lines.push(line);
      line = ' '.repeat(path.length);
    }
    line = line.trim() === '' ? `${line}${word}` : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n       ');
}

function groupUsage(path: string, group: GroupCommand): string {
  return group.usage ?? `${path} <${group.subcommands.map((sub) => sub.name).join('|')}> [options]`;
}

export function helpText(command: Command, path = `retailos ${command.name}`): string {
  if (isGroup(command)) return groupHelp(command, path);
  return [
    `Usage: ${leafUsage(path, command)}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    '',
    'Options:',
    ...optionRows(command.options),
    '',
  ].join('\n');
}

function groupHelp(group: GroupCommand, path: string): string {
  const width = Math.max(...group.subcommands.map((sub) => sub.name.length)) + 2;
  return [
    `Usage: ${groupUsage(path, group)}`,
    '',
    group.summary,
    ...(group.details ? ['', group.details] : []),
    '',
    'Subcommands:',
    ...group.subcommands.map(
      (sub) =>
        `  ${sub.name.padEnd(width)} ${sub.summary}${sub.name === group.default ? ' (the default)' : ''}`,
    ),
    '',
    `Each has its own options: ${path} <subcommand> --help.`,
    '',
    'Options:',
    ...optionRows({}),
    '',
  ].join('\n');
}
