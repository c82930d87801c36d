import type { Warehouse } from '../warehouse/warehouse.ts';
import type { PlanLine, PlanResult } from './plan.ts';
import type { PolicyConfig } from './policy/config.ts';

export const STATUSES = ['proposed', 'approved', 'ordered', 'rejected', 'superseded'] as const;
export type RecommendationStatus = (typeof STATUSES)[number];

export interface StoredRecommendation {
  recommendation_id: string;
  run_id: string;
  created_at: string;
  kind: 'purchase_order' | 'transfer';
  status: RecommendationStatus;
  supplier_id: string | null;
  from_node_id: string | null;
  node_id: string;
  skus: number;
  qty: number;
  cost: number;
  expected_arrival: string;
  explanation: string;
  lines: PlanLine[];
  approval_request_id: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  ordered_ref: string | null;
}

/** Records a plan run: older proposals still waiting are superseded by it (one live plan at a time). */
export async function saveRun(
  warehouse: Warehouse,
  runId: string,
  asOf: Date,
  plan: PlanResult,
  config: PolicyConfig,
): Promise<string[]> {
  const ids: string[] = [];
  await warehouse.transaction(async () => {
    await warehouse.run(
      `UPDATE replenishment_recommendations SET status = 'superseded'
       WHERE recommendation_id IN (SELECT recommendation_id FROM (${SELECT}) q WHERE status = 'proposed')`,
    );
    await warehouse.run(
      `INSERT INTO replenishment_runs VALUES ($run_id, $as_of::TIMESTAMPTZ, now(), $source, $config::JSON, $positions, $n)`,
      {
        run_id: runId,
        as_of: asOf.toISOString(),
        source: plan.demandSource,
        config: JSON.stringify(config),
        positions: plan.positions,
        n: plan.recommendations.length,
      },
    );
    for (const [index, rec] of plan.recommendations.entries()) {
      const id = `${runId}-${String(index + 1).padStart(4, '0')}`;
      ids.push(id);
      await warehouse.run(
        `INSERT INTO replenishment_recommendations (recommendation_id, run_id, created_at, kind, status, supplier_id,
           from_node_id, node_id, skus, qty, cost, expected_arrival, explanation, lines)
         VALUES ($id, $run_id, now(), $kind, 'proposed', $supplier_id, $from_node_id, $node_id, $skus, $qty, $cost,
           $arrival::DATE, $explanation, $lines::JSON)`,
        {
          id,
          run_id: runId,
          kind: rec.kind,
          supplier_id: rec.supplier_id,
          from_node_id: rec.from_node_id,
          node_id: rec.node_id,
          skus: rec.lines.length,
          qty: rec.qty,
          cost: rec.cost,
          arrival: rec.expected_arrival,
          explanation: rec.explanation,
          lines: JSON.stringify(rec.lines),
        },
      );
    }
  });
  return ids;
}

/**
 * Recommendations with their status as the approval workflow sees it: a recommendation whose requests are
 * all approved is ordered (approval lands the action), one with a rejected or withdrawn request is
 * rejected; superseded ones stay superseded. Without requests, the stored status.
 */
const SELECT = `WITH wf AS (
  SELECT r.recommendation_id, count(*) AS requests,
         count(*) FILTER (WHERE a.status = 'approved') AS approved,
         count(*) FILTER (WHERE a.status IN ('rejected', 'cancelled')) AS refused
  FROM replenishment_recommendations r
  JOIN workflow_approvals a
    ON a.request_id = r.recommendation_id OR starts_with(a.request_id, r.recommendation_id || '-')
  WHERE r.approval_request_id IS NOT NULL
  GROUP BY ALL
)
SELECT r.recommendation_id, r.run_id, strftime(r.created_at, '%Y-%m-%dT%H:%M:%SZ') AS created_at, r.kind,
  CASE WHEN r.status = 'superseded' OR wf.requests IS NULL THEN r.status
       WHEN wf.refused > 0 THEN 'rejected'
       WHEN wf.approved = wf.requests THEN 'ordered'
       ELSE 'proposed' END AS status,
  r.supplier_id, r.from_node_id, r.node_id, r.skus, r.qty, r.cost, r.expected_arrival::VARCHAR AS expected_arrival,
  r.explanation, r.lines::VARCHAR AS lines, r.approval_request_id, r.decided_by,
  strftime(r.decided_at, '%Y-%m-%dT%H:%M:%SZ') AS decided_at, r.decision_reason,
  -- approved through \`retailos approvals\` (not \`replenish approve\`): the refs requestsOf gives its actions
  coalesce(r.ordered_ref, CASE WHEN r.status <> 'superseded' AND wf.refused = 0 AND wf.approved = wf.requests THEN
    CASE r.kind WHEN 'purchase_order' THEN 'PO-' || r.recommendation_id
      ELSE array_to_string(list_transform(range(1, r.skus + 1), i -> 'TR-' || r.recommendation_id || '-' || i), ',')
    END END) AS ordered_ref
FROM replenishment_recommendations r LEFT JOIN wf USING (recommendation_id)`;

export function toRecommendation(row: Record<string, unknown>): StoredRecommendation {
  return {
    ...(row as unknown as StoredRecommendation),
    skus: Number(row.skus),
    qty: Number(row.qty),
    cost: Number(row.cost),
    lines: JSON.parse(row.lines as string) as PlanLine[],
  };
}

export interface ListFilter {
  status?: RecommendationStatus | undefined;
  node_id?: string | undefined;
  supplier_id?: string | undefined;
  kind?: 'purchase_order' | 'transfer' | undefined;
  limit?: number | undefined;
}

/** Every recommendation matching the filter, newest run first. Parameters only: no SQL from the caller. */
export const LIST_SQL = `SELECT * FROM (${SELECT}) q
  WHERE ($status IS NULL OR status = $status) AND ($node_id IS NULL OR node_id = $node_id)
    AND ($supplier_id IS NULL OR supplier_id = $supplier_id) AND ($kind IS NULL OR kind = $kind)
  ORDER BY run_id DESC, recommendation_id LIMIT $limit`;

export const GET_SQL = `SELECT * FROM (${SELECT}) q WHERE recommendation_id = $id`;

export function listParams(filter: ListFilter): Record<string, string | number | null> {
  return {
    status: filter.status ?? null,
    node_id: filter.node_id ?? null,
    supplier_id: filter.supplier_id ?? null,
    kind: filter.kind ?? null,
    limit: filter.limit ?? 100,
  };
}

export async function listRecommendations(
  warehouse: Warehouse,
  filter: ListFilter = {},
): Promise<StoredRecommendation[]> {
  return (await warehouse.all(LIST_SQL, listParams(filter))).map(toRecommendation);
}

export async function getRecommendation(
  warehouse: Warehouse,
  id: string,
): Promise<StoredRecommendation | undefined> {
  const row = await warehouse.one(GET_SQL, { id });
  return row ? toRecommendation(row) : undefined;
}

export async function updateStatus(
  warehouse: Warehouse,
  id: string,
  fields: {
    status: RecommendationStatus;
    decided_by?: string | null;
    decision_reason?: string | null;
    ordered_ref?: string | null;
    approval_request_id?: string | null;
  },
): Promise<void> {
  await warehouse.run(
    `UPDATE replenishment_recommendations SET status = $status,
       decided_by = coalesce($decided_by, decided_by),
       decided_at = CASE WHEN $decided_by IS NULL THEN decided_at ELSE now() END,
       decision_reason = coalesce($reason, decision_reason),
       ordered_ref = coalesce($ordered_ref, ordered_ref),
       approval_request_id = coalesce($request_id, approval_request_id)
     WHERE recommendation_id = $id`,
    {
      id,
      status: fields.status,
      decided_by: fields.decided_by ?? null,
      reason: fields.decision_reason ?? null,
      ordered_ref: fields.ordered_ref ?? null,
      request_id: fields.approval_request_id ?? null,
    },
  );
}
