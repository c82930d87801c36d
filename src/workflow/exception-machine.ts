/**
 * The exception state machine: open → acknowledged → resolved (resolved → open again by reopening).
 * Pure: the service asks it before landing an action, so the log only ever holds valid transitions and the
 * read model's fold (latest status event wins) equals the machine's state.
 */
import { WorkflowError } from './errors.ts';

export const EXCEPTION_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

export const EXCEPTION_ACTIONS = ['acknowledge', 'assign', 'escalate', 'resolve', 'reopen'] as const;
export type ExceptionAction = (typeof EXCEPTION_ACTIONS)[number];

/** From which statuses each action may start, and where it leads (undefined: the status does not change). */
const TRANSITIONS: Record<ExceptionAction, { from: readonly ExceptionStatus[]; to?: ExceptionStatus }> = {
  acknowledge: { from: ['open'], to: 'acknowledged' },
  assign: { from: ['open', 'acknowledged'] },
  escalate: { from: ['open', 'acknowledged'] },
  resolve: { from: ['open', 'acknowledged'], to: 'resolved' },
  reopen: { from: ['resolved'], to: 'open' },
};

/** The status after `action`, or a WorkflowError saying why the action is not allowed now. */
export function transition(
  exceptionId: string,
  status: ExceptionStatus,
  action: ExceptionAction,
): ExceptionStatus {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(status)) {
    const allowed = rule.from.join(' or ');
    throw new WorkflowError(
      'invalid_transition',
      `Cannot ${action} exception ${exceptionId}: it is ${status} (${action} needs ${allowed}).`,
    );
  }
  return rule.to ?? status;
}

/**
 * Who may act on an exception: admin, its current owner role, or any role that owned it before it was
 * escalated (the chain up to the current level).
 */
export function mayAct(role: string, chain: readonly string[], level: number): boolean {
  if (role === 'admin') return true;
  return chain.slice(0, Math.min(level, chain.length - 1) + 1).includes(role);
}
