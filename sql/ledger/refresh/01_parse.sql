-- grain: one row per new event (seq in (from_seq, to_seq]) not already quarantined; for the types the ledger
-- reads, its fields as text. The payload is parsed once, with one multi-path extraction (cheaper than one ->>
-- per field), inside TRY: a payload DuckDB cannot parse (a lone surrogate stored before the contract refused
-- them) gives NULL instead of failing the refresh. Other types are only checked to be readable JSON, because
-- every read model parses them too (docs/ledger.md, "Quarantine").
CREATE OR REPLACE TEMP TABLE lx_raw AS
SELECT seq, event_id, occurred_at, type, f,
       -- CASE evaluates json_valid only for the rows it reaches: other types and unparsable ledger events
       CASE WHEN f IS NOT NULL THEN true ELSE json_valid(payload) END AS readable
FROM (
  SELECT
    e.seq, e.event_id, e.occurred_at, e.type, e.payload,
    CASE WHEN e.type IN ('receipt', 'transfer_shipped', 'transfer_received', 'pos_sale', 'adjustment',
                         'status_changed', 'cycle_count', 'shipped', 'return_received', 'return_graded',
                         'allocated', 'allocation_released', 'picked', 'order_cancelled', 'po_created',
                         'po_updated', 'po_cancelled', 'item_upserted')
         THEN TRY(json_extract_string(e.payload, [
           '$.sku', '$.node_id', '$.qty', '$.unit_cost', '$.po_id', '$.status', '$.transfer_id', '$.from_node_id',
           '$.to_node_id', '$.reason', '$.from_status', '$.to_status', '$.counted_qty', '$.order_id', '$.line_id',
           '$.return_id', '$.disposition', '$.expected_at', '$.unit_price', '$.supplier_id', '$.lines']))
    END AS f
  FROM event_log e, lx_params p
  WHERE e.seq > p.from_seq AND e.seq <= p.to_seq
    AND e.seq NOT IN (SELECT seq FROM ledger_quarantine)
);

-- grain: one row per new event the ledger cannot apply, with the first reason found: a payload that is not
-- readable JSON, a field that does not convert to its type, a field the event's ledger postings need that is
-- missing. The contract makes all of these impossible for events landed today; they come from warehouses
-- filled before a rule existed, or from rows written around the contract.
CREATE OR REPLACE TEMP TABLE lx_bad AS
SELECT seq, event_id, type, occurred_at, reason, message
FROM (
  SELECT *,
    CASE
      WHEN NOT readable THEN 'malformed_payload'
      WHEN f IS NULL THEN NULL
      WHEN field_problem IS NOT NULL THEN 'bad_field'
      WHEN missing IS NOT NULL THEN 'missing_field'
    END AS reason,
    CASE
      WHEN NOT readable THEN 'the stored payload is not JSON the warehouse can read'
      WHEN field_problem IS NOT NULL THEN field_problem
      ELSE 'missing ' || missing || ', needed by ' || type || ' events'
    END AS message
  FROM (
    SELECT *,
      CASE
        -- an integer written as JSON writes it (a cast alone would round 1.5 to 2)
        WHEN TRY_CAST(f[3] AS BIGINT)::VARCHAR IS DISTINCT FROM f[3] THEN 'qty is not an integer: ' || left(f[3], 64)
        WHEN TRY_CAST(f[13] AS BIGINT)::VARCHAR IS DISTINCT FROM f[13]
          THEN 'counted_qty is not an integer: ' || left(f[13], 64)
        WHEN f[4] IS NOT NULL AND TRY_CAST(f[4] AS DOUBLE) IS NULL THEN 'unit_cost is not a number: ' || left(f[4], 64)
        WHEN f[19] IS NOT NULL AND TRY_CAST(f[19] AS DOUBLE) IS NULL
          THEN 'unit_price is not a number: ' || left(f[19], 64)
        WHEN f[18] IS NOT NULL
             AND CASE WHEN length(f[18]) = 10 THEN TRY_CAST(f[18] AS DATE)::TIMESTAMPTZ
                      ELSE TRY_CAST(f[18] AS TIMESTAMPTZ) END IS NULL
          THEN 'expected_at is not a date or timestamp: ' || left(f[18], 64)
        WHEN type = 'po_created' AND f[21] IS NOT NULL
             AND TRY(from_json(f[21], '[{"line_id":"VARCHAR","sku":"VARCHAR","qty":"BIGINT","unit_cost":"DOUBLE"}]'))
                 IS NULL
          THEN 'lines is not an array of purchase order lines'
      END AS field_problem,
      CASE
        WHEN type IN ('receipt', 'pos_sale', 'adjustment', 'status_changed', 'cycle_count', 'shipped',
                      'return_received', 'return_graded', 'transfer_shipped', 'transfer_received') AND f[1] IS NULL
          THEN 'sku'
        WHEN type IN ('receipt', 'pos_sale', 'adjustment', 'status_changed', 'cycle_count', 'shipped',
                      'return_received', 'return_graded') AND f[2] IS NULL THEN 'node_id'
        WHEN type = 'transfer_shipped' AND f[8] IS NULL THEN 'from_node_id'
        WHEN type IN ('transfer_shipped', 'transfer_received') AND f[9] IS NULL THEN 'to_node_id'
        WHEN type IN ('receipt', 'pos_sale', 'adjustment', 'status_changed', 'shipped', 'return_received',
                      'return_graded', 'transfer_shipped', 'transfer_received', 'allocated', 'allocation_released',
                      'picked') AND f[3] IS NULL THEN 'qty'
        WHEN type = 'cycle_count' AND f[13] IS NULL THEN 'counted_qty'
        WHEN type = 'status_changed' AND (f[11] IS NULL OR f[12] IS NULL) THEN 'from_status or to_status'
        WHEN type IN ('allocated', 'allocation_released', 'picked', 'shipped', 'order_cancelled') AND f[14] IS NULL
          THEN 'order_id'
        WHEN type IN ('po_created', 'po_updated', 'po_cancelled') AND f[5] IS NULL THEN 'po_id'
        WHEN type = 'po_created' AND (f[2] IS NULL OR f[21] IS NULL) THEN 'node_id or lines'
      END AS missing
    FROM lx_raw
  )
)
WHERE reason IS NOT NULL;

-- grain: one row per new event of a type the ledger reads that it can apply, its fields typed.
CREATE OR REPLACE TEMP TABLE lx_ev AS
SELECT
  seq,
  occurred_at,
  type,
  f[1]                  AS sku,
  f[2]                  AS node_id,
  f[3]::BIGINT          AS qty,
  f[4]::DOUBLE          AS unit_cost,
  f[5]                  AS po_id,
  f[6]                  AS status,
  f[7]                  AS transfer_id,
  f[8]                  AS from_node_id,
  f[9]                  AS to_node_id,
  f[10]                 AS reason,
  f[11]                 AS from_status,
  f[12]                 AS to_status,
  f[13]::BIGINT         AS counted_qty,
  f[14]                 AS order_id,
  f[15]                 AS line_id,
  f[16]                 AS return_id,
  f[17]                 AS disposition,
  CASE WHEN length(f[18]) = 10 THEN f[18]::DATE::TIMESTAMPTZ ELSE f[18]::TIMESTAMPTZ END AS expected_at,
  f[19]::DOUBLE         AS unit_price,
  f[20]                 AS supplier_id,
  f[21]                 AS lines
FROM lx_raw
WHERE f IS NOT NULL
  AND seq NOT IN (SELECT seq FROM lx_bad);
