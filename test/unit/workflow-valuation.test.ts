/**
 * The approval policy's amounts from given warehouse facts (src/workflow/valuation.ts): which price a cut is
 * measured from, which cost a transfer or purchase is valued at, and that a requester's claims never lower
 * an amount. The facts' query is tested against a warehouse in test/sql/workflow-approval-amounts.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  fieldPattern,
  itemUpdateAmount,
  priceChangeAmount,
  purchaseAmount,
  transferAmount,
  type ValuationFacts,
  withLanded,
} from '../../src/workflow/valuation.ts';

const facts = (given: Partial<ValuationFacts> = {}): ValuationFacts => ({
  skuKnown: true,
  listPrice: 87.99,
  unitCost: 40,
  channelPriceThen: null,
  allChannelPriceThen: null,
  channelPriceNow: null,
  allChannelPriceNow: null,
  avgUnitCost: null,
  nodeKnown: true,
  toNodeKnown: true,
  ...given,
});

describe('price change amounts', () => {
  it('measure the cut from the channel price, else the all-channel price, else the list price', () => {
    const change = { sku: 'S', channel_id: 'WEB', price: 9.99 };
    expect(priceChangeAmount(change, facts())).toEqual({
      ok: true,
      value: 78,
      markdownPct: 88.65,
      basis: 'current price 87.99 from the list price',
    });
    expect(
      priceChangeAmount(change, facts({ allChannelPriceThen: 20, allChannelPriceNow: 20 })),
    ).toMatchObject({
      markdownPct: 50.05,
      basis: 'current price 20 from the all-channel price history',
    });
    expect(
      priceChangeAmount(
        change,
        facts({
          channelPriceThen: 10.5,
          channelPriceNow: 10.5,
          allChannelPriceThen: 20,
          allChannelPriceNow: 20,
        }),
      ),
    ).toMatchObject({ markdownPct: 4.86, basis: 'current price 10.5 from the WEB price history' });
  });

  it('take the higher of the price then and now (a backdated change is judged against today’s price)', () => {
    const change = { sku: 'S', channel_id: 'WEB', price: 9.99 };
    expect(
      priceChangeAmount(change, facts({ channelPriceThen: 10.5, channelPriceNow: 87.99 })),
    ).toMatchObject({
      markdownPct: 88.65,
    });
    expect(
      priceChangeAmount(change, facts({ channelPriceThen: 87.99, channelPriceNow: 10.5 })),
    ).toMatchObject({
      markdownPct: 88.65,
    });
  });

  it('count a rise as no cut, and refuse what cannot be valued', () => {
    expect(priceChangeAmount({ sku: 'S', price: 99 }, facts())).toMatchObject({ value: 0, markdownPct: 0 });
    expect(priceChangeAmount({ sku: 'NOPE', price: 1 }, facts({ skuKnown: false, listPrice: null }))).toEqual(
      {
        ok: false,
        problem: 'sku NOPE is unknown to the warehouse (no item_upserted): its amount cannot be valued',
      },
    );
    expect(priceChangeAmount({ sku: 'S', price: 1 }, facts({ listPrice: 0 }))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/no current price above 0/),
    });
  });
});

describe('purchase amounts', () => {
  const po = (lines: { sku: string; qty: number; unit_cost: number }[]) => ({
    po_id: 'PO-1',
    node_id: 'DC',
    lines,
  });

  it('value each line at the higher of its own cost and the item cost', () => {
    expect(purchaseAmount(po([{ sku: 'S', qty: 1000, unit_cost: 1 }]), [facts()])).toMatchObject({
      ok: true,
      value: 40000,
      basis: "Σ qty × unit cost (at least the item's unit_cost: S at the item cost 40, not 1)",
    });
    expect(purchaseAmount(po([{ sku: 'S', qty: 1000, unit_cost: 55 }]), [facts()])).toMatchObject({
      value: 55000,
    });
    expect(purchaseAmount(po([{ sku: 'S', qty: 10, unit_cost: 0 }]), [facts({ unitCost: 0 })])).toMatchObject(
      {
        value: 0,
      },
    );
  });

  it('add up a large order split over many lines', () => {
    const lines = Array.from({ length: 50 }, (_, i) => ({ sku: 'S', qty: 100 + i, unit_cost: 0.01 }));
    const total = lines.reduce((sum, line) => sum + line.qty, 0) * 40;
    expect(
      purchaseAmount(
        po(lines),
        lines.map(() => facts()),
      ),
    ).toMatchObject({ value: total });
    expect(
      withLanded(
        purchaseAmount(
          po(lines),
          lines.map(() => facts()),
        ),
        1234.5,
        'before',
      ),
    ).toMatchObject({
      value: total + 1234.5,
      basis: expect.stringContaining('with 1234.5 before'),
    });
  });

  it('refuse unknown skus and nodes, and values beyond the largest amount', () => {
    expect(
      purchaseAmount(po([{ sku: 'X', qty: 1, unit_cost: 1 }]), [facts({ skuKnown: false })]),
    ).toMatchObject({ ok: false, problem: expect.stringMatching(/sku X is unknown/) });
    expect(
      purchaseAmount(po([{ sku: 'S', qty: 1, unit_cost: 1 }]), [facts({ nodeKnown: false })]),
    ).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/node DC is unknown/),
    });
    expect(
      purchaseAmount(po([{ sku: 'S', qty: 1_000_000_000, unit_cost: 1_000_000_000 }]), [facts()]),
    ).toMatchObject({ ok: false, problem: expect.stringMatching(/beyond the largest amount/) });
  });
});

describe('transfer amounts', () => {
  const t = { sku: 'S', from_node_id: 'DC', to_node_id: 'ST', qty: 1000 };
  it('value at the sender’s moving-average cost, else the item cost', () => {
    expect(transferAmount(t, facts({ avgUnitCost: 182.5 }))).toEqual({
      ok: true,
      value: 182500,
      markdownPct: null,
      basis: 'qty × the moving-average cost 182.5 at DC',
    });
    expect(transferAmount(t, facts())).toMatchObject({
      value: 40000,
      basis: "qty × the item's unit_cost 40 (no average cost at DC)",
    });
    expect(transferAmount(t, facts({ avgUnitCost: 0 }))).toMatchObject({ value: 40000 });
  });

  it('refuse unknown skus, senders and receivers', () => {
    expect(transferAmount(t, facts({ skuKnown: false }))).toMatchObject({ ok: false });
    expect(transferAmount(t, facts({ nodeKnown: false }))).toMatchObject({
      problem: expect.stringMatching(/node DC is unknown/),
    });
    expect(transferAmount(t, facts({ toNodeKnown: false }))).toMatchObject({
      problem: expect.stringMatching(/node ST is unknown/),
    });
  });
});

describe('item master updates', () => {
  it('judge the larger of the list price and unit cost cuts of an existing item', () => {
    expect(itemUpdateAmount({ sku: 'S', list_price: 8.8, unit_cost: 40 }, facts())).toMatchObject({
      markdownPct: 90,
      basis: 'list price 87.99',
    });
    expect(itemUpdateAmount({ sku: 'S', list_price: 87.99, unit_cost: 4 }, facts())).toMatchObject({
      markdownPct: 90,
      basis: 'unit cost 40',
    });
    expect(itemUpdateAmount({ sku: 'S', list_price: 95, unit_cost: 45 }, facts())).toMatchObject({
      markdownPct: 0,
    });
    expect(
      itemUpdateAmount({ sku: 'N', list_price: 1, unit_cost: 1 }, facts({ skuKnown: false })),
    ).toMatchObject({
      ok: true,
      markdownPct: 0,
    });
  });
});

describe('payload patterns', () => {
  it('match a field’s exact value in a canonical payload, metacharacters and quotes included', () => {
    const skus = ['SKU.1+(x)', 'A"B\\C', 'Ünï-Ø'];
    const pattern = new RegExp(fieldPattern('sku', [...skus, undefined]));
    for (const sku of skus) expect(pattern.test(JSON.stringify({ event_id: 'e', sku, price: 1 }))).toBe(true);
    for (const sku of ['SKUa1+(x)', 'SKU.1+(x)2', 'A"B', 'ünï-Ø']) {
      expect(pattern.test(JSON.stringify({ sku })), sku).toBe(false);
    }
    expect(pattern.test(JSON.stringify({ other_sku: 'x', name: 'SKU.1+(x)' }))).toBe(false);
    expect(new RegExp(fieldPattern('sku', [])).test(JSON.stringify({ sku: '' }))).toBe(false);
  });
});
