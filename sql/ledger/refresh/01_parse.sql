-- grain: one row per new event of a type the ledger reads (seq in (from_seq, to_seq]), its fields typed.
-- The payload is parsed once, with one multi-path extraction (cheaper than one ->> per field).
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
FROM (
  SELECT
    e.seq, e.occurred_at, e.type,
    json_extract_string(e.payload, [
      '$.sku', '$.node_id', '$.qty', '$.unit_cost', '$.po_id', '$.status', '$.transfer_id', '$.from_node_id',
      '$.to_node_id', '$.reason', '$.from_status', '$.to_status', '$.counted_qty', '$.order_id', '$.line_id',
      '$.return_id', '$.disposition', '$.expected_at', '$.unit_price', '$.supplier_id', '$.lines']) AS f
  FROM event_log e, lx_params p
  WHERE e.seq > p.from_seq AND e.seq <= p.to_seq
    AND e.type IN ('receipt', 'transfer_shipped', 'transfer_received', 'pos_sale', 'adjustment', 'status_changed',
                   'cycle_count', 'shipped', 'return_received', 'return_graded', 'allocated', 'allocation_released',
                   'picked', 'order_cancelled', 'po_created', 'po_updated', 'po_cancelled', 'item_upserted')
);
