/**
 * Workflow events land through the normal path (validated by `stageItem`, landed atomically by
 * `EventLander`), like the allocator's decisions: one batch per action, so an action is all or nothing.
 */

import { formatIssues } from '../contracts/index.ts';
import { isReject, stageItem } from '../ingest/stage.ts';
import { EventLander, type StagedEvent, toColumns } from '../warehouse/landing.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

/** The envelope's `source` on every event the workflow writes. */
export const WORKFLOW_SOURCE = 'workflow';

export type WorkflowEventBody = Record<string, unknown> & {
  event_id: string;
  type: string;
  occurred_at: string;
  actor: string;
};

export interface Landed {
  accepted: number;
  duplicates: number;
}

/**
 * Lands `events` as one batch. An invalid event is a programming error (thrown); a conflict (an id that
 * already landed with another body) is refused rather than recorded as a reject and ignored.
 */
export async function landEvents(
  warehouse: Warehouse,
  events: readonly WorkflowEventBody[],
): Promise<Landed> {
  if (events.length === 0) return { accepted: 0, duplicates: 0 };
  const staged = events.map((event) =>
    stageItem({ raw: JSON.stringify({ source: WORKFLOW_SOURCE, ...event }) }),
  );
  const invalid = staged.find(isReject);
  if (invalid) {
    throw new Error(
      `workflow produced an invalid ${invalid.type ?? 'event'}: ${formatIssues(invalid.errors)}`,
    );
  }
  const outcome = await new EventLander(warehouse).land(
    { kind: 'file', name: WORKFLOW_SOURCE },
    [toColumns(staged as StagedEvent[])],
    [],
  );
  if (outcome.conflicts > 0) {
    throw new Error(`workflow event id collision: ${events.map((event) => event.event_id).join(', ')}`);
  }
  return { accepted: outcome.accepted, duplicates: outcome.duplicates };
}
