/**
 * The approval policy for raw events (docs/workflow.md "Raw events"): a `price_changed`, `po_created`,
 * `transfer_shipped` or `item_upserted` sent straight to `POST /events` is judged like the approval request
 * it bypasses, with the same warehouse amounts (`valuation.ts`). When the policy would want an approval
 * the event is refused (the caller turns the refusal into a stored per-event reject; it does not land), unless
 * the key's role holds `events:bypass_approval` (checked by the caller). A transfer shipment that stays within
 * an approved transfer request passes: that is how a WMS sends the instructions an approval produced.
 *
 * Events are judged in request order; a PO or transfer id's earlier lines (landed, or accepted earlier in the
 * same request) count towards its value, so splitting one order over several events of one id does not
 * lower its tier.
 */
import { type ApprovalPolicy, defaultApprovalPolicy, evaluate } from './policy.ts';
import type { Reader } from './reader.ts';
import { workflowSql } from './sql.ts';
import {
  type Amount,
  itemUpdateAmount,
  type LandedLine,
  landedKey,
  landedLines,
  landedValue,
  type PurchaseFields,
  priceChangeAmount,
  purchaseAmount,
  transferAmount,
  type ValuationFacts,
  type ValuationKey,
  valuationFacts,
  withLanded,
} from './valuation.ts';

/** The event types the policy judges. */
export const POLICY_EVENT_TYPES: ReadonlySet<string> = new Set([
  'price_changed',
  'po_created',
  'transfer_shipped',
  'item_upserted',
]);

/** One event of a request, validated by the contract. */
export interface RawEvent {
  /** Position in the request. */
  index: number;
  eventId: string;
  type: string;
  /** Business time (ISO). */
  occurredAt: string;
  /** The validated event. */
  body: Record<string, unknown>;
}

export interface PolicyRefusal {
  index: number;
  /** `approval_required` (the policy wants an approval) or `cannot_value` (unknown sku or node). */
  code: 'approval_required' | 'cannot_value';
  message: string;
}

const HOW =
  'ask for it through POST /api/v1/approvals, or send it with a key whose role holds events:bypass_approval';

interface TransferFields {
  transfer_id: string;
  sku: string;
  from_node_id: string;
  to_node_id: string;
  qty: number;
}

interface ApprovedTransfer {
  sku: string;
  from_node_id: string;
  to_node_id: string;
  approved_qty: number;
}

/**
 * The events of a request the approval policy refuses, with the reason (empty when all pass). `now` is the
 * business now (the ledger's clock); `policy` defaults to config/approvals.json.
 */
export async function policyRefusals(
  reader: Reader,
  events: readonly RawEvent[],
  options: { now: string; policy?: ApprovalPolicy },
): Promise<PolicyRefusal[]> {
  const judged = events.filter((event) => POLICY_EVENT_TYPES.has(event.type));
  if (judged.length === 0) return [];
  const policy = options.policy ?? defaultApprovalPolicy();
  const { now } = options;
  const ids = (type: string, field: string) => [
    ...new Set(judged.filter((e) => e.type === type).map((e) => String(e.body[field]))),
  ];
  const landed = await landedLines(reader, {
    poIds: ids('po_created', 'po_id'),
    transferIds: ids('transfer_shipped', 'transfer_id'),
    excludeEventIds: judged.map((event) => event.eventId),
  });

  // every key at once: one query for the whole request
  const keys: ValuationKey[] = [];
  const firstKey = new Map<RawEvent, number>();
  for (const event of judged) {
    firstKey.set(event, keys.length);
    keys.push(...keysOf(event));
  }
  const landedAt = keys.length;
  keys.push(...landed.map((line) => landedKey(line, now)));
  const facts = await valuationFacts(reader, keys, now);

  // what each PO / transfer id holds so far: its landed lines, then what this request adds
  const before = new Map<string, number>();
  landed.forEach((line, i) => {
    const key = groupKey(line.type, line.id);
    before.set(key, (before.get(key) ?? 0) + landedValue(line, facts[landedAt + i]!));
  });
  const shipped = shippedSoFar(landed);
  // approved transfer requests: read once, and only when a shipment would otherwise be refused
  let approved: Promise<Map<string, ApprovedTransfer[]>> | undefined;
  const approvals = () => {
    approved ??= approvedTransfers(reader, ids('transfer_shipped', 'transfer_id'));
    return approved;
  };

  const refusals: PolicyRefusal[] = [];
  for (const event of judged) {
    const own = facts.slice(firstKey.get(event)!, firstKey.get(event)! + keysOf(event).length);
    const refusal = await judge(event, own, policy, before, shipped, approvals);
    if (refusal !== undefined) refusals.push({ index: event.index, ...refusal });
  }
  return refusals;
}

function keysOf(event: RawEvent): ValuationKey[] {
  const b = event.body;
  const at = event.occurredAt;
  switch (event.type) {
    case 'price_changed':
      return [{ sku: String(b.sku), channel_id: b.channel_id as string | undefined, at, prices: true }];
    case 'item_upserted':
      return [{ sku: String(b.sku), at }];
    case 'po_created':
      return (b as unknown as PurchaseFields).lines.map((line) => ({
        sku: line.sku,
        node_id: String(b.node_id),
        at,
      }));
    case 'transfer_shipped':
      return [{ sku: String(b.sku), node_id: String(b.from_node_id), to_node_id: String(b.to_node_id), at }];
    default:
      return [];
  }
}

function groupKey(type: string, id: string): string {
  return `${type}\u0000${id}`;
}

function shippedSoFar(landed: readonly LandedLine[]): Map<string, number> {
  const shipped = new Map<string, number>();
  for (const line of landed) {
    if (line.type !== 'transfer_shipped') continue;
    const key = groupKey(line.id, line.sku);
    shipped.set(key, (shipped.get(key) ?? 0) + line.qty);
  }
  return shipped;
}

async function approvedTransfers(
  reader: Reader,
  transferIds: readonly string[],
): Promise<Map<string, ApprovedTransfer[]>> {
  const found = new Map<string, ApprovedTransfer[]>();
  if (transferIds.length === 0) return found;
  const rows = await reader.all(workflowSql('approved_transfers'), {
    transfer_ids: JSON.stringify(transferIds),
  });
  for (const row of rows) {
    const id = String(row.transfer_id);
    found.set(id, [
      ...(found.get(id) ?? []),
      {
        sku: String(row.sku),
        from_node_id: String(row.from_node_id),
        to_node_id: String(row.to_node_id),
        approved_qty: Number(row.approved_qty),
      },
    ]);
  }
  return found;
}

/** One event's verdict; updates the running totals when it passes. */
async function judge(
  event: RawEvent,
  facts: ValuationFacts[],
  policy: ApprovalPolicy,
  before: Map<string, number>,
  shipped: Map<string, number>,
  approvals: () => Promise<Map<string, ApprovedTransfer[]>>,
): Promise<Omit<PolicyRefusal, 'index'> | undefined> {
  const b = event.body;
  const what = `${event.type} ${event.eventId}`;
  switch (event.type) {
    case 'price_changed': {
      const change = {
        sku: String(b.sku),
        channel_id: b.channel_id as string | undefined,
        price: Number(b.price),
      };
      return verdict(what, 'markdown', priceChangeAmount(change, facts[0]!), policy);
    }
    case 'item_upserted': {
      const item = { sku: String(b.sku), list_price: Number(b.list_price), unit_cost: Number(b.unit_cost) };
      return verdict(
        `${what} (a list price or unit cost cut)`,
        'markdown',
        itemUpdateAmount(item, facts[0]!),
        policy,
      );
    }
    case 'po_created': {
      const po = b as unknown as PurchaseFields;
      const key = groupKey('po_created', po.po_id);
      const earlier = before.get(key) ?? 0;
      const amount = withLanded(purchaseAmount(po, facts), earlier, `ordered under ${po.po_id} before`);
      const refusal = verdict(what, 'purchase_order', amount, policy);
      if (refusal === undefined && amount.ok) before.set(key, amount.value);
      return refusal;
    }
    case 'transfer_shipped': {
      const t = b as unknown as TransferFields;
      const key = groupKey('transfer_shipped', t.transfer_id);
      const shippedKey = groupKey(t.transfer_id, t.sku);
      const earlier = before.get(key) ?? 0;
      const amount = withLanded(
        transferAmount(t, facts[0]!),
        earlier,
        `shipped under ${t.transfer_id} before`,
      );
      let refusal = verdict(what, 'transfer', amount, policy);
      if (
        refusal?.code === 'approval_required' &&
        withinApproval(t, shipped.get(shippedKey) ?? 0, await approvals())
      ) {
        refusal = undefined;
      }
      if (refusal === undefined && amount.ok) {
        before.set(key, amount.value);
        shipped.set(shippedKey, (shipped.get(shippedKey) ?? 0) + t.qty);
      }
      return refusal;
    }
  }
  return undefined;
}

/** The shipment stays within an approved transfer request of the same id, sku and nodes. */
function withinApproval(
  t: TransferFields,
  shippedBefore: number,
  approved: Map<string, ApprovedTransfer[]>,
): boolean {
  return (approved.get(t.transfer_id) ?? []).some(
    (a) =>
      a.sku === t.sku &&
      a.from_node_id === t.from_node_id &&
      a.to_node_id === t.to_node_id &&
      shippedBefore + t.qty <= a.approved_qty,
  );
}

function verdict(
  what: string,
  kind: 'purchase_order' | 'transfer' | 'markdown',
  amount: Amount,
  policy: ApprovalPolicy,
): Omit<PolicyRefusal, 'index'> | undefined {
  if (!amount.ok) {
    return { code: 'cannot_value', message: `${what} is refused: ${amount.problem}.` };
  }
  const judged = kind === 'markdown' ? amount.markdownPct! : amount.value;
  const evaluation = evaluate(policy, kind, judged);
  if (evaluation.requiredApprovals === 0) return undefined;
  const size =
    kind === 'markdown'
      ? `a ${amount.markdownPct}% cut (${amount.basis})`
      : `worth ${amount.value} (${amount.basis})`;
  return {
    code: 'approval_required',
    message:
      `${what} needs approval: it is ${size}, and the policy says ${evaluation.rule}. It did not land (kept as a reject): ` +
      `${HOW} (kind ${kind}).`,
  };
}
