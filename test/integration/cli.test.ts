import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';
import {
  type CliResult,
  count,
  FIXTURES,
  ingest,
  REPO_ROOT,
  readJsonl,
  receipt,
  rejects,
  runCli,
  runMain,
  STACK_FRAME,
  toJsonl,
  useTempDir,
} from '../helpers/retailos.ts';

const tmp = useTempDir();

const EVENTS_JSONL = path.join(FIXTURES, 'events.jsonl');

/** A warehouse holding the 9 fixture events, closed again so the CLI can open it. */
async function seeded(extraJsonl?: string): Promise<string> {
  const db = tmp.join('warehouse.duckdb');
  const warehouse = await Warehouse.open(db);
  try {
    await ingest(warehouse, [EVENTS_JSONL]);
    if (extraJsonl !== undefined) await ingest(warehouse, [tmp.write('extra.jsonl', extraJsonl)]);
  } finally {
    await warehouse.close();
  }
  return db;
}

/** Reads the warehouse (read-only) and closes it again. */
async function inspect<T>(db: string, read: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  const warehouse = await Warehouse.open(db, { readOnly: true });
  try {
    return await read(warehouse);
  } finally {
    await warehouse.close();
  }
}

const eventCount = (db: string) =>
  inspect(db, (warehouse) => count(warehouse, 'SELECT count(*) AS n FROM event_log'));

/** A user mistake: non-zero exit, a `retailos …:` message, no stack trace. */
function expectUserError(result: CliResult, message: RegExp): string[] {
  expect(result.status, result.stderr).not.toBe(0);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^retailos( [a-z]+)?: /);
  expect(lines[0]).toMatch(message);
  return lines;
}

/** Events landed from input files (not the allocator's or the workflow's own, which have no file). */
const INPUT_EVENTS = "SELECT count(*) AS n FROM event_log WHERE source_file NOT IN ('allocator', 'workflow')";

describe('init and status', () => {
  it('init creates the warehouse file with the event store (subprocess)', async () => {
    const db = tmp.join('nested', 'dir', 'new.duckdb');
    const result = runCli(['init', '--db', db]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(db);
    expect(fs.existsSync(db)).toBe(true);
    const tables = await inspect(db, (warehouse) =>
      warehouse.all<{ name: string }>(
        `SELECT table_name AS name FROM duckdb_tables() WHERE table_name IN ('event_log', 'rejected_events')
         UNION ALL SELECT view_name FROM duckdb_views() WHERE view_name = 'events' ORDER BY 1`,
      ),
    );
    expect(tables.map((row) => row.name)).toEqual(['event_log', 'events', 'rejected_events']);
  });

  it('status --json shows event counts by type', async () => {
    const db = tmp.join('w.duckdb');
    expect((await runMain(['ingest', EVENTS_JSONL, '--db', db])).status).toBe(0);
    const result = await runMain(['status', '--json', '--db', db]);
    expect(result.status, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status).toMatchObject({ path: db, events: 9, openRejects: 0, resolvedRejects: 0 });
    const byType = Object.fromEntries(
      (status.byType as { type: string; events: number }[]).map((row) => [row.type, row.events]),
    );
    expect(byType).toEqual({
      node_upserted: 2,
      channel_upserted: 1,
      item_upserted: 1,
      po_created: 1,
      receipt: 1,
      order_placed: 1,
      adjustment: 1,
      pos_sale: 1,
    });
  });
});

describe('sql', () => {
  it('--format json prints one JSON array with numbers as JSON numbers', async () => {
    const db = await seeded();
    const result = await runMain([
      'sql',
      'SELECT type, count(*) AS n, sum(seq) AS total FROM events GROUP BY type ORDER BY type',
      '--format',
      'json',
      '--db',
      db,
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    const rows = JSON.parse(result.stdout) as { type: string; n: unknown; total: unknown }[];
    expect(Array.isArray(rows)).toBe(true);
    expect(rows).toHaveLength(8);
    expect(rows.find((row) => row.type === 'node_upserted')).toEqual({
      type: 'node_upserted',
      n: 2,
      total: 3,
    });
    for (const row of rows) {
      expect(typeof row.n).toBe('number');
      expect(typeof row.total).toBe('number');
    }
  });

  it('--format csv prints a header row, then one row per result row', async () => {
    const db = await seeded();
    const result = await runMain([
      'sql',
      "SELECT type, count(*) AS n FROM events WHERE type IN ('node_upserted', 'receipt') GROUP BY type ORDER BY type",
      '--format',
      'csv',
      '--db',
      db,
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('type,n\nnode_upserted,2\nreceipt,1\n');
  });

  it('events and rejected_events resolve unqualified', async () => {
    const db = await seeded(`${JSON.stringify(receipt('bad', { qty: 0 }))}\n`);
    const result = await runMain([
      'sql',
      'SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM rejected_events) AS rejects',
      '--format',
      'json',
      '--db',
      db,
    ]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ events: 9, rejects: 1 }]);
  });

  describe('is read-only and sandboxed', () => {
    const attempts: [string, (dir: string) => string][] = [
      ['INSERT', () => 'INSERT INTO event_log SELECT * FROM event_log'],
      ['DELETE', () => 'DELETE FROM event_log'],
      ['UPDATE', () => "UPDATE event_log SET type = 'x'"],
      ['CREATE', () => 'CREATE TABLE stolen AS SELECT * FROM event_log'],
      ['DROP', () => 'DROP VIEW events'],
      ['ATTACH', (dir) => `ATTACH '${path.join(dir, 'attached.duckdb')}' AS other`],
      ['COPY TO', (dir) => `COPY (SELECT * FROM event_log) TO '${path.join(dir, 'leak.csv')}'`],
      ['read_csv of a system file', () => "SELECT * FROM read_csv('/etc/passwd')"],
      ['read_text of a system file', () => "SELECT * FROM read_text('/etc/hostname')"],
      ['multiple statements', () => 'SELECT 1; DELETE FROM event_log'],
      ['EXPLAIN ANALYZE of a write', () => 'EXPLAIN ANALYZE DELETE FROM event_log'],
      ['SET of a sandbox setting', () => 'SET enable_external_access = true'],
      ['a relation outside the allow-list', () => 'SELECT key_hash FROM api_keys'],
      ['read_blob of the warehouse file', (dir) => `SELECT * FROM read_blob('${dir}/*.duckdb')`],
      ['a catalog table function', () => 'SELECT * FROM duckdb_settings()'],
      [
        'EXPLAIN ANALYZE over a hidden table',
        () => "EXPLAIN ANALYZE SELECT * FROM api_keys WHERE key_hash LIKE 'a%'",
      ],
      ['PRAGMA storage_info', () => "PRAGMA storage_info('api_keys')"],
    ];

    it.each(attempts)('%s is refused with a message and changes nothing', async (_name, query) => {
      const db = await seeded();
      const result = await runMain(['sql', query(tmp.path), '--db', db]);
      expectUserError(result, /^retailos sql: /);
      expect(result.stdout).toBe('');
      expect(await eventCount(db)).toBe(9);
      expect(fs.existsSync(tmp.join('attached.duckdb'))).toBe(false);
      expect(fs.existsSync(tmp.join('leak.csv'))).toBe(false);
    });

    it('refusals exit non-zero without a stack trace in a real process', async () => {
      const db = await seeded();
      for (const query of ['DELETE FROM event_log', "SELECT * FROM read_csv('/etc/passwd')"]) {
        const result = runCli(['sql', query, '--db', db]);
        expectUserError(result, /^retailos sql: /);
        expect(result.stdout).not.toContain('root:');
      }
      expect(await eventCount(db)).toBe(9);
    });
  });
});

describe('rejects', () => {
  const badQty = receipt('rj-qty', { qty: 1.5 });

  it('list shows open rejects with their errors', async () => {
    const db = await seeded(`${JSON.stringify(badQty)}\n{broken\n`);
    const result = await runMain(['rejects', 'list', '--format', 'json', '--db', db]);
    expect(result.status, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows.map((row) => [row.reason, row.event_id])).toEqual([
      ['invalid', 'rj-qty'],
      ['unreadable', null],
    ]);
    expect(rows[0]!.errors).toMatch(/qty/);
    expect(rows[0]!.source).toMatch(/extra\.jsonl:1$/);
    expect(rows[1]!.raw).toBe('{broken');

    const table = await runMain(['rejects', 'list', '--db', db]);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('rj-qty');
    expect(table.stdout).toContain('(2 rows)');
  });

  it('export, correct input.qty, retry --from: the reject is resolved and the event lands', async () => {
    const db = await seeded(`${JSON.stringify(badQty)}\n{broken\n`);
    const out = tmp.join('rejects.jsonl');
    const exported = await runMain(['rejects', 'export', '--out', out, '--db', db]);
    expect(exported.status, exported.stderr).toBe(0);
    const entries = readJsonl(out);
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry).toHaveProperty('reject_id');
      expect(entry).toHaveProperty('errors');
      expect(entry).toHaveProperty('input');
      expect(typeof entry.reject_id).toBe('number');
      expect(Array.isArray(entry.errors)).toBe(true);
    }
    const invalid = entries.find((entry) => (entry.input as { event_id?: string }).event_id === 'rj-qty')!;
    expect(invalid.input).toEqual(badQty);
    expect((invalid.errors as { path: string }[]).map((error) => error.path)).toEqual(['qty']);

    (invalid.input as Record<string, unknown>).qty = 2;
    fs.writeFileSync(out, toJsonl([invalid]));
    const retried = await runMain(['rejects', 'retry', '--from', out, '--db', db]);
    expect(retried.status, retried.stdout + retried.stderr).toBe(0);
    expect(retried.stdout).toMatch(/resolved 1/);

    await inspect(db, async (warehouse) => {
      const all = await rejects(warehouse);
      const fixed = all.find((row) => row.reject_id === invalid.reject_id)!;
      expect(fixed.status).toBe('resolved');
      expect(fixed.resolution).toMatch(/seq \d+/);
      expect(all.filter((row) => row.status === 'open').map((row) => row.reason)).toEqual(['unreadable']);
      const landed = await warehouse.one<{ payload: string }>(
        "SELECT payload::VARCHAR AS payload FROM events WHERE event_id = 'rj-qty'",
      );
      expect(JSON.parse(landed!.payload)).toEqual({ ...badQty, qty: 2 });
    });
  });

  it('ingesting a corrected event with the same event_id resolves its invalid reject', async () => {
    const db = await seeded(`${JSON.stringify(badQty)}\n`);
    const fixed = tmp.write('fixed.jsonl', toJsonl([{ ...badQty, qty: 3 }]));
    const result = await runMain(['ingest', fixed, '--db', db]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    await inspect(db, async (warehouse) => {
      const [reject] = await rejects(warehouse);
      expect(reject).toMatchObject({ event_id: 'rj-qty', reason: 'invalid', status: 'resolved' });
      expect(reject!.resolution).toMatch(/accepted as seq \d+/);
      expect(await count(warehouse, "SELECT count(*) AS n FROM events WHERE event_id = 'rj-qty'")).toBe(1);
    });
    const open = await runMain(['rejects', 'list', '--format', 'json', '--db', db]);
    expect(JSON.parse(open.stdout)).toEqual([]);
    const resolved = await runMain([
      'rejects',
      'list',
      '--status',
      'resolved',
      '--format',
      'json',
      '--db',
      db,
    ]);
    expect((JSON.parse(resolved.stdout) as { event_id: string }[]).map((row) => row.event_id)).toEqual([
      'rj-qty',
    ]);
  });
});

describe('user errors (subprocess)', () => {
  it('an unknown command', () => {
    const lines = expectUserError(runCli(['frobnicate', '--db', tmp.join('w.duckdb')]), /unknown command/);
    expect(lines).toHaveLength(1);
  });

  it('an unknown flag', () => {
    const result = runCli(['sql', 'SELECT 1', '--bogus', '--db', tmp.join('w.duckdb')]);
    const lines = expectUserError(result, /--bogus/);
    expect(result.status).toBe(2);
    // The message, then at most a pointer to the command's help.
    expect(lines.slice(1).every((line) => /--help/.test(line))).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(2);
  });

  it('a missing input file', () => {
    const missing = tmp.join('nope.jsonl');
    const lines = expectUserError(runCli(['ingest', missing, '--db', tmp.join('w.duckdb')]), /No such file/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(missing);
    expect(fs.existsSync(tmp.join('w.duckdb'))).toBe(false);
  });

  it.each(['sql', 'status'])('--db pointing to a missing file for %s', (command) => {
    const db = tmp.join('missing.duckdb');
    const args = command === 'sql' ? ['sql', 'SELECT 1', '--db', db] : ['status', '--db', db];
    const lines = expectUserError(runCli(args), /No warehouse at/);
    expect(lines).toHaveLength(1);
    expect(fs.existsSync(db)).toBe(false);
  });

  it('--help in a real process exits 0', () => {
    const result = runCli(['ingest', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage:');
    expect(result.stdout).toContain('--db');
  });
});

describe('--help', () => {
  it.each(COMMANDS.map((command) => command.name))('%s --help exits 0 with usage and --db', async (name) => {
    const result = await runMain([name, '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage:');
    expect(result.stdout).toContain('--db');
    expect(result.stderr).toBe('');
  });
});

describe('RETAILOS_DB', () => {
  it('is used when --db is absent, and --db wins over it', async () => {
    const fromEnv = tmp.join('env.duckdb');
    const fromFlag = tmp.join('flag.duckdb');
    const env = { RETAILOS_DB: fromEnv };
    expect((await runMain(['ingest', EVENTS_JSONL], env)).status).toBe(0);
    expect(fs.existsSync(fromEnv)).toBe(true);
    expect((await runMain(['init', '--db', fromFlag], env)).status).toBe(0);

    const viaEnv = runCli(['status', '--json'], { env });
    expect(viaEnv.status, viaEnv.stderr).toBe(0);
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ path: fromEnv, events: 9 });

    const viaFlag = runCli(['status', '--json', '--db', fromFlag], { env });
    expect(viaFlag.status, viaFlag.stderr).toBe(0);
    expect(JSON.parse(viaFlag.stdout)).toMatchObject({ path: fromFlag, events: 0 });
  });
});

describe('demo', () => {
  it('lands the demo fixtures with zero rejects, and a second run changes nothing', async () => {
    const demoDir = path.join(REPO_ROOT, 'data', 'demo');
    const ids = new Set<string>();
    for (const file of fs.readdirSync(demoDir)) {
      const full = path.join(demoDir, file);
      if (file.endsWith('.jsonl')) for (const event of readJsonl(full)) ids.add(String(event.event_id));
      if (file.endsWith('.csv')) {
        const [, ...rows] = fs.readFileSync(full, 'utf8').trim().split('\n');
        for (const row of rows) ids.add(row.split(',')[0]!);
      }
    }
    expect(ids.size).toBeGreaterThan(100);

    const db = tmp.join('demo', 'retailos.duckdb');
    const first = runCli(['demo', '--fixtures', '--db', db]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).not.toMatch(STACK_FRAME);
    // The input lands whole; the demo's own work (allocator, workflow, approved plans) lands beside it.
    const afterFirst = await inspect(db, async (warehouse) => ({
      events: await count(warehouse, INPUT_EVENTS),
      rejects: await count(warehouse, 'SELECT count(*) AS n FROM rejected_events'),
      all: await count(warehouse, 'SELECT count(*) AS n FROM event_log'),
    }));
    expect({ events: afterFirst.events, rejects: afterFirst.rejects }).toEqual({
      events: ids.size,
      rejects: 0,
    });

    const second = runCli(['demo', '--fixtures', '--db', db]);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/accepted 0 \/ duplicates [\d,]+ \/ rejected 0/);
    const afterSecond = await inspect(db, async (warehouse) => ({
      events: await count(warehouse, INPUT_EVENTS),
      rejects: await count(warehouse, 'SELECT count(*) AS n FROM rejected_events'),
      all: await count(warehouse, 'SELECT count(*) AS n FROM event_log'),
    }));
    expect(afterSecond).toEqual(afterFirst);
  });

  it('simulates a retailer once, lands it with only the planted malformed rows rejected, and reuses it', async () => {
    const simDir = tmp.join('sim-small');
    const db = tmp.join('demo-sim', 'retailos.duckdb');
    const args = ['demo', '--scale', 'small', '--sim-dir', simDir, '--db', db];
    const first = runCli(args);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('Simulating the small retailer');
    const manifest = JSON.parse(fs.readFileSync(path.join(simDir, 'manifest.json'), 'utf8'));
    const landed = await inspect(db, async (warehouse) => ({
      events: await count(warehouse, INPUT_EVENTS),
      rejects: await count(warehouse, 'SELECT count(*) AS n FROM rejected_events'),
    }));
    expect(landed).toEqual({ events: manifest.events.total, rejects: manifest.faults.malformed });

    const total = (file: string) =>
      inspect(file, (warehouse) => count(warehouse, 'SELECT count(*) AS n FROM event_log'));
    const before = await total(db);
    const second = runCli(args);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('Reusing the simulated small retailer');
    expect(second.stdout).toMatch(/accepted 0 \//);
    // Nothing at all lands the second time: not the input, nor the first-run plan and queue.
    expect(await total(db)).toBe(before);
  });
});
