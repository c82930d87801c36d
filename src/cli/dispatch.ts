/**
 * Runs a command from its words: finds the subcommand (flags may come before it: `retailos exceptions --db
 * w.duckdb ack ID`), prints help for `--help`, parses the flags of the one subcommand that runs, and runs it.
 */

import { UserError } from '../warehouse/errors.ts';
import {
  type Args,
  COMMON_OPTIONS,
  type Command,
  type CommandIo,
  type GroupCommand,
  isGroup,
  type LeafCommand,
  type OptionSpec,
  type OptionSpecs,
  UsageError,
} from './command.ts';
import { exitCodeOf } from './exit-codes.ts';
import { helpText } from './help.ts';
import { parseLine, tokenize } from './parse.ts';
import { closest } from './suggest.ts';

/** Every leaf under `command`, with its path. */
function leaves(command: Command, path: string): { path: string; leaf: LeafCommand }[] {
  if (!isGroup(command)) return [{ path, leaf: command }];
  return command.subcommands.flatMap((sub) => leaves(sub, `${path} ${sub.name}`));
}

/** The options of every leaf under a group, to find where its subcommand's name is among the flags. */
function everyOption(group: GroupCommand, path: string): OptionSpecs {
  const all: Record<string, OptionSpec> = { ...COMMON_OPTIONS };
  for (const { leaf } of leaves(group, path)) {
    for (const [name, spec] of Object.entries(leaf.options)) {
      // A name that takes a value anywhere is read as taking one: its value is never the subcommand.
      if (all[name] === undefined || all[name].type === 'boolean') all[name] = spec;
    }
  }
  return all;
}

const isHelp = (word: string | undefined) => word === '--help' || word === '-h';

type Resolved =
  | { kind: 'help'; command: Command; path: string }
  | {
      kind: 'run';
      leaf: LeafCommand;
      path: string;
      argv: string[];
      root: { command: Command; path: string };
    };

/** Follows the subcommand names down to the leaf that runs (or to the command whose help is asked for). */
function resolve(command: Command, argv: string[], path: string, root = { command, path }): Resolved {
  if (!isGroup(command)) return { kind: 'run', leaf: command, path, argv, root };
  if (isHelp(argv[0])) return { kind: 'help', command, path };
  const names = command.subcommands.map((sub) => sub.name);
  const first = tokenize(argv, everyOption(command, path)).find((token) => token.kind === 'positional');
  if (first === undefined) {
    if (command.default !== undefined) {
      const sub = command.subcommands.find((candidate) => candidate.name === command.default)!;
      return resolve(sub, argv, `${path} ${sub.name}`, root);
    }
    if (argv.some(isHelp)) return { kind: 'help', command, path };
    throw new UsageError(command.missing ?? `Say what to do: ${path} ${names.join('|')} (see --help)`);
  }
  const sub = command.subcommands.find((candidate) => candidate.name === first.value);
  if (sub === undefined) {
    const near = closest(first.value, names);
    throw new UsageError(
      `Unknown action "${first.value}" for '${path}'.${near === undefined ? '' : ` Did you mean '${near}'?`} ` +
        `Use one of: ${path} ${names.join('|')} (see --help).`,
    );
  }
  const rest = [...argv.slice(0, first.index), ...argv.slice(first.index + 1)];
  return resolve(sub, rest, `${path} ${sub.name}`, root);
}

/**
 * Runs `command` with the words after its name: prints its help for --help (exit 0), else parses the flags
 * and runs it. User mistakes are thrown (UserError); `runCommand` prints them.
 */
export async function invoke(
  command: Command,
  argv: string[],
  io: CommandIo,
  path = `retailos ${command.name}`,
): Promise<number> {
  const found = resolve(command, argv, path);
  if (found.kind === 'help') {
    io.stdout.write(helpText(found.command, found.path));
    return 0;
  }
  const { leaf } = found;
  // --help wins over every other mistake on the line (a missing ID, a required flag): help is how to fix them.
  const asksHelp = tokenize(found.argv, { ...leaf.options, ...COMMON_OPTIONS }).some(
    (token) => token.kind === 'option' && token.name === 'help',
  );
  if (asksHelp) {
    io.stdout.write(helpText(leaf, found.path));
    return 0;
  }
  // An unknown flag that another subcommand takes: say whose it is.
  const others = leaves(found.root.command, found.root.path).filter((entry) => entry.leaf !== leaf);
  const ownerOf = (flag: string) => others.find((entry) => Object.hasOwn(entry.leaf.options, flag))?.path;
  const line = parseLine(found.argv, {
    path: found.path,
    options: leaf.options,
    arguments: leaf.arguments,
    ownerOf,
  });
  const args = { values: line.values, positionals: line.positionals, path: found.path } as Args;
  return leaf.run(args, io);
}

/** `invoke`, with a user's mistake printed as `retailos <command>: message` and its exit code returned. */
export async function runCommand(command: Command, argv: string[], io: CommandIo): Promise<number> {
  try {
    return await invoke(command, argv, io);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    io.stderr.write(`retailos ${command.name}: ${error.message}\n`);
    if (error instanceof UsageError && error.hint !== undefined) io.stderr.write(`${error.hint}\n`);
    return exitCodeOf(error.category);
  }
}
