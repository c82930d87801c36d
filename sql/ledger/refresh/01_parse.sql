-- grain: one row per new event (seq in (from_seq, to_seq]) not quarantined; for the types the ledger reads,
-- their fields typed (other types only have seq, occurred_at, type: every later step selects its types).
-- The payload is parsed once, with one multi-path extraction (cheaper than one ->> per field). Nothing here may
-- fail on one event (docs/ledger.md, "Quarantine"): the extraction runs inside TRY (a payload DuckDB cannot
-- parse, such as a lone surrogate stored before the contract refused them, gives NULL) and fields are converted
-- with TRY_CAST. `bad_field` names what makes an event one the ledger cannot apply: `payload` (unreadable),
-- `occurred_at` (outside the contract's business time window, landed before the window existed), or the first
-- field its postings need that is missing or does not convert. Checked on the typed columns, so the
-- common case costs no more string work than the plain parse. Other types are only checked to be readable JSON
-- (json_valid), because read models parse them too.
CREATE OR REPLACE TEMP TABLE lx_ev AS
SELECT *,
  CASE
    WHEN unreadable THEN 'payload'
    WHEN outside_window THEN 'occurred_at'
    -- the common case, settled without comparing types: a sale, receipt, shipment, allocation, … with all it needs
    WHEN sku IS NOT NULL AND node_id IS NOT NULL AND qty IS NOT NULL AND (unit_cost IS NOT NULL OR type <> 'receipt')
         AND type NOT IN ('status_changed', 'transfer_shipped', 'transfer_received', 'allocated', 'allocation_released',
                          'picked', 'shipped', 'po_created')
      THEN NULL
    WHEN type IN ('receipt', 'pos_sale', 'adjustment', 'status_changed', 'cycle_count', 'shipped', 'return_received',
                  'return_graded', 'transfer_shipped', 'transfer_received') AND sku IS NULL THEN 'sku'
    WHEN type IN ('receipt', 'pos_sale', 'adjustment', 'status_changed', 'cycle_count', 'shipped', 'return_received',
                  'return_graded') AND node_id IS NULL THEN 'node_id'
    WHEN type = 'transfer_shipped' AND from_node_id IS NULL THEN 'from_node_id'
    WHEN type IN ('transfer_shipped', 'transfer_received') AND to_node_id IS NULL THEN 'to_node_id'
    WHEN type IN ('receipt', 'pos_sale', 'adjustment', 'status_changed', 'shipped', 'return_received', 'return_graded',
                  'transfer_shipped', 'transfer_received', 'allocated', 'allocation_released', 'picked')
         AND qty IS NULL THEN 'qty'
    WHEN type = 'receipt' AND unit_cost IS NULL THEN 'unit_cost'
    WHEN type = 'cycle_count' AND counted_qty IS NULL THEN 'counted_qty'
    WHEN type = 'status_changed' AND from_status IS NULL THEN 'from_status'
    WHEN type = 'status_changed' AND to_status IS NULL THEN 'to_status'
    WHEN type IN ('allocated', 'allocation_released', 'picked', 'shipped', 'order_cancelled') AND order_id IS NULL
      THEN 'order_id'
    WHEN type IN ('po_created', 'po_updated', 'po_cancelled') AND po_id IS NULL THEN 'po_id'
    WHEN type IN ('po_created', 'po_updated') AND expected_at IS NULL THEN 'expected_at'
    WHEN type = 'po_created' AND node_id IS NULL THEN 'node_id'
    -- (lines whose entries do not convert fail in 09 and are isolated by the refresh: rare, and from_json here
    -- would cost every po_created a second parse)
    WHEN type = 'po_created' AND (lines IS NULL OR NOT starts_with(lines, '[')) THEN 'lines'
  END AS bad_field
FROM (
  SELECT
    seq,
    occurred_at,
    type,
    f[1]                          AS sku,
    f[2]                          AS node_id,
    TRY_CAST(f[3] AS BIGINT)      AS qty,
    TRY_CAST(f[4] AS DOUBLE)      AS unit_cost,
    f[5]                          AS po_id,
    f[6]                          AS status,
    f[7]                          AS transfer_id,
    f[8]                          AS from_node_id,
    f[9]                          AS to_node_id,
    f[10]                         AS reason,
    f[11]                         AS from_status,
    f[12]                         AS to_status,
    TRY_CAST(f[13] AS BIGINT)     AS counted_qty,
    f[14]                         AS order_id,
    f[15]                         AS line_id,
    f[16]                         AS return_id,
    f[17]                         AS disposition,
    CASE WHEN length(f[18]) = 10 THEN TRY_CAST(f[18] AS DATE)::TIMESTAMPTZ ELSE TRY_CAST(f[18] AS TIMESTAMPTZ) END
                                  AS expected_at,
    TRY_CAST(f[19] AS DOUBLE)     AS unit_price,
    f[20]                         AS supplier_id,
    f[21]                         AS lines,
    event_id,
    coalesce(NOT valid_json, f IS NULL) AS unreadable,
    outside_window
  FROM (
    SELECT
      e.seq, e.event_id, e.occurred_at, e.type,
      -- the contract's business time window, judged against the event's arrival (lx_params, from the contract)
      e.occurred_at < p.earliest_at OR e.occurred_at > e.received_at + to_days(p.max_future_days) AS outside_window,
      CASE WHEN e.type IN ('receipt', 'transfer_shipped', 'transfer_received', 'pos_sale', 'adjustment',
                           'status_changed', 'cycle_count', 'shipped', 'return_received', 'return_graded',
                           'allocated', 'allocation_released', 'picked', 'order_cancelled', 'po_created',
                           'po_updated', 'po_cancelled', 'item_upserted')
           THEN TRY(json_extract_string(e.payload, [
             '$.sku', '$.node_id', '$.qty', '$.unit_cost', '$.po_id', '$.status', '$.transfer_id',
             '$.from_node_id', '$.to_node_id', '$.reason', '$.from_status', '$.to_status', '$.counted_qty',
             '$.order_id', '$.line_id', '$.return_id', '$.disposition', '$.expected_at', '$.unit_price',
             '$.supplier_id', '$.lines']))
      END AS f,
      -- NULL for the ledger's types; CASE evaluates json_valid only for the rows it reaches (the other types)
      CASE WHEN e.type NOT IN ('receipt', 'transfer_shipped', 'transfer_received', 'pos_sale', 'adjustment',
                               'status_changed', 'cycle_count', 'shipped', 'return_received', 'return_graded',
                               'allocated', 'allocation_released', 'picked', 'order_cancelled', 'po_created',
                               'po_updated', 'po_cancelled', 'item_upserted')
           THEN json_valid(e.payload)
      END AS valid_json
    FROM event_log e, lx_params p
    WHERE e.seq > p.from_seq AND e.seq <= p.to_seq
      AND e.seq NOT IN (SELECT seq FROM ledger_quarantine)
  )
);

-- grain: one row per new event the ledger cannot apply, with its reason and a message naming the field and what
-- it holds (read again from the payload: few rows). Quarantined by 01_quarantine.sql; lx_ev keeps the rest.
CREATE OR REPLACE TEMP TABLE lx_bad AS
SELECT seq, event_id, type, occurred_at,
       CASE WHEN bad_field = 'payload' THEN 'malformed_payload'
            WHEN bad_field = 'occurred_at' THEN 'outside_window'
            WHEN shown IS NULL THEN 'missing_field'
            ELSE 'bad_field' END AS reason,
       CASE WHEN bad_field = 'payload' THEN 'the stored payload is not JSON the warehouse can read'
            WHEN bad_field = 'occurred_at'
              THEN 'occurred_at ' || strftime(occurred_at, '%Y-%m-%dT%H:%M:%SZ')
                   || ' is outside the business time window (from '
                   || strftime((SELECT earliest_at FROM lx_params), '%Y-%m-%dT%H:%M:%SZ') || ' to '
                   || (SELECT max_future_days FROM lx_params) || ' days after arrival)'
            WHEN shown IS NULL THEN 'missing ' || bad_field || ', needed by ' || type || ' events'
            ELSE bad_field || ' does not convert to what a ' || type || ' event needs: ' || left(shown, 64) END AS message
FROM (
  SELECT b.seq, b.event_id, b.type, b.occurred_at, b.bad_field,
         CASE WHEN b.bad_field NOT IN ('payload', 'occurred_at')
              THEN TRY(json_extract_string(e.payload, '$.' || b.bad_field)) END AS shown
  FROM lx_ev b JOIN event_log e USING (seq)
  WHERE b.bad_field IS NOT NULL
);

DELETE FROM lx_ev WHERE bad_field IS NOT NULL;
