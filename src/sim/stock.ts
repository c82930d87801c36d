/**
 * The simulator's own stock tracking, per (node, item): what is physically on the shelf (`phys`) and what the
 * ledger believes (`book`, moved only by emitted events), reservations, units in transit to a node and on
 * order at the DC. The two sellable figures differ by hidden shrink and misplaced units until a cycle count
 * sets the book to the truth; sales and picks are limited by `phys`, allocation and planning see `book`.
 */
export class Stock {
  readonly items: number;
  readonly phys: Int32Array;
  readonly book: Int32Array;
  readonly reserved: Int32Array;
  readonly inTransit: Int32Array;
  /** Open purchase-order units per item (all POs go to the DC). */
  readonly onOrder: Int32Array;
  /** Last day each (node, item) was counted (−1: never). */
  readonly lastCount: Int32Array;

  constructor(nodes: number, items: number) {
    const cells = nodes * items;
    this.items = items;
    this.phys = new Int32Array(cells);
    this.book = new Int32Array(cells);
    this.reserved = new Int32Array(cells);
    this.inTransit = new Int32Array(cells);
    this.onOrder = new Int32Array(items);
    this.lastCount = new Int32Array(cells).fill(-1);
  }

  cell(node: number, item: number): number {
    return node * this.items + item;
  }

  /** Sellable units the ledger shows as free (book − reserved). */
  available(node: number, item: number): number {
    const cell = node * this.items + item;
    return this.book[cell]! - this.reserved[cell]!;
  }

  /** Both views gain (receipts, transfers in, restocked returns). */
  add(node: number, item: number, qty: number): void {
    const cell = node * this.items + item;
    this.phys[cell] = this.phys[cell]! + qty;
    this.book[cell] = this.book[cell]! + qty;
  }

  /** Both views lose (sales, shipments, transfers out, recorded damage). */
  remove(node: number, item: number, qty: number): void {
    const cell = node * this.items + item;
    this.phys[cell] = this.phys[cell]! - qty;
    this.book[cell] = this.book[cell]! - qty;
  }
}
