import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PROJECT_ROOT } from '../warehouse/config.ts';
import { UserError } from '../warehouse/errors.ts';
import { exportSnapshot, type SnapshotSummary } from './snapshot.ts';
import type { SnapshotSource } from './sources.ts';

/** The Observable Framework project (config, pages, loaders, components). */
export const DASHBOARDS_DIR = path.join(PROJECT_ROOT, 'dashboards');
/** Where `retailos dashboards build` writes the site, and where `retailos serve` looks for it. */
export const DEFAULT_SITE_DIR = path.join(DASHBOARDS_DIR, 'dist');
/** The snapshot `retailos dashboards dev` previews. */
export const DEV_SNAPSHOT_DIR = path.join(DASHBOARDS_DIR, '.snapshot');
const CACHE_DIR = path.join(DASHBOARDS_DIR, 'src', '.observablehq', 'cache');
const LOCK_DIR = path.join(DASHBOARDS_DIR, '.build.lock');

export function siteDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.RETAILOS_DASHBOARDS_DIR ?? DEFAULT_SITE_DIR);
}

export function frameworkBin(): string {
  const require = createRequire(path.join(PROJECT_ROOT, 'package.json'));
  const pkg = require.resolve('@observablehq/framework/package.json');
  return path.join(path.dirname(pkg), 'dist', 'bin', 'observable.js');
}

/** Plot is imported from node_modules (no CDN at build time): say so clearly when it is not installed. */
function checkOfflineDependencies(): void {
  for (const name of ['@observablehq/plot', '@observablehq/inputs', '@observablehq/framework', 'htl']) {
    if (!fs.existsSync(path.join(PROJECT_ROOT, 'node_modules', name, 'package.json'))) {
      throw new UserError(`The dashboards need the npm package ${name}: run npm install.`, 'invalid');
    }
  }
}

export interface BuildLog {
  step(message: string): void;
  /** The Framework's own output (one chunk at a time). */
  framework(chunk: string): void;
}

export interface BuildResult {
  outDir: string;
  snapshot: SnapshotSummary;
  pages: number;
  seconds: number;
}

/** Environment for Framework processes: no telemetry, our snapshot and output directories. */
export function frameworkEnv(snapshotDir: string, outDir?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    OBSERVABLE_TELEMETRY_DISABLE: 'true',
    RETAILOS_DASHBOARD_SNAPSHOT: snapshotDir,
    ...(outDir ? { RETAILOS_DASHBOARD_OUT: outDir } : {}),
  };
}

async function runFramework(args: string[], env: NodeJS.ProcessEnv, log: BuildLog): Promise<void> {
  const child = spawn(process.execPath, [frameworkBin(), ...args], {
    cwd: DASHBOARDS_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    log.framework(text);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`Observable Framework build failed (exit ${code}):\n${tail}`);
}

/** One build at a time per checkout: the Framework's loader cache lives in the source tree. */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      fs.writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8').trim() || '0');
      if (owner > 0 && !isAlive(owner)) {
        fs.rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new UserError(`Another dashboards build holds ${LOCK_DIR}.`, 'unavailable');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function countPages(dir: string): number {
  return fs.readdirSync(dir).filter((name) => name.endsWith('.html')).length;
}

/**
 * Exports the snapshot from `source`, then builds the static site into `outDir` with Observable Framework
 * (offline: every library comes from node_modules). The previous site stays in place until the new one is
 * complete (built beside it, then swapped by rename).
 */
export async function buildDashboards(
  source: SnapshotSource,
  outDir: string,
  log: BuildLog,
): Promise<BuildResult> {
  checkOfflineDependencies();
  const started = performance.now();
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const work = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}-build-`));
  try {
    const snapshotDir = path.join(work, 'snapshot');
    log.step(`Exporting the read models from ${source.description} …`);
    const snapshot = await exportSnapshot(source, snapshotDir, (name, index, total) =>
      log.step(`  [${index + 1}/${total}] ${name}`),
    );
    const siteOut = path.join(work, 'site');
    log.step('Building the site with Observable Framework …');
    await withBuildLock(async () => {
      // Loader outputs are cached by the loader's mtime, not its input: drop them so this snapshot is read.
      fs.rmSync(path.join(CACHE_DIR, 'data'), { recursive: true, force: true });
      await runFramework(['build'], frameworkEnv(snapshotDir, siteOut), log);
    });
    const old = `${work}/previous`;
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(siteOut, target);
    return {
      outDir: target,
      snapshot,
      pages: countPages(target),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Exports a snapshot for `observable preview` and runs it (until the process is stopped). */
export async function previewDashboards(
  source: SnapshotSource,
  options: { port: number; host: string },
  log: BuildLog,
): Promise<void> {
  checkOfflineDependencies();
  log.step(`Exporting the read models from ${source.description} to ${DEV_SNAPSHOT_DIR} …`);
  await exportSnapshot(source, DEV_SNAPSHOT_DIR);
  await source.close();
  fs.rmSync(path.join(CACHE_DIR, 'data'), { recursive: true, force: true });
  log.step(`Preview on http://${options.host}:${options.port}/ (edits reload live; Ctrl-C stops)`);
  await runFramework(
    ['preview', '--no-open', '--port', String(options.port), '--host', options.host],
    frameworkEnv(DEV_SNAPSHOT_DIR),
    log,
  );
}
