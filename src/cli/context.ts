/**
 * A command's operations context (src/operations/context.ts): who acts (`--actor`, `--role`) and the
 * business time — the business clock, or an explicit time flag (`--at`, `--now`, `--as-of`), which may not be
 * after the clock unless the command only reads.
 */
import type { ClockSource } from '../clock/business-clock.ts';
import { type Caller, type OperationsContext, operationsContext } from '../operations/context.ts';
import type { CommandIo } from './command.ts';

/** `--actor` (default $USER) and `--role` (default admin). */
export function callerOf(
  flags: { actor?: string | undefined; role?: string | undefined },
  io: CommandIo,
): Caller {
  return { actor: flags.actor ?? io.env.USER ?? 'cli', role: flags.role ?? 'admin' };
}

export interface TimeFlag {
  /** Its name in messages: `--at`. */
  flag: string;
  value: Date | undefined;
}

/** The context, built once per command. */
export function commandContext(
  source: ClockSource,
  caller: Caller,
  time: TimeFlag = { flag: '--at', value: undefined },
  options: { readOnly?: boolean } = {},
): Promise<OperationsContext> {
  return operationsContext(source, caller, {
    at: time.value?.toISOString(),
    what: time.flag,
    allowLater: options.readOnly ?? false,
  });
}
