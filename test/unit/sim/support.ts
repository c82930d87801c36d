/**
 * Helpers for the simulator tests: run a simulation into a fresh temp directory, read its JSON Lines back
 * (in file order, keeping what does not parse or validate), and small statistics over the events.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { type Event, validateEvent } from '../../../src/contracts/index.ts';
import type { SimOptions } from '../../../src/sim/params.ts';
import { type Manifest, type SimulationResult, simulate } from '../../../src/sim/simulate.ts';

export const SMALL: SimOptions = {
  scale: 'small',
  seed: 7,
  format: 'jsonl',
  scenarios: [],
  noFaults: false,
};

const created: string[] = [];

/** A fresh temp directory, removed after the test file. */
export function tempDir(prefix = 'retailos-sim-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs a simulation into a new temp directory. */
export async function run(options: Partial<SimOptions> = {}): Promise<SimulationResult> {
  return simulate({ ...SMALL, ...options }, path.join(tempDir(), 'out'));
}

export interface Line {
  file: string;
  text: string;
  /** The parsed event when the line is valid JSON and a valid event. */
  event: Event | undefined;
  parsed: boolean;
}

/** Every line of the JSON Lines output, in delivery order (master file first, then months). */
export function readLines(dir: string): Line[] {
  const files = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort();
  const lines: Line[] = [];
  for (const file of files) {
    for (const text of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (text === '') continue;
      let value: unknown;
      let parsed = true;
      try {
        value = JSON.parse(text);
      } catch {
        parsed = false;
      }
      const result = parsed ? validateEvent(value) : undefined;
      lines.push({ file, text, parsed, event: result?.ok ? result.event : undefined });
    }
  }
  return lines;
}

/** sha256 of every file of a directory (subdirectories too, as `dir/name`), by name. */
export function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (fs.statSync(path.join(dir, name)).isDirectory()) continue;
    out[name] = createHash('sha256')
      .update(fs.readFileSync(path.join(dir, name)))
      .digest('hex');
  }
  return out;
}

/** The distinct valid events (first delivery of each id). */
export function distinctEvents(lines: readonly Line[]): Event[] {
  const seen = new Set<string>();
  const out: Event[] = [];
  for (const line of lines) {
    if (!line.event || seen.has(line.event.event_id)) continue;
    seen.add(line.event.event_id);
    out.push(line.event);
  }
  return out;
}

export function ofType<T extends Event['type']>(
  events: readonly Event[],
  type: T,
): Extract<Event, { type: T }>[] {
  return events.filter((event): event is Extract<Event, { type: T }> => event.type === type);
}

export const DAY_MS = 86_400_000;

export function dateOf(event: Event): string {
  return event.occurred_at.slice(0, 10);
}

/** Days between two YYYY-MM-DD dates. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export type { Manifest };
