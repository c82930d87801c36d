import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  target?: string;
  ok?: boolean;
}

export interface BenchReport {
  name: string;
  description: string;
  startedAt: string;
  parameters: Record<string, unknown>;
  rows: BenchRow[];
}

export const RESULTS_DIR = path.resolve(import.meta.dirname, '..', 'results');

/** Prints the report as a table and writes it as JSON to bench/results/<name>.json. */
export function publish(report: BenchReport): string {
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  const width = Math.max(...report.rows.map((row) => row.metric.length), 6);
  const lines = [
    `${report.name}: ${report.description}`,
    `${'metric'.padEnd(width)}  ${'value'.padStart(14)}  unit        target        ok`,
    ...report.rows.map(
      (row) =>
        `${row.metric.padEnd(width)}  ${formatValue(row.value).padStart(14)}  ${row.unit.padEnd(10)}  ${(row.target ?? '').padEnd(12)}  ${row.ok === undefined ? '' : row.ok ? 'yes' : 'NO'}`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${report.name}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ ...report, machine }, null, 2)}\n`);
  process.stdout.write(`written to ${path.relative(process.cwd(), file)}\n`);
  return file;
}

function formatValue(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(3);
}
