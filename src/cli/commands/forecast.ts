import fs from 'node:fs';
import path from 'node:path';
import { loadFavorita } from '../../ml/data/favorita.ts';
import { loadM5Items } from '../../ml/data/m5-items.ts';
import { hasSharedData, sharedDataPath } from '../../ml/data/shared-data.ts';
import { simulateItems } from '../../ml/data/simulated.ts';
import { loadWalmart } from '../../ml/data/walmart.ts';
import type { EvalDataset } from '../../ml/evaluate/dataset.ts';
import { formatRollingTable } from '../../ml/evaluate/report.ts';
import { type RollingResult, rollingOrigin } from '../../ml/evaluate/rolling.ts';
import { m5Benchmarks } from '../../ml/m5/benchmarks.ts';
import { forecastM5, writeSubmission } from '../../ml/m5/pipeline.ts';
import { formatScoreTable, scoreModels } from '../../ml/m5/report.ts';
import { readM5Weights } from '../../ml/m5/weights.ts';
import { StageProgress } from '../../ml/progress.ts';
import { ModelRegistry } from '../../ml/registry/registry.ts';
import type { SeriesKind } from '../../ml/warehouse/load.ts';
import {
  evaluateWarehouse,
  NoActiveModelError,
  NoDemandError,
  predictWarehouse,
  trainWarehouseModel,
} from '../../ml/warehouse/service.ts';
import { UserError } from '../../warehouse/errors.ts';
import { type Args, type CommandIo, defineCommand, defineGroup, type OptionSpecs } from '../command.ts';
import { withWarehouse } from '../session.ts';

const THREADS = {
  threads: {
    type: 'int',
    min: 1,
    default: 2,
    valueName: 'N',
    description: 'threads for DuckDB and onnxruntime (default 2)',
  },
} as const;
const JSON_OUTPUT = { json: { type: 'boolean', description: 'print the result as JSON' } } as const;
const REGISTRY = {
  models: { type: 'string', valueName: 'DIR', description: 'model registry folder (default models/)' },
} as const;
const AS_OF = {
  'as-of': { type: 'date', valueName: 'DATE', description: 'last day of history (default: latest demand)' },
} as const;
const HORIZON = {
  horizon: {
    type: 'int',
    min: 1,
    default: 28,
    valueName: 'N',
    description: 'periods to forecast (default 28)',
  },
} as const;
const HISTORY = {
  ...AS_OF,
  'history-days': {
    type: 'int',
    min: 28,
    default: 730,
    valueName: 'N',
    description: 'days of history to use (default 730)',
  },
  ...HORIZON,
  kinds: {
    type: 'list',
    choices: ['node', 'channel'],
    valueName: 'LIST',
    description: 'series: node,channel (default both)',
  },
} as const;

function registryOf(dir: string | undefined): ModelRegistry {
  return dir ? new ModelRegistry(path.resolve(dir)) : new ModelRegistry();
}

const kindsOf = (kinds: SeriesKind[] | undefined): SeriesKind[] =>
  kinds?.length ? kinds : ['node', 'channel'];

/** No demand or no active model: a state the user fixes (ingest, train), not a crash. */
async function userErrors(work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NoDemandError || error instanceof NoActiveModelError)
      throw new UserError(error.message);
    throw error;
  }
}

const train = defineCommand({
  name: 'train',
  summary: 'Train the demand model on the warehouse, score it on a holdout and save it in the registry.',
  details: [
    'Trains on sku × node and sku × channel daily demand, scores the last --horizon days against seasonal naive',
    'and ETS, and saves it with its card in --models (default models/); it becomes the active model if it beat',
    'seasonal naive (--activate always|never).',
  ].join('\n'),
  options: {
    ...REGISTRY,
    ...HISTORY,
    'skip-holdout': { type: 'boolean', description: 'do not score the holdout first' },
    activate: {
      type: 'enum',
      choices: ['auto', 'always', 'never'],
      default: 'auto',
      valueName: 'WHEN',
      description: 'auto (default), always or never',
    },
    trees: { type: 'int', min: 1, valueName: 'N', description: 'maximum number of trees' },
    ...THREADS,
    ...JSON_OUTPUT,
  },
  run: (args, io) =>
    userErrors(async () => {
      const v = args.values;
      const registry = registryOf(v.models);
      const progress = new StageProgress(io.stderr);
      try {
        const outcome = await withWarehouse({ db: v.db, readOnly: true }, io, (warehouse) =>
          trainWarehouseModel(warehouse, {
            registry,
            historyDays: v['history-days'],
            horizon: v.horizon,
            kinds: kindsOf(v.kinds),
            holdout: !v['skip-holdout'],
            activate: v.activate,
            threads: v.threads,
            onStage: progress.update,
            ...(v['as-of'] ? { asOf: v['as-of'] } : {}),
            ...(v.trees ? { params: { numTrees: v.trees } } : {}),
          }),
        );
        progress.done();
        if (v.json) {
          io.stdout.write(`${JSON.stringify({ card: outcome.card, activated: outcome.activated })}\n`);
          return 0;
        }
        if (outcome.holdout) io.stdout.write(formatRollingTable([outcome.holdout]));
        const card = outcome.card;
        io.stdout.write(
          `${card.id} (${card.status}): ${card.trees} trees, ${card.trainingWindow.series} series, ` +
            `${card.trainingWindow.from}..${card.trainingWindow.to} → ${path.join(registry.dir, card.onnxFile)}\n`,
        );
        return 0;
      } finally {
        progress.done();
      }
    }),
});

/** The registry: every card, and `--use ID` to switch the active model (a rollback is the same step). */
const models = defineCommand({
  name: 'models',
  summary:
    'List the model registry: version, status, training window, holdout RMSSE; --use ID activates one.',
  details: 'Activating a version retires the previous active one.',
  options: {
    ...REGISTRY,
    use: { type: 'string', valueName: 'ID', description: 'activate this model (e.g. demand-v3)' },
    ...JSON_OUTPUT,
  },
  async run(args, io) {
    const registry = registryOf(args.values.models);
    const use = args.values.use;
    if (use !== undefined) {
      if (!registry.get(use)) {
        const known = registry.list().map((card) => card.id);
        throw new UserError(
          `No model ${use} in ${registry.dir}${known.length ? ` (have: ${known.join(', ')})` : ''}.`,
        );
      }
      registry.activate(use);
    }
    const cards = registry.list();
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(cards.map(cardSummary))}\n`);
      return 0;
    }
    if (cards.length === 0) {
      io.stdout.write(`No models in ${registry.dir}. Train one: retailos forecast train\n`);
      return 0;
    }
    for (const card of cards.map(cardSummary)) {
      const holdout =
        card.holdoutRmsse === undefined
          ? 'no holdout'
          : `holdout RMSSE ${card.holdoutRmsse.toFixed(3)} (sNaive ${card.snaiveRmsse?.toFixed(3) ?? '?'})`;
      io.stdout.write(
        `${card.id.padEnd(12)} ${card.status.padEnd(9)} trained ${card.createdAt.slice(0, 10)} on ` +
          `${card.trainingFrom}..${card.trainingTo}, ${card.series} series; ${holdout}\n`,
      );
    }
    return 0;
  },
});

function cardSummary(card: ReturnType<ModelRegistry['list']>[number]) {
  const scores = (card.metrics.holdout as { scores?: { model: string; rmsse: number }[] } | undefined)
    ?.scores;
  const rmsse = (model: string) => scores?.find((score) => score.model === model)?.rmsse;
  return {
    id: card.id,
    status: card.status,
    createdAt: card.createdAt,
    trainingFrom: card.trainingWindow.from,
    trainingTo: card.trainingWindow.to,
    series: card.trainingWindow.series,
    holdoutRmsse: rmsse('gbdt'),
    snaiveRmsse: rmsse('snaive'),
  };
}

const predict = defineCommand({
  name: 'predict',
  summary:
    'The scoring job: the active model forecasts every series; demand sensing flags series above plan.',
  details: 'Forecasts → the `forecasts` read model; demand sensing → demand_sensing, demand_signals.',
  options: { ...REGISTRY, ...AS_OF, ...THREADS, ...JSON_OUTPUT },
  run: (args, io) =>
    userErrors(async () => {
      const v = args.values;
      const progress = new StageProgress(io.stderr);
      try {
        const outcome = await withWarehouse({ db: v.db }, io, (warehouse) =>
          predictWarehouse(warehouse, {
            registry: registryOf(v.models),
            threads: v.threads,
            onStage: progress.update,
            ...(v['as-of'] ? { asOf: v['as-of'] } : {}),
          }),
        );
        progress.done();
        const { card, ...rest } = outcome;
        if (v.json) {
          io.stdout.write(`${JSON.stringify({ ...rest, model: card.id })}\n`);
          return 0;
        }
        io.stdout.write(
          `run ${outcome.runId}: ${card.id} forecast ${outcome.series} series × ${card.horizon} days from ${outcome.originDate} ` +
            `(${outcome.rows} rows) in ${outcome.seconds.toFixed(1)} s; ${outcome.signals} demand signal(s)\n` +
            'Query them: retailos sql "SELECT * FROM forecasts" / "SELECT * FROM demand_sensing"\n',
        );
        return 0;
      } finally {
        progress.done();
      }
    }),
});

const DATASETS: Record<string, () => EvalDataset> = {
  favorita: () => loadFavorita(sharedDataPath('favorita')),
  'walmart-weekly': () => loadWalmart(sharedDataPath('walmart-weekly')),
  'm5-items': () => loadM5Items(sharedDataPath('m5')),
  'simulated-items': () => simulateItems(),
};

const evaluate = defineCommand({
  name: 'evaluate',
  summary: 'Rolling-origin accuracy of every baseline and the GBDT: on the warehouse or a reference dataset.',
  details: `--dataset ${Object.keys(DATASETS).join('|')} reads ../shared/data.`,
  options: {
    folds: { type: 'int', min: 1, default: 3, valueName: 'N', description: 'rolling origins (default 3)' },
    dataset: {
      type: 'enum',
      choices: Object.keys(DATASETS),
      valueName: 'NAME',
      description: 'a reference dataset instead of the warehouse',
    },
    ...HISTORY,
    ...THREADS,
    ...JSON_OUTPUT,
  },
  run: (args, io) =>
    userErrors(async () => {
      const v = args.values;
      const progress = new StageProgress(io.stderr);
      const common = { folds: v.folds, threads: v.threads, onStage: progress.update };
      const result: RollingResult = v.dataset
        ? await rollingOrigin(DATASETS[v.dataset]!(), common)
        : await withWarehouse({ db: v.db, readOnly: true }, io, (warehouse) =>
            evaluateWarehouse(warehouse, {
              ...common,
              historyDays: v['history-days'],
              horizon: v.horizon,
              kinds: kindsOf(v.kinds),
              ...(v['as-of'] ? { asOf: v['as-of'] } : {}),
            }),
          );
      progress.done();
      if (v.json) io.stdout.write(`${JSON.stringify(result)}\n`);
      else io.stdout.write(formatRollingTable([result]));
      return 0;
    }),
});

/** A file or folder flag that must exist: its absolute path. */
function existingPath(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const resolved = path.resolve(value);
  if (!fs.existsSync(resolved)) throw new UserError(`--${flag}: no such file or directory: ${value}`);
  return resolved;
}

const M5_OPTIONS = {
  sales: {
    type: 'string',
    required: true,
    valueName: 'CSV',
    description: 'wide item × store sales (id,item_id,…,d_…)',
  },
  calendar: {
    type: 'string',
    required: true,
    valueName: 'CSV',
    description: 'calendar.csv or calendar_with_d.csv',
  },
  prices: { type: 'string', valueName: 'CSV', description: 'weekly or latest sell prices' },
  aggregates: { type: 'string', valueName: 'DIR', description: 'full-history aggregates level1..9.csv' },
  ...HORIZON,
  out: { type: 'string', valueName: 'FILE', description: 'submission CSV to write' },
  holdout: {
    type: 'int',
    min: 0,
    default: 0,
    valueName: 'N',
    description: 'hold out the last N days and score them',
  },
  weights: { type: 'string', valueName: 'CSV', description: 'official weights for --holdout scoring' },
  baselines: { type: 'boolean', description: 'with --holdout: also score sNaive, ES_bu and ES_md' },
  report: { type: 'string', valueName: 'FILE', description: 'write the run summary as JSON' },
  ...THREADS,
} as const satisfies OptionSpecs;

const m5 = defineCommand({
  name: 'm5',
  summary: 'Train on an M5 wide sales file and write a submission (id,F1..F28) for the days after it.',
  details: [
    '--holdout 28 forecasts the last 28 days of the file instead and scores them (WRMSSE, 12 levels, official',
    'weights from --weights or ../shared/data/m5/weights_validation.csv); --baselines adds sNaive, ES_bu and',
    'ES_md computed the same way.',
  ].join('\n'),
  options: M5_OPTIONS,
  run: runM5,
});

export const forecastCommand = defineGroup({
  name: 'forecast',
  summary: 'Demand forecasting: train, predict and evaluate the GBDT (ONNX) forecaster; M5 mode.',
  subcommands: [train, predict, models, evaluate, m5],
});

async function runM5(args: Args<typeof M5_OPTIONS>, io: CommandIo): Promise<number> {
  const v = args.values;
  const sales = existingPath('sales', v.sales)!;
  const calendar = existingPath('calendar', v.calendar)!;
  const prices = existingPath('prices', v.prices);
  const aggregates = existingPath('aggregates', v.aggregates);
  const { horizon, holdout, threads, out } = v;
  if (!out && holdout === 0) throw new UserError('--out is required (or --holdout N to score instead)');
  if (holdout > 0 && holdout < horizon) throw new UserError('--holdout must be at least --horizon');
  let weightsFile = existingPath('weights', v.weights);
  if (holdout > 0 && !weightsFile) {
    if (!hasSharedData('m5', 'weights_validation.csv')) throw new UserError('--holdout needs --weights');
    weightsFile = sharedDataPath('m5', 'weights_validation.csv');
  }

  const progress = new StageProgress(io.stderr);
  const result = await forecastM5({
    sales,
    calendar,
    ...(prices ? { prices } : {}),
    ...(aggregates ? { aggregates } : {}),
    horizon,
    holdout,
    threads,
    onStage: progress.update,
  });
  if (out) writeSubmission(path.resolve(out), result.wide.ids, result.forecasts);
  const summary: Record<string, unknown> = {
    series: result.wide.ids.length,
    origin: `d_${result.origin}`,
    forecastDays: `d_${result.origin + 1}..d_${result.origin + horizon}`,
    seconds: Number(result.seconds.toFixed(1)),
    itemModel: modelSummary(result.itemRun),
    storeDeptModel: modelSummary(result.groupRun),
  };
  if (holdout > 0) {
    const models = new Map<string, readonly ArrayLike<number>[]>([
      ['gbdt', result.forecasts],
      ['gbdt_items', result.itemForecasts],
    ]);
    const benchmarks = m5Benchmarks(result.wide, result.aggregates, result.origin, horizon, {
      ets: v.baselines,
      onProgress: (done, total) => progress.update('baselines', `ETS ${done}/${total} items`),
    });
    for (const [name, forecasts] of benchmarks) models.set(name, forecasts);
    const rows = scoreModels(
      result.wide,
      result.aggregates,
      readM5Weights(weightsFile!),
      result.origin,
      horizon,
      models,
    );
    progress.done();
    io.stdout.write(`WRMSSE on d_${result.origin + 1}..d_${result.origin + horizon} (held out)\n`);
    io.stdout.write(formatScoreTable(rows));
    summary.wrmsse = rows;
  }
  progress.done();
  io.stdout.write(
    `${result.wide.ids.length.toLocaleString('en-US')} series, forecast d_${result.origin + 1}..d_${result.origin + horizon}` +
      `${out ? ` → ${out}` : ''} in ${result.seconds.toFixed(0)} s\n`,
  );
  const report = v.report;
  if (report) fs.writeFileSync(path.resolve(report), `${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}

function modelSummary(run: Awaited<ReturnType<typeof forecastM5>>['itemRun']): Record<string, unknown> {
  return {
    trees: run.trained.model.trees.length,
    trainRows: run.trained.trainRows,
    validRows: run.trained.validRows,
    seconds: Object.fromEntries(Object.entries(run.seconds).map(([k, v]) => [k, Number(v.toFixed(1))])),
    onnxBytes: run.onnx.length,
  };
}
