-- grain: one row for the tracked exception $exception_id (none when the workflow has not opened it):
-- the state the actions check, folded from its workflow events like sql/marts/exceptions.sql does, without
-- deriving every condition of the ledger (an action on a tracked exception needs only its own events)
WITH ev AS (
  SELECT seq, type, occurred_at, payload
  FROM stg_event_log
  WHERE type IN ('exception_opened', 'exception_acknowledged', 'exception_assigned', 'exception_escalated',
                 'exception_resolved', 'exception_reopened')
    AND (payload->>'exception_id') = $exception_id
)
SELECT $exception_id AS exception_id,
       (arg_min(payload, (occurred_at, seq)) FILTER (WHERE type = 'exception_opened'))->>'exception_type'
         AS exception_type,
       (arg_min(payload, (occurred_at, seq)) FILTER (WHERE type = 'exception_opened'))->>'severity' AS severity,
       arg_max(CASE type WHEN 'exception_acknowledged' THEN 'acknowledged' WHEN 'exception_resolved' THEN 'resolved'
                         ELSE 'open' END, (occurred_at, seq))
         FILTER (WHERE type IN ('exception_opened', 'exception_acknowledged', 'exception_resolved',
                                'exception_reopened')) AS status,
       coalesce(max((payload->>'level')::INTEGER) FILTER (WHERE type = 'exception_escalated'), 0) AS escalation_level,
       max(occurred_at) AS last_action_at
FROM ev
HAVING count(*) FILTER (WHERE type = 'exception_opened') > 0
