import { type ErrorCategory, UserError } from '../warehouse/errors.ts';

/** Why a workflow action was refused (the API reports `kind` as its problem code). */
export type WorkflowErrorKind = 'not_found' | 'invalid_transition' | 'forbidden' | 'invalid';

const CATEGORY: Record<WorkflowErrorKind, ErrorCategory> = {
  not_found: 'not_found',
  invalid_transition: 'conflict',
  forbidden: 'forbidden',
  invalid: 'invalid',
};

/** A refused workflow action: a mistake the user can fix, with a clear one-line message. */
export class WorkflowError extends UserError {
  constructor(
    readonly kind: WorkflowErrorKind,
    message: string,
  ) {
    super(message, CATEGORY[kind]);
    this.name = 'WorkflowError';
  }
}
