-- grain: one row per (node_id, category): on-hand units and value that are aged (no sale at the node for
-- aged_stock_days) or priced below their average cost (markdown exposure), from mart_stock_exposure.
SELECT node_id, coalesce(category, 'uncategorised') AS category,
       sum(on_hand)::BIGINT AS on_hand,
       sum(on_hand) FILTER (WHERE aged)::BIGINT AS aged_units,
       coalesce(sum(aged_value), 0)::DOUBLE AS aged_value,
       sum(on_hand) FILTER (WHERE price_below_cost)::BIGINT AS below_cost_units,
       coalesce(sum(below_cost_value), 0)::DOUBLE AS below_cost_value,
       coalesce(sum(inventory_value), 0)::DOUBLE AS inventory_value
FROM mart_stock_exposure GROUP BY ALL ORDER BY 1, 2
