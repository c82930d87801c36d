-- assert: a posting is identified by (event, posting_no) in each ledger table
SELECT 'stock' AS ledger, key_id::VARCHAR AS account, seq, posting_no, count(*) AS copies
FROM ledger_stock GROUP BY key_id, seq, posting_no HAVING count(*) > 1
UNION ALL
SELECT 'stock (event)', NULL, seq, posting_no, count(*)
FROM ledger_stock GROUP BY seq, posting_no HAVING count(*) > 1
UNION ALL
SELECT 'claims', NULL, seq, posting_no, count(*)
FROM ledger_reservations GROUP BY seq, posting_no HAVING count(*) > 1
UNION ALL
SELECT 'orders', NULL, seq, posting_no, count(*)
FROM ledger_po_movements GROUP BY seq, posting_no HAVING count(*) > 1
