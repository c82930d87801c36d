/**
 * Inventory control: the things that make the ledger drift from the shelf and bring it back.
 * - Hidden shrink (theft, loss) takes units off the shelf without an event; a share of them is only
 *   misplaced and turns up again days later (booked as `found` if a count has written it off meanwhile).
 * - Damage found on the shelf moves units to `damaged` (`status_changed`); damaged units are written off
 *   weekly (`adjustment`, reason `damage`, status `damaged`).
 * - Mis-keyed receipts are corrected the next day (`adjustment`, reason `correction`).
 * - Cycle counts before opening walk each node's assortment in rotation and set the book to the shelf
 *   (`cycle_count`): that is where hidden shrink shows up, as the count variance.
 */
import { DC } from './catalog.ts';
import { Agenda, at } from './emitter.ts';
import { adjustment, cycleCount } from './events.ts';
import { BEHAVIOUR } from './params.ts';
import type { Rng } from './rng.ts';
import type { World } from './world.ts';

interface Misplaced {
  node: number;
  item: number;
  lostDay: number;
}

interface Correction {
  node: number;
  item: number;
  qty: number;
}

export class InventoryControl {
  private readonly misplaced = new Agenda<Misplaced>();
  private readonly corrections = new Agenda<Correction>();
  /** Damaged units waiting for the weekly write-off, by stock cell. */
  private readonly damaged = new Map<number, number>();
  private readonly rotation: Int32Array[];
  private readonly cursor: Int32Array;

  constructor(
    private readonly world: World,
    rng: Rng,
  ) {
    const { catalog } = world;
    this.rotation = catalog.nodes.map((node) => {
      if (node.type === 'store')
        return Int32Array.from(rng.shuffle(Array.from(catalog.assortment[node.index]!)));
      if (node.index === DC) return Int32Array.from(rng.shuffle(catalog.items.map((item) => item.index)));
      return new Int32Array(0);
    });
    this.cursor = new Int32Array(catalog.nodes.length);
  }

  /** A unit vanished from the shelf (no event); some of them turn up again. */
  shrink(node: number, item: number, day: number, rng: Rng): void {
    const { stock, stats } = this.world;
    const cell = stock.cell(node, item);
    if (stock.phys[cell]! <= 0) return;
    stock.phys[cell] = stock.phys[cell]! - 1;
    stats.hiddenShrinkUnits++;
    if (rng.chance(BEHAVIOUR.misplacedShare))
      this.misplaced.add(day + rng.between(5, 40), { node, item, lostDay: day });
  }

  /** Units moved to `damaged` (the caller emitted the event), written off at the end of the week. */
  damage(node: number, item: number, qty: number): void {
    const cell = this.world.stock.cell(node, item);
    this.damaged.set(cell, (this.damaged.get(cell) ?? 0) + qty);
  }

  /** A receipt booked `qty` more than arrived: corrected tomorrow. */
  misKeyed(node: number, item: number, qty: number, day: number): void {
    this.corrections.add(day + 1, { node, item, qty });
  }

  /** Before opening: cycle counts at the stores (05:00) and the DC (04:00). */
  counts(day: number): void {
    const { catalog, calendar, params } = this.world;
    if (!calendar.dcClosed(day)) this.countNode(DC, day, params.countsPerDc, at(4), 'wms');
    if (calendar.storesClosed(day)) return;
    for (const store of catalog.stores) this.countNode(store, day, params.countsPerStore, at(5), 'store');
  }

  private countNode(node: number, day: number, count: number, from: number, source: string): void {
    const { catalog, stock, out } = this.world;
    const list = this.rotation[node]!;
    if (list.length === 0) return;
    const id = catalog.nodes[node]!.id;
    let counted = 0;
    for (let step = 0; step < list.length && counted < count; step++) {
      const cursor = this.cursor[node]!;
      const item = list[cursor]!;
      this.cursor[node] = (cursor + 1) % list.length;
      if (catalog.items[item]!.upsertDay > day) continue;
      const cell = stock.cell(node, item);
      // counts are of items the node has seen (a never-stocked item has nothing to count)
      if (stock.book[cell] === 0 && stock.phys[cell] === 0 && stock.lastCount[cell] === -1) continue;
      out.emit(
        from + counted * 17,
        cycleCount(source, id, catalog.items[item]!.sku, Math.max(0, stock.phys[cell]!)),
      );
      stock.book[cell] = Math.max(0, stock.phys[cell]!);
      stock.lastCount[cell] = day;
      counted++;
    }
  }

  /** Evening: misplaced units found, corrections, and the weekly write-off of damaged units (Saturdays). */
  evening(day: number): void {
    const { catalog, stock, out } = this.world;
    let second = at(19);
    for (const found of this.misplaced.take(day)) {
      const cell = stock.cell(found.node, found.item);
      stock.phys[cell] = stock.phys[cell]! + 1;
      if (stock.lastCount[cell]! >= found.lostDay) {
        // a count has written the unit off since it went missing: book it back
        stock.book[cell] = stock.book[cell]! + 1;
        const node = catalog.nodes[found.node]!;
        out.emit(
          second++,
          adjustment(
            node.index === DC ? 'wms' : 'store',
            node.id,
            catalog.items[found.item]!.sku,
            1,
            'found',
          ),
        );
      }
    }
    for (const correction of this.corrections.take(day)) {
      const node = catalog.nodes[correction.node]!;
      const cell = stock.cell(correction.node, correction.item);
      stock.book[cell] = stock.book[cell]! - correction.qty;
      out.emit(
        at(10) + (second++ % 3600),
        adjustment('wms', node.id, catalog.items[correction.item]!.sku, -correction.qty, 'correction'),
      );
    }
    if (this.world.calendar.weekday(day) !== 5) return;
    const cells = [...this.damaged.keys()].sort((a, b) => a - b);
    for (const cell of cells) {
      const qty = this.damaged.get(cell)!;
      const node = catalog.nodes[Math.floor(cell / stock.items)]!;
      const item = catalog.items[cell % stock.items]!;
      out.emit(
        second++,
        adjustment(node.type === 'store' ? 'store' : 'wms', node.id, item.sku, -qty, 'damage', 'damaged'),
      );
    }
    this.damaged.clear();
  }
}
