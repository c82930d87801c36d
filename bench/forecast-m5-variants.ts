import type { AggregateModelSpec } from '../src/ml/m5/aggregate-model.ts';
import { M5_GROUP_CONFIG, M5_GROUP_PLAN } from '../src/ml/m5/pipeline.ts';

/** Candidate aggregate models tried on the M5 development folds (bench/forecast-m5-dev.ts). */
export const DEV_MODELS: Record<string, AggregateModelSpec> = {
  all: {
    name: 'all',
    levels: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    config: M5_GROUP_CONFIG,
    plan: { ...M5_GROUP_PLAN, keepPerMille: 500 },
  },
};
