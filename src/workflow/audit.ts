/**
 * The audit trail: for one sku × node, order (also found by a sales channel's own reference), purchase order,
 * exception or approval request, every event in
 * its history with actor and time, including the workflow decisions on its exceptions and approvals. The
 * event log is the record: nothing here is stored separately, so the trail cannot disagree with it.
 */
import { WorkflowError } from './errors.ts';
import type { Reader } from './reader.ts';
import { workflowSql } from './sql.ts';

export const AUDIT_SUBJECTS = ['sku_node', 'order', 'po', 'exception', 'approval', 'external'] as const;
export type AuditSubject = (typeof AUDIT_SUBJECTS)[number];

export interface AuditEntry {
  seq: number;
  event_id: string;
  type: string;
  occurred_at: string;
  received_at: string;
  source: string | null;
  actor: string | null;
  payload: unknown;
}

export async function auditTrail(
  reader: Reader,
  subject: {
    kind: AuditSubject;
    id: string;
    nodeId?: string | undefined;
    /** external: only this channel's orders. */
    channelId?: string | undefined;
    limit?: number;
  },
): Promise<AuditEntry[]> {
  if (subject.kind === 'sku_node' && subject.nodeId === undefined) {
    throw new WorkflowError('invalid', 'The history of a sku needs its node too (sku × node).');
  }
  const rows = await reader.all(workflowSql('audit'), {
    kind: subject.kind,
    id: subject.id,
    node: subject.nodeId ?? null,
    channel: subject.channelId ?? null,
    limit: subject.limit ?? 10_000,
  });
  return rows.map((row) => ({
    seq: Number(row.seq),
    event_id: row.event_id as string,
    type: row.type as string,
    occurred_at: (row.occurred_at as Date).toISOString(),
    received_at: (row.received_at as Date).toISOString(),
    source: row.source as string | null,
    actor: row.actor as string | null,
    payload: JSON.parse(row.payload as string),
  }));
}
