/**
 * A reader for channel order files whose rows group into orders: reads the table, checks the header once,
 * groups consecutive rows of one order, and maps the orders a batch at a time.
 */
import type { CsvOrder, CsvRow } from '../../channels/inbound/shopify-csv.ts';
import type { MapContext, MapOutput, Needs } from '../../channels/inbound/types.ts';
import type { InputChunk, ReadContext } from '../readers/types.ts';
import type { InputItem } from '../stage.ts';
import { type ChannelReadOptions, mapOrders, ORDERS_PER_BATCH } from './channel-orders.ts';
import { headerProblem, isRow, readTable, type TableOptions } from './table.ts';

export interface OrdersFileSpec {
  /** How the format is named in messages (`a Shopify order export`). */
  what: string;
  table: TableOptions;
  required: readonly string[];
  /** The column whose value names the order a row belongs to. */
  orderColumn: string;
  needs(channelId: string, order: CsvOrder): Needs;
  map(ctx: MapContext, order: CsvOrder): MapOutput;
}

export function ordersFileReader(spec: OrdersFileSpec, options: ChannelReadOptions) {
  return async function* read(context: ReadContext): AsyncIterable<InputChunk> {
    let problem: InputItem | undefined;
    const counter = { bytes: () => 0 };
    const rows = readTable(
      context.path,
      spec.table,
      (columns) => {
        problem = headerProblem(context.path, columns, spec.required, undefined, spec.what);
      },
      counter,
    );
    const mapper = {
      needs: (order: CsvOrder) => spec.needs(options.channelId, order),
      map: (ctx: MapContext, order: CsvOrder) => spec.map(ctx, order),
      line: (order: CsvOrder) => order.rows[0]!.line,
    };
    let batch: CsvOrder[] = [];
    let current: CsvOrder | undefined;
    let currentKey: string | undefined;
    let items: InputItem[] = [];
    // Where each order was seen, so rows of one order split apart in the file are refused, not half-placed.
    const seen = new Map<string, number>();
    const close = () => {
      if (current) batch.push(current);
      current = undefined;
    };
    for await (const entry of rows) {
      if (problem) {
        yield { items: [problem], position: counter.bytes() };
        return;
      }
      if (!isRow(entry)) {
        items.push(entry);
        continue;
      }
      const row: CsvRow = entry;
      const key = row.cells[spec.orderColumn]?.trim() ?? '';
      if (key === '') {
        items.push(
          rowReject(row, 'no_order', `line ${row.line}: no ${spec.orderColumn}: the row belongs to no order`),
        );
        continue;
      }
      if (key !== currentKey) {
        close();
        const earlier = seen.get(key);
        if (earlier !== undefined) {
          items.push(
            rowReject(
              row,
              'order_split',
              `line ${row.line}: rows of ${spec.orderColumn} ${key} are not together (the order began at line ${earlier}); sort the file by order`,
            ),
          );
          currentKey = undefined;
          continue;
        }
        seen.set(key, row.line);
        current = { rows: [] };
        currentKey = key;
      }
      current!.rows.push(row);
      if (batch.length >= ORDERS_PER_BATCH) {
        items.push(...(await mapOrders(batch, mapper, options)));
        batch = [];
        yield { items, position: counter.bytes() };
        items = [];
      }
    }
    if (problem) {
      yield { items: [problem], position: counter.bytes() };
      return;
    }
    close();
    if (batch.length > 0) items.push(...(await mapOrders(batch, mapper, options)));
    if (items.length > 0) yield { items, position: counter.bytes() };
  };
}

function rowReject(row: CsvRow, code: string, message: string): InputItem {
  return { line: row.line, raw: JSON.stringify(row.cells), readError: { path: '', code, message } };
}
