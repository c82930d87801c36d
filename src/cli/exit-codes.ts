import type { ErrorCategory } from '../warehouse/errors.ts';

/**
 * The CLI's exit codes, in one place (docs/cli.md):
 * 0 done · 1 what was named does not exist (or a check found failures) · 2 invalid input or a refused
 * action · 3 the environment is not ready (warehouse in use or unreadable, a server out of reach).
 */
const EXIT_CODES: Record<ErrorCategory, number> = {
  not_found: 1,
  invalid: 2,
  conflict: 2,
  forbidden: 2,
  unavailable: 3,
};

export function exitCodeOf(category: ErrorCategory): number {
  return EXIT_CODES[category];
}
