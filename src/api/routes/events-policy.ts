/**
 * The approval policy's gate on POST /events (docs/workflow.md "Raw events"): for a key whose role lacks
 * `events:bypass_approval`, each price, PO, transfer or item-cost event the policy would want approved is
 * taken out of the events to land before the request is queued and turned into a reject with reason
 * `forbidden`: answered per event like any reject, and stored in rejected_events with the rest of the
 * request (rejects are never dropped: an operator can audit them, and land one with `retailos rejects retry
 * ID`, or an `erp` key can send it, which resolves the reject). The other events of the request land as usual.
 */

import { can, type Role } from '../../auth/roles.ts';
import type { StagedBody } from '../../ingest/http-ingest.ts';
import { emptyColumns, pushEvent } from '../../warehouse/landing.ts';
import { businessNow } from '../../workflow/clock.ts';
import { POLICY_EVENT_TYPES, type PolicyRefusal, policyRefusals } from '../../workflow/raw-event-policy.ts';
import type { ApiContext } from '../context.ts';

/**
 * Judges the request's policy events and moves the refused ones from `staged.events` to `staged.rejects`
 * (reason `forbidden`); returns the refusals.
 */
export async function applyApprovalPolicy(
  ctx: ApiContext,
  role: Role | undefined,
  staged: StagedBody,
): Promise<PolicyRefusal[]> {
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
  const refusalOf = new Map(refusals.map((refusal) => [refusal.index, refusal]));
  const kept = emptyColumns();
  const keptIndex: number[] = [];
  for (let row = 0; row < events.eventId.length; row++) {
    const index = staged.eventIndex[row]!;
    const refusal = refusalOf.get(index);
    if (refusal !== undefined) {
      staged.rejects.push({
        reason: 'forbidden',
        raw: events.payload[row]!,
        errors: [{ path: '', code: refusal.code, message: refusal.message }],
        eventId: events.eventId[row]!,
        type: events.type[row]!,
        line: Number(events.line[row]),
      });
      staged.rejectIndex.push(index);
      continue;
    }
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
  return refusals;
}
