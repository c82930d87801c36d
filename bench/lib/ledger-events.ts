import type { Warehouse } from '../../src/warehouse/warehouse.ts';

/**
 * Writes `count` valid events of a synthetic retailer straight into `event_log`, in SQL (the JSONL ingest
 * path runs at ~50k events/s, far too slow for 10M; these rows are what it would land: canonical payloads,
 * envelope columns matching them). Deterministic for a seed.
 *
 * The retailer: `skus` items, 4 DCs, `stores` stores and a returns centre. Flows rather than independent
 * events: store sales; web orders (placed → allocated at a DC → picked → shipped; some cancelled instead,
 * some returned to the returns centre and graded); DC receipts; DC → store transfers (received two days
 * later, some short); purchase orders received against later; adjustments, cycle counts, status changes and
 * price changes. Events are in business-time order except `lateShare` of them, whose occurred_at lies up to
 * three days in the past (late deliveries). Sequence numbers start after the log's current maximum, and
 * business time after `startAt`.
 */
export async function writeLedgerEvents(
  warehouse: Warehouse,
  options: {
    count: number;
    seed?: number;
    skus?: number;
    stores?: number;
    startAt?: string;
    lateShare?: number;
  },
): Promise<{ firstSeq: number; lastSeq: number; lastAt: string }> {
  const seed = options.seed ?? 42;
  const skus = options.skus ?? 5000;
  const stores = options.stores ?? 35;
  const lateShare = options.lateShare ?? 0.005;
  const startAt = options.startAt ?? '2024-01-01T00:00:00Z';
  // ~1.4 events per intent on average; generate more intents than needed and keep the first `count`.
  const intents = Math.ceil(options.count / 1.3) + 1000;
  const base = await warehouse.one<{ seq: bigint; batch: bigint }>(
    `SELECT (SELECT coalesce(max(seq), 0) FROM event_log) AS seq,
            (SELECT coalesce(max(batch_id), 0) FROM ingest_batches) + 1 AS batch`,
  );
  const params = {
    n: intents,
    count: options.count,
    seed,
    skus,
    stores,
    late: Math.round(lateShare * 1_000_000),
    start: startAt,
    base: Number(base!.seq),
    batch: Number(base!.batch),
  };
  await warehouse.run(GENERATE_SQL, params);
  await warehouse.run(
    `INSERT INTO ingest_batches VALUES ($batch, 'file', 'bench:generated', NULL, NULL, now(), now(),
       (SELECT count(*) FROM event_log WHERE batch_id = $batch), 0, 0)`,
    { batch: params.batch },
  );
  const last = await warehouse.one<{ seq: bigint; at: Date }>(
    'SELECT max(seq) AS seq, max(occurred_at) AS at FROM event_log',
  );
  return { firstSeq: params.base + 1, lastSeq: Number(last!.seq), lastAt: last!.at.toISOString() };
}

/** Master data for the synthetic retailer: items, nodes, lanes, channels (once per warehouse). */
export async function writeLedgerMasterData(
  warehouse: Warehouse,
  options: { skus?: number; stores?: number; at?: string } = {},
): Promise<void> {
  await warehouse.run(MASTER_SQL, {
    skus: options.skus ?? 5000,
    stores: options.stores ?? 35,
    at: options.at ?? '2023-12-31T00:00:00Z',
  });
}

const MASTER_SQL = `
INSERT INTO event_log
WITH nodes AS (
  SELECT 'DC0' || i AS node_id, 'dc' AS node_type FROM range(1, 5) t(i)
  UNION ALL SELECT 'ST' || lpad(i::VARCHAR, 3, '0'), 'store' FROM range(1, $stores + 1) t(i)
  UNION ALL SELECT 'RC01', 'returns_center'
),
rows AS (
  SELECT 'm-item-' || i AS event_id, 'item_upserted' AS type,
         '"sku":"SKU-' || lpad(i::VARCHAR, 5, '0') || '","name":"Item ' || i || '","category":"'
           || (['apparel', 'home', 'electronics', 'health'])[1 + i % 4] || '","unit_cost":'
           || (5 + i % 10) || ',"list_price":' || (12 + 2 * (i % 10)) AS body
  FROM range(1, $skus + 1) t(i)
  UNION ALL
  SELECT 'm-node-' || node_id, 'node_upserted',
         '"node_id":"' || node_id || '","name":"' || node_id || '","node_type":"' || node_type
           || '","region":"east","can_ship":' || (node_type <> 'returns_center') || ',"can_pickup":'
           || (node_type = 'store') || ',"ship_capacity_per_day":2000'
  FROM nodes
  UNION ALL
  SELECT 'm-lane-' || node_id, 'lane_upserted',
         '"node_id":"' || node_id || '","region":"east","transit_days":2,"cost_per_order":4.5,"cost_per_unit":0.4'
  FROM nodes WHERE node_type <> 'returns_center'
  UNION ALL
  SELECT 'm-channel-web', 'channel_upserted', '"channel_id":"WEB","name":"Web","channel_type":"web","node_ids":["DC01","DC02","DC03","DC04"],"buffer_units":2'
  UNION ALL
  SELECT 'm-channel-stores', 'channel_upserted', '"channel_id":"STORES","name":"Stores","channel_type":"store"'
)
SELECT (SELECT coalesce(max(seq), 0) FROM event_log) + row_number() OVER (ORDER BY event_id), event_id, type,
       CAST($at AS TIMESTAMPTZ), now(), 'bench', NULL,
       '{"event_id":"' || event_id || '","type":"' || type || '","occurred_at":"'
         || strftime(CAST($at AS TIMESTAMPTZ), '%Y-%m-%dT%H:%M:%SZ') || '",' || body || '}',
       0, 'bench:master', NULL
FROM rows`;

// One intent per row of range($n): its kind and keys come from hashes of (seed, i); flows expand into several
// events at offsets from the intent's time. Intents are spread 2 seconds apart.
const GENERATE_SQL = `
INSERT INTO event_log
WITH intents AS (
  SELECT i,
         hash($seed, i) AS h,
         CAST($start AS TIMESTAMPTZ) + to_seconds(2 * i) AS t,
         hash($seed, i, 'k') % 1000 AS roll,
         'SKU-' || lpad((1 + hash($seed, i, 's') % $skus)::VARCHAR, 5, '0') AS sku,
         'ST' || lpad((1 + hash($seed, i, 'n') % $stores)::VARCHAR, 3, '0') AS store,
         'DC0' || (1 + hash($seed, i, 'd') % 4) AS dc,
         (1 + hash($seed, i, 'q') % 3)::INTEGER AS q,
         hash($seed, i, 'x') % 100 AS x,
         $seed || '-' || i AS id
  FROM range($n) r(i)
),
events AS (
  -- store sales
  SELECT t, 0 AS step, id, 'pos_sale' AS type,
         '"node_id":"' || store || '","sku":"' || sku || '","qty":' || q || ',"unit_price":' || (15 + x % 10) AS body
  FROM intents WHERE roll < 330
  UNION ALL
  -- web orders: placed, allocated at a DC, picked, then shipped (or cancelled), some returned and graded
  SELECT t, 0, id, 'order_placed',
         '"order_id":"O' || id || '","channel_id":"WEB","ship_to_region":"east","service_level":"standard","lines":[{"line_id":"1","sku":"'
           || sku || '","qty":' || q || ',"unit_price":' || (18 + x % 7) || '}]'
  FROM intents WHERE roll >= 330 AND roll < 420
  UNION ALL
  SELECT t + INTERVAL 1 HOUR, 1, id, 'allocated',
         '"order_id":"O' || id || '","line_id":"1","node_id":"' || dc || '","sku":"' || sku || '","qty":' || q
  FROM intents WHERE roll >= 330 AND roll < 420
  UNION ALL
  SELECT t + INTERVAL 3 HOUR, 2, id, 'picked',
         '"order_id":"O' || id || '","line_id":"1","node_id":"' || dc || '","sku":"' || sku || '","qty":' || q
  FROM intents WHERE roll >= 330 AND roll < 420 AND x >= 3
  UNION ALL
  SELECT t + INTERVAL 5 HOUR, 3, id, 'shipped',
         '"order_id":"O' || id || '","line_id":"1","node_id":"' || dc || '","sku":"' || sku || '","qty":' || q
           || ',"carrier":"ups"'
  FROM intents WHERE roll >= 330 AND roll < 420 AND x >= 3
  UNION ALL
  SELECT t + INTERVAL 2 HOUR, 2, id, 'order_cancelled', '"order_id":"O' || id || '","reason":"customer"'
  FROM intents WHERE roll >= 330 AND roll < 420 AND x < 3
  UNION ALL
  SELECT t + INTERVAL 5 DAY, 4, id, 'return_received',
         '"return_id":"R' || id || '","order_id":"O' || id || '","line_id":"1","node_id":"RC01","sku":"' || sku
           || '","qty":1'
  FROM intents WHERE roll >= 330 AND roll < 420 AND x >= 95
  UNION ALL
  SELECT t + INTERVAL 7 DAY, 5, id, 'return_graded',
         '"return_id":"R' || id || '","node_id":"RC01","sku":"' || sku || '","qty":1,"grade":"B","disposition":"'
           || (['restock', 'refurbish', 'liquidate', 'write_off', 'return_to_vendor'])[CAST(1 + x % 5 AS BIGINT)] || '"'
  FROM intents WHERE roll >= 330 AND roll < 420 AND x >= 95
  UNION ALL
  -- DC receipts (no PO)
  SELECT t, 0, id, 'receipt',
         '"node_id":"' || dc || '","sku":"' || sku || '","qty":' || (20 * q + x) || ',"unit_cost":'
           || (5 + (x % 20) * 0.5)
  FROM intents WHERE roll >= 420 AND roll < 560
  UNION ALL
  -- DC → store transfers, received two days later (one in ten short by one unit)
  SELECT t, 0, id, 'transfer_shipped',
         '"transfer_id":"T' || id || '","from_node_id":"' || dc || '","to_node_id":"' || store || '","sku":"' || sku
           || '","qty":' || (3 * q + 2) || ',"expected_at":"' || strftime(t + INTERVAL 2 DAY, '%Y-%m-%d') || '"'
  FROM intents WHERE roll >= 560 AND roll < 640
  UNION ALL
  SELECT t + INTERVAL 2 DAY, 1, id, 'transfer_received',
         '"transfer_id":"T' || id || '","to_node_id":"' || store || '","sku":"' || sku || '","qty":'
           || (3 * q + 2 - CASE WHEN x < 10 THEN 1 ELSE 0 END)
  FROM intents WHERE roll >= 560 AND roll < 640
  UNION ALL
  -- purchase orders, received against a week later
  SELECT t, 0, id, 'po_created',
         '"po_id":"P' || id || '","supplier_id":"S1","node_id":"' || dc || '","expected_at":"'
           || strftime(t + INTERVAL 7 DAY, '%Y-%m-%d') || '","lines":[{"line_id":"1","sku":"' || sku || '","qty":'
           || (50 * q) || ',"unit_cost":' || (5 + (x % 20) * 0.5) || '}]'
  FROM intents WHERE roll >= 640 AND roll < 680
  UNION ALL
  SELECT t + INTERVAL 7 DAY, 1, id, 'receipt',
         '"node_id":"' || dc || '","sku":"' || sku || '","qty":' || (50 * q - CASE WHEN x < 20 THEN 5 ELSE 0 END)
           || ',"unit_cost":' || (5 + (x % 20) * 0.5) || ',"po_id":"P' || id || '"'
  FROM intents WHERE roll >= 640 AND roll < 680
  UNION ALL
  -- store replenishment straight from suppliers
  SELECT t, 0, id, 'receipt',
         '"node_id":"' || store || '","sku":"' || sku || '","qty":' || (6 * q) || ',"unit_cost":' || (6 + (x % 10) * 0.5)
  FROM intents WHERE roll >= 680 AND roll < 760
  UNION ALL
  SELECT t, 0, id, 'adjustment',
         '"node_id":"' || store || '","sku":"' || sku || '","qty":' || CASE WHEN x < 30 THEN q ELSE -q END
           || ',"reason":"' || CASE WHEN x < 30 THEN 'found' WHEN x < 70 THEN 'shrink' ELSE 'damage' END || '"'
  FROM intents WHERE roll >= 760 AND roll < 790
  UNION ALL
  SELECT t, 0, id, 'cycle_count',
         '"node_id":"' || store || '","sku":"' || sku || '","counted_qty":' || (x % 40)
  FROM intents WHERE roll >= 790 AND roll < 805
  UNION ALL
  SELECT t, 0, id, 'status_changed',
         '"node_id":"' || store || '","sku":"' || sku || '","qty":1,"from_status":"sellable","to_status":"damaged"'
  FROM intents WHERE roll >= 805 AND roll < 815
  UNION ALL
  SELECT t, 0, id, 'price_changed',
         '"sku":"' || sku || '","price":' || (10 + x % 5) || ',"reason":"' || CASE WHEN x < 50 THEN 'markdown' ELSE 'promotion' END || '"'
  FROM intents WHERE roll >= 815 AND roll < 820
  UNION ALL
  -- the rest of the intents are store sales too
  SELECT t, 0, id, 'pos_sale',
         '"node_id":"' || store || '","sku":"' || sku || '","qty":1,"unit_price":' || (12 + x % 10)
  FROM intents WHERE roll >= 820
),
timed AS (
  -- a share of events arrives late: its business time lies up to three days before its arrival slot
  SELECT *, CASE WHEN hash($seed, id, step, 'late') % 1000000 < $late
                 THEN t - to_seconds(CAST(hash($seed, id, step, 'back') % 259200 AS BIGINT)) ELSE t END AS occurred
  FROM events
),
numbered AS (
  SELECT *, row_number() OVER (ORDER BY t, step, id) AS n FROM timed
)
SELECT $base + n AS seq, 'b' || id || '-' || step AS event_id, type, occurred, now(), 'bench', NULL,
       '{"event_id":"b' || id || '-' || step || '","type":"' || type || '","occurred_at":"'
         || strftime(occurred, '%Y-%m-%dT%H:%M:%SZ') || '",' || body || '}',
       $batch, 'bench:generated', NULL
FROM numbered
WHERE n <= $count`;
