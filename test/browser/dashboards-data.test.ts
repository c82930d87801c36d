/**
 * The dashboards' data side without a browser: every page's FileAttachment calls match its declared
 * datasets (which decide the permissions the server checks), every dataset has a loader, the snapshot
 * marks read models that do not exist yet as "not computed yet" instead of failing, and the page rules
 * follow the role table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATASETS } from '../../src/dashboards/datasets.ts';
import { canSeePage, PAGES, pageNamed } from '../../src/dashboards/pages.ts';
import { SessionStore } from '../../src/dashboards/sessions.ts';
import { exportSnapshot } from '../../src/dashboards/snapshot.ts';
import { openFileSource } from '../../src/dashboards/sources.ts';
import { Warehouse } from '../../src/warehouse/warehouse.ts';

const SITE_SRC = path.resolve(import.meta.dirname, '..', '..', 'dashboards', 'src');
const temp: string[] = [];
afterEach(() => {
  for (const dir of temp.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('dashboards pages and datasets', () => {
  it.each(PAGES.map((page) => [page.page]))('%s.md loads exactly the datasets it declares', (name) => {
    const text = fs.readFileSync(path.join(SITE_SRC, `${name}.md`), 'utf8');
    const loaded = [...text.matchAll(/FileAttachment\("data\/([a-z_]+)\.json"\)/g)].map((m) => m[1]);
    expect(new Set(loaded)).toEqual(new Set(pageNamed(name)!.datasets));
  });

  it('has a data loader for every dataset and nothing else', () => {
    const loaders = fs
      .readdirSync(path.join(SITE_SRC, 'data'))
      .filter((file) => file.endsWith('.json.js'))
      .map((file) => file.replace('.json.js', ''));
    expect(new Set(loaders)).toEqual(new Set(DATASETS.map((dataset) => dataset.name)));
  });

  it('opens pages by role: finance sees margin, warehouse does not; planners see replenishment', () => {
    const margin = pageNamed('margin')!;
    expect(canSeePage('finance', margin)).toBe(true);
    expect(canSeePage('warehouse', margin)).toBe(false);
    expect(canSeePage('planner', pageNamed('replenishment')!)).toBe(true);
    expect(canSeePage('warehouse', pageNamed('inventory')!)).toBe(true);
    expect(canSeePage('integration', pageNamed('exceptions')!)).toBe(false);
    expect(PAGES.filter((page) => canSeePage('admin', page))).toHaveLength(PAGES.length);
  });
});

describe('dashboards snapshot', () => {
  it('exports what exists and marks missing read models as not computed yet', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-snapshot-'));
    temp.push(dir);
    const db = path.join(dir, 'w.duckdb');
    const warehouse = await Warehouse.open(db);
    await warehouse.close();
    const source = await openFileSource(db);
    try {
      const summary = await exportSnapshot(source, path.join(dir, 'snap'));
      const byName = new Map(summary.datasets.map((dataset) => [dataset.name, dataset]));
      // Master data views exist in a fresh warehouse (empty); replenishment's table does not.
      expect(byName.get('nodes')).toMatchObject({ available: true, rows: 0 });
      const recs = JSON.parse(fs.readFileSync(path.join(dir, 'snap', 'recommendations.json'), 'utf8'));
      if (!recs.available) expect(recs.note).toMatch(/^Not computed yet: .* \(computed by replenishment/);
      expect(recs.rows).toEqual([]);
      expect(fs.readdirSync(path.join(dir, 'snap')).sort()).toEqual(
        [...DATASETS.map((dataset) => `${dataset.name}.json`), '_summary.json'].sort(),
      );
    } finally {
      await source.close();
    }
  });

  it('turns a query that no longer fits its model into a note, not a failure', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retailos-snapshot-'));
    temp.push(dir);
    const relations = new Set(['stg_nodes']);
    const summary = await exportSnapshot(
      {
        description: 'stub',
        relations: async () => relations,
        query: async () => {
          throw new Error('Binder Error: Referenced column "name" not found');
        },
        close: async () => {},
      },
      dir,
      () => {},
      DATASETS.filter((dataset) => dataset.name === 'nodes' || dataset.name === 'anomalies'),
    );
    expect(summary.datasets).toEqual([
      expect.objectContaining({
        name: 'nodes',
        available: false,
        note: expect.stringMatching(/^Not computed yet: this warehouse is from another version/),
        error: expect.stringMatching(/Binder/),
      }),
      expect.objectContaining({
        name: 'anomalies',
        available: false,
        note: 'Not computed yet: nothing in this warehouse yet (computed by anomaly detection: retailos alerts detect).',
      }),
    ]);
  });
});

describe('dashboard sessions', () => {
  it('expire, end on logout, and evict the oldest beyond the cap', () => {
    let now = 0;
    const store = new SessionStore(1000, 2, () => now);
    const a = store.create('key-a');
    expect(store.keyOf(a)).toBe('key-a');
    now = 1000;
    expect(store.keyOf(a)).toBeUndefined();
    const b = store.create('key-b');
    const c = store.create('key-c');
    const d = store.create('key-d');
    expect([store.keyOf(b), store.keyOf(c), store.keyOf(d)]).toEqual([undefined, 'key-c', 'key-d']);
    store.end(c);
    expect(store.keyOf(c)).toBeUndefined();
    expect(store.keyOf(undefined)).toBeUndefined();
  });
});
