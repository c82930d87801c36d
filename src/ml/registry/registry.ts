import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../warehouse/config.ts';
import type { IntervalCalibration } from '../forecaster/intervals.ts';

export const DEFAULT_MODELS_DIR = path.join(PROJECT_ROOT, 'models');

export type ModelStatus = 'active' | 'candidate' | 'retired';

/**
 * The card beside every model file (models/<name>-v<version>.json next to .onnx): what it is, what it
 * was trained on and how well it did — enough to reproduce, audit and choose it.
 */
export interface ModelCard {
  id: string;
  name: string;
  version: number;
  status: ModelStatus;
  createdAt: string;
  kind: 'gbdt-onnx';
  onnxFile: string;
  onnxSha256: string;
  onnxBytes: number;
  target: 'raw' | 'scaled';
  objective: string;
  tweediePower?: number;
  trees: number;
  frequency: 'daily' | 'weekly';
  horizon: number;
  seriesKinds: string[];
  /** Input columns of the ONNX model, in order (ml_rows feature names). */
  features: string[];
  trainingWindow: { from: string; to: string; series: number; rows: number };
  /** Content hash of the training demand (series keys, periods, quantities). */
  dataHash: string;
  params: Record<string, unknown>;
  intervals: IntervalCalibration;
  metrics: Record<string, unknown>;
  importance: { feature: string; splits: number }[];
}

/**
 * A folder of model files and cards. One model per name is `active` (the one scoring jobs use);
 * activating another retires it. Files are written to a temp name and renamed, so a reader never sees
 * a half-written model.
 */
export class ModelRegistry {
  constructor(readonly dir: string = DEFAULT_MODELS_DIR) {}

  list(name?: string): ModelCard[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir)
      .filter((file) => /-v\d+\.json$/.test(file))
      .map((file) => JSON.parse(fs.readFileSync(path.join(this.dir, file), 'utf8')) as ModelCard)
      .filter((card) => card.kind === 'gbdt-onnx' && (name === undefined || card.name === name))
      .sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
  }

  active(name: string): ModelCard | undefined {
    return this.list(name).find((card) => card.status === 'active');
  }

  get(id: string): ModelCard | undefined {
    return this.list().find((card) => card.id === id);
  }

  nextVersion(name: string): number {
    return Math.max(0, ...this.list(name).map((card) => card.version)) + 1;
  }

  /** Writes the ONNX file and its card; the card's file names and hash are filled in here. */
  save(card: Omit<ModelCard, 'onnxFile' | 'onnxSha256' | 'onnxBytes' | 'id'>, onnx: Uint8Array): ModelCard {
    fs.mkdirSync(this.dir, { recursive: true });
    const id = `${card.name}-v${card.version}`;
    const full: ModelCard = {
      ...card,
      id,
      onnxFile: `${id}.onnx`,
      onnxSha256: createHash('sha256').update(onnx).digest('hex'),
      onnxBytes: onnx.length,
    };
    writeAtomic(path.join(this.dir, full.onnxFile), onnx);
    writeAtomic(path.join(this.dir, `${id}.json`), `${JSON.stringify(full, null, 2)}\n`);
    if (full.status === 'active') this.activate(id);
    return full;
  }

  /** Makes `id` the active model of its name; the previously active one is retired. */
  activate(id: string): ModelCard {
    const card = this.get(id);
    if (!card) throw new Error(`no model ${id} in ${this.dir}`);
    for (const other of this.list(card.name)) {
      const status: ModelStatus =
        other.id === id ? 'active' : other.status === 'active' ? 'retired' : other.status;
      if (status !== other.status || other.id === id) this.writeCard({ ...other, status });
    }
    return { ...card, status: 'active' };
  }

  /** The model bytes, checked against the card's hash. */
  readOnnx(card: ModelCard): Uint8Array {
    const bytes = fs.readFileSync(path.join(this.dir, card.onnxFile));
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (hash !== card.onnxSha256) throw new Error(`${card.onnxFile} does not match its card (sha256)`);
    return bytes;
  }

  private writeCard(card: ModelCard): void {
    writeAtomic(path.join(this.dir, `${card.id}.json`), `${JSON.stringify(card, null, 2)}\n`);
  }
}

function writeAtomic(file: string, content: string | Uint8Array): void {
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, file);
}
