import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMixedEvents } from '../../bench/lib/mixed-events.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const EVENTS = 60_000;
const BATCH = 2_000;

function ingestArgs(file: string, db: string): string[] {
  return ['bin/retailos.js', 'ingest', file, '--db', db, '--batch-size', String(BATCH), '--verbose'];
}

/** Starts an ingest and SIGKILLs it once `batches` batches have reported their commit. */
function ingestAndKill(file: string, db: string, batches: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ingestArgs(file, db), { cwd: repoRoot });
    let committed = 0;
    child.stderr!.on('data', (chunk: Buffer) => {
      committed += (chunk.toString().match(/committed/g) ?? []).length;
      if (committed >= batches) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve(signal));
  });
}

describe('crash during ingest', () => {
  let dir: string;
  let file: string;
  let ids: string[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-crash-'));
    file = path.join(dir, 'events.jsonl');
    await writeMixedEvents(file, EVENTS, 7);
    ids = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line).event_id as string);
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('leaves only whole batches after SIGKILL, and a re-run finishes with no duplicates and nothing missing', async () => {
    const db = path.join(dir, 'crash.duckdb');
    const signal = await ingestAndKill(file, db, 3);
    expect(signal).toBe('SIGKILL');

    const afterCrash = await Warehouse.open(db);
    const landed = await afterCrash.all<{ event_id: string; batch_id: bigint }>(
      'SELECT event_id, batch_id FROM event_log ORDER BY seq',
    );
    const batches = await afterCrash.all<{ batch_id: bigint; accepted: number }>(
      'SELECT batch_id, accepted FROM ingest_batches ORDER BY batch_id',
    );
    await afterCrash.close();

    // Killed mid-file: some batches landed, not all.
    expect(landed.length).toBeGreaterThanOrEqual(3 * BATCH);
    expect(landed.length).toBeLessThan(EVENTS);
    // No half-landed batch: every recorded batch holds exactly its accepted events,
    // and what landed is exactly the head of the file, in order.
    for (const batch of batches) {
      expect(landed.filter((row) => row.batch_id === batch.batch_id).length).toBe(batch.accepted);
      expect(batch.accepted).toBe(BATCH);
    }
    expect(landed.map((row) => row.event_id)).toEqual(ids.slice(0, landed.length));

    // The same command again finishes the job.
    const rerun = spawnSync(process.execPath, ingestArgs(file, db), { cwd: repoRoot, encoding: 'utf8' });
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toContain(`duplicates ${landed.length.toLocaleString('en-US')}`);

    const final = await Warehouse.open(db, { readOnly: true });
    const totals = await final.one<{ events: bigint; distinct_ids: bigint; rejects: bigint }>(
      `SELECT count(*) AS events, count(DISTINCT event_id) AS distinct_ids,
              (SELECT count(*) FROM rejected_events) AS rejects FROM event_log`,
    );
    const finalIds = await final.all<{ event_id: string }>('SELECT event_id FROM event_log ORDER BY seq');
    await final.close();
    expect(Number(totals!.events)).toBe(EVENTS);
    expect(Number(totals!.distinct_ids)).toBe(EVENTS);
    expect(Number(totals!.rejects)).toBe(0);
    expect(finalIds.map((row) => row.event_id)).toEqual(ids);
  });
});
