/**
 * The amounts the approval policy judges, taken from the warehouse only (docs/workflow.md "Amounts"): a
 * price change's cut from the price history or list price, a transfer's value from the sender's moving-average
 * cost, a purchase's value from the item cost. A requester's own claims (a lower current price, a unit value
 * of 0, a cheaper unit cost) never lower an amount. Used by approval requests (`approvals.ts`) and by the
 * raw-event gate (`raw-event-policy.ts`), so both judge the same action alike.
 *
 * The facts come from one set-based query (`sql/workflow/valuation_facts.sql`); the amounts are pure
 * functions of them, so they are tested with given facts as well as against a warehouse.
 */
import { MAX_MONEY } from '../contracts/primitives.ts';
import type { Reader } from './reader.ts';
import { workflowSql } from './sql.ts';

export interface ValuationKey {
  sku: string;
  /** A price change's channel (absent: all channels). */
  channel_id?: string | undefined;
  /** Sender (transfers) or receiving node (purchases): must be known; transfers are costed here. */
  node_id?: string | undefined;
  /** Receiving node of a transfer: must be known. */
  to_node_id?: string | undefined;
  /** Business time of the action (ISO). */
  at: string;
  /** A price change: read the prices in force too (only then is the price history scanned). */
  prices?: boolean;
}

export interface ValuationFacts {
  skuKnown: boolean;
  listPrice: number | null;
  unitCost: number | null;
  channelPriceThen: number | null;
  allChannelPriceThen: number | null;
  channelPriceNow: number | null;
  allChannelPriceNow: number | null;
  avgUnitCost: number | null;
  nodeKnown: boolean;
  toNodeKnown: boolean;
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** The facts of every key, in order (two queries at most). `now` is the business now (ISO). */
export async function valuationFacts(
  reader: Reader,
  keys: readonly ValuationKey[],
  now: string,
): Promise<ValuationFacts[]> {
  if (keys.length === 0) return [];
  const rows = await reader.all(workflowSql('valuation_facts'), {
    keys: JSON.stringify(
      keys.map((key, k) => ({ k, sku: key.sku, node_id: key.node_id, to_node_id: key.to_node_id })),
    ),
    sku_pattern: fieldPattern(
      'sku',
      keys.map((key) => key.sku),
    ),
    node_pattern: fieldPattern(
      'node_id',
      keys.flatMap((key) => [key.node_id, key.to_node_id]),
    ),
  });
  const priced = keys.flatMap((key, k) =>
    key.prices ? [{ k, sku: key.sku, channel_id: key.channel_id, at: key.at }] : [],
  );
  const prices =
    priced.length === 0
      ? []
      : await reader.all(workflowSql('price_references'), {
          keys: JSON.stringify(priced),
          now,
          sku_pattern: fieldPattern(
            'sku',
            priced.map((key) => key.sku),
          ),
        });
  const byKey = new Map(rows.map((row) => [Number(row.k), row]));
  const priceOf = new Map(prices.map((row) => [Number(row.k), row]));
  return keys.map((_, k) => {
    const row = byKey.get(k)!;
    const price = priceOf.get(k) ?? {};
    return {
      skuKnown: row.sku_known === true,
      listPrice: num(row.list_price),
      unitCost: num(row.unit_cost),
      channelPriceThen: num(price.channel_price_then),
      allChannelPriceThen: num(price.all_channel_price_then),
      channelPriceNow: num(price.channel_price_now),
      allChannelPriceNow: num(price.all_channel_price_now),
      avgUnitCost: num(row.avg_unit_cost),
      nodeKnown: row.node_known === true,
      toNodeKnown: row.to_node_known === true,
    };
  });
}

/**
 * A regular expression matching `"<field>":<value>` in an event's canonical payload (JSON.stringify of the
 * validated event, no spaces) for any of `values`, and nothing else: the queries match the raw payload with
 * it before parsing any JSON. Matches nothing for no values.
 */
export function fieldPattern(field: string, values: readonly (string | undefined)[]): string {
  const wanted = [...new Set(values.filter((value): value is string => value !== undefined))];
  if (wanted.length === 0) return '[^\\s\\S]';
  const literal = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  return `${literal(JSON.stringify(field))}:(?:${wanted.map((value) => literal(JSON.stringify(value))).join('|')})`;
}

/** An amount the policy can judge, with the words saying where it came from; or why there is none. */
export type Amount =
  | { ok: true; value: number; markdownPct: number | null; basis: string }
  | { ok: false; problem: string };

function refused(problem: string): Amount {
  return { ok: false, problem };
}

function valued(value: number, markdownPct: number | null, basis: string): Amount {
  if (!Number.isFinite(value) || value > MAX_MONEY) {
    return refused(`its value (${value}) is beyond the largest amount the policy judges (${MAX_MONEY})`);
  }
  return { ok: true, value: round2(value), markdownPct, basis };
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function unknownSku(sku: string): Amount {
  return refused(`sku ${sku} is unknown to the warehouse (no item_upserted): its amount cannot be valued`);
}

function unknownNode(nodeId: string): Amount {
  return refused(`node ${nodeId} is unknown to the warehouse (no node_upserted)`);
}

interface Reference {
  price: number;
  source: string;
}

function reference(
  channel: number | null,
  allChannels: number | null,
  list: number | null,
  channelId: string | undefined,
): Reference | undefined {
  if (channel !== null) return { price: channel, source: `the ${channelId} price history` };
  if (allChannels !== null) return { price: allChannels, source: 'the all-channel price history' };
  if (list !== null) return { price: list, source: 'the list price' };
  return undefined;
}

/**
 * A price change (markdown, promotion or regular): the cut in % of the base price in force — the channel's
 * own, else the all-channel one, else the list price — at the change's time or now, whichever is higher.
 * The value is the cut per unit.
 */
export function priceChangeAmount(
  change: { sku: string; channel_id?: string | undefined; price: number },
  facts: ValuationFacts,
): Amount {
  if (!facts.skuKnown) return unknownSku(change.sku);
  const then = reference(
    facts.channelPriceThen,
    facts.allChannelPriceThen,
    facts.listPrice,
    change.channel_id,
  );
  const now = reference(facts.channelPriceNow, facts.allChannelPriceNow, facts.listPrice, change.channel_id);
  const current = then === undefined || (now !== undefined && now.price > then.price) ? now : then;
  if (current === undefined || !(current.price > 0)) {
    return refused(`sku ${change.sku} has no current price above 0 (price history or list price)`);
  }
  const cut = Math.max(0, current.price - change.price);
  const pct = round2((cut / current.price) * 100);
  return valued(cut, pct, `current price ${current.price} from ${current.source}`);
}

/**
 * A purchase order: Σ qty × unit cost, each line at its own unit_cost or the item's unit_cost, whichever
 * is higher (a PO claiming a cheaper cost than the warehouse knows is valued at the warehouse's).
 */
export interface PurchaseFields {
  po_id: string;
  node_id: string;
  lines: readonly { sku: string; qty: number; unit_cost: number }[];
}

export function purchaseAmount(po: PurchaseFields, facts: readonly ValuationFacts[]): Amount {
  let value = 0;
  const raised: string[] = [];
  for (const [i, line] of po.lines.entries()) {
    const known = facts[i]!;
    if (!known.skuKnown) return unknownSku(line.sku);
    if (!known.nodeKnown) return unknownNode(po.node_id);
    const itemCost = known.unitCost ?? 0;
    if (line.unit_cost < itemCost)
      raised.push(`${line.sku} at the item cost ${itemCost}, not ${line.unit_cost}`);
    value += line.qty * Math.max(line.unit_cost, itemCost);
  }
  const basis = `Σ qty × unit cost (at least the item's unit_cost${raised.length > 0 ? `: ${raised.join('; ')}` : ''})`;
  return valued(value, null, basis);
}

/** A transfer: qty × the sender's moving-average unit cost, else the item's unit_cost. */
export function transferAmount(
  transfer: { sku: string; from_node_id: string; to_node_id: string; qty: number },
  facts: ValuationFacts,
): Amount {
  if (!facts.skuKnown) return unknownSku(transfer.sku);
  if (!facts.nodeKnown) return unknownNode(transfer.from_node_id);
  if (!facts.toNodeKnown) return unknownNode(transfer.to_node_id);
  const average = facts.avgUnitCost !== null && facts.avgUnitCost > 0 ? facts.avgUnitCost : null;
  const unit = average ?? facts.unitCost ?? 0;
  const basis =
    average === null
      ? `qty × the item's unit_cost ${unit} (no average cost at ${transfer.from_node_id})`
      : `qty × the moving-average cost ${unit} at ${transfer.from_node_id}`;
  return valued(transfer.qty * unit, null, basis);
}

/**
 * An item master update of an existing item: a list price or unit cost cut, in % of the item's current
 * one (the larger of the two). Cost cuts count because every valuation that falls back on the item cost
 * would follow them. A new item has nothing to cut (0 %).
 */
export function itemUpdateAmount(
  item: { sku: string; list_price: number; unit_cost: number },
  facts: ValuationFacts,
): Amount {
  if (!facts.skuKnown) return { ok: true, value: 0, markdownPct: 0, basis: 'a new item' };
  const cut = (from: number | null, to: number) =>
    from !== null && from > 0 ? round2((Math.max(0, from - to) / from) * 100) : 0;
  const priceCut = cut(facts.listPrice, item.list_price);
  const costCut = cut(facts.unitCost, item.unit_cost);
  return priceCut >= costCut
    ? valued(Math.max(0, (facts.listPrice ?? 0) - item.list_price), priceCut, `list price ${facts.listPrice}`)
    : valued(Math.max(0, (facts.unitCost ?? 0) - item.unit_cost), costCut, `unit cost ${facts.unitCost}`);
}

/** A line already in the log under a PO or transfer id that a new event or request adds to. */
export interface LandedLine {
  type: 'po_created' | 'transfer_shipped';
  id: string;
  node_id: string;
  sku: string;
  qty: number;
  /** A PO line's own unit cost (null for transfers). */
  unit_cost: number | null;
}

/** The landed lines of these PO and transfer ids, leaving out the events being judged. */
export async function landedLines(
  reader: Reader,
  ids: { poIds: readonly string[]; transferIds: readonly string[]; excludeEventIds: readonly string[] },
): Promise<LandedLine[]> {
  if (ids.poIds.length === 0 && ids.transferIds.length === 0) return [];
  const rows = await reader.all(workflowSql('landed_lines'), {
    po_ids: JSON.stringify(ids.poIds),
    transfer_ids: JSON.stringify(ids.transferIds),
    po_pattern: fieldPattern('po_id', ids.poIds),
    transfer_pattern: fieldPattern('transfer_id', ids.transferIds),
    exclude_event_ids: JSON.stringify(ids.excludeEventIds),
  });
  return rows.map((row) => ({
    type: row.type as LandedLine['type'],
    id: String(row.id),
    node_id: String(row.node_id),
    sku: String(row.sku),
    qty: Number(row.qty),
    unit_cost: num(row.unit_cost),
  }));
}

/** The facts key a landed line is valued with (its sku at its node; times do not matter for costs). */
export function landedKey(line: LandedLine, now: string): ValuationKey {
  return { sku: line.sku, node_id: line.node_id, at: now };
}

/**
 * A landed line's value by the same rules as a new one (PO: the higher of its cost and the item's;
 * transfer: the sender's average, else the item's cost). An sku unknown by now counts at its own cost.
 */
export function landedValue(line: LandedLine, facts: ValuationFacts): number {
  if (line.type === 'po_created') return line.qty * Math.max(line.unit_cost ?? 0, facts.unitCost ?? 0);
  const average = facts.avgUnitCost !== null && facts.avgUnitCost > 0 ? facts.avgUnitCost : null;
  return line.qty * (average ?? facts.unitCost ?? 0);
}

/** An amount plus the value of what landed before under the same id (judged together). */
export function withLanded(amount: Amount, before: number, what: string): Amount {
  if (!amount.ok || before === 0) return amount;
  return valued(amount.value + before, amount.markdownPct, `${amount.basis}, with ${round2(before)} ${what}`);
}
