-- Inventory mismatches: cycle counts whose variance was beyond tolerance (the ledger's inventory_mismatch
-- exceptions), counted in the $lookback_days days up to $as_of.
-- grain: one row per exception. Parameters: $as_of, $lookback_days.
SELECT
  'inventory_mismatch' AS kind,
  exception_id AS condition_key,
  CASE WHEN severity = 'high' THEN 'critical' ELSE NULL END AS severity_override,
  node_id, NULL::VARCHAR AS channel_id, sku,
  'Inventory mismatch: ' || sku || ' at ' || node_id AS title,
  coalesce(detail, '') AS detail,
  abs(qty)::DOUBLE AS metric_value,
  NULL::DOUBLE AS threshold,
  json_object('variance_units', qty, 'variance_value', value, 'counted_at', strftime(opened_at, '%Y-%m-%dT%H:%M:%SZ'))
    AS impact
FROM exceptions
WHERE exception_type = 'inventory_mismatch'
  AND opened_at <= $as_of::TIMESTAMP AND opened_at > $as_of::TIMESTAMP - to_days($lookback_days::INTEGER)
