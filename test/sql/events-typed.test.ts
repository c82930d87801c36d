import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReject, stageItem } from '../../src/ingest/stage.ts';
import { runAnalystQuery } from '../../src/sandbox/local.ts';
import { EventLander, type StagedEvent, toColumns } from '../../src/warehouse/landing.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';

/** Lands the given events, in the given (arrival) order, as one batch. */
async function land(warehouse: Warehouse, ...events: Record<string, unknown>[]): Promise<void> {
  const staged = events.map((event) => stageItem({ raw: JSON.stringify(event) }));
  const bad = staged.filter(isReject);
  if (bad.length > 0) throw new Error(`fixture event invalid: ${JSON.stringify(bad[0])}`);
  await new EventLander(warehouse).land(
    { kind: 'file', name: 'given' },
    [toColumns(staged as StagedEvent[])],
    [],
  );
}

const at = (iso: string) => new Date(iso);
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** Given events of every family (and a master-data event no typed view may pick up). */
const GIVEN: Record<string, unknown>[] = [
  {
    event_id: 'item-1',
    type: 'item_upserted',
    occurred_at: '2024-03-01T00:00:00Z',
    sku: 'A',
    name: 'A',
    category: 'toys',
    unit_cost: 2,
    list_price: 5,
  },
  {
    event_id: 'sale-1',
    type: 'pos_sale',
    occurred_at: '2024-03-01T23:30:00-02:00',
    source: 'pos',
    node_id: 'ST-1',
    sku: 'A',
    qty: 3,
    unit_price: 4.99,
  },
  {
    event_id: 'sale-2',
    type: 'pos_sale',
    occurred_at: '2024-03-02T10:00:00Z',
    node_id: 'ST-1',
    sku: 'B',
    qty: 1,
    unit_price: 0.1,
  },
  {
    event_id: 'ord-1',
    type: 'order_placed',
    occurred_at: '2024-03-02T08:00:00Z',
    source: 'web',
    order_id: 'O1',
    channel_id: 'WEB',
    ship_to_region: 'east',
    service_level: 'standard',
    promised_by: '2024-03-05',
    lines: [
      { line_id: 'L1', sku: 'A', qty: 2, unit_price: 5.5 },
      { line_id: 'L2', sku: 'B', qty: 1, unit_price: 12.25 },
    ],
  },
  {
    event_id: 'ord-2',
    type: 'order_placed',
    occurred_at: '2024-03-02T09:00:00Z',
    order_id: 'O2',
    channel_id: 'WEB',
    ship_to_region: 'west',
    service_level: 'pickup',
    pickup_node_id: 'ST-1',
    lines: [{ line_id: 'L1', sku: 'A', qty: 1, unit_price: 5 }],
  },
  {
    event_id: 'alloc-1',
    type: 'allocated',
    occurred_at: '2024-03-02T08:05:00Z',
    order_id: 'O1',
    line_id: 'L1',
    node_id: 'DC-1',
    sku: 'A',
    qty: 2,
  },
  {
    event_id: 'ship-1',
    type: 'shipped',
    occurred_at: '2024-03-03T08:00:00Z',
    order_id: 'O1',
    line_id: 'L1',
    node_id: 'DC-1',
    sku: 'A',
    qty: 2,
    carrier: 'UPS',
  },
  { event_id: 'cancel-1', type: 'order_cancelled', occurred_at: '2024-03-03T09:00:00Z', order_id: 'O2' },
  {
    event_id: 'ret-1',
    type: 'return_received',
    occurred_at: '2024-03-04T08:00:00Z',
    return_id: 'R1',
    order_id: 'O1',
    line_id: 'L1',
    node_id: 'DC-1',
    sku: 'A',
    qty: 1,
    reason: 'too small',
  },
  {
    event_id: 'ret-2',
    type: 'return_received',
    occurred_at: '2024-03-04T09:00:00Z',
    return_id: 'R2',
    node_id: 'ST-1',
    sku: 'B',
    qty: 1,
  },
  {
    event_id: 'grade-1',
    type: 'return_graded',
    occurred_at: '2024-03-05T08:00:00Z',
    return_id: 'R1',
    node_id: 'DC-1',
    sku: 'A',
    qty: 1,
    grade: 'B',
    disposition: 'liquidate',
  },
  {
    event_id: 'refund-1',
    type: 'refund_issued',
    occurred_at: '2024-03-05T09:00:00Z',
    order_id: 'O1',
    return_id: 'R1',
    amount: 5.5,
  },
  {
    event_id: 'rcpt-1',
    type: 'receipt',
    occurred_at: '2024-03-01T06:00:00Z',
    node_id: 'DC-1',
    sku: 'A',
    qty: 10,
    unit_cost: 1.2345,
    po_id: 'P1',
  },
  {
    event_id: 'rcpt-2',
    type: 'receipt',
    occurred_at: '2024-03-01T07:00:00Z',
    node_id: 'DC-1',
    sku: 'B',
    qty: 4,
    unit_cost: 3,
    status: 'quarantine',
  },
  {
    event_id: 'tr-s',
    type: 'transfer_shipped',
    occurred_at: '2024-03-01T12:00:00Z',
    transfer_id: 'T1',
    from_node_id: 'DC-1',
    to_node_id: 'ST-1',
    sku: 'A',
    qty: 3,
    expected_at: '2024-03-03T10:00:00+01:00',
  },
  {
    event_id: 'tr-s2',
    type: 'transfer_shipped',
    occurred_at: '2024-03-01T13:00:00Z',
    transfer_id: 'T2',
    from_node_id: 'DC-1',
    to_node_id: 'ST-1',
    sku: 'B',
    qty: 1,
  },
  {
    event_id: 'tr-r',
    type: 'transfer_received',
    occurred_at: '2024-03-02T12:00:00Z',
    transfer_id: 'T1',
    to_node_id: 'ST-1',
    sku: 'A',
    qty: 2,
  },
  {
    event_id: 'adj-1',
    type: 'adjustment',
    occurred_at: '2024-03-02T12:00:00Z',
    node_id: 'ST-1',
    sku: 'A',
    qty: -2,
    reason: 'shrink',
  },
  {
    event_id: 'cc-1',
    type: 'cycle_count',
    occurred_at: '2024-03-02T13:00:00Z',
    node_id: 'ST-1',
    sku: 'A',
    counted_qty: 0,
    status: 'damaged',
  },
  {
    event_id: 'sc-1',
    type: 'status_changed',
    occurred_at: '2024-03-02T14:00:00Z',
    node_id: 'DC-1',
    sku: 'B',
    qty: 4,
    from_status: 'quarantine',
    to_status: 'sellable',
  },
  {
    event_id: 'po-1',
    type: 'po_created',
    occurred_at: '2024-02-20T00:00:00Z',
    po_id: 'P1',
    supplier_id: 'S1',
    node_id: 'DC-1',
    expected_at: '2024-03-01',
    lines: [
      { line_id: '1', sku: 'A', qty: 10, unit_cost: 1.25 },
      { line_id: '2', sku: 'B', qty: 6, unit_cost: 3 },
    ],
  },
  {
    event_id: 'po-2',
    type: 'po_updated',
    occurred_at: '2024-02-25T00:00:00Z',
    po_id: 'P1',
    expected_at: '2024-03-02T15:00:00Z',
  },
  { event_id: 'po-3', type: 'po_cancelled', occurred_at: '2024-03-03T00:00:00Z', po_id: 'P1', line_id: '2' },
  {
    event_id: 'price-1',
    type: 'price_changed',
    occurred_at: '2024-03-01T00:00:00Z',
    sku: 'A',
    price: 4.99,
    reason: 'markdown',
    ends_at: '2024-03-10',
  },
  {
    event_id: 'price-2',
    type: 'price_changed',
    occurred_at: '2024-03-01T00:00:00Z',
    sku: 'B',
    channel_id: 'WEB',
    price: 11,
    reason: 'regular',
  },
];

describe('typed event views (given events → expected typed rows)', () => {
  let dir: string;
  let file: string;
  let warehouse: Warehouse;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-events-typed-'));
    file = path.join(dir, 'w.duckdb');
    warehouse = await Warehouse.open(file);
    await land(warehouse, ...GIVEN);
  });
  afterAll(async () => {
    await warehouse.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Column name → DuckDB type of a relation. */
  async function types(relation: string): Promise<Record<string, string>> {
    const rows = await warehouse.all<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = $relation`,
      { relation },
    );
    return Object.fromEntries(rows.map((row) => [row.column_name, row.data_type]));
  }

  it('events_sales: one typed row per pos_sale, day in UTC, money exact', async () => {
    expect(
      await warehouse.all(
        'SELECT event_id, occurred_at, day, source, node_id, sku, qty, unit_price, revenue FROM events_sales ORDER BY event_id',
      ),
    ).toEqual([
      // 23:30 at -02:00 is 01:30Z the next day: the UTC day is March 2nd.
      {
        event_id: 'sale-1',
        occurred_at: at('2024-03-02T01:30:00Z'),
        day: day('2024-03-02'),
        source: 'pos',
        node_id: 'ST-1',
        sku: 'A',
        qty: 3n,
        unit_price: 4.99,
        revenue: 14.97,
      },
      {
        event_id: 'sale-2',
        occurred_at: at('2024-03-02T10:00:00Z'),
        day: day('2024-03-02'),
        source: null,
        node_id: 'ST-1',
        sku: 'B',
        qty: 1n,
        unit_price: 0.1,
        revenue: 0.1,
      },
    ]);
    expect(await types('events_sales')).toMatchObject({
      occurred_at: 'TIMESTAMP WITH TIME ZONE',
      day: 'DATE',
      qty: 'BIGINT',
      unit_price: 'DECIMAL(18,4)',
      revenue: 'DECIMAL(18,4)',
    });
  });

  it('events_orders: one row per order line, header repeated; NULL promised_by and pickup node when absent', async () => {
    expect(
      await warehouse.all(
        `SELECT order_id, line_id, channel_id, ship_to_region, service_level, promised_by, pickup_node_id, sku, qty,
                unit_price, line_value FROM events_orders ORDER BY order_id, line_id`,
      ),
    ).toEqual([
      {
        order_id: 'O1',
        line_id: 'L1',
        channel_id: 'WEB',
        ship_to_region: 'east',
        service_level: 'standard',
        promised_by: at('2024-03-05T00:00:00Z'),
        pickup_node_id: null,
        sku: 'A',
        qty: 2n,
        unit_price: 5.5,
        line_value: 11,
      },
      {
        order_id: 'O1',
        line_id: 'L2',
        channel_id: 'WEB',
        ship_to_region: 'east',
        service_level: 'standard',
        promised_by: at('2024-03-05T00:00:00Z'),
        pickup_node_id: null,
        sku: 'B',
        qty: 1n,
        unit_price: 12.25,
        line_value: 12.25,
      },
      {
        order_id: 'O2',
        line_id: 'L1',
        channel_id: 'WEB',
        ship_to_region: 'west',
        service_level: 'pickup',
        promised_by: null,
        pickup_node_id: 'ST-1',
        sku: 'A',
        qty: 1n,
        unit_price: 5,
        line_value: 5,
      },
    ]);
    expect(await types('events_orders')).toMatchObject({
      promised_by: 'TIMESTAMP WITH TIME ZONE',
      unit_price: 'DECIMAL(18,4)',
    });
  });

  it('events_fulfilment: allocations, shipments and cancellations; a whole-order cancel has NULL line and sku', async () => {
    expect(
      await warehouse.all(
        'SELECT event_type, order_id, line_id, node_id, sku, qty, carrier, reason FROM events_fulfilment ORDER BY seq',
      ),
    ).toEqual([
      {
        event_type: 'allocated',
        order_id: 'O1',
        line_id: 'L1',
        node_id: 'DC-1',
        sku: 'A',
        qty: 2n,
        carrier: null,
        reason: null,
      },
      {
        event_type: 'shipped',
        order_id: 'O1',
        line_id: 'L1',
        node_id: 'DC-1',
        sku: 'A',
        qty: 2n,
        carrier: 'UPS',
        reason: null,
      },
      {
        event_type: 'order_cancelled',
        order_id: 'O2',
        line_id: null,
        node_id: null,
        sku: null,
        qty: null,
        carrier: null,
        reason: null,
      },
    ]);
  });

  it('events_returns and events_refunds: received, graded and refunded; absent order and reason are NULL', async () => {
    expect(
      await warehouse.all(
        'SELECT event_type, return_id, order_id, line_id, node_id, sku, qty, reason, grade, disposition FROM events_returns ORDER BY seq',
      ),
    ).toEqual([
      {
        event_type: 'return_received',
        return_id: 'R1',
        order_id: 'O1',
        line_id: 'L1',
        node_id: 'DC-1',
        sku: 'A',
        qty: 1n,
        reason: 'too small',
        grade: null,
        disposition: null,
      },
      {
        event_type: 'return_received',
        return_id: 'R2',
        order_id: null,
        line_id: null,
        node_id: 'ST-1',
        sku: 'B',
        qty: 1n,
        reason: null,
        grade: null,
        disposition: null,
      },
      {
        event_type: 'return_graded',
        return_id: 'R1',
        order_id: null,
        line_id: null,
        node_id: 'DC-1',
        sku: 'A',
        qty: 1n,
        reason: null,
        grade: 'B',
        disposition: 'liquidate',
      },
    ]);
    expect(
      await warehouse.all('SELECT day, order_id, line_id, return_id, amount, reason FROM events_refunds'),
    ).toEqual([
      { day: day('2024-03-05'), order_id: 'O1', line_id: null, return_id: 'R1', amount: 5.5, reason: null },
    ]);
    expect(await types('events_refunds')).toMatchObject({ amount: 'DECIMAL(18,4)' });
  });

  it('events_receipts: status as sent (NULL when absent) and the defaulted bucket; four-decimal costs exact', async () => {
    expect(
      await warehouse.all(
        'SELECT event_id, node_id, sku, qty, unit_cost, value, po_id, status, bucket FROM events_receipts ORDER BY seq',
      ),
    ).toEqual([
      {
        event_id: 'rcpt-1',
        node_id: 'DC-1',
        sku: 'A',
        qty: 10n,
        unit_cost: 1.2345,
        value: 12.345,
        po_id: 'P1',
        status: null,
        bucket: 'sellable',
      },
      {
        event_id: 'rcpt-2',
        node_id: 'DC-1',
        sku: 'B',
        qty: 4n,
        unit_cost: 3,
        value: 12,
        po_id: null,
        status: 'quarantine',
        bucket: 'quarantine',
      },
    ]);
  });

  it('events_transfers: expected_at as an instant (NULL when absent); bucket only on receipts', async () => {
    expect(
      await warehouse.all(
        'SELECT event_type, transfer_id, from_node_id, to_node_id, sku, qty, expected_at, status, bucket FROM events_transfers ORDER BY seq',
      ),
    ).toEqual([
      {
        event_type: 'transfer_shipped',
        transfer_id: 'T1',
        from_node_id: 'DC-1',
        to_node_id: 'ST-1',
        sku: 'A',
        qty: 3n,
        expected_at: at('2024-03-03T09:00:00Z'),
        status: null,
        bucket: null,
      },
      {
        event_type: 'transfer_shipped',
        transfer_id: 'T2',
        from_node_id: 'DC-1',
        to_node_id: 'ST-1',
        sku: 'B',
        qty: 1n,
        expected_at: null,
        status: null,
        bucket: null,
      },
      {
        event_type: 'transfer_received',
        transfer_id: 'T1',
        from_node_id: null,
        to_node_id: 'ST-1',
        sku: 'A',
        qty: 2n,
        expected_at: null,
        status: null,
        bucket: 'sellable',
      },
    ]);
  });

  it('events_adjustments_counts: signed adjustments, counts with counted_qty, status changes', async () => {
    expect(
      await warehouse.all(
        `SELECT event_type, node_id, sku, qty, counted_qty, reason, status, bucket, from_status, to_status
         FROM events_adjustments_counts ORDER BY seq`,
      ),
    ).toEqual([
      {
        event_type: 'adjustment',
        node_id: 'ST-1',
        sku: 'A',
        qty: -2n,
        counted_qty: null,
        reason: 'shrink',
        status: null,
        bucket: 'sellable',
        from_status: null,
        to_status: null,
      },
      {
        event_type: 'cycle_count',
        node_id: 'ST-1',
        sku: 'A',
        qty: null,
        counted_qty: 0n,
        reason: null,
        status: 'damaged',
        bucket: 'damaged',
        from_status: null,
        to_status: null,
      },
      {
        event_type: 'status_changed',
        node_id: 'DC-1',
        sku: 'B',
        qty: 4n,
        counted_qty: null,
        reason: null,
        status: null,
        bucket: null,
        from_status: 'quarantine',
        to_status: 'sellable',
      },
    ]);
  });

  it('events_purchase_orders: po_created lines unnested, updates and cancels one row each', async () => {
    expect(
      await warehouse.all(
        `SELECT event_type, po_id, supplier_id, node_id, expected_at, line_id, sku, qty, unit_cost, line_value
         FROM events_purchase_orders ORDER BY seq, line_id`,
      ),
    ).toEqual([
      {
        event_type: 'po_created',
        po_id: 'P1',
        supplier_id: 'S1',
        node_id: 'DC-1',
        expected_at: at('2024-03-01T00:00:00Z'),
        line_id: '1',
        sku: 'A',
        qty: 10n,
        unit_cost: 1.25,
        line_value: 12.5,
      },
      {
        event_type: 'po_created',
        po_id: 'P1',
        supplier_id: 'S1',
        node_id: 'DC-1',
        expected_at: at('2024-03-01T00:00:00Z'),
        line_id: '2',
        sku: 'B',
        qty: 6n,
        unit_cost: 3,
        line_value: 18,
      },
      {
        event_type: 'po_updated',
        po_id: 'P1',
        supplier_id: null,
        node_id: null,
        expected_at: at('2024-03-02T15:00:00Z'),
        line_id: null,
        sku: null,
        qty: null,
        unit_cost: null,
        line_value: null,
      },
      {
        event_type: 'po_cancelled',
        po_id: 'P1',
        supplier_id: null,
        node_id: null,
        expected_at: null,
        line_id: '2',
        sku: null,
        qty: null,
        unit_cost: null,
        line_value: null,
      },
    ]);
  });

  it('events_prices: NULL channel = every channel, ends_at NULL when absent', async () => {
    expect(
      await warehouse.all(
        'SELECT event_id, sku, channel_id, price, reason, ends_at FROM events_prices ORDER BY event_id',
      ),
    ).toEqual([
      {
        event_id: 'price-1',
        sku: 'A',
        channel_id: null,
        price: 4.99,
        reason: 'markdown',
        ends_at: at('2024-03-10T00:00:00Z'),
      },
      { event_id: 'price-2', sku: 'B', channel_id: 'WEB', price: 11, reason: 'regular', ends_at: null },
    ]);
  });

  it('every event of a typed family appears exactly once (lines once per line), and nothing else', async () => {
    const counts = await warehouse.all<{ relation: string; n: bigint }>(
      `SELECT 'sales' AS relation, count(DISTINCT event_id) AS n FROM events_sales
       UNION ALL SELECT 'orders', count(*) FROM events_orders
       UNION ALL SELECT 'fulfilment', count(*) FROM events_fulfilment
       UNION ALL SELECT 'returns', count(*) FROM events_returns
       UNION ALL SELECT 'receipts', count(*) FROM events_receipts
       UNION ALL SELECT 'purchase_orders', count(*) FROM events_purchase_orders
       ORDER BY relation`,
    );
    expect(Object.fromEntries(counts.map((row) => [row.relation, Number(row.n)]))).toEqual({
      fulfilment: 3,
      orders: 3,
      purchase_orders: 4,
      receipts: 2,
      returns: 3,
      sales: 2,
    });
  });

  it('analysts can read the views through the SQL sandbox, with no JSON path', async () => {
    await warehouse.close();
    try {
      const result = await runAnalystQuery(
        file,
        "SELECT order_id, sum(line_value) AS value FROM events_orders WHERE service_level = 'standard' GROUP BY ALL",
      );
      expect(result.rows).toEqual([{ order_id: 'O1', value: 23.25 }]);
    } finally {
      warehouse = await Warehouse.open(file);
    }
  });
});
