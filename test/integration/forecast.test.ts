import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forecastCommand } from '../../src/cli/commands/forecast.ts';
import { hasSharedData, sharedDataPath } from '../../src/ml/data/shared-data.ts';
import type { ModelCard } from '../../src/ml/registry/registry.ts';
import { demoForecastEvents } from '../../src/ml/warehouse/demo-events.ts';
import { UserError } from '../../src/warehouse/errors.ts';
import { invokeCli } from '../helpers/cli.ts';
import { ingest, toJsonl, useTempDir } from '../helpers/retailos.ts';

/** `retailos forecast …` in-process; a user mistake is thrown. */
const forecast = (argv: string[]) => invokeCli(forecastCommand, argv);

describe('retailos forecast train | predict on a warehouse', () => {
  const tmp = useTempDir();

  it('trains and registers a model, forecasts every series and flags the promotion running above plan', async () => {
    // 4 skus × 2 stores + web orders shipped from a DC; sku 0 on promotion (price −30%, demand ×2) from day 126
    const events = demoForecastEvents({
      skus: 4,
      stores: 2,
      days: 140,
      start: '2025-01-01',
      seed: 7,
      promotion: [126, 150],
    });
    const file = tmp.write('events.jsonl', toJsonl(events));
    const db = tmp.join('warehouse.duckdb');
    const warehouse = await tmp.open('warehouse.duckdb');
    const landed = await ingest(warehouse, [file]);
    expect(landed.rejected).toBe(0);
    await warehouse.close();
    const models = tmp.join('models');

    const train = await forecast(['train', '--db', db, '--models', models, '--threads', '1']);
    expect(train.status).toBe(0);
    expect(train.stdout).toMatch(/demand-v1 \(active\)/);
    const card = JSON.parse(fs.readFileSync(path.join(models, 'demand-v1.json'), 'utf8')) as ModelCard;
    expect(card.status).toBe('active');
    expect(card.features.length).toBeGreaterThan(20);
    expect(card.trainingWindow.to).toBe('2025-05-20');
    // 4 skus × (2 stores + DC) node series + 4 × (web + store) channel series
    expect(card.trainingWindow.series).toBe(20);
    expect(card.dataHash).toMatch(/^\d+:[0-9a-f]{16}$/);
    expect((card.metrics.holdout as { scores: { model: string }[] }).scores.map((s) => s.model)).toEqual([
      'snaive',
      'ets',
      'gbdt',
    ]);
    expect(fs.statSync(path.join(models, card.onnxFile)).size).toBeLessThan(1_000_000);

    const predict = await forecast(['predict', '--db', db, '--models', models, '--threads', '1']);
    expect(predict.status).toBe(0);
    expect(predict.stdout).toMatch(/run 1: demand-v1 forecast 20 series × 28 days from 2025-05-20/);

    const evaluation = await forecast(['evaluate', '--db', db, '--folds', '1', '--json', '--threads', '1']);
    expect(evaluation.status).toBe(0);
    const scores = (
      JSON.parse(evaluation.stdout) as { scores: { model: string; rmsse: number; coverage80: number }[] }
    ).scores;
    expect(scores.map((s) => s.model)).toEqual([
      'naive',
      'snaive',
      'ma',
      'ses',
      'holt_winters',
      'ets',
      'croston',
      'sba',
      'tsb',
      'gbdt',
    ]);
    for (const score of scores) {
      expect(score.rmsse).toBeGreaterThan(0);
      expect(score.coverage80).toBeGreaterThan(0.3);
    }
    const reader = await tmp.open('warehouse.duckdb', { readOnly: true });
    const forecasts = await reader.all<Record<string, unknown>>('SELECT * FROM forecasts');
    expect(forecasts).toHaveLength(20 * 28);
    for (const row of forecasts) {
      expect(row.model_version).toBe('demand-v1');
      expect(Number(row.mean)).toBeGreaterThanOrEqual(0);
      expect(Number(row.p10)).toBeLessThanOrEqual(Number(row.p50));
      expect(Number(row.p50)).toBeLessThanOrEqual(Number(row.p90));
    }
    const signals = await reader.all<Record<string, unknown>>('SELECT * FROM demand_signals');
    const promoted = signals.filter((row) => row.sku === 'SKU-000');
    expect(promoted.length).toBeGreaterThan(0);
    expect(promoted.every((row) => row.driver === 'promotion')).toBe(true);
    expect(Number(promoted[0]!.actual_units)).toBeGreaterThan(Number(promoted[0]!.upper_units));
    // no sku without a promotion runs that far above plan
    expect(signals.filter((row) => row.sku !== 'SKU-000' && Number(row.uplift_pct) > 1)).toHaveLength(0);
    await reader.close();

    // retraining on demand adds a version; the registry lists both and can switch (or roll back)
    const again = await forecast([
      'train',
      '--db',
      db,
      '--models',
      models,
      '--threads',
      '1',
      '--skip-holdout',
      '--trees',
      '20',
      '--activate',
      'never',
    ]);
    expect(again.status).toBe(0);
    const listed = await forecast(['models', '--models', models, '--json']);
    expect(
      (JSON.parse(listed.stdout) as { id: string; status: string }[]).map((m) => [m.id, m.status]),
    ).toEqual([
      ['demand-v1', 'active'],
      ['demand-v2', 'candidate'],
    ]);
    const used = await forecast(['models', '--models', models, '--use', 'demand-v2']);
    expect(used.stdout).toMatch(/demand-v1\s+retired/);
    expect(used.stdout).toMatch(/demand-v2\s+active/);
    await expect(forecast(['models', '--models', models, '--use', 'demand-v9'])).rejects.toThrow(
      /No model demand-v9/,
    );
  });

  it('says what to do when there is no active model or no demand', async () => {
    const db = tmp.join('empty.duckdb');
    const warehouse = await tmp.open('empty.duckdb');
    await warehouse.close();
    await expect(forecast(['predict', '--db', db, '--models', tmp.join('none')])).rejects.toThrow(UserError);
    await expect(forecast(['train', '--db', db, '--models', tmp.join('none')])).rejects.toThrow(
      /no demand events/,
    );
    await expect(forecast(['nonsense'])).rejects.toThrow(/Unknown action "nonsense" for 'retailos forecast'/);
  });
});

describe.skipIf(!hasSharedData('m5', 'history'))('retailos forecast m5 on a small slice', () => {
  const tmp = useTempDir();

  it('writes one row per input series, ids as in the input, 28 non-negative forecasts', async () => {
    const lines = fs
      .readFileSync(sharedDataPath('m5', 'history', 'sales_item_store_d1762_d1941.csv'), 'utf8')
      .split('\n');
    // 40 series from two stores, in a shuffled order the submission must keep
    const picked = [...lines.slice(1, 21), ...lines.slice(3050, 3070)].reverse();
    const sales = tmp.write('sales.csv', `${[lines[0], ...picked].join('\n')}\n`);
    const out = tmp.join('submission.csv');
    const result = await forecast([
      'm5',
      '--sales',
      sales,
      '--calendar',
      sharedDataPath('m5', 'calendar.csv'),
      '--out',
      out,
      '--threads',
      '1',
    ]);
    expect(result.status).toBe(0);
    const rows = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(rows[0]).toBe(['id', ...Array.from({ length: 28 }, (_, h) => `F${h + 1}`)].join(','));
    expect(rows).toHaveLength(41);
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual(picked.map((row) => row.split(',')[0]));
    for (const row of rows.slice(1)) {
      const values = row.split(',').slice(1).map(Number);
      expect(values).toHaveLength(28);
      expect(values.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
  });
});
