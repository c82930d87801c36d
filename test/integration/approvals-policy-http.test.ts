/**
 * The approval policy over real HTTP (issue 15, item 1): POST /approvals judges warehouse amounts and refuses
 * the requester's claims; POST /events refuses, per event, the price, PO, transfer and item-cost events the
 * policy would want approved when the key's role lacks events:bypass_approval — they do not land, they are
 * kept as rejects with reason forbidden — while the rest of the request lands. A shipment within an approved
 * transfer passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, ROLES } from '../../src/auth/roles.ts';
import { listRejects, retryRejects } from '../../src/ingest/rejects.ts';

import { refreshLedger } from '../../src/ledger/refresh.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import { call, createFixture, type Fixture, type Json } from '../unit/api/server-fixture.ts';
import { at, EventFactory, land, pinClock } from '../unit/ledger/fixtures.ts';

let fx: Fixture;
const WRITERS = ROLES.filter((role) => can(role, 'events:write'));
/** Event ids the policy refused: none of them may be found in the warehouse afterwards. */
const refusedIds: string[] = [];

beforeAll(async () => {
  fx = await createFixture({
    server: { operations: { enabled: false } },
    async prepare(warehouse) {
      const f = new EventFactory('p');
      await land(warehouse, [
        f.item('SKU-APP-00001', 40, 87.99),
        f.item('T', 150, 300),
        // one sku per writing role, so one role's landed events do not move another's reference
        ...WRITERS.map((role) => f.item(`R-${role}`, 40, 87.99)),
        f.node('DC'),
        f.node('ST', { node_type: 'store' }),
        f.make('supplier_upserted', at(1), { supplier_id: 'SUP', name: 'Supplier', lead_time_days: 7 }),
        f.make('receipt', at(2), { node_id: 'DC', sku: 'T', qty: 2000, unit_cost: 182.5 }),
        ...WRITERS.map((role) =>
          f.make('receipt', at(2), { node_id: 'DC', sku: `R-${role}`, qty: 2000, unit_cost: 182.5 }),
        ),
      ]);
      await refreshLedger(warehouse);
      await pinClock(warehouse, at(10));
    },
  });
});
afterAll(async () => {
  await fx?.dispose();
});

async function openForbidden(warehouse: Warehouse) {
  return (await listRejects(warehouse)).filter((row) => row.reason === 'forbidden');
}

const post = (route: string, key: string, body: unknown) =>
  call(fx.url, 'POST', `/api/v1${route}`, { key, body });

describe('POST /approvals judges warehouse amounts', () => {
  it('refuses claimed amounts and unknown skus; values markdowns and transfers from the warehouse', async () => {
    const planner = fx.keys.planner;
    const claimed = await post('/approvals', planner, {
      kind: 'markdown',
      action: { type: 'price_changed', current_price: 10.5, price: { sku: 'SKU-APP-00001', price: 9.99 } },
    });
    expect(claimed.status, claimed.text).toBe(400);
    expect(claimed.json.errors).toEqual([
      {
        path: 'body.action.current_price',
        code: 'invalid_type',
        message:
          'current_price not accepted: the policy takes every amount (current price, unit cost, value) from the warehouse',
      },
    ]);

    const honest = await post('/approvals', planner, {
      kind: 'markdown',
      action: { type: 'price_changed', price: { sku: 'SKU-APP-00001', price: 9.99 } },
    });
    expect(honest.status, honest.text).toBe(201);
    expect(honest.json).toMatchObject({
      status: 'pending',
      markdown_pct: 88.65,
      required_approvals: 2,
      emitted: [expect.stringMatching(/^wf-req-/)], // the request only: no price_changed yet,
    });

    for (const unitValue of [0, -1, 0.01]) {
      const zero = await post('/approvals', planner, {
        kind: 'transfer',
        action: {
          type: 'transfer',
          transfer: { transfer_id: 'TR-Z', from_node_id: 'DC', to_node_id: 'ST', sku: 'T', qty: 1000 },
          unit_value: unitValue,
        },
      });
      expect(zero.status, zero.text).toBe(400);
      expect(zero.json.errors[0]).toMatchObject({ path: 'body.action.unit_value', message: /not accepted/ });
    }
    const unknown = await post('/approvals', planner, {
      kind: 'purchase_order',
      action: {
        type: 'po_created',
        po: {
          po_id: 'PO-U',
          supplier_id: 'SUP',
          node_id: 'DC',
          expected_at: '2024-01-20',
          lines: [{ line_id: '1', sku: 'NOPE', qty: 1, unit_cost: 1 }],
        },
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.detail).toMatch(/sku NOPE is unknown to the warehouse/);
  });
});

/** The probe's raw events and their honest neighbours, for the sku of one role. */
function rawBatch(role: string): Record<string, unknown>[] {
  const sku = `R-${role}`;
  const base = (id: string, type: string, fields: Record<string, unknown>) => ({
    event_id: `${role}-${id}`,
    type,
    occurred_at: at(9),
    ...fields,
  });
  return [
    base('receipt', 'receipt', { node_id: 'DC', sku, qty: 1, unit_cost: 182.5 }),
    base('cut', 'price_changed', { sku, price: 0.99, reason: 'regular' }), // 98.9 %
    base('po', 'po_created', {
      po_id: `PO-${role}`,
      supplier_id: 'SUP',
      node_id: 'DC',
      expected_at: '2024-02-01',
      lines: [{ line_id: '1', sku, qty: 1_000_000, unit_cost: 0.01 }],
    }),
    base('ship', 'transfer_shipped', {
      transfer_id: `TR-${role}`,
      from_node_id: 'DC',
      to_node_id: 'ST',
      sku,
      qty: 1000, // 182,500 at the average cost
    }),
    base('small-cut', 'price_changed', { sku, channel_id: 'WEB', price: 83.59, reason: 'markdown' }), // 5 %
    base('master', 'item_upserted', {
      sku,
      name: 'cheap now',
      category: 'x',
      unit_cost: 40,
      list_price: 8.8,
    }),
    base('unknown', 'price_changed', { sku: `NOPE-${role}`, price: 1, reason: 'markdown' }),
    base('small-po', 'po_created', {
      po_id: `PO-small-${role}`,
      supplier_id: 'SUP',
      node_id: 'DC',
      expected_at: '2024-02-01',
      lines: [{ line_id: '1', sku, qty: 10, unit_cost: 40 }],
    }),
  ];
}

describe('POST /events: the approval policy per event', () => {
  it('refuses what needs approval from keys without events:bypass_approval, per event; others land it', async () => {
    for (const role of ROLES) {
      const reply = await post('/events', fx.keys[role], rawBatch(role));
      if (!can(role, 'events:write')) {
        expect(reply.status, `${role}: ${reply.text}`).toBe(403);
        continue;
      }
      expect(reply.status, `${role}: ${reply.text}`).toBe(200);
      const outcome = reply.json.results.map((r: Json) => [
        r.status,
        r.reason ?? null,
        r.errors?.[0]?.code ?? null,
      ]);
      if (can(role, 'events:bypass_approval')) {
        expect(outcome, role).toEqual(Array.from({ length: 8 }, () => ['accepted', null, null]));
        continue;
      }
      const refused = (code: string) => ['rejected', 'forbidden', code];
      expect(outcome, role).toEqual([
        ['accepted', null, null],
        refused('approval_required'),
        refused('approval_required'),
        refused('approval_required'),
        ['accepted', null, null],
        refused('approval_required'),
        refused('cannot_value'),
        ['accepted', null, null],
      ]);
      expect(reply.json).toMatchObject({ accepted: 3, rejected: 5, duplicates: 0 });
      const messages = reply.json.results.map((r: Json) => r.errors?.[0]?.message ?? '');
      expect(messages[1]).toMatch(
        /needs approval: it is a 98\.87% cut \(current price 87\.99 from the list price\)/,
      );
      expect(messages[1]).toMatch(
        /It did not land \(kept as a reject\): ask for it through POST \/api\/v1\/approvals/,
      );
      expect(messages[2]).toMatch(/worth 40000000 \(.*at the item cost 40, not 0\.01/);
      expect(messages[3]).toMatch(/worth 182500 \(qty × the moving-average cost 182\.5 at DC\)/);
      expect(messages[5]).toMatch(/a list price or unit cost cut.*a 90% cut/);
      expect(messages[6]).toMatch(/sku NOPE-\w+ is unknown to the warehouse/);
      for (const index of [1, 2, 3, 5, 6]) refusedIds.push(reply.json.results[index].event_id);
    }
  });

  it('judges a PO id with its earlier events, and a resent event as itself', async () => {
    const key = fx.keys.warehouse;
    const po = (id: string, qty: number) => ({
      event_id: id,
      type: 'po_created',
      occurred_at: at(9),
      po_id: 'PO-SPLIT',
      supplier_id: 'SUP',
      node_id: 'DC',
      expected_at: '2024-02-01',
      lines: [{ line_id: id, sku: 'SKU-APP-00001', qty, unit_cost: 40 }],
    });
    expect((await post('/events', key, po('split-1', 100))).json.results[0].status).toBe('accepted'); // 4,000
    expect((await post('/events', key, po('split-1', 100))).json.results[0].status).toBe('duplicate');
    // 4,000 landed + 4,000 more: above 5,000; inside one request the first passes, the second does not
    const more = await post('/events', key, [po('split-2', 20), po('split-3', 100)]);
    expect(more.json.results.map((r: Json) => r.status)).toEqual(['accepted', 'rejected']);
    expect(more.json.results[1].errors[0].message).toMatch(
      /worth 8800 .*with 4800 ordered under PO-SPLIT before/,
    );
    refusedIds.push('split-3');
  });

  it('lets a warehouse key ship an approved transfer, and nothing beyond it', async () => {
    const asked = await post('/approvals', fx.keys.planner, {
      kind: 'transfer',
      action: {
        type: 'transfer',
        transfer: { transfer_id: 'TR-OK', from_node_id: 'DC', to_node_id: 'ST', sku: 'T', qty: 1000 },
      },
    });
    expect(asked.json).toMatchObject({ amount: 182500, required_approvals: 2, status: 'pending' });
    const ship = (id: string, qty: number, extra: Record<string, unknown> = {}) => ({
      event_id: id,
      type: 'transfer_shipped',
      occurred_at: at(10, 1),
      transfer_id: 'TR-OK',
      from_node_id: 'DC',
      to_node_id: 'ST',
      sku: 'T',
      qty,
      ...extra,
    });
    // not approved yet: refused
    const early = await post('/events', fx.keys.warehouse, ship('early', 1000));
    expect(early.json.results[0]).toMatchObject({ status: 'rejected', reason: 'forbidden' });
    refusedIds.push('early');
    for (const role of ['finance', 'admin'] as const) {
      const decided = await post(`/approvals/${asked.json.request_id}/approve`, fx.keys[role], {
        reason: 'stores need it',
      });
      expect(decided.status, decided.text).toBe(200);
    }
    const approved = await call(fx.url, 'GET', `/api/v1/approvals/${asked.json.request_id}`, {
      key: fx.keys.finance,
    });
    expect(approved.json.status).toBe('approved');
    const instructions = approved.json.outcome.instructions as Record<string, unknown>;
    // the WMS ships 600 now and 400 later, then tries one more and another sku under the same id
    const shipped = await post('/events', fx.keys.warehouse, [
      { ...instructions, event_id: 'ok-1', qty: 600 },
      { ...instructions, event_id: 'ok-2', qty: 400 },
      ship('over', 100),
      ship('other-sku', 100, { sku: `R-warehouse` }),
    ]);
    expect(shipped.json.results.map((r: Json) => [r.event_id, r.status])).toEqual([
      ['ok-1', 'accepted'],
      ['ok-2', 'accepted'],
      ['over', 'rejected'],
      ['other-sku', 'rejected'],
    ]);
    refusedIds.push('over', 'other-sku');
  });

  it('keeps every refused event as a reject (reason forbidden), which an erp key resolves by sending it', async () => {
    expect(refusedIds.length).toBeGreaterThanOrEqual(14);
    const listed = await call(fx.url, 'GET', '/api/v1/rejects?reason=forbidden&limit=1000', {
      key: fx.keys.integration,
    });
    expect(listed.status, listed.text).toBe(200);
    const rejects = listed.json.data as Json[];
    expect(rejects.map((row) => row.event_id).sort()).toEqual([...refusedIds].sort());
    for (const row of rejects) {
      expect(row).toMatchObject({
        source_kind: 'http',
        source_file: expect.any(String),
        source_line: expect.any(Number),
        reason: 'forbidden',
        status: 'open',
        errors: [{ path: '', code: expect.stringMatching(/^(approval_required|cannot_value)$/) }],
      });
      // the event as sent, ready to be retried or sent again
      expect(JSON.parse(row.raw as string)).toMatchObject({ event_id: row.event_id, type: row.type });
    }
    const cut = rejects.find((row) => row.event_id === 'warehouse-cut')!;
    expect(cut.errors[0].message).toMatch(/98\.87% cut .*It did not land \(kept as a reject\)/);
    expect(cut.source_line).toBe(2); // 1-based position in its request

    // a system of record that ran its own approval sends the same event: it lands, the reject is resolved
    const sent = await post('/events', fx.keys.erp, JSON.parse(cut.raw as string));
    expect(sent.json.results[0]).toMatchObject({ status: 'accepted' });
    const all = await call(fx.url, 'GET', '/api/v1/rejects?reason=forbidden&status=all&limit=1000', {
      key: fx.keys.integration,
    });
    const resolved = (all.json.data as Json[]).filter((row) => row.status === 'resolved');
    expect(resolved.map((row) => [row.event_id, row.resolution])).toEqual([
      ['warehouse-cut', expect.stringMatching(/^accepted as seq \d+/)],
    ]);
    refusedIds.splice(refusedIds.indexOf('warehouse-cut'), 1);
  });

  it('landed nothing else of a refused event, and only the rejects named by id are retried', async () => {
    await fx.server.close();
    const warehouse = await Warehouse.open(fx.db);
    try {
      const ids = `[${refusedIds.map((id) => `'${id}'`).join(',')}]`;
      const landed = await warehouse.all(
        `SELECT event_id FROM event_log WHERE list_contains(${ids}, event_id)`,
      );
      expect(landed).toEqual([]);
      // …while the rest of those requests did land
      const kept = await warehouse.all<{ n: number }>(
        "SELECT count(*)::INT AS n FROM event_log WHERE event_id IN ('warehouse-receipt', 'integration-small-po', 'ok-2', 'erp-cut', 'admin-master')",
      );
      expect(kept).toEqual([{ n: 5 }]);

      // retrying every open reject leaves the forbidden ones alone; naming one lands it (the operator's call)
      const all = await retryRejects(warehouse, {});
      expect(all.resolved).toBe(0);
      expect(await openForbidden(warehouse)).toHaveLength(refusedIds.length);
      const [first] = await openForbidden(warehouse);
      const named = await retryRejects(warehouse, { ids: [first!.reject_id] });
      expect(named).toMatchObject({ retried: 1, resolved: 1 });
      expect(await openForbidden(warehouse)).toHaveLength(refusedIds.length - 1);
      expect(
        await warehouse.all('SELECT event_id FROM event_log WHERE event_id = $id', { id: first!.event_id }),
      ).toHaveLength(1);
    } finally {
      await warehouse.close();
    }
  });
});
