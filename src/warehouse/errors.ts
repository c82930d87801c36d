/**
 * Errors that say what happened, never how it is reported. Each entry point maps the category in one place:
 * the CLI to an exit code (src/cli/exit-codes.ts), the API to an HTTP status (src/api/error-status.ts).
 */

/**
 * - `invalid`: the input or the request is wrong (bad flag, bad value, a refused action's precondition);
 * - `not_found`: what was named does not exist;
 * - `conflict`: the request is valid but the state does not allow it (an invalid workflow transition);
 * - `forbidden`: the actor may not do this (segregation of duties, a role's limits);
 * - `unavailable`: the environment is not ready (warehouse locked or unreadable, a server out of reach,
 *   a read model this warehouse does not have yet).
 */
export type ErrorCategory = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable';

/** A mistake the user can fix, with a clear one-line message: shown without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly category: ErrorCategory = 'invalid',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * The one check for "this warehouse lacks a relation or a documented column" (an older schema, or a model
 * not built yet), from DuckDB's error text: the relation's name, or `undefined` when the error is another.
 * Every face asks this instead of matching DuckDB's messages itself.
 */
export function missingRelation(error: unknown): { relation: string | undefined } | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const table =
    /Catalog Error: (?:Table|View|Table Function|Macro Function)[^\n]*? with name "?([\w.]+)"? does not exist/.exec(
      message,
    );
  if (table) return { relation: table[1] };
  if (/Catalog Error: [^\n]*does not exist/.test(message)) return { relation: undefined };
  if (/Binder Error: Referenced (?:column|table)/.test(message)) return { relation: undefined };
  return undefined;
}
