-- Workflow read models (issue 8, docs/workflow.md). Workflow state is a pure function of the event log:
-- these views fold the workflow events of event_log on every read, so replaying the log reproduces them
-- exactly and there is nothing to keep in sync. (Views rather than model files: the allocator reads
-- fulfilment_holds, and it must exist on any warehouse that has the event log.)

-- grain: one row per approval request (request_id unique): its current status and decisions.
-- status: cancelled > rejected (any rejection) > approved (approvals >= required) > pending.
CREATE VIEW workflow_approvals AS
WITH ev AS (
  SELECT seq, type, occurred_at, actor, payload
  FROM event_log
  WHERE type IN ('approval_requested', 'approval_decided', 'approval_cancelled')
),
requested AS (
  SELECT (payload->>'request_id') AS request_id,
         arg_min(payload, (occurred_at, seq)) AS payload,
         arg_min(actor, (occurred_at, seq)) AS requested_by,
         min(occurred_at) AS requested_at
  FROM ev WHERE type = 'approval_requested'
  GROUP BY ALL
),
decided AS (
  SELECT (payload->>'request_id') AS request_id,
         count(*) FILTER (WHERE (payload->>'decision') = 'approve') AS approvals,
         count(*) FILTER (WHERE (payload->>'decision') = 'reject') AS rejections,
         max(occurred_at) AS decided_at,
         list(json_object('actor', actor, 'role', payload->>'role', 'decision', payload->>'decision',
                          'step', (payload->>'step')::INTEGER, 'reason', payload->>'reason',
                          'at', strftime(occurred_at, '%Y-%m-%dT%H:%M:%S.%gZ'), 'outcome', payload->'outcome')
              ORDER BY occurred_at, seq)::JSON AS decisions,
         arg_max(payload->'outcome', (occurred_at, seq)) FILTER (WHERE (payload->'outcome') IS NOT NULL) AS outcome
  FROM ev WHERE type = 'approval_decided'
  GROUP BY ALL
),
cancelled AS (
  SELECT (payload->>'request_id') AS request_id, min(occurred_at) AS cancelled_at,
         arg_min(payload->>'reason', (occurred_at, seq)) AS cancel_reason
  FROM ev WHERE type = 'approval_cancelled'
  GROUP BY ALL
)
SELECT r.request_id,
       (r.payload->>'kind') AS kind,
       CAST((r.payload->>'amount') AS DECIMAL(18, 2)) AS amount,
       CAST((r.payload->>'markdown_pct') AS DOUBLE) AS markdown_pct,
       (r.payload->>'required_approvals')::INTEGER AS required_approvals,
       coalesce(d.approvals, 0)::INTEGER AS approvals,
       CASE WHEN c.request_id IS NOT NULL THEN 'cancelled'
            WHEN coalesce(d.rejections, 0) > 0 THEN 'rejected'
            WHEN coalesce(d.approvals, 0) >= (r.payload->>'required_approvals')::INTEGER THEN 'approved'
            ELSE 'pending' END AS status,
       (r.payload->>'rule') AS rule,
       (r.payload->>'order_id') AS order_id,
       r.requested_by,
       r.requested_at,
       CASE WHEN c.request_id IS NOT NULL THEN c.cancelled_at
            WHEN coalesce(d.rejections, 0) > 0
              OR coalesce(d.approvals, 0) >= (r.payload->>'required_approvals')::INTEGER
            THEN coalesce(d.decided_at, r.requested_at) END AS decided_at,
       c.cancel_reason,
       (r.payload->'action') AS action,
       (r.payload->'recommendation') AS recommendation,
       (r.payload->'context') AS context,
       coalesce(d.decisions, '[]'::JSON) AS decisions,
       d.outcome
FROM requested r
LEFT JOIN decided d USING (request_id)
LEFT JOIN cancelled c USING (request_id);

-- grain: one row per order under a high-risk approval (the allocator skips orders with status 'held').
CREATE VIEW fulfilment_holds AS
SELECT order_id,
       CASE status WHEN 'pending' THEN 'held' WHEN 'approved' THEN 'released' ELSE status END AS status,
       request_id, requested_at AS held_at, decided_at AS released_at
FROM workflow_approvals
WHERE kind = 'high_risk_order' AND order_id IS NOT NULL;
