-- grain: one row per order on a fulfilment hold. Runs only when the workflow (issue 8) provides the relation
-- `fulfilment_holds(order_id, status, …)`: an order is held while a row of it has status 'held'.
SELECT DISTINCT order_id
FROM fulfilment_holds
WHERE status = 'held'
