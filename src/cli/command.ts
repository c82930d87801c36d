/**
 * Commands as data (Vendure's command-declarations habit): a command is either a leaf — its help text, its
 * options declared with their types, its arguments and the function that runs it — or a group of
 * subcommands (`retailos exceptions ack`), each with its own options. The core (dispatch.ts) finds the
 * subcommand, parses the flags to typed values once (parse.ts) and prints the help (help.ts), so a command's
 * `run` reads `args.values.limit` as a number, never a string to cast.
 */
import { UserError } from '../warehouse/errors.ts';

/** Where a command writes: injected so tests capture output without a terminal. */
export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

interface OptionBase {
  description: string;
  /** The value's name in help and usage (`--limit N`). */
  valueName?: string;
  short?: string;
}

/** Text, as given. */
export interface StringOption extends OptionBase {
  type: 'string';
  default?: string;
  /** The command needs it: its value is then never undefined. */
  required?: boolean;
}

/** A switch: `--json`. False when absent. */
export interface BooleanOption extends OptionBase {
  type: 'boolean';
}

/** A whole number within [min, max]. */
export interface IntOption extends OptionBase {
  type: 'int';
  min?: number;
  max?: number;
  default?: number;
  required?: boolean;
}

/** A decimal number within [min, max] (above min when `minExclusive`). */
export interface NumberOption extends OptionBase {
  type: 'number';
  min?: number;
  max?: number;
  minExclusive?: boolean;
  default?: number;
  /** What the error says it takes, when the range alone does not say it ("a share from 0 to 1"). */
  expects?: string;
}

/** One of a fixed set of words. */
export interface EnumOption extends OptionBase {
  type: 'enum';
  choices: readonly string[];
  default?: string;
}

/** Repeatable and comma-separated (`--roles a,b --roles c`): a list of words, each one of `choices` if given. */
export interface ListOption extends OptionBase {
  type: 'list';
  choices?: readonly string[];
  /** False: each value is kept whole, commas and all (`--secret token=a,b`); repeat the flag instead. */
  split?: boolean;
}

/** A business time, by the one parser (src/clock/time.ts: strict ISO-8601, no offset = UTC). */
export interface TimeOption extends OptionBase {
  type: 'time';
}

/** A calendar day, YYYY-MM-DD (kept as text). */
export interface DateOption extends OptionBase {
  type: 'date';
}

export type OptionSpec =
  | StringOption
  | BooleanOption
  | IntOption
  | NumberOption
  | EnumOption
  | ListOption
  | TimeOption
  | DateOption;

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The typed value an option parses to. */
type ValueOf<O> = O extends { type: 'boolean' }
  ? boolean
  : O extends { type: 'int' | 'number' }
    ? number
    : O extends { type: 'enum'; choices: readonly (infer C)[] }
      ? C
      : O extends { type: 'list'; choices: readonly (infer C)[] }
        ? C[]
        : O extends { type: 'list' }
          ? string[]
          : O extends { type: 'time' }
            ? Date
            : string;

/** Options that always have a value: switches, and those with a default or required. */
type Present<O> = O extends { type: 'boolean' }
  ? true
  : O extends { default: unknown }
    ? true
    : O extends { required: true }
      ? true
      : false;

export type OptionValues<O extends OptionSpecs> = {
  -readonly [K in keyof O]: Present<O[K]> extends true ? ValueOf<O[K]> : ValueOf<O[K]> | undefined;
};

/** Every command takes --db and --help. */
export const COMMON_OPTIONS = {
  db: {
    type: 'string',
    valueName: 'PATH',
    description: 'warehouse file (default: $RETAILOS_DB or data/retailos.duckdb)',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies OptionSpecs;

/** A positional argument: `ID` of `retailos exceptions ack ID`. */
export interface ArgumentSpec {
  name: string;
  required?: boolean;
  /** Takes every remaining argument (`retailos ingest PATH...`). */
  variadic?: boolean;
  /** The message when a required argument is missing (default: "<path> needs NAME (usage)"). */
  missing?: string;
}

/** What a leaf's `run` receives: typed flag values, the positional arguments, and its own name. */
export interface Args<O extends OptionSpecs = OptionSpecs> {
  values: OptionValues<O & typeof COMMON_OPTIONS>;
  positionals: string[];
  /** `retailos exceptions ack`: for messages. */
  path: string;
}

export interface LeafSpec<O extends OptionSpecs> {
  name: string;
  summary: string;
  /** The usage line(s) after "Usage: " (default: made from the arguments and options). */
  usage?: string;
  /** Longer help, shown under the summary. */
  details?: string;
  options: O;
  arguments?: readonly ArgumentSpec[];
  /** Runs the command; returns the exit code. Throws UserError for a mistake the user can fix. */
  run(args: Args<O>, io: CommandIo): Promise<number>;
}

/** A command that runs. */
export type LeafCommand = LeafSpec<OptionSpecs>;

/** A command made of subcommands (`retailos exceptions list|sync|ack|…`). */
export interface GroupCommand {
  name: string;
  summary: string;
  usage?: string;
  details?: string;
  subcommands: readonly Command[];
  /** The subcommand run when none is named (`retailos exceptions` lists). */
  default?: string;
  /** The message when no subcommand is named and there is no default (default: "Say what to do: …"). */
  missing?: string;
}

export type Command = LeafCommand | GroupCommand;

export const isGroup = (command: Command): command is GroupCommand => 'subcommands' in command;

/** Declares a leaf command; `options` keep their literal types so `run` sees typed values. */
export function defineCommand<const O extends OptionSpecs>(spec: LeafSpec<O>): LeafCommand {
  return spec as unknown as LeafCommand;
}

export function defineGroup(spec: GroupCommand): GroupCommand {
  if (spec.default !== undefined && !spec.subcommands.some((sub) => sub.name === spec.default))
    throw new Error(`${spec.name}: default subcommand ${spec.default} is not one of its subcommands`);
  return spec;
}

/** A mistake in how the command was called (unknown flag, bad value): a message, and where help is. */
export class UsageError extends UserError {
  constructor(
    message: string,
    /** A second line, e.g. "Run retailos exceptions ack --help for its options." */
    readonly hint?: string,
  ) {
    super(message, 'invalid');
    this.name = 'UsageError';
  }
}
