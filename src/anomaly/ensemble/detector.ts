import * as ort from 'onnxruntime-node';
import { buildEnsembleGraph, ENSEMBLE_INPUT, ENSEMBLE_OUTPUT } from './graph.ts';
import { ENSEMBLE_DEFAULTS, type EnsembleParams } from './params.ts';
import { RestPeriod } from './rest.ts';
import { ENSEMBLE_FEATURE_COUNT, EnsembleState } from './state.ts';

/**
 * The ensemble anomaly detector: per-series streaming state in TypeScript (EnsembleState), the scoring
 * graph in ONNX run by onnxruntime-node, then the rest period (RestPeriod) in TypeScript. `scoreSeries`
 * scores a whole series in one session call (the state never depends on scores); `stream` scores points
 * one at a time and gives the same scores.
 */
export class EnsembleDetector {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly params: EnsembleParams,
  ) {}

  static async create(params: Partial<EnsembleParams> = {}): Promise<EnsembleDetector> {
    const full = { ...ENSEMBLE_DEFAULTS, ...params };
    const session = await ort.InferenceSession.create(buildEnsembleGraph(full), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    return new EnsembleDetector(session, full);
  }

  /** Scores feature rows (n × ENSEMBLE_FEATURE_COUNT) with the ONNX graph, before the rest period. */
  async scoreFeatures(features: Float32Array, n: number): Promise<Float32Array> {
    if (n === 0) return new Float32Array(0);
    const input = new ort.Tensor('float32', features.subarray(0, n * ENSEMBLE_FEATURE_COUNT), [
      n,
      ENSEMBLE_FEATURE_COUNT,
    ]);
    const result = await this.session.run({ [ENSEMBLE_INPUT]: input });
    return Float32Array.from(result[ENSEMBLE_OUTPUT]!.data as Float32Array);
  }

  /** The features of a whole series, streamed through a fresh state. */
  features(
    values: ArrayLike<number>,
    times: ArrayLike<number>,
    state = new EnsembleState(this.params),
  ): Float32Array {
    if (times.length !== values.length)
      throw new Error(`${values.length} values but ${times.length} timestamps`);
    const features = new Float32Array(values.length * ENSEMBLE_FEATURE_COUNT);
    for (let i = 0; i < values.length; i++)
      state.push(values[i]!, times[i]!, features, i * ENSEMBLE_FEATURE_COUNT);
    return features;
  }

  /** Streams a series (values at epoch-ms `times`) through a fresh state: final scores, rest period applied. */
  async scoreSeries(values: ArrayLike<number>, times: ArrayLike<number>): Promise<Float32Array> {
    const scores = await this.scoreFeatures(this.features(values, times), values.length);
    new RestPeriod(this.params.restPoints, this.params.restLevel).applyAll(scores);
    return scores;
  }

  /** A streaming scorer for one series: each call scores the new point (state before it), then learns it. */
  stream(): (value: number, timeMs: number) => Promise<number> {
    const state = new EnsembleState(this.params);
    const rest = new RestPeriod(this.params.restPoints, this.params.restLevel);
    const row = new Float32Array(ENSEMBLE_FEATURE_COUNT);
    return async (value, timeMs) => {
      state.push(value, timeMs, row, 0);
      return rest.apply((await this.scoreFeatures(row, 1))[0]!);
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
