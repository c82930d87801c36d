/**
 * Workflow benchmark: the exception queue on N oversold sku × node accounts.
 * - read: the `exceptions` read model with N tracked exceptions (the workflow fold over N exception_opened
 *   events) vs the same model before the workflow tracked any (conditions only): the fold's overhead;
 * - sync: opening N exceptions (one batch);
 * - action: acknowledging one exception (state check + landing) vs landing one bare event of the same size
 *   through the same path: what the state machine and role checks cost per action.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { refreshLedger } from '../src/ledger/refresh.ts';
import { Warehouse } from '../src/warehouse/warehouse.ts';
import { actOnException, syncExceptions } from '../src/workflow/exceptions.ts';
import { landEvents } from '../src/workflow/land.ts';
import type { BenchReport } from './lib/report.ts';

const ACTIONS = 50;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

export async function benchWorkflow(options: { events: number }): Promise<BenchReport> {
  const skus = Math.max(10, options.events);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-bench-workflow-'));
  const startedAt = new Date().toISOString();
  const warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'));
  try {
    const events: Record<string, unknown>[] = [
      {
        event_id: 'n',
        type: 'node_upserted',
        occurred_at: '2025-01-01T00:00:00Z',
        actor: 'bench',
        node_id: 'DC',
        name: 'DC',
        node_type: 'dc',
        region: 'r',
        can_ship: false,
        can_pickup: false,
      },
    ];
    for (let i = 0; i < skus; i++) {
      const sku = `S${i}`;
      events.push(
        {
          event_id: `i${i}`,
          type: 'item_upserted',
          occurred_at: '2025-01-01T00:00:00Z',
          actor: 'bench',
          sku,
          name: sku,
          category: 'c',
          unit_cost: 2,
          list_price: 5,
        },
        {
          event_id: `r${i}`,
          type: 'receipt',
          occurred_at: '2025-01-02T00:00:00Z',
          actor: 'bench',
          node_id: 'DC',
          sku,
          qty: 1,
          unit_cost: 2,
        },
        {
          event_id: `a${i}`,
          type: 'allocated',
          occurred_at: '2025-01-03T00:00:00Z',
          actor: 'bench',
          order_id: `O${i}`,
          line_id: '1',
          node_id: 'DC',
          sku,
          qty: 2,
        },
      );
    }
    await landEvents(warehouse, events as never);
    await refreshLedger(warehouse);
    const read = () => warehouse.all('SELECT count(*) AS n, sum(revenue_at_risk) AS r FROM exceptions');
    await read(); // warm
    const [, untracked] = await timed(read);
    const [report, syncMs] = await timed(() => syncExceptions(warehouse, { now: '2025-01-03T01:00:00Z' }));
    await read();
    const [, tracked] = await timed(read);
    const ids = (
      await warehouse.all<{ exception_id: string }>(
        `SELECT exception_id FROM exceptions WHERE exception_type = 'oversell' ORDER BY exception_id LIMIT ${ACTIONS}`,
      )
    ).map((row) => row.exception_id);
    const [, actionsMs] = await timed(async () => {
      for (const id of ids) {
        await actOnException(warehouse, {
          exceptionId: id,
          action: 'acknowledge',
          actor: 'b',
          role: 'admin',
          at: '2025-01-03T02:00:00Z',
        });
      }
    });
    const [, bareMs] = await timed(async () => {
      for (let i = 0; i < ids.length; i++) {
        await landEvents(warehouse, [
          {
            event_id: `bare-${i}`,
            type: 'exception_acknowledged',
            occurred_at: '2025-01-03T02:00:00Z',
            actor: 'b',
            exception_id: `bare-${i}`,
          },
        ]);
      }
    });
    const perAction = actionsMs / ids.length;
    const perBare = bareMs / ids.length;
    return {
      name: 'workflow',
      description: `exception queue over ${skus} oversold accounts: fold overhead, sync, actions`,
      startedAt,
      parameters: { skus, actions: ids.length, opened: report.opened },
      rows: [
        { metric: 'read, conditions only', value: Math.round(untracked), unit: 'ms' },
        { metric: 'read, all tracked', value: Math.round(tracked), unit: 'ms' },
        {
          metric: 'read overhead of the fold',
          value: Math.round((tracked / untracked) * 100) / 100,
          unit: 'ratio',
          target: '<= 1.5',
          ok: tracked / untracked <= 1.5,
        },
        { metric: 'sync: exceptions opened', value: report.opened, unit: 'count' },
        { metric: 'sync', value: Math.round(syncMs), unit: 'ms' },
        { metric: 'acknowledge, per action', value: Math.round(perAction), unit: 'ms' },
        { metric: 'bare landing, per event', value: Math.round(perBare), unit: 'ms' },
        {
          metric: 'action vs bare landing',
          value: Math.round((perAction / perBare) * 100) / 100,
          unit: 'ratio',
        },
      ],
    };
  } finally {
    await warehouse.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
