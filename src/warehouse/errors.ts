/**
 * Typed errors shared by every entry point. A `UserError` is a mistake the
 * user can fix (bad flag, missing file, locked warehouse): the CLI prints its
 * message without a stack trace and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
