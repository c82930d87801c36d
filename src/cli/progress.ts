import { formatBytes, formatCount } from './format.ts';

export interface ProgressState {
  label: string;
  position: number;
  total: number;
  unit: 'bytes' | 'rows';
  detail: string;
}

/**
 * A one-line progress bar on a terminal; silent when the stream is not a TTY
 * (pipes, CI, logs), so machine output stays clean. Redraws at most 10×/s.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(state: ProgressState, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 24;
    const fraction = state.total > 0 ? Math.min(1, state.position / state.total) : 0;
    const filled = Math.round(fraction * width);
    const bar =
      state.total > 0
        ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`
        : '[streaming]';
    const amount =
      state.unit === 'bytes'
        ? `${formatBytes(state.position)}${state.total > 0 ? `/${formatBytes(state.total)}` : ''}`
        : `${formatCount(state.position)}${state.total > 0 ? `/${formatCount(state.total)}` : ''} rows`;
    const text = `${state.label} ${bar} ${amount} ${state.detail}`;
    const columns = this.stream.columns ?? 100;
    this.stream.write(
      `\r${text.slice(0, columns - 1).padEnd(Math.min(columns - 1, this.drawn ? columns - 1 : 0))}`,
    );
    this.drawn = true;
  }

  done(): void {
    if (this.enabled && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
