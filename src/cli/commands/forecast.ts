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
import { resolveDbPath } from '../../warehouse/config.ts';
import { UserError } from '../../warehouse/errors.ts';
import { Warehouse } from '../../warehouse/warehouse.ts';
import type { Command, CommandIo, ParsedArgs } from '../command.ts';

const SUBCOMMANDS = ['m5', 'train', 'predict', 'evaluate', 'models'] as const;

export const forecastCommand: Command = {
  name: 'forecast',
  summary: 'Demand forecasting: train, predict and evaluate the GBDT (ONNX) forecaster; M5 mode.',
  usage: 'retailos forecast <m5|train|predict|evaluate|models> [options]',
  details: [
    'train     train the demand model on the warehouse (sku × node and sku × channel daily demand), score it on',
    '          the last --horizon days against seasonal naive and ETS, and save it with its card in --models',
    '          (default models/); it becomes the active model if it beat seasonal naive (--activate always|never).',
    'predict   the scoring job: the active model forecasts every series (→ the `forecasts` read model) and',
    '          demand sensing flags series selling above plan (→ demand_sensing, demand_signals).',
    'models    list the model registry (--models): version, status, training window, holdout RMSSE;',
    '          --use ID makes that version the active one (the previous active one is retired).',
    'evaluate  rolling-origin accuracy (--folds, default 3) of every baseline and the GBDT: on the warehouse,',
    '          or on --dataset favorita|walmart-weekly|m5-items|simulated-items (../shared/data).',
    'm5        train on an M5 wide sales file and write a submission (id,F1..F28) for the days after its',
    '          last d_ column: --sales --calendar [--prices] [--aggregates DIR] --out FILE [--horizon 28].',
    '          --holdout 28 forecasts the last 28 days of the file instead and scores them (WRMSSE, 12 levels,',
    '          official weights from --weights or ../shared/data/m5/weights_validation.csv); --baselines adds',
    '          sNaive, ES_bu and ES_md computed the same way.',
  ].join('\n'),
  options: {
    sales: {
      type: 'string',
      valueName: 'CSV',
      description: 'm5: wide item × store sales (id,item_id,…,d_…)',
    },
    calendar: { type: 'string', valueName: 'CSV', description: 'm5: calendar.csv or calendar_with_d.csv' },
    prices: { type: 'string', valueName: 'CSV', description: 'm5: weekly or latest sell prices' },
    aggregates: {
      type: 'string',
      valueName: 'DIR',
      description: 'm5: full-history aggregates level1..9.csv',
    },
    horizon: { type: 'string', valueName: 'N', description: 'periods to forecast (default 28)' },
    out: { type: 'string', valueName: 'FILE', description: 'm5: submission CSV to write' },
    holdout: { type: 'string', valueName: 'N', description: 'm5: hold out the last N days and score them' },
    weights: { type: 'string', valueName: 'CSV', description: 'm5: official weights for --holdout scoring' },
    baselines: { type: 'boolean', description: 'm5 --holdout: also score sNaive, ES_bu and ES_md' },
    report: { type: 'string', valueName: 'FILE', description: 'write the run summary as JSON' },
    threads: {
      type: 'string',
      valueName: 'N',
      description: 'threads for DuckDB and onnxruntime (default 2)',
    },
    models: { type: 'string', valueName: 'DIR', description: 'model registry folder (default models/)' },
    'as-of': {
      type: 'string',
      valueName: 'DATE',
      description: 'last day of history (default: latest demand)',
    },
    'history-days': { type: 'string', valueName: 'N', description: 'days of history to use (default 730)' },
    kinds: { type: 'string', valueName: 'LIST', description: 'series: node,channel (default both)' },
    'skip-holdout': { type: 'boolean', description: 'train: do not score the holdout first' },
    activate: { type: 'string', valueName: 'WHEN', description: 'train: auto (default), always or never' },
    trees: { type: 'string', valueName: 'N', description: 'train: maximum number of trees' },
    folds: { type: 'string', valueName: 'N', description: 'evaluate: rolling origins (default 3)' },
    dataset: {
      type: 'string',
      valueName: 'NAME',
      description: 'evaluate: a reference dataset instead of the warehouse',
    },
    use: { type: 'string', valueName: 'ID', description: 'models: activate this model (e.g. demand-v3)' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run(args, io) {
    const sub = args.positionals[0];
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new UserError(`Give a subcommand: ${SUBCOMMANDS.join(', ')}. Run retailos forecast --help.`);
    }
    try {
      if (sub === 'm5') return await runM5(args, io);
      if (sub === 'train') return await runTrain(args, io);
      if (sub === 'predict') return await runPredict(args, io);
      if (sub === 'models') return runModels(args, io);
      return await runEvaluate(args, io);
    } catch (error) {
      if (error instanceof NoDemandError || error instanceof NoActiveModelError)
        throw new UserError(error.message);
      throw error;
    }
  },
};

function registryOf(args: ParsedArgs): ModelRegistry {
  const dir = stringOption(args, 'models');
  return dir ? new ModelRegistry(path.resolve(dir)) : new ModelRegistry();
}

function kindsOf(args: ParsedArgs): SeriesKind[] {
  const text = stringOption(args, 'kinds') ?? 'node,channel';
  const kinds = text.split(',').map((kind) => kind.trim());
  for (const kind of kinds)
    if (kind !== 'node' && kind !== 'channel') throw new UserError('--kinds takes node and/or channel');
  return kinds as SeriesKind[];
}

function asOfOf(args: ParsedArgs): string | undefined {
  const value = stringOption(args, 'as-of');
  if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw new UserError('--as-of must be YYYY-MM-DD');
  return value;
}

async function runTrain(args: ParsedArgs, io: CommandIo): Promise<number> {
  const activate = stringOption(args, 'activate') ?? 'auto';
  if (!['auto', 'always', 'never'].includes(activate))
    throw new UserError('--activate takes auto, always or never');
  const trees = stringOption(args, 'trees') === undefined ? undefined : intOption(args, 'trees', 400, 1);
  const warehouse = await Warehouse.open(resolveDbPath(stringOption(args, 'db'), io.env), { readOnly: true });
  const progress = new StageProgress(io.stderr);
  try {
    const asOf = asOfOf(args);
    const outcome = await trainWarehouseModel(warehouse, {
      registry: registryOf(args),
      historyDays: intOption(args, 'history-days', 730, 28),
      horizon: intOption(args, 'horizon', 28, 1),
      kinds: kindsOf(args),
      holdout: args.values['skip-holdout'] !== true,
      activate: activate as 'auto' | 'always' | 'never',
      threads: intOption(args, 'threads', 2, 1),
      onStage: progress.update,
      ...(asOf ? { asOf } : {}),
      ...(trees ? { params: { numTrees: trees } } : {}),
    });
    progress.done();
    if (args.values.json === true) {
      io.stdout.write(`${JSON.stringify({ card: outcome.card, activated: outcome.activated })}\n`);
      return 0;
    }
    if (outcome.holdout) io.stdout.write(formatRollingTable([outcome.holdout]));
    const card = outcome.card;
    io.stdout.write(
      `${card.id} (${card.status}): ${card.trees} trees, ${card.trainingWindow.series} series, ` +
        `${card.trainingWindow.from}..${card.trainingWindow.to} → ${path.join(registryOf(args).dir, card.onnxFile)}\n`,
    );
    return 0;
  } finally {
    progress.done();
    await warehouse.close();
  }
}

/** The registry: every card, and `--use ID` to switch the active model (a rollback is the same step). */
function runModels(args: ParsedArgs, io: CommandIo): number {
  const registry = registryOf(args);
  const use = stringOption(args, 'use');
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
  if (args.values.json === true) {
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
}

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

async function runPredict(args: ParsedArgs, io: CommandIo): Promise<number> {
  const warehouse = await Warehouse.open(resolveDbPath(stringOption(args, 'db'), io.env));
  const progress = new StageProgress(io.stderr);
  try {
    const asOf = asOfOf(args);
    const outcome = await predictWarehouse(warehouse, {
      registry: registryOf(args),
      threads: intOption(args, 'threads', 2, 1),
      onStage: progress.update,
      ...(asOf ? { asOf } : {}),
    });
    progress.done();
    const { card, ...rest } = outcome;
    if (args.values.json === true) {
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
    await warehouse.close();
  }
}

const DATASETS: Record<string, () => EvalDataset> = {
  favorita: () => loadFavorita(sharedDataPath('favorita')),
  'walmart-weekly': () => loadWalmart(sharedDataPath('walmart-weekly')),
  'm5-items': () => loadM5Items(sharedDataPath('m5')),
  'simulated-items': () => simulateItems(),
};

async function runEvaluate(args: ParsedArgs, io: CommandIo): Promise<number> {
  const folds = intOption(args, 'folds', 3, 1);
  const threads = intOption(args, 'threads', 2, 1);
  const progress = new StageProgress(io.stderr);
  let result: RollingResult;
  const name = stringOption(args, 'dataset');
  if (name) {
    const load = DATASETS[name];
    if (!load) throw new UserError(`--dataset takes ${Object.keys(DATASETS).join(', ')}`);
    result = await rollingOrigin(load(), { folds, threads, onStage: progress.update });
  } else {
    const warehouse = await Warehouse.open(resolveDbPath(stringOption(args, 'db'), io.env), {
      readOnly: true,
    });
    try {
      const asOf = asOfOf(args);
      result = await evaluateWarehouse(warehouse, {
        folds,
        threads,
        historyDays: intOption(args, 'history-days', 730, 28),
        horizon: intOption(args, 'horizon', 28, 1),
        kinds: kindsOf(args),
        onStage: progress.update,
        ...(asOf ? { asOf } : {}),
      });
    } finally {
      await warehouse.close();
    }
  }
  progress.done();
  if (args.values.json === true) io.stdout.write(`${JSON.stringify(result)}\n`);
  else io.stdout.write(formatRollingTable([result]));
  return 0;
}

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

function intOption(args: ParsedArgs, name: string, fallback: number, min = 0): number {
  const text = stringOption(args, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new UserError(`--${name} must be an integer >= ${min}`);
  return value;
}

function existingFile(args: ParsedArgs, name: string, required: boolean): string | undefined {
  const value = stringOption(args, name);
  if (value === undefined) {
    if (required) throw new UserError(`--${name} is required`);
    return undefined;
  }
  const resolved = path.resolve(value);
  if (!fs.existsSync(resolved)) throw new UserError(`--${name}: no such file or directory: ${value}`);
  return resolved;
}

async function runM5(args: ParsedArgs, io: CommandIo): Promise<number> {
  const sales = existingFile(args, 'sales', true)!;
  const calendar = existingFile(args, 'calendar', true)!;
  const prices = existingFile(args, 'prices', false);
  const aggregates = existingFile(args, 'aggregates', false);
  const horizon = intOption(args, 'horizon', 28, 1);
  const holdout = intOption(args, 'holdout', 0);
  const threads = intOption(args, 'threads', 2, 1);
  const out = stringOption(args, 'out');
  if (!out && holdout === 0) throw new UserError('--out is required (or --holdout N to score instead)');
  if (holdout > 0 && holdout < horizon) throw new UserError('--holdout must be at least --horizon');
  let weightsFile = existingFile(args, 'weights', false);
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
      ets: args.values.baselines === true,
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
  const report = stringOption(args, 'report');
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
