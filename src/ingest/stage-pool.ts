import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { StagedChunk } from './staging.ts';

const BOOT = new URL('./stage-worker-boot.js', import.meta.url);

interface Pending {
  resolve: (chunk: StagedChunk) => void;
  reject: (error: Error) => void;
}

/**
 * Worker threads that validate JSON Lines (parse, check against the contract,
 * write the canonical body) while the main thread reads files and appends to
 * DuckDB. Results come back as columns with typed arrays transferred.
 */
export class StagePool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(size = defaultPoolSize()) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(BOOT);
      worker.on('message', (message: { id: number; chunk: StagedChunk }) => {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        waiting?.resolve(message.chunk);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`staging worker exited with code ${code}`));
      });
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  stage(lines: Float64Array, raws: string[]): Promise<StagedChunk> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, lines, raws }, [lines.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/** One worker per core beyond the main thread (at least one, at most four). */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}
