-- grain: one row per (week_start, channel_id, node_id) with at least one oversell episode opened that week.
-- The oversell KPI ("fewer oversells"): how often, and by how many units, stock was promised or sold beyond what
-- a node had. An oversell episode (ledger_episodes, built by the ledger refresh; docs/ledger.md "exceptions")
-- is one stretch of time during which available = sellable - reserved < 0 at a sku x node, from the event that
-- opened it to the event that cleared it, in event time (the same however the events arrived). It is the
-- `oversell` exception of the `exceptions` read model; this mart counts the same episodes.
--   week_start / week_end  the ISO week (Monday 00:00 UTC) in which the episode opened; is_complete = the week
--                          ended by the business clock (ledger_config.clock): compare complete weeks only
--   channel_id             the channel of the order line whose claim was the most recent one still reserved when
--                          the episode opened (the promise left without stock); 'unattributed' when that order's
--                          order_placed is not in the log; 'none' when no order held a claim there (the node's
--                          books went below zero by a sale, adjustment or count: see negative_stock)
--   oversell_episodes      episodes opened in the week; still_open: of them, not cleared yet
--   oversold_units         sum over the episodes of their worst shortfall (-min available during the episode)
--   skus                   distinct skus oversold; hours_to_clear: mean duration of those cleared
-- Episodes that open and clear at the same instant (simultaneous events, ordered only by arrival) are none,
-- as in exception_episodes.
WITH cfg AS (SELECT clock FROM ledger_config),
episodes AS (
  SELECT e.sku, e.node_id, e.order_id, e.opened_at, e.cleared_at, -e.peak_qty AS units
  FROM ledger_episodes e
  WHERE e.episode_type = 'oversell' AND (e.cleared_at IS NULL OR e.cleared_at > e.opened_at)
),
-- the channel of each claiming order (its latest order_placed, as ledger_order_lines)
channels AS (
  SELECT payload->>'order_id' AS order_id, arg_max(payload->>'channel_id', (occurred_at, seq)) AS channel_id
  FROM event_log
  WHERE type = 'order_placed' AND (payload->>'order_id') IN (SELECT order_id FROM episodes WHERE order_id IS NOT NULL)
  GROUP BY ALL
),
tagged AS (
  SELECT e.*, CAST(date_trunc('week', e.opened_at) AS DATE) AS week_start,
         CASE WHEN e.order_id IS NULL THEN 'none' ELSE coalesce(c.channel_id, 'unattributed') END AS channel_id
  FROM episodes e LEFT JOIN channels c ON c.order_id = e.order_id
)
SELECT t.week_start, t.week_start + 7 AS week_end,
       CAST(t.week_start + 7 AS TIMESTAMPTZ) <= any_value(cfg.clock) AS is_complete,
       t.channel_id, t.node_id,
       count(*) AS oversell_episodes,
       sum(t.units)::BIGINT AS oversold_units,
       count(*) FILTER (WHERE t.cleared_at IS NULL) AS still_open,
       count(DISTINCT t.sku) AS skus,
       round(avg(date_diff('second', t.opened_at, t.cleared_at) / 3600) FILTER (WHERE t.cleared_at IS NOT NULL), 2)
         AS hours_to_clear
FROM tagged t CROSS JOIN cfg
GROUP BY t.week_start, t.channel_id, t.node_id
