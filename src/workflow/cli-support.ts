/**
 * What the workflow's CLI commands share: the operations context (who acts, `--actor` and `--role`, and the
 * business time: the business clock, or `--at`), and a write session that keeps the ledger current after
 * workflow events land (so later commands see no stale ledger and approved POs / graded returns show in
 * positions at once).
 */
import type { CommandIo, OptionSpec, ParsedArgs } from '../cli/command.ts';
import { withLedger } from '../cli/commands/positions.ts';
import type { ClockSource } from '../clock/business-clock.ts';
import { refreshLedger } from '../ledger/refresh.ts';
import { type OperationsContext, operationsContext } from '../operations/context.ts';
import { UserError } from '../warehouse/errors.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

export const ACTOR_OPTIONS: Record<string, OptionSpec> = {
  actor: { type: 'string', valueName: 'NAME', description: 'who acts (default: $USER)' },
  role: {
    type: 'string',
    valueName: 'ROLE',
    description: 'the role acted in: planner, warehouse, finance, admin… (default: admin)',
  },
  at: {
    type: 'string',
    valueName: 'TIME',
    description: 'business time of the action (default: the business clock; never after it)',
  },
};

export function actorOf(args: ParsedArgs, io: CommandIo): { actor: string; role: string } {
  const actor = (args.values.actor as string | undefined) ?? io.env.USER ?? 'cli';
  const role = (args.values.role as string | undefined) ?? 'admin';
  return { actor, role };
}

/**
 * The command's operations context, built once: `--actor`/`--role`, and the business clock — or the explicit
 * time of `timeFlag` (`--at`, `--now`), which may not be after the clock unless the command only reads.
 */
export function commandContext(
  args: ParsedArgs,
  io: CommandIo,
  source: ClockSource,
  options: { timeFlag?: string; readOnly?: boolean; defaultAt?: string | undefined } = {},
): Promise<OperationsContext> {
  const flag = options.timeFlag ?? 'at';
  return operationsContext(source, actorOf(args, io), {
    at: stringFlag(args, flag) ?? options.defaultAt,
    what: `--${flag}`,
    allowLater: options.readOnly ?? false,
  });
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A positional argument that must be there (`retailos exceptions ack ID`). */
export function requiredId(args: ParsedArgs, index: number, what: string, usage: string): string {
  const id = args.positionals[index];
  if (id === undefined || id.trim() === '') throw new UserError(`Say which ${what}: ${usage}`);
  return id;
}

/** Opens the warehouse for writing, runs `work`, then brings the ledger up to date. */
export async function withWorkflowWrites(
  args: ParsedArgs,
  io: CommandIo,
  work: (warehouse: Warehouse) => Promise<number>,
): Promise<number> {
  return withLedger(
    args,
    io,
    async (warehouse) => {
      const code = await work(warehouse);
      await refreshLedger(warehouse);
      return code;
    },
    true,
  );
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`${flag} takes a positive whole number, got ${value}`);
  return n;
}
