import type { TrainProgress } from './train/gbdt.ts';

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * Progress of a long forecasting job on stderr: on a terminal one redrawn line (stage, trees, validation
 * loss, elapsed); elsewhere one plain line per stage, so logs stay readable.
 */
export class StageProgress {
  private readonly started = performance.now();
  private lastStage = '';
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: Stream) {}

  readonly update = (stage: string, detail?: string, progress?: TrainProgress): void => {
    const elapsed = formatElapsed((performance.now() - this.started) / 1000);
    if (!this.stream.isTTY) {
      if (stage !== this.lastStage || (detail && !progress)) {
        this.stream.write(`[${elapsed}] ${stage}${detail ? `: ${detail}` : ''}\n`);
      }
      this.lastStage = stage;
      return;
    }
    const now = performance.now();
    if (progress && stage === this.lastStage && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.lastStage = stage;
    let text = `[${elapsed}] ${stage}`;
    if (progress) {
      const width = 20;
      const fraction = Math.min(1, progress.tree / progress.numTrees);
      const filled = Math.round(fraction * width);
      text += ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] tree ${progress.tree}/${progress.numTrees}`;
      if (progress.validLoss !== undefined) text += ` valid loss ${progress.validLoss.toFixed(5)}`;
    } else if (detail) text += `: ${detail}`;
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r${text.slice(0, columns - 1).padEnd(columns - 1)}`);
    this.drawn = true;
  };

  done(): void {
    if (this.stream.isTTY && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

function formatElapsed(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.floor(seconds % 60);
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
