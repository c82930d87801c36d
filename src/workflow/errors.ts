import { UserError } from '../warehouse/errors.ts';

/** Why a workflow action was refused; the API maps it to an HTTP status. */
export type WorkflowErrorKind = 'not_found' | 'invalid_transition' | 'forbidden' | 'invalid';

const HTTP_STATUS: Record<WorkflowErrorKind, number> = {
  not_found: 404,
  invalid_transition: 409,
  forbidden: 403,
  invalid: 400,
};

/** A refused workflow action: a mistake the user can fix, with a clear one-line message. */
export class WorkflowError extends UserError {
  constructor(
    readonly kind: WorkflowErrorKind,
    message: string,
  ) {
    super(message, kind === 'not_found' ? 4 : 2);
    this.name = 'WorkflowError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.kind];
  }
}
