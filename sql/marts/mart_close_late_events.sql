-- grain: one row per late event that moved money: an event that arrived after the end of the UTC day it
-- happened on (its business time, occurred_at) and booked inventory value (a stock posting of non-zero value at
-- some sku × node), revenue (a sale or shipment) or a refund. The building block of finance close speed
-- (mart_close_changes, mart_close_periods, docs/ledger.md "Finance close").
-- arrived_at is the event's arrival in business time: what the business clock read when it landed
-- (business_clock.sql, per event): received_at when the data was live then (received at most
-- clock_watermark_days after the event-time watermark of the operational events landed up to it, itself
-- included), else (historical or replayed data, landed long after) that watermark: the newest business time
-- the log had seen when the event came in. So a replay measures lateness as it was delivered, not as it was
-- loaded.
-- money: inventory_value = Σ value of its stock postings (the change of the inventory value; 0 for a transfer
-- between two nodes), value_moved = Σ |value| (what moved at any node), revenue, refunds, cogs at the average
-- and returned_cogs of a return; margin = revenue − refunds − cogs + returned_cogs (mart_margin_daily).
-- Knock-on revaluations (a late receipt changing the average of later issues) belong to those later postings
-- and are not counted here; the period the late event moved is still reopened by it (mart_close_changes).
WITH cfg AS (SELECT watermark_after_days FROM business_clock),
log AS (
  SELECT seq, event_id, type, source, occurred_at, received_at,
         max(CASE WHEN type IN ('receipt', 'transfer_shipped', 'transfer_received', 'pos_sale', 'adjustment',
                                'status_changed', 'cycle_count', 'order_placed', 'picked', 'shipped',
                                'order_cancelled', 'return_received', 'return_graded', 'refund_issued',
                                'po_created', 'po_updated', 'po_cancelled')
                       AND coalesce(source, '') NOT IN ('workflow', 'allocator', 'replenishment')
                  THEN occurred_at END)
           OVER (ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS watermark_at
  FROM stg_event_log
),
arrived AS (
  SELECT l.seq, l.event_id, l.type, l.source, l.occurred_at, l.received_at,
         CASE WHEN l.watermark_at IS NULL
                   OR epoch(l.received_at - l.watermark_at) / 86400 <= c.watermark_after_days
              THEN greatest(l.received_at, l.occurred_at)
              ELSE greatest(l.watermark_at, l.occurred_at) END AS arrived_at
  FROM log l CROSS JOIN cfg c
),
late AS MATERIALIZED (
  SELECT * FROM arrived
  WHERE arrived_at > CAST(CAST(occurred_at AS DATE) + 1 AS TIMESTAMPTZ)
    AND type IN ('receipt', 'transfer_shipped', 'pos_sale', 'shipped', 'adjustment', 'status_changed', 'cycle_count',
                 'return_received', 'return_graded', 'refund_issued')
),
stock AS (
  SELECT s.seq, sum(s.value) AS inventory_value, sum(abs(s.value)) AS value_moved,
         sum(s.value - s.variance_value) FILTER (WHERE s.event_type = 'return_received') AS returned_cogs
  FROM ledger_stock s SEMI JOIN late l ON l.seq = s.seq
  GROUP BY s.seq
),
sales AS (
  SELECT s.seq, sum(s.revenue) AS revenue, sum(s.cogs) AS cogs
  FROM ledger_sales s SEMI JOIN late l ON l.seq = s.seq
  GROUP BY s.seq
),
refunds AS (
  SELECT e.seq, CAST((e.payload->>'amount') AS DECIMAL(38, 2)) AS refunds
  FROM stg_event_log e SEMI JOIN late l ON l.seq = e.seq
  WHERE e.type = 'refund_issued'
),
money AS (
  SELECT l.*,
         coalesce(s.inventory_value, 0) AS inventory_value, coalesce(s.value_moved, 0) AS value_moved,
         coalesce(r.revenue, 0) AS revenue, coalesce(f.refunds, 0) AS refunds, coalesce(r.cogs, 0) AS cogs,
         coalesce(s.returned_cogs, 0) AS returned_cogs
  FROM late l
  LEFT JOIN stock s USING (seq)
  LEFT JOIN sales r USING (seq)
  LEFT JOIN refunds f USING (seq)
)
SELECT seq, event_id, type, source, occurred_at, received_at, arrived_at,
       round(epoch(arrived_at - occurred_at) / 86400, 4) AS late_days,
       inventory_value, value_moved, revenue, refunds, cogs, returned_cogs,
       revenue - refunds - cogs + returned_cogs AS margin
FROM money
WHERE value_moved <> 0 OR revenue <> 0 OR refunds <> 0
