import { UserError } from './errors.ts';

/**
 * Instance settings of an analyst sandbox: no file or network access, no
 * extension installs or loads (parquet, json and icu are built in).
 * `enable_external_access` cannot be switched back on while the instance runs.
 */
export const SANDBOX_SETTINGS: Readonly<Record<string, string>> = {
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

/**
 * Why an analyst query gave no result: `refused` (not a single read statement, or it tried to reach
 * what the sandbox forbids), `failed` (DuckDB said no), `timeout`, `too_large` (the result passed the
 * byte cap) or `busy` (the API's limits). The sandbox itself is src/sandbox/.
 */
export class AnalystQueryError extends UserError {
  constructor(
    message: string,
    readonly kind: 'refused' | 'failed' | 'timeout' | 'too_large' | 'busy',
  ) {
    super(message);
    this.name = 'AnalystQueryError';
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
