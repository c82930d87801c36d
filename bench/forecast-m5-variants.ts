import type { AggregateModelSpec } from '../src/ml/m5/aggregate-model.ts';
import { M5_GROUP_CONFIG, M5_GROUP_PLAN } from '../src/ml/m5/pipeline.ts';

/** Candidate aggregate models tried on the M5 development folds (bench/forecast-m5-dev.ts). */
export const DEV_MODELS: Record<string, AggregateModelSpec> = {
  /** One model over every series of levels 1–9 (scaled target), reconciled by WLS. */
  all: {
    name: 'all',
    levels: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    config: M5_GROUP_CONFIG,
    plan: { ...M5_GROUP_PLAN, keepPerMille: 500 },
  },
  /** The store × department model with a squared-error loss: a second opinion to average with `l9`. */
  'l9-l2': {
    name: 'l9-l2',
    levels: [9],
    config: { ...M5_GROUP_CONFIG, params: { ...M5_GROUP_CONFIG.params, objective: 'l2' } },
    plan: M5_GROUP_PLAN,
  },
  /** The store × department model before (M5_GROUP_CONFIG as it was; now `l9-p12` in the pipeline). */
  l9: { name: 'l9', levels: [9], config: M5_GROUP_CONFIG, plan: M5_GROUP_PLAN },
};
