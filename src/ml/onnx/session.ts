import * as ort from 'onnxruntime-node';

/**
 * An onnxruntime-node session over an exported forecaster. Scoring runs in batches so a
 * 30k-series × 28-day job never builds one giant tensor; `threads` is onnxruntime's intra-op pool.
 */
export class OnnxScorer {
  /** Seconds spent inside session.run during the last `run`. */
  lastRunSeconds = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly featureCount: number,
    private readonly inputName: string,
    private readonly outputName: string,
  ) {}

  static async load(model: Uint8Array | string, options: { threads?: number } = {}): Promise<OnnxScorer> {
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    };
    const session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, sessionOptions)
        : await ort.InferenceSession.create(model, sessionOptions);
    const input = session.inputNames[0];
    const output = session.outputNames.includes('mean') ? 'mean' : session.outputNames[0];
    if (!input || !output) throw new Error('ONNX model has no input or output');
    const meta = session.inputMetadata?.[0];
    const shape = meta && 'shape' in meta ? (meta.shape as (number | string)[]) : undefined;
    const width = typeof shape?.[1] === 'number' ? shape[1] : 0;
    return new OnnxScorer(session, width, input, output);
  }

  /** Runs rows given row-major (n × featureCount) and returns one value per row. */
  async run(rows: Float32Array, n: number, batchSize = 65_536): Promise<Float32Array> {
    const width = this.featureCount || rows.length / Math.max(1, n);
    const out = new Float32Array(n);
    let seconds = 0;
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const tensor = new ort.Tensor('float32', rows.subarray(start * width, (start + count) * width), [
        count,
        width,
      ]);
      const started = performance.now();
      const result = await this.session.run({ [this.inputName]: tensor });
      seconds += (performance.now() - started) / 1000;
      const data = result[this.outputName]!.data as Float32Array;
      out.set(data.subarray(0, count), start);
    }
    this.lastRunSeconds = seconds;
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
