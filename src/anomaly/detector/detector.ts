import * as ort from 'onnxruntime-node';
import { buildDetectorGraph, DETECTOR_INPUT, DETECTOR_OUTPUT } from './onnx-graph.ts';
import { DEFAULT_PARAMS, type DetectorParams } from './params.ts';
import { FEATURE_COUNT, SeriesState } from './state.ts';

/**
 * The anomaly detector: per-series streaming state in TypeScript (O(1) per point, nothing refitted)
 * and the scoring graph in ONNX, run by onnxruntime-node. `scoreSeries` scores a whole series in
 * one session call (the state never depends on scores); `stream` scores points one at a time.
 */
export class AnomalyDetector {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly params: DetectorParams,
  ) {}

  static async create(params: Partial<DetectorParams> = {}): Promise<AnomalyDetector> {
    const full = { ...DEFAULT_PARAMS, ...params };
    const session = await ort.InferenceSession.create(buildDetectorGraph(full), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    });
    return new AnomalyDetector(session, full);
  }

  /** Scores feature rows (n × FEATURE_COUNT) with the ONNX graph. */
  async scoreFeatures(features: Float32Array, n: number): Promise<Float32Array> {
    if (n === 0) return new Float32Array(0);
    const input = new ort.Tensor('float32', features.subarray(0, n * FEATURE_COUNT), [n, FEATURE_COUNT]);
    const result = await this.session.run({ [DETECTOR_INPUT]: input });
    return Float32Array.from(result[DETECTOR_OUTPUT]!.data as Float32Array);
  }

  /** Streams `values` through a fresh state and scores every point. */
  async scoreSeries(values: ArrayLike<number>, state = new SeriesState(this.params)): Promise<Float32Array> {
    const features = new Float32Array(values.length * FEATURE_COUNT);
    for (let i = 0; i < values.length; i++) state.push(values[i]!, features, i * FEATURE_COUNT);
    return this.scoreFeatures(features, values.length);
  }

  /** A streaming scorer for one series: each call scores the new point, then learns it. */
  stream(state = new SeriesState(this.params)): (value: number) => Promise<number> {
    const row = new Float32Array(FEATURE_COUNT);
    return async (value) => {
      state.push(value, row, 0);
      return (await this.scoreFeatures(row, 1))[0]!;
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
