-- grain: one row per (day, node_id, category): end-of-day sellable units, stock accounts and accounts with
-- nothing sellable (mart_stock_daily; node_type says which nodes are returns centres, shown apart).
SELECT day, node_id, node_type, category, sellable_units, accounts, empty_accounts
FROM mart_stock_daily ORDER BY 1, 2, 4
