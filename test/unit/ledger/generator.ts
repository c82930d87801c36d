/**
 * Random, valid event sets for the ledger's property tests: every event type of the contract, referencing
 * a small world (few skus and nodes, so accounts collide often), with distinct business times (ledger order
 * among equal times is arrival order by contract, so ties would make order independence meaningless).
 * Causality is deliberately loose: a receipt of a transfer may come before its shipment in business time,
 * a return before the shipment it references, and so on: the ledger must be well defined for any set.
 */
import type { EventBody } from './fixtures.ts';

/** mulberry32: small, fast and seedable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(values: readonly T[]): T;
  chance(p: number): boolean;
  shuffle<T>(values: readonly T[]): T[];
}

export function rng(seed: number): Rng {
  const next = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (values) => values[Math.floor(next() * values.length)]!,
    chance: (p) => next() < p,
    shuffle(values) {
      const out = [...values];
      for (let index = out.length - 1; index > 0; index--) {
        const other = Math.floor(next() * (index + 1));
        [out[index], out[other]] = [out[other]!, out[index]!];
      }
      return out;
    },
  };
}

const SKUS = ['A', 'B', 'C', 'X'] as const; // X is never upserted (an unknown reference)
const NODES = ['DC', 'ST1', 'ST2', 'RC'] as const;
const BUCKETS = ['sellable', 'damaged', 'quarantine', 'repair', 'returns_pending'] as const;
const REASONS = ['damage', 'shrink', 'found', 'expired', 'correction'] as const;
const DISPOSITIONS = ['restock', 'refurbish', 'liquidate', 'return_to_vendor', 'write_off'] as const;

interface OrderLine {
  order: string;
  line: string;
  sku: string;
}

/** `count` random valid events (plus master data) for `seed`. */
export function randomEvents(seed: number, count: number): EventBody[] {
  const r = rng(seed);
  const start = Date.UTC(2024, 0, 1);
  // distinct business times, assigned at random to the events (so "later" events may reference "earlier" ids)
  const times = r.shuffle(
    Array.from({ length: count + 20 }, (_, index) => start + index * 3_600_000 + r.int(0, 59) * 60_000),
  );
  let nextTime = 0;
  const time = () => new Date(times[nextTime++]!).toISOString();
  let id = 0;
  const event = (type: string, fields: EventBody): EventBody => ({
    event_id: `s${seed}-${++id}`,
    type,
    occurred_at: time(),
    ...fields,
  });
  const money = (min: number, max: number) => Math.round((min + r.next() * (max - min)) * 100) / 100;
  const events: EventBody[] = [];

  for (const sku of SKUS.slice(0, 3)) {
    events.push(
      event('item_upserted', {
        sku,
        name: sku,
        category: r.pick(['apparel', 'home']),
        unit_cost: money(1, 9),
        list_price: 20,
      }),
    );
  }
  for (const node of NODES) {
    events.push(
      event('node_upserted', {
        node_id: node,
        name: node,
        node_type: node === 'DC' ? 'dc' : node === 'RC' ? 'returns_center' : 'store',
        region: 'east',
        can_ship: node !== 'RC',
        can_pickup: node.startsWith('ST'),
      }),
    );
  }
  events.push(
    event('channel_upserted', {
      channel_id: 'WEB',
      name: 'Web',
      channel_type: 'web',
      buffer_units: 1,
      buffer_pct: 15,
    }),
  );
  events.push(
    event('channel_upserted', {
      channel_id: 'MKT',
      name: 'Mkt',
      channel_type: 'marketplace',
      node_ids: ['DC', 'ST2'],
      buffer_pct: 33.3,
    }),
  );

  const transfers: { id: string; to: string; sku: string; qty: number }[] = [];
  const lines: OrderLine[] = [];
  const shippedLines: (OrderLine & { node: string })[] = [];
  const pos: { id: string; lines: { line: string; sku: string }[] }[] = [];
  const returns: { id: string; node: string; sku: string }[] = [];
  const sku = () => r.pick(SKUS);
  const node = () => r.pick(NODES);
  const qty = (max = 12) => r.int(1, max);

  while (events.length < count) {
    const roll = r.int(0, 99);
    if (roll < 14) {
      const po = pos.length > 0 && r.chance(0.4) ? r.pick(pos) : undefined;
      const poLine = po ? r.pick(po.lines) : undefined;
      events.push(
        event('receipt', {
          node_id: node(),
          sku: poLine?.sku ?? sku(),
          qty: qty(20),
          unit_cost: money(1, 12),
          ...(po ? { po_id: po.id } : {}),
          ...(r.chance(0.15) ? { status: r.pick(BUCKETS) } : {}),
        }),
      );
    } else if (roll < 20) {
      const from = node();
      const to = r.pick(NODES.filter((candidate) => candidate !== from));
      const transfer = { id: `T${id}`, to, sku: sku(), qty: qty(8) };
      transfers.push(transfer);
      events.push(
        event('transfer_shipped', {
          transfer_id: transfer.id,
          from_node_id: from,
          to_node_id: to,
          sku: transfer.sku,
          qty: transfer.qty,
          ...(r.chance(0.5) ? { expected_at: '2024-01-20' } : {}),
        }),
      );
    } else if (roll < 25 && transfers.length > 0) {
      const transfer = r.pick(transfers);
      events.push(
        event('transfer_received', {
          transfer_id: transfer.id,
          to_node_id: transfer.to,
          sku: transfer.sku,
          qty: r.int(1, transfer.qty),
          ...(r.chance(0.1) ? { status: 'damaged' } : {}),
        }),
      );
    } else if (roll < 37) {
      events.push(event('pos_sale', { node_id: node(), sku: sku(), qty: qty(4), unit_price: money(5, 25) }));
    } else if (roll < 42) {
      const reason = r.pick(REASONS);
      const signed =
        reason === 'found' ? qty(3) : reason === 'correction' && r.chance(0.5) ? qty(3) : -qty(3);
      events.push(
        event('adjustment', {
          node_id: node(),
          sku: sku(),
          qty: signed,
          reason,
          ...(r.chance(0.2) ? { status: r.pick(BUCKETS) } : {}),
        }),
      );
    } else if (roll < 45) {
      const from = r.pick(BUCKETS);
      events.push(
        event('status_changed', {
          node_id: node(),
          sku: sku(),
          qty: qty(3),
          from_status: from,
          to_status: r.pick(BUCKETS.filter((bucket) => bucket !== from)),
        }),
      );
    } else if (roll < 50) {
      events.push(
        event('cycle_count', {
          node_id: node(),
          sku: sku(),
          counted_qty: r.int(0, 25),
          ...(r.chance(0.2) ? { status: r.pick(BUCKETS) } : {}),
        }),
      );
    } else if (roll < 55) {
      const order = `O${id}`;
      const count = r.int(1, 3);
      const orderLines = Array.from({ length: count }, (_, index) => ({
        order,
        line: String(index + 1),
        sku: sku(),
      }));
      lines.push(...orderLines);
      events.push(
        event('order_placed', {
          order_id: order,
          channel_id: r.pick(['WEB', 'MKT']),
          ship_to_region: 'east',
          service_level: 'standard',
          lines: orderLines.map((line) => ({
            line_id: line.line,
            sku: line.sku,
            qty: qty(3),
            unit_price: money(5, 30),
          })),
        }),
      );
    } else if (roll < 68 && lines.length > 0) {
      const line = r.pick(lines);
      const ref = {
        order_id: line.order,
        line_id: line.line,
        node_id: r.pick(['DC', 'ST1', 'ST2']),
        sku: line.sku,
      };
      const kind = r.pick([
        'allocated',
        'allocated',
        'allocation_released',
        'picked',
        'shipped',
        'shipped',
      ] as const);
      if (kind === 'shipped') shippedLines.push({ ...line, node: ref.node_id });
      events.push(event(kind, { ...ref, qty: qty(3) }));
    } else if (roll < 71 && lines.length > 0) {
      const line = r.pick(lines);
      events.push(
        event('order_cancelled', { order_id: line.order, ...(r.chance(0.5) ? { line_id: line.line } : {}) }),
      );
    } else if (roll < 76) {
      const shipped = shippedLines.length > 0 && r.chance(0.8) ? r.pick(shippedLines) : undefined;
      const ret = { id: `R${id}`, node: r.pick(['RC', 'DC']), sku: shipped?.sku ?? sku() };
      returns.push(ret);
      events.push(
        event('return_received', {
          return_id: ret.id,
          ...(shipped
            ? { order_id: shipped.order, ...(r.chance(0.8) ? { line_id: shipped.line } : {}) }
            : {}),
          node_id: ret.node,
          sku: ret.sku,
          qty: qty(2),
        }),
      );
    } else if (roll < 80 && returns.length > 0) {
      const ret = r.pick(returns);
      events.push(
        event('return_graded', {
          return_id: ret.id,
          node_id: ret.node,
          sku: ret.sku,
          qty: 1,
          grade: r.pick(['A', 'B', 'C', 'D']),
          disposition: r.pick(DISPOSITIONS),
        }),
      );
    } else if (roll < 84) {
      const po = { id: `PO${id}`, lines: [] as { line: string; sku: string }[] };
      const count = r.int(1, 3);
      for (let index = 1; index <= count; index++) po.lines.push({ line: String(index), sku: sku() });
      pos.push(po);
      events.push(
        event('po_created', {
          po_id: po.id,
          supplier_id: 'S1',
          node_id: r.pick(['DC', 'ST1']),
          expected_at: r.pick(['2024-01-15', '2024-02-01T12:00:00Z']),
          lines: po.lines.map((line) => ({
            line_id: line.line,
            sku: line.sku,
            qty: qty(30),
            unit_cost: money(1, 12),
          })),
        }),
      );
    } else if (roll < 86 && pos.length > 0) {
      events.push(event('po_updated', { po_id: r.pick(pos).id, expected_at: '2024-03-01' }));
    } else if (roll < 88 && pos.length > 0) {
      const po = r.pick(pos);
      events.push(
        event('po_cancelled', { po_id: po.id, ...(r.chance(0.5) ? { line_id: r.pick(po.lines).line } : {}) }),
      );
    } else if (roll < 91) {
      events.push(
        event('price_changed', {
          sku: sku(),
          price: money(3, 20),
          reason: r.pick(['regular', 'markdown', 'promotion']),
        }),
      );
    } else if (roll < 93 && lines.length > 0) {
      events.push(event('refund_issued', { order_id: r.pick(lines).order, amount: money(1, 20) }));
    } else if (roll < 95) {
      // a later (or earlier) master-data change of an item's cost
      const which = r.pick(SKUS.slice(0, 3));
      events.push(
        event('item_upserted', {
          sku: which,
          name: which,
          category: 'apparel',
          unit_cost: money(1, 9),
          list_price: 20,
        }),
      );
    }
  }
  return events;
}

/** Splits `events` into 1..maxBatches consecutive, non-empty batches at random points. */
export function randomBatches<T>(r: Rng, events: readonly T[], maxBatches: number): T[][] {
  const count = Math.min(events.length, r.int(1, maxBatches));
  const cuts = new Set<number>();
  while (cuts.size < count - 1) cuts.add(r.int(1, events.length - 1));
  const points = [0, ...[...cuts].sort((a, b) => a - b), events.length];
  return points.slice(1).map((end, index) => events.slice(points[index]!, end));
}
