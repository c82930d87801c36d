/**
 * M5 development folds (the protocol of docs/forecasting.md, "M5 mode"): settings of the aggregate
 * models and the reconciliation are chosen here, on origins inside the training history (default
 * d_1829, d_1857, d_1885: each forecasts the next 28 days, all before d_1914), scored at levels 1–9
 * against the full-history aggregates. The validation window (d_1914–d_1941) is never read here.
 *
 *   node --import tsx bench/forecast-m5-dev.ts [--folds 1829,1857,1885] [--models l9,all] [--cache DIR]
 *
 * Each model's node forecasts are cached per fold (so reconciliation variants are compared without
 * retraining); the table lists every model alone (bottom-up from its level 9) and the reconciled
 * combinations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sharedDataPath } from '../src/ml/data/shared-data.ts';
import { forecastNodes, nodeHistories } from '../src/ml/m5/aggregate-model.ts';
import { type Hierarchy, m5Hierarchy, scoreAggregates } from '../src/ml/m5/hierarchy.ts';
import { M5_AGGREGATE_MODELS } from '../src/ml/m5/pipeline.ts';
import { reconcileWls } from '../src/ml/m5/reconcile.ts';
import { readM5Weights } from '../src/ml/m5/weights.ts';
import { readM5Aggregates } from '../src/ml/m5/wide.ts';
import { naiveScale } from '../src/ml/metrics/accuracy.ts';
import { DEV_MODELS } from './forecast-m5-variants.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    folds: { type: 'string', default: '1829,1857,1885' },
    models: { type: 'string' },
    cache: { type: 'string', default: path.join('bench', 'tmp', 'm5-dev') },
    threads: { type: 'string', default: '2' },
  },
});

const m5 = sharedDataPath('m5');
const aggregates = readM5Aggregates(path.join(m5, 'history', 'aggregates'));
const weights = readM5Weights(path.join(m5, 'weights_validation.csv'));
const calendar = path.join(m5, 'calendar.csv');
const hierarchy: Hierarchy = m5Hierarchy([...aggregates.levels.get(9)!.keys()]);
const horizon = 28;
const folds = values.folds!.split(',').map(Number);
const specs = { ...Object.fromEntries(M5_AGGREGATE_MODELS.map((s) => [s.name, s])), ...DEV_MODELS };
const names = values.models ? values.models.split(',') : Object.keys(specs);
fs.mkdirSync(values.cache!, { recursive: true });

type NodeForecasts = (number[] | null)[];
const results = new Map<string, Map<number, NodeForecasts>>();
for (const name of names) {
  const spec = specs[name];
  if (!spec) throw new Error(`unknown model ${name}`);
  const byFold = new Map<number, NodeForecasts>();
  for (const origin of folds) {
    const file = path.join(values.cache!, `${name}-${origin}.json`);
    if (fs.existsSync(file)) {
      byFold.set(origin, JSON.parse(fs.readFileSync(file, 'utf8')));
      continue;
    }
    const started = performance.now();
    const histories = nodeHistories(hierarchy, aggregates, undefined, origin);
    const { forecasts, run } = await forecastNodes(hierarchy, histories, calendar, origin, horizon, spec, {
      threads: Number(values.threads),
    });
    const out = forecasts.map((f) => (f ? Array.from(f) : null));
    fs.writeFileSync(file, JSON.stringify(out));
    byFold.set(origin, out);
    process.stderr.write(
      `${name} @${origin}: ${run.trained.trainRows} rows, ${run.trained.bestIteration} trees, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }
  results.set(name, byFold);
}

/** Node weights for WLS: 1 / naive MSE (the RMSSE scale), times a per-level trust. */
function wlsWeights(origin: number, trust: (level: number) => number): number[] {
  const histories = nodeHistories(hierarchy, aggregates, undefined, origin);
  return hierarchy.nodes.map((node, i) => trust(node.level) / naiveScale(histories[i]!.values));
}

function average(list: NodeForecasts[]): (Float64Array | undefined)[] {
  return hierarchy.nodes.map((_, i) => {
    const present = list.map((f) => f[i]).filter((f): f is number[] => f !== null && f !== undefined);
    if (present.length === 0) return undefined;
    const out = new Float64Array(horizon);
    for (const f of present) for (let h = 0; h < horizon; h++) out[h] = out[h]! + f[h]! / present.length;
    return out;
  });
}

const level9 = hierarchy.nodes.flatMap((node, i) => (node.level === 9 ? [i] : []));
function bottomOf(nodes: (Float64Array | undefined)[]): Float64Array[] {
  return level9.map((i) => nodes[i]!);
}

const rows: { name: string; levels: number[]; mean: number }[] = [];
function score(name: string, bottomFor: (origin: number) => Float64Array[]): void {
  const levels = Array.from({ length: 9 }, () => 0);
  let mean = 0;
  for (const origin of folds) {
    const s = scoreAggregates(hierarchy, aggregates, weights, origin, bottomFor(origin));
    for (let l = 1; l <= 9; l++) levels[l - 1]! += s.perLevel.get(l)! / folds.length;
    mean += s.mean1to9 / folds.length;
  }
  rows.push({ name, levels, mean });
}

for (const name of names) {
  score(name, (origin) => bottomOf(average([results.get(name)!.get(origin)!])));
}
const multi = names.filter((name) => specs[name]!.levels.length > 1 || !specs[name]!.levels.includes(9));
for (const name of names.filter((n) => specs[n]!.levels.includes(9))) {
  for (const other of multi) {
    if (other === name) continue;
    for (const [label, trust] of [
      ['flat', () => 1],
      ['top', (level: number) => (level <= 5 ? 2 : 1)],
    ] as const) {
      score(`${name}+${other} wls-${label}`, (origin) =>
        reconcileWls(
          hierarchy,
          average([results.get(name)!.get(origin)!, results.get(other)!.get(origin)!]),
          wlsWeights(origin, trust),
        ),
      );
    }
  }
  // plain averages of level-9 models (an ensemble of differently trained store × department models)
  for (const other of names.filter((n) => n > name && specs[n]!.levels.includes(9))) {
    score(`${name}+${other} mean`, (origin) =>
      bottomOf(average([results.get(name)!.get(origin)!, results.get(other)!.get(origin)!])),
    );
  }
  if (multi.includes(name)) {
    score(`${name} wls-flat`, (origin) =>
      reconcileWls(
        hierarchy,
        average([results.get(name)!.get(origin)!]),
        wlsWeights(origin, () => 1),
      ),
    );
  }
}

process.stdout.write(
  `${['model'.padEnd(36), ...Array.from({ length: 9 }, (_, i) => `L${i + 1}`.padStart(6)), '  L1-9'].join(' ')}\n`,
);
for (const row of rows) {
  process.stdout.write(
    `${[row.name.padEnd(36), ...row.levels.map((v) => v.toFixed(3).padStart(6)), row.mean.toFixed(4).padStart(6)].join(' ')}\n`,
  );
}
