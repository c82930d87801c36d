import { type ErrorCategory, missingRelation, UserError } from '../warehouse/errors.ts';
import { WorkflowError } from '../workflow/errors.ts';
import { HttpError } from './problem.ts';

/**
 * Errors to HTTP problems, in one place: routes throw what happened (a `UserError` with its category, a
 * `WorkflowError`, a DuckDB error over a relation this warehouse lacks) and never pick a status themselves.
 */
const STATUS: Record<ErrorCategory, { status: number; code: string }> = {
  invalid: { status: 400, code: 'validation_failed' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  forbidden: { status: 403, code: 'forbidden' },
  unavailable: { status: 503, code: 'unavailable' },
};

/** A workflow refusal keeps its own code (`invalid_transition`, …) beside the category's status. */
const WORKFLOW_CODE: Record<WorkflowError['kind'], string> = {
  not_found: 'not_found',
  invalid_transition: 'invalid_transition',
  forbidden: 'forbidden',
  invalid: 'validation_failed',
};

/** The problem to answer for `error`, or `undefined` for an error the server did not expect (a 500). */
export function problemFor(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof WorkflowError) {
    return new HttpError(STATUS[error.category].status, WORKFLOW_CODE[error.kind], error.message);
  }
  if (error instanceof UserError) {
    const { status, code } = STATUS[error.category];
    return new HttpError(status, code, error.message, retryLater(status));
  }
  const missing = missingRelation(error);
  if (missing) {
    // A read model this warehouse does not have yet (an older schema): bring it up to date, or wait for the
    // process that builds it.
    const what = missing.relation === undefined ? 'A read model' : `The read model ${missing.relation}`;
    return new HttpError(
      503,
      'read_model_unavailable',
      `${what} is not available in this warehouse yet (bring it up to date: retailos init).`,
      retryLater(503),
    );
  }
  return undefined;
}

function retryLater(status: number): { headers?: Record<string, string> } {
  return status === 503 ? { headers: { 'Retry-After': '60' } } : {};
}
