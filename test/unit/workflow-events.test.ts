import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, validateEvent, WORKFLOW_EVENT_TYPES } from '../../src/contracts/index.ts';

const ack = {
  event_id: 'w-1',
  type: 'exception_acknowledged',
  occurred_at: '2025-03-01T08:00:00Z',
  source: 'workflow',
  actor: 'pia',
  exception_id: 'X',
  note: 'on it',
};

describe('workflow events in the contract', () => {
  it('validates through the normal entry point, unchanged', () => {
    expect(validateEvent(ack)).toEqual({ ok: true, event: ack });
  });

  it('requires the actor, refuses unknown fields and bad codes, with field paths', () => {
    const { actor: _actor, ...anonymous } = ack;
    expect(validateEvent(anonymous)).toEqual({
      ok: false,
      errors: [{ path: 'actor', code: 'invalid_type', message: 'required' }],
    });
    expect(validateEvent({ ...ack, status: 'done' })).toMatchObject({
      ok: false,
      errors: [{ path: 'status', message: 'unknown field' }],
    });
    const resolved = { ...ack, type: 'exception_resolved', resolution_code: 'meh' };
    expect(validateEvent(resolved)).toMatchObject({
      ok: false,
      errors: [
        {
          path: 'resolution_code',
          message: expect.stringMatching(/^expected one of fixed, stock_corrected/),
        },
      ],
    });
    const decided = {
      event_id: 'w-2',
      type: 'approval_decided',
      occurred_at: '2025-03-01T09:00:00Z',
      actor: 'fay',
      request_id: 'R',
      decision: 'approve',
      step: 1,
      role: 'finance',
      reason: 'ok',
    };
    expect(validateEvent(decided)).toEqual({ ok: true, event: decided });
    expect(validateEvent({ ...decided, decision: 'maybe' })).toMatchObject({
      ok: false,
      errors: [{ path: 'decision', message: 'expected one of approve, reject, got "maybe"' }],
    });
  });

  it('stays apart from the v1 event types the simulator and EVENTS.md enumerate', () => {
    expect(WORKFLOW_EVENT_TYPES.filter((type) => (EVENT_TYPES as readonly string[]).includes(type))).toEqual(
      [],
    );
    expect(WORKFLOW_EVENT_TYPES).toContain('exception_escalated');
  });
});
