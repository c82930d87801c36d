/**
 * Command-line flags to typed values, once, with messages that say what each flag takes. node:util's
 * parseArgs splits the line into tokens (non-strict, so its own messages never reach the user); the checks —
 * unknown flags with a "did you mean", missing values, types, ranges, choices — are ours.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseTime, TIME_FORMS, TimeFormatError } from '../clock/time.ts';
import { dateProblem } from '../contracts/primitives.ts';
import {
  type ArgumentSpec,
  COMMON_OPTIONS,
  type OptionSpec,
  type OptionSpecs,
  UsageError,
} from './command.ts';
import { closest } from './suggest.ts';

type NodeOptions = NonNullable<ParseArgsConfig['options']>;

/** The options as parseArgs knows them: a value or a switch. */
export function nodeOptions(specs: OptionSpecs): NodeOptions {
  const out: NodeOptions = {};
  for (const [name, spec] of Object.entries(specs)) {
    out[name] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.type === 'list' ? { multiple: true } : {}),
    };
  }
  return out;
}

/** The tokens of a command line (never throws: unknown flags come back as tokens too). */
export function tokenize(argv: string[], specs: OptionSpecs) {
  return parseArgs({
    args: argv,
    options: nodeOptions(specs),
    strict: false,
    allowPositionals: true,
    tokens: true,
  }).tokens;
}

export interface LeafInput {
  /** `retailos exceptions ack`, for messages. */
  path: string;
  options: OptionSpecs;
  arguments?: readonly ArgumentSpec[] | undefined;
  /** Where else an unknown flag is an option (`retailos exceptions resolve`), for the message. */
  ownerOf?: (flag: string) => string | undefined;
}

export interface ParsedLine {
  values: Record<string, unknown>;
  positionals: string[];
}

/** Parses one leaf command's arguments: typed values (defaults filled in) and its positional arguments. */
export function parseLine(argv: string[], input: LeafInput): ParsedLine {
  const specs: OptionSpecs = { ...input.options, ...COMMON_OPTIONS };
  const hint = `Run ${input.path} --help for its options.`;
  const raw = new Map<string, true | string[]>();
  const positionals: string[] = [];
  for (const token of tokenize(argv, specs)) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    if (spec === undefined) throw unknownOption(token.rawName, specs, input, hint);
    if (spec.type === 'boolean') {
      if (token.value !== undefined)
        throw new UsageError(`${token.rawName} is a switch and takes no value, got "${token.value}".`, hint);
      raw.set(token.name, true);
      continue;
    }
    const flag = `--${token.name}`;
    const valueName = spec.valueName ?? 'VALUE';
    if (token.value === undefined) throw new UsageError(`${flag} needs a value: ${flag} ${valueName}.`, hint);
    // The next word was taken as the value; when it is a flag, the value was most likely forgotten.
    if (token.inlineValue === false && /^-[^\d.]/.test(token.value)) {
      throw new UsageError(
        `${flag} needs a value (${flag} ${valueName}), got the flag ${token.value}; ` +
          `a value that starts with "-" is written ${flag}=${token.value}.`,
        hint,
      );
    }
    const seen = raw.get(token.name);
    // Repeatable lists collect; anything else: the last one given wins (as parseArgs does).
    raw.set(token.name, spec.type === 'list' && Array.isArray(seen) ? [...seen, token.value] : [token.value]);
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const given = raw.get(name);
    if (given === undefined) {
      if ('required' in spec && spec.required)
        throw new UsageError(`${input.path} needs --${name} ${spec.valueName ?? 'VALUE'}.`, hint);
      values[name] = spec.type === 'boolean' ? false : 'default' in spec ? spec.default : undefined;
    } else {
      values[name] = given === true ? true : typedValue(`--${name}`, spec, given);
    }
  }
  checkArguments(positionals, input);
  return { values, positionals };
}

function unknownOption(rawName: string, specs: OptionSpecs, input: LeafInput, hint: string): UsageError {
  const name = rawName.replace(/^-+/, '');
  const message = `Unknown option ${rawName} for '${input.path}'.`;
  const owner = input.ownerOf?.(name);
  if (owner !== undefined) return new UsageError(`${message} --${name} is an option of '${owner}'.`, hint);
  const near = rawName.startsWith('--') ? closest(name, Object.keys(specs)) : undefined;
  return new UsageError(near === undefined ? message : `${message} Did you mean --${near}?`, hint);
}

function checkArguments(positionals: string[], input: LeafInput): void {
  const declared = input.arguments ?? [];
  declared.forEach((arg, index) => {
    if (arg.required && (positionals[index] === undefined || positionals[index].trim() === '')) {
      throw new UsageError(
        arg.missing ?? `${input.path} needs ${arg.name}.`,
        `Run ${input.path} --help for usage.`,
      );
    }
  });
  if (declared.at(-1)?.variadic || positionals.length <= declared.length) return;
  const extra = positionals[declared.length]!;
  throw new UsageError(
    declared.length === 0
      ? `${input.path} takes no arguments, got "${extra}".`
      : `Unexpected argument "${extra}" for '${input.path}': it takes ${declared.map((arg) => arg.name).join(' ')}.`,
    `Run ${input.path} --help for usage.`,
  );
}

/** `a, b or c` */
export function orList(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

function oneOf(flag: string, value: string, choices: readonly string[]): string {
  if (choices.includes(value)) return value;
  const near = closest(value, choices);
  throw new UsageError(
    `Unknown ${flag} "${value}": use ${orList(choices)}.${near === undefined ? '' : ` Did you mean "${near}"?`}`,
  );
}

/** The value of one flag, checked and typed (`given`: every value given, in order). */
function typedValue(flag: string, spec: OptionSpec, given: string[]): unknown {
  const text = given.at(-1)!;
  switch (spec.type) {
    case 'string':
      return text;
    case 'boolean':
      return true;
    case 'int':
      return wholeNumber(flag, text, spec.min, spec.max);
    case 'number':
      return decimal(flag, text, spec);
    case 'enum':
      return oneOf(flag, text, spec.choices);
    case 'list': {
      if (spec.split === false) return given;
      const words = given.flatMap((entry) =>
        entry
          .split(',')
          .map((word) => word.trim())
          .filter((word) => word !== ''),
      );
      const choices = spec.choices;
      return choices === undefined ? words : words.map((word) => oneOf(flag, word, choices));
    }
    case 'time':
      try {
        return parseTime(text, flag);
      } catch (error) {
        if (!(error instanceof TimeFormatError)) throw error;
        throw new UsageError(
          `${flag} takes a timestamp in ISO-8601 (${TIME_FORMS}; a time without offset is UTC), got "${text}"` +
            (error.problem === '' ? '.' : ` (${error.problem}).`),
        );
      }
    case 'date': {
      const problem = dateProblem(text);
      if (problem !== undefined)
        throw new UsageError(
          `${flag} takes a date YYYY-MM-DD, got "${text}"${problem === '' ? '' : ` (${problem})`}.`,
        );
      return text;
    }
  }
}

function wholeNumber(
  flag: string,
  text: string,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
) {
  const value = /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
  const range =
    min === 1 && max === Number.POSITIVE_INFINITY
      ? 'a positive whole number'
      : max === Number.POSITIVE_INFINITY
        ? `a whole number ≥ ${min}`
        : min === Number.NEGATIVE_INFINITY
          ? `a whole number ≤ ${max}`
          : `a whole number from ${min} to ${max}`;
  throw new UsageError(`${flag} takes ${range}, got "${text}".`);
}

function decimal(flag: string, text: string, spec: Extract<OptionSpec, { type: 'number' }>): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = spec;
  const aboveMin = spec.minExclusive ? value > min : value >= min;
  if (Number.isFinite(value) && aboveMin && value <= max) return value;
  const lower = min === Number.NEGATIVE_INFINITY ? '' : spec.minExclusive ? `above ${min}` : `from ${min}`;
  const upper = max === Number.POSITIVE_INFINITY ? '' : spec.minExclusive ? `at most ${max}` : `to ${max}`;
  const range = [lower, upper].filter(Boolean).join(spec.minExclusive ? ' and ' : ' ');
  throw new UsageError(
    `${flag} takes ${spec.expects ?? `a number${range ? ` ${range}` : ''}`}, got "${text}".`,
  );
}
