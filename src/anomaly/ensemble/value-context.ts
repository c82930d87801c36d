/**
 * Values on a grid, and what the series has taught about them: how often each bin was visited (value
 * rarity) and which bin followed each recent sequence of bins (a variable-order context model).
 *
 * The grid starts with `levels` bins over the warm-up range and doubles its bin width whenever the range
 * seen so far spans more than `maxLevels` bins. Doubling merges bins pairwise (b → ⌊b/2⌋, origin fixed),
 * so the remembered counts are remapped exactly: the state is what it would be had the coarser grid been
 * used from the start. Streaming: one pass, bounded memory (at most `maxEntries` contexts; the grid never
 * holds more than maxLevels + 1 bins).
 */
export interface ValueContextOptions {
  warmup: number;
  levels: number;
  maxLevels: number;
  order: number;
  minCount: number;
  neighbour: number;
  maxEntries: number;
}

/** What the model says about a new value, before learning it. */
export interface ValueContextReading {
  /** Visits of the value's bin so far, and all visits. */
  binCount: number;
  total: number;
  /** Points since the bin was last visited (1e9 if never). */
  age: number;
  /** 1 − P(bin | longest known context), neighbours counted at `neighbour` weight: 0 predicted … 1 novel. */
  contextError: number;
}

export const NEVER = 1e9;

export class ValueContext {
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;
  private origin = 0;
  private width = 0;
  private readonly early: number[] = [];
  /** visits of each context (key: bins joined by ',', '' = order 0) and of each context → bin. */
  private contexts = new Map<string, number>();
  private transitions = new Map<string, number>();
  private lastVisit = new Map<number, number>();
  private history: number[] = [];
  private t = 0;

  constructor(readonly options: ValueContextOptions) {}

  get binWidth(): number {
    return this.width;
  }

  get entries(): number {
    return this.contexts.size + this.transitions.size;
  }

  /** Reads the model for `value` (the t-th point), then learns it. Null during the warm-up. */
  push(value: number): ValueContextReading | null {
    const t = this.t++;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
    if (t < this.options.warmup) {
      this.early.push(value);
      return null;
    }
    if (this.width === 0) this.start();
    while ((this.hi - this.lo) / this.width > this.options.maxLevels) this.double();
    const bin = this.binOf(value);
    const binCount = this.transitions.get(`>${bin}`) ?? 0;
    const last = this.lastVisit.get(bin);
    const reading: ValueContextReading = {
      binCount,
      total: this.contexts.get('') ?? 0,
      age: last === undefined ? NEVER : t - last,
      contextError: this.contextError(bin),
    };
    this.learn(bin, t);
    return reading;
  }

  private binOf(value: number): number {
    return Math.floor((value - this.origin) / this.width);
  }

  /** At the end of the warm-up: fixes the grid on the warm-up range and learns the warm-up points. */
  private start(): void {
    this.origin = this.lo;
    const span = this.hi - this.lo;
    this.width = span > 0 ? span / this.options.levels : Math.max(Math.abs(this.hi), 1) * 1e-3;
    for (const [i, v] of this.early.entries()) this.learn(this.binOf(v), i);
    this.early.length = 0;
  }

  private contextKeys(): string[] {
    // keys[k] = the last k bins, oldest first ('' for k = 0)
    const keys = [''];
    let key = '';
    for (let k = 1; k <= this.options.order && k <= this.history.length; k++) {
      const b = this.history[this.history.length - k]!;
      key = k === 1 ? String(b) : `${b},${key}`;
      keys.push(key);
    }
    return keys;
  }

  private contextError(bin: number): number {
    const keys = this.contextKeys();
    for (let k = keys.length - 1; k >= 1; k--) {
      const seen = this.contexts.get(keys[k]!) ?? 0;
      if (seen < this.options.minCount) continue;
      const hit = this.transitions.get(`${keys[k]}>${bin}`) ?? 0;
      const near =
        (this.transitions.get(`${keys[k]}>${bin - 1}`) ?? 0) +
        (this.transitions.get(`${keys[k]}>${bin + 1}`) ?? 0);
      return 1 - Math.min(1, (hit + this.options.neighbour * near) / seen);
    }
    return 1;
  }

  private bump(map: Map<string, number>, key: string): void {
    const n = map.get(key);
    if (n !== undefined) map.set(key, n + 1);
    else if (this.entries < this.options.maxEntries) map.set(key, 1);
  }

  private learn(bin: number, t: number): void {
    for (const key of this.contextKeys()) {
      this.bump(this.contexts, key);
      this.bump(this.transitions, `${key}>${bin}`);
    }
    this.lastVisit.set(bin, t);
    this.history.push(bin);
    if (this.history.length > this.options.order) this.history.shift();
  }

  /** Doubles the bin width; every remembered bin b becomes ⌊b/2⌋ and counts of merged keys add up. */
  private double(): void {
    this.width *= 2;
    const half = (bins: string) =>
      bins === ''
        ? ''
        : bins
            .split(',')
            .map((b) => Math.floor(Number(b) / 2))
            .join(',');
    const merge = (map: Map<string, number>, rekey: (k: string) => string) => {
      const out = new Map<string, number>();
      for (const [k, v] of map) {
        const key = rekey(k);
        out.set(key, (out.get(key) ?? 0) + v);
      }
      return out;
    };
    this.contexts = merge(this.contexts, half);
    this.transitions = merge(this.transitions, (k) => {
      const [ctx, b] = k.split('>') as [string, string];
      return `${half(ctx)}>${Math.floor(Number(b) / 2)}`;
    });
    const visits = new Map<number, number>();
    for (const [b, t] of this.lastVisit) {
      const h = Math.floor(b / 2);
      visits.set(h, Math.max(visits.get(h) ?? Number.NEGATIVE_INFINITY, t));
    }
    this.lastVisit = visits;
    this.history = this.history.map((b) => Math.floor(b / 2));
  }
}
