-- grain: one row per (day, node_id): revenue, COGS and gross margin by the node that sold or shipped.
SELECT day, node_id, units_sold::BIGINT AS units_sold, revenue::DOUBLE AS revenue,
       (cogs - returned_cogs)::DOUBLE AS cogs, gross_margin::DOUBLE AS gross_margin
FROM mart_margin_by_node ORDER BY 1, 2
