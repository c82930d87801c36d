/**
 * Builders of the operational events, fields in contract order (EVENTS.md) so the JSON the simulator writes
 * reads like the contract. `event_id` and `occurred_at` are placeholders until the day is written.
 */
import type {
  AdjustmentEvent,
  AllocatedEvent,
  AllocationReleasedEvent,
  CycleCountEvent,
  OrderCancelledEvent,
  OrderLine,
  OrderPlacedEvent,
  PickedEvent,
  PoCancelledEvent,
  PoCreatedEvent,
  PoLine,
  PosSaleEvent,
  PoUpdatedEvent,
  ReceiptEvent,
  RefundIssuedEvent,
  ReturnGradedEvent,
  ReturnReceivedEvent,
  ShippedEvent,
  StatusChangedEvent,
  TransferReceivedEvent,
  TransferShippedEvent,
} from '../contracts/index.ts';

type Bucket = ReceiptEvent['status'];

export function receipt(
  source: string,
  node: string,
  sku: string,
  qty: number,
  unitCost: number,
  poId?: string,
  status?: Bucket,
): ReceiptEvent {
  return {
    event_id: '',
    type: 'receipt',
    occurred_at: '',
    source,
    node_id: node,
    sku,
    qty,
    unit_cost: unitCost,
    po_id: poId,
    status,
  };
}

export function transferShipped(
  transferId: string,
  from: string,
  to: string,
  sku: string,
  qty: number,
  expectedAt: string,
): TransferShippedEvent {
  return {
    event_id: '',
    type: 'transfer_shipped',
    occurred_at: '',
    source: 'wms',
    transfer_id: transferId,
    from_node_id: from,
    to_node_id: to,
    sku,
    qty,
    expected_at: expectedAt,
  };
}

export function transferReceived(
  source: string,
  transferId: string,
  to: string,
  sku: string,
  qty: number,
  status?: Bucket,
): TransferReceivedEvent {
  return {
    event_id: '',
    type: 'transfer_received',
    occurred_at: '',
    source,
    transfer_id: transferId,
    to_node_id: to,
    sku,
    qty,
    status,
  };
}

export function posSale(node: string, sku: string, qty: number, unitPrice: number): PosSaleEvent {
  return {
    event_id: '',
    type: 'pos_sale',
    occurred_at: '',
    source: 'pos',
    node_id: node,
    sku,
    qty,
    unit_price: unitPrice,
  };
}

export function adjustment(
  source: string,
  node: string,
  sku: string,
  qty: number,
  reason: AdjustmentEvent['reason'],
  status?: Bucket,
): AdjustmentEvent {
  return {
    event_id: '',
    type: 'adjustment',
    occurred_at: '',
    source,
    node_id: node,
    sku,
    qty,
    reason,
    status,
  };
}

export function statusChanged(
  source: string,
  node: string,
  sku: string,
  qty: number,
  from: NonNullable<Bucket>,
  to: NonNullable<Bucket>,
  reason?: string,
): StatusChangedEvent {
  return {
    event_id: '',
    type: 'status_changed',
    occurred_at: '',
    source,
    node_id: node,
    sku,
    qty,
    from_status: from,
    to_status: to,
    reason,
  };
}

export function cycleCount(source: string, node: string, sku: string, counted: number): CycleCountEvent {
  return {
    event_id: '',
    type: 'cycle_count',
    occurred_at: '',
    source,
    node_id: node,
    sku,
    counted_qty: counted,
  };
}

export function orderPlaced(
  source: string,
  orderId: string,
  channel: string,
  region: string,
  service: OrderPlacedEvent['service_level'],
  promisedBy: string,
  pickupNode: string | undefined,
  lines: OrderLine[],
): OrderPlacedEvent {
  return {
    event_id: '',
    type: 'order_placed',
    occurred_at: '',
    source,
    order_id: orderId,
    channel_id: channel,
    ship_to_region: region,
    service_level: service,
    promised_by: promisedBy,
    pickup_node_id: pickupNode,
    lines,
  };
}

export function allocated(
  orderId: string,
  lineId: string,
  node: string,
  sku: string,
  qty: number,
): AllocatedEvent {
  return {
    event_id: '',
    type: 'allocated',
    occurred_at: '',
    source: 'oms',
    order_id: orderId,
    line_id: lineId,
    node_id: node,
    sku,
    qty,
  };
}

export function allocationReleased(
  orderId: string,
  lineId: string,
  node: string,
  sku: string,
  qty: number,
  reason: string,
): AllocationReleasedEvent {
  return {
    event_id: '',
    type: 'allocation_released',
    occurred_at: '',
    source: 'oms',
    order_id: orderId,
    line_id: lineId,
    node_id: node,
    sku,
    qty,
    reason,
  };
}

export function picked(orderId: string, lineId: string, node: string, sku: string, qty: number): PickedEvent {
  return {
    event_id: '',
    type: 'picked',
    occurred_at: '',
    source: 'wms',
    order_id: orderId,
    line_id: lineId,
    node_id: node,
    sku,
    qty,
  };
}

export function shipped(
  orderId: string,
  lineId: string,
  node: string,
  sku: string,
  qty: number,
  carrier: string,
): ShippedEvent {
  return {
    event_id: '',
    type: 'shipped',
    occurred_at: '',
    source: 'wms',
    order_id: orderId,
    line_id: lineId,
    node_id: node,
    sku,
    qty,
    carrier,
  };
}

export function orderCancelled(
  orderId: string,
  lineId: string | undefined,
  reason: string,
): OrderCancelledEvent {
  return {
    event_id: '',
    type: 'order_cancelled',
    occurred_at: '',
    source: 'oms',
    order_id: orderId,
    line_id: lineId,
    reason,
  };
}

export function returnReceived(
  source: string,
  returnId: string,
  orderId: string | undefined,
  lineId: string | undefined,
  node: string,
  sku: string,
  qty: number,
  reason: string,
): ReturnReceivedEvent {
  return {
    event_id: '',
    type: 'return_received',
    occurred_at: '',
    source,
    return_id: returnId,
    order_id: orderId,
    line_id: lineId,
    node_id: node,
    sku,
    qty,
    reason,
  };
}

export function returnGraded(
  source: string,
  returnId: string,
  node: string,
  sku: string,
  qty: number,
  grade: ReturnGradedEvent['grade'],
  disposition: ReturnGradedEvent['disposition'],
): ReturnGradedEvent {
  return {
    event_id: '',
    type: 'return_graded',
    occurred_at: '',
    source,
    return_id: returnId,
    node_id: node,
    sku,
    qty,
    grade,
    disposition,
  };
}

export function refundIssued(
  orderId: string,
  lineId: string | undefined,
  returnId: string | undefined,
  amount: number,
  reason: string,
): RefundIssuedEvent {
  return {
    event_id: '',
    type: 'refund_issued',
    occurred_at: '',
    source: 'oms',
    order_id: orderId,
    line_id: lineId,
    return_id: returnId,
    amount,
    reason,
  };
}

export function poCreated(
  poId: string,
  supplier: string,
  node: string,
  expectedAt: string,
  lines: PoLine[],
): PoCreatedEvent {
  return {
    event_id: '',
    type: 'po_created',
    occurred_at: '',
    source: 'erp',
    po_id: poId,
    supplier_id: supplier,
    node_id: node,
    expected_at: expectedAt,
    lines,
  };
}

export function poUpdated(poId: string, expectedAt: string): PoUpdatedEvent {
  return {
    event_id: '',
    type: 'po_updated',
    occurred_at: '',
    source: 'edi',
    po_id: poId,
    expected_at: expectedAt,
  };
}

export function poCancelled(poId: string, lineId?: string): PoCancelledEvent {
  return { event_id: '', type: 'po_cancelled', occurred_at: '', source: 'erp', po_id: poId, line_id: lineId };
}
