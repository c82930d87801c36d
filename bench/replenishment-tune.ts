/**
 * Choosing the policy's demand baseline for `replenishment-sim` by a protocol, not on the reported run:
 * the candidates are compared on simulated retailers of OTHER seeds (default 7 and 8; the reported run
 * uses the default seed 42) and on nothing else. Each candidate is tuned to 95% fill exactly as in the
 * benchmark (compareRules), and the inventory reduction against the static reorder level is listed per
 * seed and on average. The choice is written into DEFAULT_BASELINE by hand (policy/baseline.ts).
 *
 *   node --import tsx bench/replenishment-tune.ts [--seeds 7,8] [--kinds pooled,seasonal|none] [--only REGEX] [--cache DIR]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compareRules } from '../src/replenishment/compare.ts';
import { type BaselineSettings, DEFAULT_BASELINE } from '../src/replenishment/policy/baseline.ts';
import type { SimSeries } from '../src/replenishment/simulate.ts';
import { simulatedDemand } from './replenishment-sim.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    seeds: { type: 'string', default: '7,8' },
    kinds: { type: 'string' },
    /** Only the candidates whose name matches this regular expression. */
    only: { type: 'string' },
    cache: { type: 'string', default: path.join('bench', 'tmp', 'replenishment-tune') },
  },
});
const seeds = values.seeds!.split(',').map(Number);
if (seeds.includes(42)) throw new Error('seed 42 is the reported run: tune on other seeds');
fs.mkdirSync(values.cache!, { recursive: true });

async function demandOf(seed: number): Promise<SimSeries[]> {
  const file = path.join(values.cache!, `small-300-seed${seed}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const series = await simulatedDemand(seed);
  fs.writeFileSync(file, JSON.stringify(series));
  return series;
}

const candidates: {
  name: string;
  baseline: 'flat' | 'seasonal' | 'pooled';
  settings: BaselineSettings;
  refreshDays?: number;
}[] = [{ name: 'flat', baseline: 'flat', settings: DEFAULT_BASELINE, refreshDays: 7 }];
// candidates without refreshDays re-estimate weekly (7), as the replay did before 7 December 2026
for (const refreshDays of [1, 3]) {
  candidates.push({
    name: `flat refresh ${refreshDays}`,
    baseline: 'flat',
    settings: DEFAULT_BASELINE,
    refreshDays,
  });
  candidates.push({
    name: `pooled level 14 damping 0 refresh ${refreshDays}`,
    baseline: 'pooled',
    settings: { ...DEFAULT_BASELINE, levelDays: 14, damping: 0 },
    refreshDays,
  });
}
const kinds = (values.kinds === 'none' ? '' : (values.kinds ?? 'pooled,seasonal'))
  .split(',')
  .filter(Boolean) as ('seasonal' | 'pooled')[];
for (const kind of kinds) {
  for (const levelDays of [7, 14, 28]) {
    for (const damping of [0, 0.5, 0.85]) {
      for (const profileShrink of kind === 'pooled' ? [2] : [2, 8]) {
        candidates.push({
          name: `${kind} level ${levelDays} damping ${damping} shrink ${profileShrink}`,
          baseline: kind,
          settings: { ...DEFAULT_BASELINE, levelDays, damping, profileShrink },
        });
      }
    }
  }
}

const only = values.only ? new RegExp(values.only) : undefined;
const chosen = candidates.filter((c) => !only || only.test(c.name));
const data = new Map<number, SimSeries[]>();
for (const seed of seeds) data.set(seed, await demandOf(seed));
process.stdout.write(
  `${'candidate'.padEnd(40)} ${seeds.map((s) => `seed ${s}`.padStart(9)).join(' ')}      mean\n`,
);
for (const c of chosen) {
  const reductions = seeds.map(
    (seed) =>
      compareRules(data.get(seed)!, {
        targets: [0.95],
        baseline: c.baseline,
        baselineSettings: c.settings,
        refreshDays: c.refreshDays ?? 7,
      }).comparisons[0]!.inventory_value_reduction,
  );
  const mean = reductions.reduce((a, b) => a + b, 0) / reductions.length;
  process.stdout.write(
    `${c.name.padEnd(40)} ${reductions.map((r) => r.toFixed(4).padStart(9)).join(' ')} ${mean.toFixed(4).padStart(9)}\n`,
  );
}
