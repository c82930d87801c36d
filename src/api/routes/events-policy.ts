/**
 * The approval policy's gate on POST /events (docs/workflow.md "Raw events"): for a key whose role lacks
 * `events:bypass_approval`, each price, PO, transfer or item-cost event the policy would want approved is
 * taken out of the request before it is queued (nothing of it lands, not even as a stored reject: it is an
 * authorisation decision, not bad data to correct and retry) and answered as rejected with reason
 * `forbidden`. The other events of the request land as usual.
 */

import { can, type Role } from '../../auth/roles.ts';
import type { EventResult, StagedBody, SubmitOutcome } from '../../ingest/http-ingest.ts';
import { emptyColumns, pushEvent } from '../../warehouse/landing.ts';
import { businessNow } from '../../workflow/clock.ts';
import { POLICY_EVENT_TYPES, type PolicyRefusal, policyRefusals } from '../../workflow/raw-event-policy.ts';
import type { ApiContext } from '../context.ts';

/** A per-event result, including the policy's refusals. */
export type PostedEventResult =
  | EventResult
  | {
      index: number;
      event_id: string | null;
      status: 'rejected';
      reason: 'forbidden';
      errors: { path: string; code: string; message: string }[];
    };

export interface RefusedEvent extends PolicyRefusal {
  eventId: string;
}

/** Judges the request's policy events and takes the refused ones out of `staged`; returns them. */
export async function applyApprovalPolicy(
  ctx: ApiContext,
  role: Role | undefined,
  staged: StagedBody,
): Promise<RefusedEvent[]> {
  if (role === undefined || can(role, 'events:bypass_approval')) return [];
  const { events } = staged;
  const rows: number[] = [];
  for (let row = 0; row < events.type.length; row++) {
    if (POLICY_EVENT_TYPES.has(events.type[row]!)) rows.push(row);
  }
  if (rows.length === 0) return [];
  const judged = rows.map((row) => ({
    index: staged.eventIndex[row]!,
    eventId: events.eventId[row]!,
    type: events.type[row]!,
    occurredAt: new Date(Number(events.occurredUs[row]) / 1000).toISOString(),
    body: JSON.parse(events.payload[row]!) as Record<string, unknown>,
  }));
  const refusals = await ctx.readers.use(async (reader) =>
    policyRefusals(reader, judged, { now: await businessNow(reader) }),
  );
  if (refusals.length === 0) return [];
  const refusedIndex = new Set(refusals.map((refusal) => refusal.index));
  const kept = emptyColumns();
  const keptIndex: number[] = [];
  for (let row = 0; row < events.eventId.length; row++) {
    const index = staged.eventIndex[row]!;
    if (refusedIndex.has(index)) continue;
    pushEvent(kept, {
      eventId: events.eventId[row]!,
      type: events.type[row]!,
      occurredUs: Number(events.occurredUs[row]),
      payload: events.payload[row]!,
      source: events.source[row] ?? undefined,
      actor: events.actor[row] ?? undefined,
      line: Number(events.line[row]),
    });
    keptIndex.push(index);
  }
  staged.events = kept;
  staged.eventIndex = keptIndex;
  const idOf = new Map(judged.map((event) => [event.index, event.eventId]));
  return refusals.map((refusal) => ({ ...refusal, eventId: idOf.get(refusal.index)! }));
}

/** The outcome with the refused events answered in their places. */
export function withRefusals(
  outcome: SubmitOutcome,
  refused: readonly RefusedEvent[],
): Omit<SubmitOutcome, 'results'> & { results: PostedEventResult[] } {
  if (refused.length === 0) return outcome;
  const results: PostedEventResult[] = [...outcome.results];
  for (const refusal of refused) {
    results[refusal.index] = {
      index: refusal.index,
      event_id: refusal.eventId,
      status: 'rejected',
      reason: 'forbidden',
      errors: [{ path: '', code: refusal.code, message: refusal.message }],
    };
  }
  return { ...outcome, rejected: outcome.rejected + refused.length, results };
}
