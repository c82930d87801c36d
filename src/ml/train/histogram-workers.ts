import { Worker } from 'node:worker_threads';

/**
 * Histogram building on a second core: a worker thread reads the same binned columns, row indices and
 * gradients through SharedArrayBuffers and fills its share of the features of a leaf's histogram while
 * the main thread fills the rest; the main thread then blocks on an Atomics flag until the worker is
 * done. Each feature is summed by one thread in row order, so results are identical to one thread.
 * The worker is plain JavaScript (eval), so it needs no TypeScript loader.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bins = workerData.bins.map((b) => new Uint8Array(b));
const idx = new Int32Array(workerData.indices);
const gh = new Float64Array(workerData.gh);
const flag = new Int32Array(workerData.flag);
parentPort.on('message', (m) => {
  const hist = new Float64Array(m.hist);
  const n = m.end - m.begin;
  for (const f of m.features) {
    const base = f * 768;
    hist.fill(0, base, base + 768);
    const col = bins[f];
    for (let i = 0; i < n; i++) {
      const o = base + col[idx[m.begin + i]] * 3;
      hist[o] += gh[2 * i];
      hist[o + 1] += gh[2 * i + 1];
      hist[o + 2] += 1;
    }
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

export class HistogramWorker {
  private readonly worker: Worker;
  private readonly flag: Int32Array;

  constructor(bins: Uint8Array[], indices: Int32Array, gh: Float64Array) {
    const shared = [indices.buffer, gh.buffer, ...bins.map((b) => b.buffer)];
    if (!shared.every((buffer) => buffer instanceof SharedArrayBuffer)) {
      throw new Error('histogram worker needs SharedArrayBuffer-backed arrays');
    }
    this.flag = new Int32Array(new SharedArrayBuffer(4));
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        bins: bins.map((b) => b.buffer),
        indices: indices.buffer,
        gh: gh.buffer,
        flag: this.flag.buffer,
      },
    });
    this.worker.unref();
  }

  /** Starts filling `features` of `hist` for rows idx[begin..end) (gradients already gathered). */
  start(hist: Float64Array, begin: number, end: number, features: number[]): void {
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage({ hist: hist.buffer, begin, end, features });
  }

  /** Blocks until the last `start` has finished. */
  wait(): void {
    while (Atomics.load(this.flag, 0) === 0) Atomics.wait(this.flag, 0, 0, 1000);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8));
}

export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

export function sharedUint8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}
