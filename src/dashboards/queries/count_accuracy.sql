-- grain: one row per (day, node_id): cycle counts, those within tolerance, and the absolute unit variance.
WITH cfg AS (SELECT count_tolerance_units, count_tolerance_pct FROM ledger_config)
SELECT s.occurred_at::DATE AS day, k.node_id, count(*)::BIGINT AS counts,
       count(*) FILTER (WHERE abs(s.qty) <= greatest(cfg.count_tolerance_units,
                                                     cfg.count_tolerance_pct / 100 * abs(s.system_qty)))::BIGINT AS within_tolerance,
       sum(abs(s.qty))::BIGINT AS abs_variance_units
FROM ledger_stock s JOIN ledger_keys k USING (key_id), cfg
WHERE s.event_type = 'cycle_count'
GROUP BY ALL ORDER BY 1, 2
