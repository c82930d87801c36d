/**
 * A small Prometheus registry (text exposition format 0.0.4): counters,
 * gauges and histograms with labels. Enough for the server's own numbers;
 * scheduled jobs record their durations through `observeJob`.
 */
type Labels = Record<string, string>;

const DEFAULT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}="${escapeLabel(labels[key]!)}"`)
    .join(',');
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

function braces(key: string, extra = ''): string {
  const inner = [key, extra].filter((part) => part !== '').join(',');
  return inner === '' ? '' : `{${inner}}`;
}

interface Metric {
  render(): string[];
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly kind: 'counter' | 'gauge' = 'counter',
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), value);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.kind}`];
    for (const [key, value] of this.values) lines.push(`${this.name}${braces(key)} ${value}`);
    return lines;
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[] = DEFAULT_BUCKETS,
  ) {}
  observe(labels: Labels, seconds: number): void {
    const key = labelKey(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    for (let index = 0; index < this.buckets.length; index++) {
      if (seconds <= this.buckets[index]!) entry.counts[index]!++;
    }
    entry.sum += seconds;
    entry.count++;
  }
  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, entry] of this.series) {
      this.buckets.forEach((bound, index) => {
        lines.push(`${this.name}_bucket${braces(key, `le="${bound}"`)} ${entry.counts[index]}`);
      });
      lines.push(`${this.name}_bucket${braces(key, 'le="+Inf"')} ${entry.count}`);
      lines.push(`${this.name}_sum${braces(key)} ${entry.sum}`);
      lines.push(`${this.name}_count${braces(key)} ${entry.count}`);
    }
    return lines;
  }
}

export class Metrics {
  readonly httpRequests = new Counter(
    'retailos_http_requests_total',
    'HTTP requests by method, route and status',
  );
  readonly httpDuration = new Histogram(
    'retailos_http_request_duration_seconds',
    'HTTP request latency by method and route',
  );
  readonly eventsIngested = new Counter(
    'retailos_events_ingested_total',
    'Events received over HTTP by outcome (accepted, duplicate, rejected)',
  );
  readonly rejects = new Counter('retailos_rejects_total', 'Rejected events by reason');
  readonly ingestBatches = new Histogram(
    'retailos_ingest_batch_duration_seconds',
    'Time to land one HTTP micro-batch',
  );
  readonly ingestQueue = new Counter('retailos_ingest_queue_events', 'Events waiting to land', 'gauge');
  readonly jobDuration = new Histogram(
    'retailos_job_duration_seconds',
    'Scheduled job durations by job and outcome',
  );
  readonly rateLimited = new Counter('retailos_rate_limited_total', 'Requests refused by the rate limiter');
  readonly authFailures = new Counter('retailos_auth_failures_total', 'Invalid API keys presented');
  readonly authThrottled = new Counter(
    'retailos_auth_throttled_total',
    'Requests refused unchecked after too many invalid keys from their address',
  );
  readonly eventLoopDelay = new Counter(
    'retailos_event_loop_delay_p99_seconds',
    'Event-loop delay, 99th percentile since start',
    'gauge',
  );
  private readonly all: Metric[] = [
    this.httpRequests,
    this.httpDuration,
    this.eventsIngested,
    this.rejects,
    this.ingestBatches,
    this.ingestQueue,
    this.jobDuration,
    this.rateLimited,
    this.authFailures,
    this.authThrottled,
    this.eventLoopDelay,
  ];

  /** For scheduled jobs (later issues): record how long a run took. */
  observeJob(job: string, outcome: 'ok' | 'failed', seconds: number): void {
    this.jobDuration.observe({ job, outcome }, seconds);
  }

  render(): string {
    return `${this.all.flatMap((metric) => metric.render()).join('\n')}\n`;
  }
}
